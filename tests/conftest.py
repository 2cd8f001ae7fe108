"""Shared pytest setup: service markers, per-test media folder and mail outbox.

Tests marked ``postgres`` run only when the default database is PostgreSQL, and ``redis`` only
when REDIS_URL points at a reachable Redis. Otherwise they are skipped, except with
REQUIRE_SERVICES=1 (as in CI), where a missing service fails them instead.
"""

import os
from functools import cache

import pytest
from django.conf import settings


def _services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") == "1"


def _postgres_missing() -> str | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return f"needs PostgreSQL, not {connection.vendor}: set DATABASE_URL=postgres://..."
    return None


@cache
def _redis_missing() -> str | None:
    url = settings.REDIS_URL
    if not url:
        return "needs Redis, but REDIS_URL is not set"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        return f"needs Redis, but REDIS_URL is unreachable: {exc}"
    return None


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]
    where = db.get("HOST") or "local file"
    return [
        f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db['NAME']} @ {where})",
        f"redis: {'configured' if settings.REDIS_URL else 'not configured'}; "
        f"celery: {'broker' if settings.CELERY_BROKER_URL else 'eager, in-process'}; "
        f"REQUIRE_SERVICES={'1' if _services_required() else '0'}",
    ]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Transactional tests that restore the migrated data (serialized_rollback) run before
    the other transactional tests, keeping pytest-django's order otherwise.

    A transactional test without serialized_rollback flushes the database at its end and
    lets post_migrate re-create the content types under new ids; a serialized_rollback test
    after it then cannot restore the content types it saved (duplicate key on
    django_content_type). Run first, the serialized tests each start from the migrated data;
    the others come after and need nothing the migrations seeded."""

    def rank(item: pytest.Item) -> int:
        marker = item.get_closest_marker("django_db")
        if not marker or not marker.kwargs.get("transaction"):
            return 0
        return 1 if marker.kwargs.get("serialized_rollback") else 2

    items.sort(key=rank)  # stable: the order within each group is kept


def pytest_runtest_setup(item: pytest.Item) -> None:
    reasons = []
    if item.get_closest_marker("postgres") and (reason := _postgres_missing()):
        reasons.append(reason)
    if item.get_closest_marker("redis") and (reason := _redis_missing()):
        reasons.append(reason)
    if reasons:
        message = "; ".join(reasons)
        if _services_required():
            pytest.fail(f"REQUIRE_SERVICES=1: {message}", pytrace=False)
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _isolated_media_and_mail(settings, tmp_path):
    """Uploads go to a per-test folder; mail goes to django.core.mail.outbox."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def migrated_data(transactional_db):
    """What the data migrations seed (the department registry and aliases, the role groups,
    the official calendar), put back for a transactional test that runs after another one
    has flushed the database. Each seed is idempotent, so this costs little when present."""
    import importlib

    from django.apps import apps

    class registry:  # stands in for the migration's apps
        """The live models; the calendar seed was written when its models were in tasks."""

        @staticmethod
        def get_model(app_label: str, name: str):
            if app_label == "tasks" and name.startswith("Calendar"):
                app_label = "workdays"
            return apps.get_model(app_label, name)

    for module in (
        "departments.migrations.0002_seed_registry",
        "departments.migrations.0003_role_groups",
        "tasks.migrations.0003_seed_calendar",
    ):
        migration = importlib.import_module(module)
        seed = getattr(migration, "seed", None) or migration.create_groups
        seed(registry, None)


@pytest.fixture
def seed(db):
    """The seed issue, imported by the real importer and published (so indexed for search)."""
    from gazette_seed import import_seed

    return import_seed()


@pytest.fixture
def users(db, django_user_model):
    """Role name → user, one per role of tests/people.py (the anonymous role has none)."""
    from people import role_users

    return role_users(django_user_model)


@pytest.fixture
def client_for(users):
    """A client (DRF's, which also serves pages) signed in as one of ``users``; None is
    anonymous. The inactive user is forced into the session too: the site must still treat
    it as signed out."""
    from rest_framework.test import APIClient

    def make(name=None):
        client = APIClient()
        if name:
            client.force_login(users[name])
        return client

    return make

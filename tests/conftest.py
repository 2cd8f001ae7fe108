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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every transactional test puts back what the migrations seeded (the department registry,
    the role groups, the calendar) when it ends: serialized_rollback. Without it, the flush
    after such a test re-creates the content types under new ids, and a later test with
    serialized_rollback then fails to restore them (duplicate key on django_content_type)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and "serialized_rollback" not in marker.kwargs
        ):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


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

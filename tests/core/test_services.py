"""Smoke tests of the real services, run where they are configured (always in CI)."""

import uuid

import pytest
from django.core.cache import cache
from django.db import connection

from benxi_gazette.celery import app as celery_app


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_is_the_default_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        (version,) = cursor.fetchone()
    assert version >= 140000


@pytest.mark.redis
def test_cache_round_trip_through_redis():
    key = f"smoke-{uuid.uuid4().hex}"
    cache.set(key, {"公报": 6}, timeout=30)
    try:
        assert cache.get(key) == {"公报": 6}
    finally:
        cache.delete(key)


@pytest.mark.redis
def test_celery_broker_is_reachable():
    assert not celery_app.conf.task_always_eager
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)

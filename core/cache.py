"""Django's Redis cache, except that Redis being down costs cache misses, not error pages.

The cache only saves work (a cached filter list, cached API responses): when Redis is
unreachable, reads miss, writes are dropped, and a warning says so (at most once a minute),
so that the site keeps serving from the database. Settings: CACHES in benxi_gazette/settings.py.
"""

from __future__ import annotations

import logging
import time

import redis.exceptions
from django.core.cache.backends import redis as django_redis

logger = logging.getLogger("core.cache")

UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
WARN_EVERY = 60.0
_last_warning = 0.0


def _warn(exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY:
        _last_warning = now
        logger.warning("cache: Redis unreachable (%s); serving without the cache", exc)


def _tolerant(name: str, fallback):
    method = getattr(django_redis.RedisCacheClient, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as exc:
            _warn(exc)
            return fallback(*args) if callable(fallback) else fallback

    call.__name__ = name
    return call


class TolerantRedisCacheClient(django_redis.RedisCacheClient):
    add = _tolerant("add", False)
    get = _tolerant("get", lambda key, default: default)
    set = _tolerant("set", None)
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    get_many = _tolerant("get_many", lambda keys: {})
    has_key = _tolerant("has_key", False)
    set_many = _tolerant("set_many", None)
    delete_many = _tolerant("delete_many", None)
    clear = _tolerant("clear", None)
    # incr raises as before: a counter that silently stops counting would mislead.


class RedisCache(django_redis.RedisCache):
    """Django's RedisCache, whose reads miss and writes are dropped while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient

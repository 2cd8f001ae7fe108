"""The public page tests: ``seed`` (published, indexed) comes from tests/conftest.py."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

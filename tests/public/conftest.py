"""The seed gazette, imported by the real importer, published and indexed for search."""

import pytest
from gazette_seed import import_seed


@pytest.fixture
def seed(db):
    return import_seed()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

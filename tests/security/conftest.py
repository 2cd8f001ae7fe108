"""Fixtures for the security tests: the seed objects the permission matrix fills its URLs with.

The roles (``users``, tests/people.py) are the matrix's: finance is department A (市财政局),
health is department B (市卫生计生委, never on the tasks the matrix uses), both belongs to
市财政局 and 市民政局; ``seed`` and ``client_for`` come from tests/conftest.py.
"""

import pytest


@pytest.fixture
def world(seed, users, django_user_model):
    """The seed objects the permission matrix fills its URLs with (securityhelpers)."""
    from securityhelpers import build_world

    return build_world(users, django_user_model)

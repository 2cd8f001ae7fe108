"""Fixtures for the security tests: the published seed issue and one user per role.

The roles are the ones of the permission matrix (tests/security/permission_matrix.py):
department A is 市财政局, department B is 市卫生计生委 (never on the tasks the matrix uses),
and one user belongs to two departments (市财政局 and 市民政局).
"""

import pytest
from paths import SEED_PATH
from staffhelpers import make_user

STAFF = "department_staff"


@pytest.fixture
def seed(db):
    from documents.services import import_issue

    return import_issue(SEED_PATH.read_text(encoding="utf-8"), publish=True)


@pytest.fixture
def users(db, django_user_model):
    """Role name → user; the anonymous role has no user."""
    return {
        "dept_a": make_user(django_user_model, "dept_a", groups=[STAFF], departments=["市财政局"]),
        "dept_b": make_user(
            django_user_model, "dept_b", groups=[STAFF], departments=["市卫生计生委"]
        ),
        "two_depts": make_user(
            django_user_model, "two_depts", groups=[STAFF], departments=["市财政局", "市民政局"]
        ),
        "supervisor": make_user(django_user_model, "supervisor", groups=["supervisor"]),
        "secretariat": make_user(django_user_model, "secretariat", groups=["secretariat"]),
        "inactive": make_user(
            django_user_model, "inactive", groups=[STAFF], departments=["市财政局"], active=False
        ),
    }


@pytest.fixture
def world(seed, users, django_user_model):
    """The seed objects the permission matrix fills its URLs with (securityhelpers)."""
    from securityhelpers import build_world

    return build_world(users, django_user_model)

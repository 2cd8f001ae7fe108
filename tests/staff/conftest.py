"""Fixtures for the staff pages: the seed issue, one user per role, and clients."""

import pytest
from django.test import Client
from paths import SEED_PATH
from staffhelpers import make_user


@pytest.fixture
def seed(db):
    from documents.services import import_issue

    return import_issue(SEED_PATH.read_text(encoding="utf-8"), publish=True)


@pytest.fixture
def users(db, django_user_model):
    return {
        "finance": make_user(
            django_user_model, "finance", groups=["department_staff"], departments=["市财政局"]
        ),
        "health": make_user(
            django_user_model, "health", groups=["department_staff"], departments=["市卫生计生委"]
        ),
        "supervisor": make_user(django_user_model, "supervisor", groups=["supervisor"]),
        "secretariat": make_user(django_user_model, "secretariat", groups=["secretariat"]),
        "inactive": make_user(
            django_user_model,
            "inactive",
            groups=["department_staff"],
            departments=["市财政局"],
            active=False,
        ),
    }


@pytest.fixture
def client_for(users):
    """A test client signed in as one of ``users`` (None: anonymous). The inactive user is
    forced into the session too: the site must still treat it as signed out."""

    def make(name=None):
        client = Client()
        if name:
            client.force_login(users[name])
        return client

    return make

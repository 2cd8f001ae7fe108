import pytest
from django.contrib.auth.models import Group
from paths import SEED_PATH
from rest_framework.test import APIClient

from departments.models import Department, Membership


@pytest.fixture
def seed(db):
    from documents.services import import_issue

    return import_issue(SEED_PATH.read_text(encoding="utf-8"), publish=True)


def make_user(django_user_model, username, *, groups=(), departments=(), active=True):
    user = django_user_model.objects.create_user(
        username, password="pw-" + username, is_active=active
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    for name in departments:
        Membership.objects.create(user=user, department=Department.objects.get(name=name))
    return user


@pytest.fixture
def users(db, django_user_model):
    return {
        "finance": make_user(
            django_user_model, "finance", groups=["department_staff"], departments=["市财政局"]
        ),
        "health": make_user(
            django_user_model, "health", groups=["department_staff"], departments=["市卫生计生委"]
        ),
        "both": make_user(
            django_user_model,
            "both",
            groups=["department_staff"],
            departments=["市财政局", "市民政局"],
        ),
        "water": make_user(
            django_user_model, "water", groups=["department_staff"], departments=["市水务局"]
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
    def make(name=None):
        client = APIClient()
        if name:
            client.force_login(users[name]) if users[name].is_active else client.login(
                username=name, password="pw-" + name
            )
        return client

    return make

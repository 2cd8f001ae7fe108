"""The test users, defined once: one user per role of the permission matrix, and make_user
for the odd one a test needs. Every suite (API, pages, security, browser) takes them from here.

市财政局 (finance) is the department on the seed's tasks; 市卫生计生委 (health) is on none of
the tasks the matrix uses; ``both`` belongs to two departments; ``inactive`` is a deactivated
member of 市财政局, whom the site must treat as signed out even with a session.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group

from departments.models import Department, Membership

STAFF = "department_staff"


@dataclass(frozen=True)
class Role:
    groups: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    active: bool = True


ROLES: dict[str, Role] = {
    "finance": Role((STAFF,), ("市财政局",)),
    "health": Role((STAFF,), ("市卫生计生委",)),
    "both": Role((STAFF,), ("市财政局", "市民政局")),
    "water": Role((STAFF,), ("市水务局",)),
    "supervisor": Role(("supervisor",)),
    "secretariat": Role(("secretariat",)),
    "inactive": Role((STAFF,), ("市财政局",), active=False),
}


def make_user(django_user_model, username, *, groups=(), departments=(), active=True, pw=None):
    user = django_user_model.objects.create_user(
        username, password=pw or "pw-" + username, is_active=active, first_name=username
    )
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    for name in departments:
        # get_or_create: a transactional test elsewhere may have flushed the seeded registry
        department = Department.objects.get_or_create(name=name)[0]
        Membership.objects.create(user=user, department=department)
    return user


def role_users(django_user_model, names=None, *, password: str | None = None) -> dict:
    """Role name → a user of that role (username = role name), for ``names`` or every role."""
    return {
        name: make_user(
            django_user_model,
            name,
            groups=ROLES[name].groups,
            departments=ROLES[name].departments,
            active=ROLES[name].active,
            pw=password,
        )
        for name in (names or ROLES)
    }

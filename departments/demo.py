"""Demo accounts for the embedded demo (make run). Never created or accepted in production."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Department, Membership, Role

DEMO_GROUP = "demo"
DEMO_PASSWORD = "benxi-demo-2018"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    label: str
    role: str | None
    departments: tuple[str, ...] = ()
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("demo-admin", "系统管理员", None, superuser=True),
    DemoAccount("demo-secretariat", "市政府办公厅（秘书处）", Role.SECRETARIAT, ("市政府办公厅",)),
    DemoAccount("demo-supervisor", "督查", Role.SUPERVISOR),
    DemoAccount("demo-caizheng", "市财政局工作人员", Role.DEPARTMENT_STAFF, ("市财政局",)),
    DemoAccount("demo-weijian", "市卫生计生委工作人员", Role.DEPARTMENT_STAFF, ("市卫生计生委",)),
    DemoAccount("demo-minzheng", "市民政局工作人员", Role.DEPARTMENT_STAFF, ("市民政局",)),
    DemoAccount(
        "demo-pingshan",
        "平山区政府工作人员（各县区政府）",
        Role.DEPARTMENT_STAFF,
        ("平山区政府", "各县区政府"),
    ),
    DemoAccount(
        "demo-fagai",
        "市发展改革委、市财政局兼职人员",
        Role.DEPARTMENT_STAFF,
        ("市发展改革委", "市财政局"),
    ),
)

SECRETARIAT_APPS = ("documents", "tasks", "disclosure", "departments")


def demo_accounts_enabled() -> bool:
    return bool(getattr(settings, "DEMO_ACCOUNTS_ENABLED", settings.DEBUG))


class DemoDisabled(RuntimeError):
    pass


@transaction.atomic
def seed_demo() -> list[tuple[DemoAccount, bool]]:
    """Create the demo accounts; returns (account, created) pairs. Refuses in production."""
    if not demo_accounts_enabled():
        raise DemoDisabled("演示账号只能在演示环境（DEBUG=1 或 DEMO_ACCOUNTS_ENABLED=1）中创建")
    User = get_user_model()
    demo_group, _ = Group.objects.get_or_create(name=DEMO_GROUP)
    secretariat, _ = Group.objects.get_or_create(name=Role.SECRETARIAT)
    secretariat.permissions.set(
        Permission.objects.filter(content_type__app_label__in=SECRETARIAT_APPS)
    )
    results = []
    for acc in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=acc.username, defaults={"first_name": acc.label}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        user.is_superuser = acc.superuser
        user.is_staff = acc.superuser or acc.role == Role.SECRETARIAT
        user.save()
        user.groups.add(demo_group)
        if acc.role:
            user.groups.add(Group.objects.get_or_create(name=acc.role)[0])
        for name in acc.departments:
            dept = Department.objects.get(name=name)
            Membership.objects.get_or_create(user=user, department=dept)
        results.append((acc, created))
    return results

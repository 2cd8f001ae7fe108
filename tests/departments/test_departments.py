"""The department registry: seeded names and aliases, resolving, merging, roles, demo accounts."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from factories import AssignmentFactory, DepartmentFactory, TaskFactory

from departments.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from departments.models import Department, DepartmentAlias, Membership, Role
from departments.services import DepartmentResolver, guess_kind, merge_department

pytestmark = pytest.mark.django_db


def test_registry_is_seeded_with_kinds_and_aliases():
    assert Department.objects.get(name="市财政局").kind == "city"
    assert Department.objects.get(name="各县区政府").kind == "group"
    assert Department.objects.get(name="平山区政府").kind == "county"
    alias = DepartmentAlias.objects.get(name="市住房和城乡建设委")
    assert alias.department.name == "市住房城乡建设委"


def test_role_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.ALL)


def test_resolver_merges_aliases_and_creates_unknown_names_for_review():
    resolver = DepartmentResolver()
    assert resolver.resolve("市住房和城乡建设委").name == "市住房城乡建设委"
    assert resolver.resolve("各县（区）政府").name == "各县区政府"  # full-width parentheses
    new = resolver.resolve("市大数据局")
    assert new.needs_review and new.kind == "city"
    assert resolver.resolve("市大数据局") == new and resolver.created == [new]
    assert resolver.resolve("各区、县级市").kind == "group"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("各区、县级市", "group"),
        ("有关部门", "group"),
        ("桓仁县政府", "county"),
        ("市税务局", "city"),
        ("本溪银监分局", "other"),
    ],
)
def test_guess_kind(name, kind):
    assert guess_kind(name) == kind


def test_merge_department_moves_assignments_and_keeps_the_name_as_alias():
    target = Department.objects.get(name="市财政局")
    source = DepartmentFactory(name="本溪市财政局", needs_review=True)
    moved = AssignmentFactory(department=source)
    both = TaskFactory()
    AssignmentFactory(task=both, department=source, role="support")
    AssignmentFactory(task=both, department=target, role="lead")
    merge_department(source, target)
    assert not Department.objects.filter(pk=source.pk).exists()
    assert DepartmentAlias.objects.get(name="本溪市财政局").department == target
    moved.refresh_from_db()
    assert moved.department == target
    assert both.assignments.get().role == "lead"
    with pytest.raises(ValueError):
        merge_department(target, target)


def test_seed_demo_creates_one_account_per_role_with_memberships(settings):
    settings.DEMO_ACCOUNTS_ENABLED = True
    call_command("seed_demo", stdout=__import__("io").StringIO())
    for acc in DEMO_ACCOUNTS:
        user = authenticate(username=acc.username, password=DEMO_PASSWORD)
        assert user is not None, acc.username
        assert set(
            Membership.objects.filter(user=user).values_list("department__name", flat=True)
        ) == set(acc.departments)
        if acc.role:
            assert user.groups.filter(name=acc.role).exists()
    call_command("seed_demo", stdout=__import__("io").StringIO())  # twice is fine


def test_production_refuses_to_create_or_accept_demo_accounts(settings):
    settings.DEMO_ACCOUNTS_ENABLED = True
    call_command("seed_demo", stdout=__import__("io").StringIO())
    settings.DEMO_ACCOUNTS_ENABLED = False
    with pytest.raises(CommandError, match="演示环境"):
        call_command("seed_demo")
    assert authenticate(username="demo-supervisor", password=DEMO_PASSWORD) is None

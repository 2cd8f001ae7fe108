"""Who may see and do what: roles from groups, departments from memberships, one place.

The API's permission classes and the HTML views both ask these functions, so a rule is
written once. Results are cached on the user object for the length of a request.
"""

from __future__ import annotations

from .models import Membership, Role


def _load(user) -> None:
    """The user's role names and department ids, in one query (a UNION of the two)."""
    from django.contrib.auth.models import Group
    from django.db.models import CharField, IntegerField, Value

    groups = Group.objects.filter(user=user).values_list(
        "name", Value(0, output_field=IntegerField())
    )
    departments = Membership.objects.filter(user=user).values_list(
        Value("", output_field=CharField()), "department_id"
    )
    names, ids = set(), set()
    for name, department_id in groups.union(departments, all=True):
        if name:
            names.add(name)
        else:
            ids.add(department_id)
    user._gazette_roles, user._gazette_departments = frozenset(names), frozenset(ids)


def roles(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if getattr(user, "_gazette_roles", None) is None:
        _load(user)
    return user._gazette_roles


def is_secretariat(user) -> bool:
    """市政府办公厅: imports, edits and publishes issues."""
    return bool(
        getattr(user, "is_superuser", False) and user.is_active
    ) or Role.SECRETARIAT in roles(user)


def is_supervisor(user) -> bool:
    """督查: reads everything, urges and closes."""
    return bool(
        getattr(user, "is_superuser", False) and user.is_active
    ) or Role.SUPERVISOR in roles(user)


def sees_everything(user) -> bool:
    return is_secretariat(user) or is_supervisor(user)


def department_ids(user) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if getattr(user, "_gazette_departments", None) is None:
        _load(user)
    return user._gazette_departments


def may_report_on(user, task) -> bool:
    """Staff of a department assigned to the task report progress and change its status,
    once the task's issue is published."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    ids = department_ids(user)
    return (
        bool(ids)
        and task.document.issue.is_published
        and any(a.department_id in ids for a in task.assignments.all())
    )


def reporting_department_id(user, task) -> int | None:
    """The department a report is filed for: the user's first department on the task."""
    ids = department_ids(user)
    return next((a.department_id for a in task.assignments.all() if a.department_id in ids), None)

"""Who may see and do what: roles from groups, departments from memberships, one place.

The API's permission classes and the HTML views both ask these functions, so a rule is
written once. Results are cached on the user object for the length of a request.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from .models import Role


def roles(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_gazette_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._gazette_roles = cached
    return cached


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
    cached = getattr(user, "_gazette_departments", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("department_id", flat=True))
        user._gazette_departments = cached
    return cached


def scope_tasks(qs: QuerySet, user) -> QuerySet:
    """Tasks a user may read: all for secretariat and supervisors, else their departments'
    tasks in published issues (a draft, still under the secretariat's review, is hidden from
    the departments like the draft's documents are)."""
    if sees_everything(user):
        return qs
    ids = department_ids(user)
    if not ids:
        return qs.none()
    from documents.models import GazetteIssue
    from tasks.models import TaskAssignment

    return qs.filter(
        Exists(TaskAssignment.objects.filter(task=OuterRef("pk"), department_id__in=ids)),
        document__issue__status=GazetteIssue.Status.PUBLISHED,
    )


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

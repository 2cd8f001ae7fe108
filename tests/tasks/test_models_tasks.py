"""Task constraints and derived state."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from factories import AssignmentFactory, DepartmentFactory, TaskFactory

from departments.models import Department
from tasks.models import Task, TaskAssignment

pytestmark = pytest.mark.django_db


def test_a_department_is_assigned_to_a_task_once():
    assignment = AssignmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskAssignment.objects.create(
            task=assignment.task, department=assignment.department, role="support"
        )
    assert assignment.task.assignments.count() == 1


def test_a_department_with_assignments_cannot_be_deleted():
    assignment = AssignmentFactory()
    with pytest.raises(ProtectedError), transaction.atomic():
        assignment.department.delete()
    assert Department.objects.filter(pk=assignment.department.pk).exists()


def test_overdue_is_derived_from_next_due_status_and_publication():
    today = timezone.localdate()
    late = TaskFactory(next_due=today - timedelta(days=1))
    assert not late.is_overdue(today)  # a draft's deadline is not in force yet
    late.document.issue.status = "published"
    assert late.is_overdue(today)
    assert not late.is_overdue(today - timedelta(days=1))
    late.status = Task.Status.DONE
    assert not late.is_overdue(today)
    on_time = TaskFactory(next_due=today)
    on_time.document.issue.status = "published"
    assert not on_time.is_overdue(today)
    assert not TaskFactory(next_due=None).is_overdue(today)


def test_duplicate_department_name_is_refused():
    DepartmentFactory(name="市测试局")
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(name="市测试局")


def test_the_task_rules_as_querysets(django_user_model):
    """published, open, overdue(today), due_within(n, today, calendar), visible_to(user):
    the rules every read uses, on tasks and on assignments alike."""
    from django.contrib.auth.models import Group

    from departments.models import Membership
    from tasks.models import within_limit
    from workdays.calendars import current_calendar

    today, cal = timezone.localdate(), current_calendar()
    dept, other = DepartmentFactory(name="市甲局"), DepartmentFactory(name="市乙局")

    def task(due, *, published=True, status=Task.Status.OPEN, department=dept):
        t = TaskFactory(next_due=due, status=status)
        if published:
            t.document.issue.status = "published"
            t.document.issue.save()
        AssignmentFactory(task=t, department=department, role="lead")
        return t

    late = task(today - timedelta(days=3))
    late_draft = task(today - timedelta(days=3), published=False)
    late_done = task(today - timedelta(days=3), status=Task.Status.DONE)
    soon = task(within_limit(today, cal))
    later = task(within_limit(today, cal) + timedelta(days=1))
    elsewhere = task(today - timedelta(days=3), department=other)
    ids = lambda qs: set(qs.values_list("pk", flat=True))  # noqa: E731
    assert ids(Task.objects.overdue(today)) == {late.pk, elsewhere.pk}
    assert ids(Task.objects.due_within(5, today, cal)) == {soon.pk}
    assert later.pk not in ids(Task.objects.due_within(5, today, cal))
    assert late_done.pk not in ids(Task.objects.open()) and late_draft.pk in ids(
        Task.objects.open()
    )
    assert late_draft.pk not in ids(Task.objects.published())
    overdue_assignments = TaskAssignment.objects.overdue(today)
    assert set(overdue_assignments.values_list("task_id", flat=True)) == {late.pk, elsewhere.pk}

    staff = django_user_model.objects.create_user("staff")
    Membership.objects.create(user=staff, department=dept)
    assert ids(Task.objects.visible_to(staff)) == {late.pk, late_done.pk, soon.pk, later.pk}
    supervisor = django_user_model.objects.create_user("sup")
    supervisor.groups.add(Group.objects.get(name="supervisor"))
    assert late_draft.pk in ids(Task.objects.visible_to(supervisor))
    nobody = django_user_model.objects.create_user("nobody")
    assert not Task.objects.visible_to(nobody).exists()
    inactive = django_user_model.objects.create_user("gone", is_active=False)
    Membership.objects.create(user=inactive, department=dept)
    assert not Task.objects.visible_to(inactive).exists()

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


def test_overdue_is_derived_from_next_due_and_status():
    today = timezone.localdate()
    late = TaskFactory(next_due=today - timedelta(days=1))
    assert late.is_overdue
    late.status = Task.Status.DONE
    assert not late.is_overdue
    assert not TaskFactory(next_due=today).is_overdue
    assert not TaskFactory(next_due=None).is_overdue


def test_duplicate_department_name_is_refused():
    DepartmentFactory(name="市测试局")
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(name="市测试局")

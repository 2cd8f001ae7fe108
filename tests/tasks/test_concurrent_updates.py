"""Two people updating one task at the same moment, on PostgreSQL, in two threads with their
own connections: neither update is lost. Two reports both land (the task row is locked while
each is written); two status changes made on the same version: one lands and the other is told
the task changed, instead of overwriting it."""

import threading

import pytest
from django.db import connections
from factories import AssignmentFactory, MembershipFactory, TaskFactory

from documents.models import GazetteIssue
from tasks.models import ProgressReport, Task
from tasks.services import StaleVersion, report_progress, urge

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*calls):
    """Run the calls in threads released together; each outcome is a value or an exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(10)
            outcomes[i] = call()
        except Exception as exc:  # recorded, asserted by the test
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


@pytest.fixture
def task_of_two(django_user_model):
    task = TaskFactory(status=Task.Status.OPEN)
    GazetteIssue.objects.filter(pk=task.document.issue_id).update(status="published")
    people = []
    for name in ("甲", "乙"):
        dept = AssignmentFactory(task=task).department
        user = django_user_model.objects.create_user(f"staff-{name}")
        MembershipFactory(user=user, department=dept)
        people.append(user)
    return Task.objects.select_related("document__issue").get(pk=task.pk), people


def test_two_reports_at_once_both_land(task_of_two):
    task, (a, b) = task_of_two
    outcomes = at_once(
        lambda: report_progress(task, a, text="甲部门：已完成调研"),
        lambda: report_progress(task, b, text="乙部门：已报送材料"),
    )
    assert all(isinstance(o, ProgressReport) for o in outcomes), outcomes
    texts = set(ProgressReport.objects.filter(task=task).values_list("text", flat=True))
    assert texts == {"甲部门：已完成调研", "乙部门：已报送材料"}
    # a report adds to the task without changing it: the version guards status changes
    assert Task.objects.get(pk=task.pk).version == task.version


def test_two_status_changes_on_one_version_one_wins_the_other_is_told(task_of_two):
    task, (a, b) = task_of_two
    outcomes = at_once(
        lambda: report_progress(task, a, text="开始办理", kind="in_progress", version=task.version),
        lambda: report_progress(task, b, text="同时开始", kind="in_progress", version=task.version),
    )
    won = [o for o in outcomes if isinstance(o, ProgressReport)]
    told = [o for o in outcomes if isinstance(o, StaleVersion)]
    assert len(won) == 1 and len(told) == 1, outcomes
    assert "请刷新后重试" in str(told[0])
    fresh = Task.objects.get(pk=task.pk)
    assert fresh.status == Task.Status.IN_PROGRESS and fresh.version == task.version + 1
    assert ProgressReport.objects.filter(task=task).count() == 1  # nothing half-written


def test_a_report_and_an_urge_at_once_both_land(task_of_two, django_user_model):
    from django.contrib.auth.models import Group

    task, (a, _b) = task_of_two
    supervisor = django_user_model.objects.create_user("督查-1")
    supervisor.groups.add(Group.objects.get_or_create(name="supervisor")[0])
    department = task.assignments.first().department
    outcomes = at_once(
        lambda: report_progress(task, a, text="进展顺利"),
        lambda: urge(task, supervisor, department=department, message="请加快进度"),
    )
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert task.progress_reports.count() == 1 and task.urges.count() == 1

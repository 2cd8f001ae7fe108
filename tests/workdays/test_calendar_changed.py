"""A calendar change, announced by workdays.signals.calendar_changed, recomputes the deadlines
of tasks and of disclosure events, each app by its own job, once per change (real database,
jobs run in-process and recorded in the job log)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings
from factories import DepartmentFactory, DocumentFactory, TaskFactory

from core.models import JobRun
from disclosure.models import DisclosureEvent, DisclosureItem
from disclosure.services import apply_due
from tasks.models import Task
from tasks.services import recompute_deadlines
from workdays.calendars import current_calendar, enter_holiday_notice, stored_version
from workdays.models import CalendarDay
from workdays.signals import calendar_changed

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("eager"),
]
SH = ZoneInfo("Asia/Shanghai")
JOBS = ("tasks.recompute_deadlines", "disclosure.recompute_deadlines")


@pytest.fixture
def eager():
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True):
        yield


@pytest.fixture
def task():
    # 2030-10-01 is a Tuesday; 2030 has no schedule entered, so only weekends count yet
    task = TaskFactory(deadline_kind="due", due_on=date(2030, 10, 1), roll_to_working_day=True)
    recompute_deadlines()
    task.refresh_from_db()
    assert task.next_due == date(2030, 10, 1) and task.deadline_provisional
    return task


@pytest.fixture
def event():
    item = DisclosureItem.objects.create(
        document=DocumentFactory(), order=1, seq="1", rule_kind="working_days", rule_n=1
    )
    event = DisclosureEvent(
        item=item,
        department=DepartmentFactory(),
        subject="某公司取水许可",
        event="决定作出",
        occurred_at=datetime(2030, 9, 30, 10, tzinfo=SH),  # a Monday
        rule_kind="working_days",
        rule_n=1,
    )
    apply_due(event, current_calendar())
    event.save()
    assert event.due_at.astimezone(SH).date() == date(2030, 10, 1)
    return event


def runs() -> list[str]:
    return sorted(JobRun.objects.filter(name__in=JOBS).values_list("name", flat=True))


def test_a_day_saved_recomputes_tasks_and_disclosure_events(
    task, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=date(2030, 10, 1), kind="holiday", name="国庆节")
    task.refresh_from_db()
    event.refresh_from_db()
    assert task.next_due == date(2030, 10, 2)  # rolled past the new holiday
    assert event.due_at.astimezone(SH).date() == date(2030, 10, 2)
    assert runs() == sorted(JOBS)


def test_a_day_deleted_recomputes_them_back(task, event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        day = CalendarDay.objects.create(date=date(2030, 10, 1), kind="holiday", name="国庆节")
    with django_capture_on_commit_callbacks(execute=True):
        day.delete()
    task.refresh_from_db()
    event.refresh_from_db()
    assert task.next_due == date(2030, 10, 1)
    assert event.due_at.astimezone(SH).date() == date(2030, 10, 1)


def test_many_rows_in_one_transaction_run_each_job_once(
    task, event, django_capture_on_commit_callbacks
):
    """The admin's bulk delete, a restore: one signal per row, one job per app."""
    sent = []

    def count(sender, version, **kwargs):
        sent.append(version)

    calendar_changed.connect(count)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            for d in (1, 2, 3):
                CalendarDay.objects.create(date=date(2030, 10, d), kind="holiday", name="国庆节")
            CalendarDay.objects.filter(date__year=2030).delete()
            for d in (1, 2, 3):
                CalendarDay.objects.create(date=date(2030, 10, d), kind="holiday", name="国庆节")
    finally:
        calendar_changed.disconnect(count)
    assert len(sent) == 9 and sent == sorted(sent) and sent[-1] == stored_version()
    assert len(callbacks) == 2 * 9  # every signal asked, ...
    assert runs() == sorted(JOBS)  # ... only the last change's ran the two jobs
    task.refresh_from_db()
    event.refresh_from_db()
    assert task.next_due == date(2030, 10, 4)
    assert event.due_at.astimezone(SH).date() == date(2030, 10, 4)


def test_a_pasted_notice_is_one_change(task, event, django_capture_on_commit_callbacks):
    sent = []
    calendar_changed.connect(receiver := lambda sender, version, **kw: sent.append(version))
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            enter_holiday_notice(
                2030,
                "一、元旦：1月1日（周二）放假1天。\n二、国庆节：10月1日（周二）至7日（周一）放假调休，"
                "共7天。9月29日（周日）、10月12日（周六）上班。",
            )
    finally:
        calendar_changed.disconnect(receiver)
    assert len(sent) == 1 and len(callbacks) == 2
    assert runs() == sorted(JOBS)
    task.refresh_from_db()
    event.refresh_from_db()
    assert task.next_due == date(2030, 10, 8) and not task.deadline_provisional
    assert event.due_at.astimezone(SH).date() == date(2030, 10, 8)
    assert not event.due_provisional


def test_a_change_rolled_back_schedules_nothing(task, django_capture_on_commit_callbacks):
    version = stored_version()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        CalendarDay.objects.create(date=date(2030, 10, 1), kind="holiday", name="国庆节")
        raise RuntimeError("the admin's save failed later")
    assert callbacks == [] and runs() == [] and stored_version() == version
    assert Task.objects.get().next_due == date(2030, 10, 1)


def test_a_repeated_recompute_changes_nothing(task, event, django_capture_on_commit_callbacks):
    from disclosure.tasks import recompute_deadlines as disclosure_job
    from tasks.tasks import recompute_deadlines as tasks_job

    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=date(2030, 10, 1), kind="holiday", name="国庆节")
    assert tasks_job.apply().get() == 0
    assert disclosure_job.apply().get() == 0

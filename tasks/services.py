"""Writes on tasks that carry rules: recomputing deadlines."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .calendars import current_calendar
from .deadlines import WorkCalendar, next_due
from .models import Task

DEADLINE_INPUTS = (
    "deadline_kind",
    "due_on",
    "start_on",
    "every",
    "by",
    "n",
    "unit",
    "event_at",
    "roll_to_working_day",
)


def compute_next_due(task: Task, today: date, calendar: WorkCalendar) -> tuple[date | None, bool]:
    """(next_due, provisional) of a task by its deadline spec and the calendar."""
    due = next_due(
        task.deadline_kind,
        today,
        due_on=task.due_on,
        start_on=task.start_on,
        every=task.every or None,
        by=task.by or None,
        calendar=calendar,
        roll=task.roll_to_working_day,
        n=task.n,
        unit=task.unit or None,
        event_day=timezone.localtime(task.event_at).date() if task.event_at else None,
    )
    return due, bool(due and calendar.is_provisional(due))


def apply_next_due(task: Task, today: date, calendar: WorkCalendar) -> bool:
    """Set next_due and the provisional flag on ``task`` in memory; True when they changed."""
    due, provisional = compute_next_due(task, today, calendar)
    changed = (due, provisional) != (task.next_due, task.deadline_provisional)
    task.next_due, task.deadline_provisional = due, provisional
    return changed


def recompute_deadlines(today: date | None = None, batch_size: int = 2000) -> int:
    """Recompute every open task's next_due (after a calendar change, and nightly so that
    recurring deadlines roll forward). Idempotent; returns how many tasks changed."""
    today = today or timezone.localdate()
    calendar = current_calendar()
    changed: list[Task] = []
    total = 0
    tasks = Task.objects.exclude(status=Task.Status.DONE).only(
        "id", "next_due", "deadline_provisional", *DEADLINE_INPUTS
    )
    for task in tasks.iterator(chunk_size=batch_size):
        if apply_next_due(task, today, calendar):
            changed.append(task)
        if len(changed) >= batch_size:
            Task.objects.bulk_update(changed, ["next_due", "deadline_provisional"])
            total += len(changed)
            changed = []
    if changed:
        Task.objects.bulk_update(changed, ["next_due", "deadline_provisional"])
        total += len(changed)
    return total


def record_task_event(task: Task, occurred_at, today: date | None = None) -> Task:
    """The trigger event of a relative deadline happened (重大突发公共卫生事件 …): set its due."""
    if task.deadline_kind != Task.DeadlineKind.RELATIVE:
        raise ValueError("只有“事件后限时”的任务需要登记起算事件")
    task.event_at = occurred_at
    apply_next_due(task, today or timezone.localdate(), current_calendar())
    task.save(update_fields=["event_at", "next_due", "deadline_provisional", "updated_at"])
    return task

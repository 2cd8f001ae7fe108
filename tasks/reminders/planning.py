"""Which reminder is due (planning): the thresholds a day has reached, the candidates (open
tasks × departments, unpublished disclosure events), and recording them once."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Case as CaseExpr
from django.db.models import (
    CharField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    UUIDField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, TruncDate
from django.db.models.lookups import Exact, LessThan, LessThanOrEqual
from django.utils import timezone

from workdays.calendars import current_calendar
from workdays.engine import WorkCalendar

from ..models import Reminder, TaskAssignment
from .sql import DaysBetween, insert_select


@dataclass(frozen=True)
class Plan:
    """Which threshold each due date has reached on ``day``.

    ``windows`` holds (threshold, first, last) for the before-thresholds, nearest first: a
    task due in [first, last] has reached that threshold (e.g. before:1 for the due dates
    with at most 1 working day left, before:5 for those with 2 to 5). Due today is ``due``;
    n days overdue is ``overdue:k`` with k = (n - 1) // 7 + 1, the week of overdue.
    """

    day: date
    windows: tuple[tuple[str, date, date], ...]

    @property
    def horizon(self) -> date:
        """The latest due date that gets a reminder on ``day``."""
        return self.windows[-1][2] if self.windows else self.day


def plan_for(
    day: date, calendar: WorkCalendar | None = None, thresholds: Iterable[int] | None = None
) -> Plan:
    calendar = calendar or current_calendar()
    levels = sorted(set(settings.REMINDER_THRESHOLDS if thresholds is None else thresholds))
    windows = []
    first = day + timedelta(days=1)
    for n in levels:
        # the last date with at most n working days left: the day before the (n+1)-th
        last = calendar.add_working_days(day, n + 1) - timedelta(days=1)
        windows.append((f"before:{n}", first, last))
        first = last + timedelta(days=1)
    return Plan(day, tuple(windows))


def threshold_for(due: date, plan: Plan) -> str | None:
    """The threshold a deadline ``due`` has reached on ``plan.day`` (None: nothing yet)."""
    if due == plan.day:
        return "due"
    if due < plan.day:
        return f"overdue:{((plan.day - due).days - 1) // 7 + 1}"
    for threshold, _first, last in plan.windows:
        if due <= last:
            return threshold
    return None


def threshold_expression(due, plan: Plan) -> CaseExpr:
    """``threshold_for`` as SQL over the date expression ``due`` (rows with due ≤ horizon)."""
    overdue_week = (DaysBetween(due, plan.day) - Value(1)) / Value(7) + Value(1)
    whens = [
        When(Exact(due, plan.day), then=Value("due")),
        When(
            LessThan(due, plan.day),
            then=Concat(Value("overdue:"), Cast(overdue_week, CharField())),
        ),
    ]
    whens += [
        When(LessThanOrEqual(due, last), then=Value(threshold))
        for threshold, _first, last in plan.windows
    ]
    return CaseExpr(*whens, output_field=CharField())


def task_candidates(plan: Plan) -> QuerySet:
    """(task, department, threshold, due) of every open task's reminder due on plan.day, in
    published issues."""
    # a draft's tasks are not in force yet: nobody is reminded of them
    return (
        TaskAssignment.objects.published()
        .open()
        .filter(task__next_due__lte=plan.horizon)
        .annotate(
            r_due=F("task__next_due"), r_threshold=threshold_expression(F("task__next_due"), plan)
        )
    )


def event_candidates(plan: Plan) -> QuerySet:
    """(event, department, threshold, due) of every unpublished disclosure event's reminder."""
    from disclosure.models import DisclosureEvent

    end = timezone.make_aware(datetime.combine(plan.horizon + timedelta(days=1), time.min))
    due = TruncDate("due_at")
    return DisclosureEvent.objects.filter(
        published_at__isnull=True, due_at__isnull=False, due_at__lt=end
    ).annotate(r_due=due, r_threshold=threshold_expression(due, plan))


def record(candidates: QuerySet, subject: str, token: uuid.UUID, now: datetime) -> int:
    """INSERT the candidates as this sweep's reminders, skipping keys already recorded."""
    rows = candidates.annotate(
        r_status=Value(Reminder.Status.SENT),
        r_batch=Value(token, output_field=UUIDField()),
        r_now=Value(now, output_field=DateTimeField()),
    ).values_list(
        "task_id" if subject == "task" else "id",
        "department_id",
        "r_threshold",
        "r_due",
        "r_status",
        "r_batch",
        "r_now",
    )
    # One order for every sweep, so that two concurrent inserts of the same keys queue
    # behind each other instead of deadlocking.
    rows = rows.order_by(*(("task_id", "department_id") if subject == "task" else ("id",)))
    columns = [subject, "department", "threshold", "due_on", "status", "batch"]
    return insert_select(Reminder, [*columns, "created_at"], rows)


def already_recorded(candidates: QuerySet, subject: str) -> int:
    """How many candidates have their reminder recorded already (for a dry run)."""
    key = "task_id" if subject == "task" else "id"
    existing = Reminder.objects.filter(
        **{f"{subject}_id": OuterRef(key)},
        department_id=OuterRef("department_id"),
        threshold=OuterRef("r_threshold"),
        due_on=OuterRef("r_due"),
    )
    return candidates.filter(Exists(existing)).count()

"""The next due date of a DeadlineSpec on a working-day calendar: ``next_due(spec, today, cal)``.

One function for every kind and every user: tasks (a date), disclosure events (a date, or a
moment for hour limits), the importer. Plain Python (no Django).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .calendar import WorkCalendar
from .spec import DUE, ONGOING, RECURRING, RELATIVE, DeadlineSpec


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _month_day(y: int, m: int, d: int) -> date:
    return date(y, m, min(d, calendar.monthrange(y, m)[1]))


def period_end(every: str, today: date) -> date:
    """End of the period (quarter, half, month, year) that contains ``today``."""
    if every == "quarter":
        return _month_end(today.year, ((today.month - 1) // 3 + 1) * 3)
    if every == "half":
        return _month_end(today.year, 6 if today.month <= 6 else 12)
    if every == "month":
        return _month_end(today.year, today.month)
    return date(today.year, 12, 31)


def _next_yearly(by: str, today: date) -> date:
    month, day = (int(x) for x in by.split("-"))
    candidate = _month_day(today.year, month, day)
    return candidate if candidate >= today else _month_day(today.year + 1, month, day)


def _next_monthly(by: str | None, today: date) -> date:
    if not by:
        return _month_end(today.year, today.month)
    day = int(by.strip("-"))
    candidate = _month_day(today.year, today.month, day)
    if candidate >= today:
        return candidate
    y, m = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return _month_day(y, m, day)


@dataclass(frozen=True)
class Due:
    """When a spec falls due: ``day`` (None: no date yet), ``at`` for an hour limit (the event's
    moment plus n hours), and ``provisional`` when a year from the event (if any) to the due
    date has no official holiday schedule."""

    day: date | None
    at: datetime | None = None
    provisional: bool = False


NO_DUE = Due(None)


def next_due(
    spec: DeadlineSpec,
    today: date,
    calendar: WorkCalendar,
    *,
    event_at: datetime | None = None,
) -> Due:
    """The next date ``spec`` falls due on or after ``today``.

    A relative deadline counts from its event, ``event_at`` (a local time: its date is the
    event's day): working days and days from the day after (民法典 第二百零一条), hours from the
    moment; a task's date for hours is the event's day plus whole days. A recurring deadline
    rolls to its next occurrence on or after ``today``. With ``spec.roll`` a date that falls on a
    rest day moves to the next working day (off by default: a fixed date in a document is that
    date). ``event_at`` also widens the provisional check to the years from the event on.
    """
    event_day = event_at.date() if event_at is not None else None
    at = None
    if spec.kind == RELATIVE:
        if event_at is None or spec.n is None:
            return NO_DUE
        if spec.unit == "hours":
            at = event_at + timedelta(hours=spec.n)
        found = _relative_due(spec.n, spec.unit, event_day, calendar)
    else:
        found = _next_due(spec, today)
    if found is None:
        return NO_DUE
    if spec.roll:
        found = calendar.roll_forward(found)
    last = at.date() if at is not None else found
    span = (event_day, last) if event_day is not None else (last,)
    return Due(found, at, calendar.is_provisional(*span))


def _relative_due(n: int, unit: str | None, event_day: date, calendar: WorkCalendar) -> date:
    if unit == "working_days":
        return calendar.add_working_days(event_day, n)
    if unit == "hours":
        return event_day + timedelta(days=n // 24)
    return event_day + timedelta(days=n)


def _next_due(spec: DeadlineSpec, today: date) -> date | None:
    """A fixed due date stays as it is once passed (the task is then overdue). A recurring deadline
    rolls to its next occurrence. An ongoing duty is due at each reporting period's end when the
    document names a cadence.
    """
    if spec.kind == DUE:
        return spec.due
    if spec.kind == RECURRING and spec.every:
        if spec.every == "year" and spec.by:
            return _next_yearly(spec.by, today)
        if spec.every == "month":
            return _next_monthly(spec.by, today)
        return period_end(spec.every, today)
    if spec.kind == ONGOING and spec.every:
        anchor = max(today, spec.start) if spec.start else today
        return period_end(spec.every, anchor)
    return None

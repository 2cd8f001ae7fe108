"""Next due date of a deadline spec (due / ongoing / recurring / relative), in calendar days.

Working-day arithmetic and holiday adjustment build on this with a calendar object.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from .calendar import WorkCalendar


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


def next_due(
    kind: str,
    today: date,
    *,
    due_on: date | None = None,
    start_on: date | None = None,
    every: str | None = None,
    by: str | None = None,
    calendar: WorkCalendar | None = None,
    roll: bool = False,
    n: int | None = None,
    unit: str | None = None,
    event_day: date | None = None,
) -> date | None:
    """The next date a task falls due on or after ``today``; None when it has no date.

    A relative deadline (N working days / days / hours after an event) is due once its event
    is recorded (``event_day``, the event's local date); hours round to the event's day plus
    whole days, since a task's due date is a date. With ``roll`` and a calendar, a date that
    falls on a rest day moves to the next working day (off by default: a fixed date in a
    document is that date).
    """
    if kind == "relative":
        found = _relative_due(n, unit, event_day, calendar)
    else:
        found = _next_due(kind, today, due_on=due_on, start_on=start_on, every=every, by=by)
    if found is not None and roll and calendar is not None:
        return calendar.roll_forward(found)
    return found


def _relative_due(
    n: int | None, unit: str | None, event_day: date | None, calendar: WorkCalendar | None
) -> date | None:
    if event_day is None or n is None:
        return None
    if unit == "working_days":
        if calendar is None:
            raise ValueError("working-day deadlines need a calendar")
        return calendar.add_working_days(event_day, n)
    if unit == "hours":
        return event_day + timedelta(days=n // 24)
    return event_day + timedelta(days=n)


def _next_due(
    kind: str,
    today: date,
    *,
    due_on: date | None,
    start_on: date | None,
    every: str | None,
    by: str | None,
) -> date | None:
    """A fixed due date stays as it is once passed (the task is then overdue). A recurring deadline
    rolls to its next occurrence. An ongoing duty is due at each reporting period's end when the
    document names a cadence. A relative deadline needs its event first.
    """
    if kind == "due":
        return due_on
    if kind == "recurring" and every:
        if every == "year" and by:
            return _next_yearly(by, today)
        if every == "month":
            return _next_monthly(by, today)
        return period_end(every, today)
    if kind == "ongoing" and every:
        anchor = max(today, start_on) if start_on else today
        return period_end(every, anchor)
    return None

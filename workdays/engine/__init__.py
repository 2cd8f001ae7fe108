"""Deadline arithmetic on plain Python dates (no Django): the working-day calendar, the spec
of a deadline as written, and its next due date."""

from .calendar import CalendarRangeError, WorkCalendar, weekends_only
from .due import NO_DUE, Due, next_due, period_end
from .spec import RULE_FIELDS, TASK_FIELDS, DeadlineSpec

__all__ = [
    "NO_DUE",
    "RULE_FIELDS",
    "TASK_FIELDS",
    "CalendarRangeError",
    "DeadlineSpec",
    "Due",
    "WorkCalendar",
    "next_due",
    "period_end",
    "weekends_only",
]

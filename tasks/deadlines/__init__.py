"""Deadline arithmetic on plain Python dates (no Django): the working-day calendar and specs."""

from .calendar import CalendarRangeError, WorkCalendar, weekends_only
from .specs import next_due, period_end

__all__ = ["CalendarRangeError", "WorkCalendar", "next_due", "period_end", "weekends_only"]

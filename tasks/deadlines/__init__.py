"""Deadline arithmetic on plain Python dates (no Django): next occurrences of deadline specs."""

from .specs import next_due, period_end

__all__ = ["next_due", "period_end"]

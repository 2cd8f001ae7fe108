"""The working-day calendar (节假日安排): its tables, their loader and the pure deadline engine.

Below tasks and disclosure: it imports neither; a calendar change is announced upward by the
``workdays.signals.calendar_changed`` signal.
"""

"""Periodic jobs (定时任务): the one place that says what runs when.

Read by Celery beat (`celery -A benxi_gazette beat`) through settings.CELERY_BEAT_SCHEDULE, and
by the embedded scheduler (`python manage.py run_schedule`) when there is no broker.

Jobs are added here, each a thin Celery task that calls a service, e.g.::

    from celery.schedules import crontab
    from benxi_gazette.schedule import env_time

    hour, minute = env_time("REMINDER_TIME", "08:30")
    BEAT_SCHEDULE["send-due-reminders"] = {
        "task": "tasks.tasks.send_due_reminders",
        "schedule": crontab(hour=hour, minute=minute),
    }

Times are configurable from the environment (as above), in Asia/Shanghai time.
"""

import os

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {}


def env_time(name: str, default: str) -> tuple[int, int]:
    """Read an ``HH:MM`` time of day from the environment variable ``name``."""
    value = os.environ.get(name) or default
    try:
        hour_text, minute_text = value.split(":")
        hour, minute = int(hour_text), int(minute_text)
    except ValueError:
        raise ValueError(f"{name} must be HH:MM, got {value!r}") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(f"{name} must be HH:MM, got {value!r}")
    return hour, minute


_hour, _minute = env_time("RECOMPUTE_DEADLINES_TIME", "01:00")
BEAT_SCHEDULE["recompute-deadlines"] = {
    # recurring deadlines roll forward; a calendar change also triggers it at once
    "task": "tasks.recompute_deadlines",
    "schedule": crontab(hour=_hour, minute=_minute),
}

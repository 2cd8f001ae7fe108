"""Periodic jobs (定时任务): the one place that says what runs when.

Read by Celery beat (`celery -A benxi_gazette beat`) through settings.CELERY_BEAT_SCHEDULE, and
by the embedded scheduler (`python manage.py run_schedule`) when there is no broker; listed in
the admin (后台任务记录). Each job is a thin Celery task that calls a service.

Times are configurable from the environment as HH:MM, in Asia/Shanghai time:

=========================  =======  ==========================================================
variable                   default  job
=========================  =======  ==========================================================
RECOMPUTE_DEADLINES_TIME   01:00    recompute next_due (recurring deadlines roll forward) and
                                    the disclosure events' deadlines (after a missed change)
RENDER_PDFS_TIME           02:00    render the PDF of published issues that changed
PRUNE_JOB_LOG_TIME         03:30    drop successful job runs older than JOB_LOG_DAYS
REMINDER_TIME              08:30    the reminder sweep (every day)
EXPIRY_REMINDER_TIME       08:40    the secretariat's reminder of documents whose validity
                                    ends within 30 working days (every day, once each)
SUPERVISOR_DIGEST_TIME     08:30    supervisors' digest of overdue tasks (Mondays)
REMINDER_DELIVERY_MINUTES  5        every N minutes: retry failed e-mails and group posts
=========================  =======  ==========================================================

Deadlines live in the database and these scans act on them; nothing is scheduled as one
delayed message per deadline (Redis would redeliver a message whose ETA outlives the
broker's visibility timeout).
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab

# settings.py imports this module before it reads the .env file; read it here too, so that a
# time set in .env counts (real environment variables still win: read_env never overwrites).
environ.Env.read_env(
    os.environ.get("ENV_FILE") or str(Path(__file__).resolve().parent.parent / ".env")
)

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


def env_minutes(name: str, default: int) -> int:
    """Read a whole number of minutes (1-59) from the environment variable ``name``."""
    value = os.environ.get(name) or str(default)
    try:
        minutes = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a number of minutes, got {value!r}") from None
    if not 1 <= minutes <= 59:
        raise ValueError(f"{name} must be between 1 and 59, got {value!r}")
    return minutes


def daily(variable: str, default: str, **kwargs) -> crontab:
    hour, minute = env_time(variable, default)
    return crontab(hour=hour, minute=minute, **kwargs)


BEAT_SCHEDULE["recompute-deadlines"] = {
    # recurring deadlines roll forward; a calendar change also triggers it at once
    "task": "tasks.recompute_deadlines",
    "schedule": daily("RECOMPUTE_DEADLINES_TIME", "01:00"),
}
BEAT_SCHEDULE["recompute-disclosure-deadlines"] = {
    # a calendar change triggers it at once; nightly, it catches up a change whose job the
    # broker could not take
    "task": "disclosure.recompute_deadlines",
    "schedule": daily("RECOMPUTE_DEADLINES_TIME", "01:00"),
}
BEAT_SCHEDULE["send-reminders"] = {
    # record, dispatch and send the reminders due today (tasks and disclosure events)
    "task": "tasks.send_reminders",
    "schedule": daily("REMINDER_TIME", "08:30"),
}
BEAT_SCHEDULE["remind-expiring-documents"] = {
    # 规范性文件有效期: documents/validity.py send_expiry_reminders (idempotent)
    "task": "documents.remind_expiring",
    "schedule": daily("EXPIRY_REMINDER_TIME", "08:40"),
}
BEAT_SCHEDULE["supervisor-digest"] = {
    "task": "tasks.send_supervisor_digest",
    "schedule": daily("SUPERVISOR_DIGEST_TIME", "08:30", day_of_week="mon"),
}
BEAT_SCHEDULE["deliver-notifications"] = {
    # failed messages (e-mail, group robots) come back here after their backoff; a killed
    # worker's leases too
    "task": "notifications.deliver",
    "schedule": crontab(minute=f"*/{env_minutes('REMINDER_DELIVERY_MINUTES', 5)}"),
}
BEAT_SCHEDULE["render-issue-pdfs"] = {
    # a safety net: publishing renders the PDF at once; this catches later edits and failures
    "task": "documents.render_stale_issue_pdfs",
    "schedule": daily("RENDER_PDFS_TIME", "02:00"),
}
BEAT_SCHEDULE["prune-job-log"] = {
    "task": "core.prune_job_runs",
    "schedule": daily("PRUNE_JOB_LOG_TIME", "03:30"),
}

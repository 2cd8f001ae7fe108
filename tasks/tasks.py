"""Celery jobs of the tasks app: thin wrappers around services.

Every job here is idempotent (it may run twice, or be redelivered after a worker died, with no
effect beyond the first run), so all use acks_late: a job lost with its worker runs again.
Retries are bounded and only for database trouble (a lost connection, a deadlock victim);
failed messages are not job failures, they are retried per message (notifications.delivery).
"""

from datetime import date

from celery import shared_task
from django.db import DatabaseError

RETRY = {
    "acks_late": True,
    "autoretry_for": (DatabaseError,),
    "max_retries": 3,
    "retry_backoff": 30,
    "retry_jitter": True,
}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@shared_task(
    name="tasks.recompute_deadlines", acks_late=True, max_retries=3, default_retry_delay=60
)
def recompute_deadlines(today: str | None = None) -> int:
    """Recompute next_due of open tasks (after a calendar change; nightly for recurring ones).
    Disclosure events have their own job (disclosure.recompute_deadlines)."""
    from . import services

    return services.recompute_deadlines(_day(today))


@shared_task(name="tasks.send_reminders", **RETRY)
def send_reminders(day: str | None = None) -> dict:
    """The daily reminder sweep (08:30): record, dispatch and send what is due on ``day``."""
    from .reminders import send_due_reminders

    return send_due_reminders(_day(day)).as_dict()


@shared_task(name="tasks.send_supervisor_digest", **RETRY)
def send_supervisor_digest(day: str | None = None) -> dict:
    """Monday: each supervisor's digest of overdue tasks per department (once per week)."""
    from .reminders import send_supervisor_digest as send

    result = send(_day(day))
    return {"week_of": result.week_of.isoformat(), "sent": result.sent}

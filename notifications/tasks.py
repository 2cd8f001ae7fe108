"""Celery job of the notifications app: deliver the outbox (thin: calls the delivery loop).

Idempotent (a message is claimed before it is sent and marked sent after), so acks_late; retried
only for database trouble: a failed message is retried per message, not as a job failure.
"""

from celery import shared_task
from django.db import DatabaseError


@shared_task(
    name="notifications.deliver",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    max_retries=3,
    retry_backoff=30,
    retry_jitter=True,
)
def deliver() -> dict:
    """Send the outbox messages that are due: new ones, retries whose backoff has passed,
    messages whose lease ran out (a killed worker's)."""
    from .delivery import deliver as deliver_due

    stats = deliver_due()
    return {"sent": stats.sent, "failed": stats.failed}

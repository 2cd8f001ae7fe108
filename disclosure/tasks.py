"""Celery jobs of the disclosure app: thin wrappers around services (idempotent, acks_late)."""

from celery import shared_task


@shared_task(
    name="disclosure.recompute_deadlines", acks_late=True, max_retries=3, default_retry_delay=60
)
def recompute_deadlines() -> int:
    """Recompute every disclosure event's deadline (after a calendar change; nightly as a
    catch-up for a change whose job the broker could not take)."""
    from .services import recompute_event_deadlines

    return recompute_event_deadlines()

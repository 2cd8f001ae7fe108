"""Celery jobs of the tasks app: thin wrappers around services."""

from celery import shared_task


@shared_task(
    name="tasks.recompute_deadlines", acks_late=True, max_retries=3, default_retry_delay=60
)
def recompute_deadlines(today: str | None = None) -> int:
    """Recompute next_due of open tasks (after a calendar change; nightly for recurring ones)."""
    from datetime import date

    from disclosure.services import recompute_event_deadlines

    from . import services

    changed = services.recompute_deadlines(date.fromisoformat(today) if today else None)
    return changed + recompute_event_deadlines()

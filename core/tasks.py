"""Celery jobs of the core app: housekeeping of the job log."""

from celery import shared_task
from django.conf import settings


@shared_task(name="core.prune_job_runs", acks_late=True, max_retries=2, default_retry_delay=300)
def prune_job_runs() -> int:
    """Delete successful job runs older than JOB_LOG_DAYS (failures stay for review)."""
    from .jobs import prune_job_runs as prune

    return prune(settings.JOB_LOG_DAYS)

"""Queueing a job from a request without letting a broker outage break the request.

`.delay()` raises once Redis stays unreachable (after kombu's short retries). The jobs queued
from requests (an issue's PDF after publishing, the deadline recompute after a calendar
change) are catch-up work that a periodic job also does (render-issue-pdfs,
recompute-deadlines in benxi_gazette/schedule.py), so a job the broker cannot take is not
retried here: a warning names the broker and the job, and the job log (后台任务记录) gets a
failed run saying what will do the work instead.
"""

from __future__ import annotations

import logging

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.utils.url import maybe_sanitize_url

from .jobs import _short

logger = logging.getLogger("core.jobs")

# What publishing to an unreachable broker raises (kombu wraps the transport's errors).
BROKER_ERRORS = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    TimeoutError,
)


def enqueue(task, *args, later: str, **kwargs) -> bool:
    """Queue ``task(*args, **kwargs)``; False when the broker is unreachable.

    ``later`` says what does the work instead (a periodic job), for the log and the job log.
    Without a broker (eager) the job runs here and its errors propagate as before.
    """
    if task.app.conf.task_always_eager:
        task.apply_async(args=args, kwargs=kwargs)
        return True
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except BROKER_ERRORS as exc:
        broker = maybe_sanitize_url(settings.CELERY_BROKER_URL)
        logger.warning(
            "broker %s unreachable (%s: %s): job %s%s NOT queued; %s",
            broker,
            type(exc).__name__,
            exc,
            task.name,
            _short(tuple(args), 200),
            later,
        )
        _record_not_queued(task, args, kwargs, f"broker {broker} unreachable: {exc}", later)
        return False
    return True


def _record_not_queued(task, args, kwargs, problem: str, later: str) -> None:
    from .models import JobRun

    now = timezone.now()
    try:
        with transaction.atomic():
            JobRun.objects.create(
                name=task.name,
                args=_short({"args": list(args), "kwargs": dict(kwargs)}, 500),
                status=JobRun.Status.FAILURE,
                worker="(not queued)",
                started_at=now,
                finished_at=now,
                runtime=0,
                error=f"NotQueued: {problem}; {later}",
            )
    except Exception as exc:  # the job log must not turn this into an error page
        logger.warning("job %s: could not record that it was not queued: %s", task.name, exc)

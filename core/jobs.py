"""The job log: every Celery job run is written to JobRun (admin: 后台任务记录).

Connected to Celery's task signals in CoreConfig.ready(), so it records jobs run by a worker,
by the embedded scheduler and in-process (eager) alike. Recording never breaks a job: a
failure to write the log is logged and ignored, inside a savepoint so that an eager job running
in the caller's transaction does not poison it.
"""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import timedelta

from celery import signals
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger("core.jobs")

STATUS_BY_STATE = {
    "SUCCESS": "success",
    "IGNORED": "success",
    "FAILURE": "failure",
    "REJECTED": "failure",
    "RETRY": "retry",
}


def _recorded(task) -> bool:
    return not task.name.startswith("celery.")


def _short(value, limit: int = 2000) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@signals.task_prerun.connect(dispatch_uid="core.jobs.prerun")
def _on_prerun(task_id=None, task=None, args=None, kwargs=None, **_ignored) -> None:
    if task is None or not _recorded(task):
        return
    from .models import JobRun

    request = task.request
    try:
        with transaction.atomic():
            run = JobRun.objects.create(
                task_id=task_id or "",
                name=task.name,
                args=_short({"args": list(args or ()), "kwargs": dict(kwargs or {})}, 500),
                status=JobRun.Status.STARTED,
                retries=request.retries or 0,
                eager=bool(request.is_eager),
                worker=(request.hostname or "")[:200],
                started_at=timezone.now(),
            )
        request._jobrun = (run.pk, run.started_at)
    except Exception as exc:  # the log must never stop the job
        logger.warning("job %s %s: could not record the run: %s", task.name, task_id, exc)


@signals.task_failure.connect(dispatch_uid="core.jobs.failure")
def _on_failure(sender=None, exception=None, einfo=None, **_ignored) -> None:
    if sender is not None:
        sender.request._jobrun_error = exception
        sender.request._jobrun_traceback = str(einfo or "")


@signals.task_retry.connect(dispatch_uid="core.jobs.retry")
def _on_retry(sender=None, reason=None, einfo=None, **_ignored) -> None:
    if sender is not None:
        sender.request._jobrun_error = reason
        sender.request._jobrun_traceback = str(einfo or "")


@signals.task_postrun.connect(dispatch_uid="core.jobs.postrun")
def _on_postrun(task_id=None, task=None, retval=None, state=None, **_ignored) -> None:
    if task is None or not _recorded(task):
        return
    recorded = getattr(task.request, "_jobrun", None)
    if recorded is None:
        return
    from .models import JobRun

    run_id, started_at = recorded
    finished = timezone.now()
    values = {
        "status": STATUS_BY_STATE.get(state or "", JobRun.Status.FAILURE),
        "finished_at": finished,
        "runtime": (finished - started_at).total_seconds(),
    }
    if values["status"] == JobRun.Status.SUCCESS:
        values["result"] = _short(retval)
    else:
        error = getattr(task.request, "_jobrun_error", None)
        trace = getattr(task.request, "_jobrun_traceback", "")
        if error is None and sys.exc_info()[1] is not None:
            # An in-process run that propagates its exception sends no failure signal: the
            # postrun signal is sent while the exception is on its way out.
            error = sys.exc_info()[1]
            trace = "".join(traceback.format_exception(error))
        error = retval if error is None else error
        values["error"] = _short(f"{type(error).__name__}: {error}", 4000)
        values["traceback"] = trace[-20000:]
    try:
        with transaction.atomic():
            JobRun.objects.filter(pk=run_id).update(**values)
    except Exception as exc:
        logger.warning("job %s %s: could not record the outcome: %s", task.name, task_id, exc)


def prune_job_runs(days: int) -> int:
    """Delete successful runs older than ``days`` days; failures are kept until handled."""
    from .models import JobRun

    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = JobRun.objects.filter(status=JobRun.Status.SUCCESS, started_at__lt=cutoff).delete()
    return deleted

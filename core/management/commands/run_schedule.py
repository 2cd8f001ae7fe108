"""Embedded scheduler: runs the periodic jobs of settings.CELERY_BEAT_SCHEDULE in this process.

For installations without a message broker (`make run`). Where Redis is configured, run
`celery -A benxi_gazette beat` and a worker instead, and not this command.

Like Celery beat, a job first seen is due at its next scheduled time, not at once; the time of
each job's last run is kept in a small JSON file, so a restart neither repeats a job nor loses
one: a run missed while the scheduler was down happens once, at the next check.
"""

import json
import logging
import os
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from celery import current_app as celery_app
from celery.schedules import BaseSchedule, maybe_schedule
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

logger = logging.getLogger("core.run_schedule")


@dataclass
class Job:
    name: str
    task: str
    schedule: BaseSchedule
    args: tuple = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


def load_jobs(beat_schedule: dict[str, dict]) -> list[Job]:
    """Turn CELERY_BEAT_SCHEDULE entries into jobs; numbers and timedeltas become intervals."""
    jobs = []
    for name, entry in beat_schedule.items():
        try:
            task, raw_schedule = entry["task"], entry["schedule"]
        except KeyError as missing:
            raise CommandError(f"schedule entry {name!r} lacks {missing}") from None
        jobs.append(
            Job(
                name=name,
                task=task,
                schedule=maybe_schedule(raw_schedule, app=celery_app),
                args=tuple(entry.get("args") or ()),
                kwargs=dict(entry.get("kwargs") or {}),
            )
        )
    return jobs


class ScheduleState:
    """Time of each job's last run, kept in a JSON file written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.last_run: dict[str, datetime] = {}
        if path.exists():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                self.last_run = {name: datetime.fromisoformat(at) for name, at in raw.items()}
            except (ValueError, AttributeError, TypeError):
                logger.warning("schedule state %s unreadable; starting afresh", path)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {name: at.isoformat() for name, at in sorted(self.last_run.items())}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".run_schedule.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
        os.replace(tmp, self.path)


class Command(BaseCommand):
    help = (
        "Run the periodic jobs of CELERY_BEAT_SCHEDULE in this process (no broker needed). "
        "Loops until SIGTERM or Ctrl-C; --once runs the jobs due now and exits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Run every job that is due now, then exit."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Seconds between checks of the schedule (default 30).",
        )
        parser.add_argument(
            "--state-file",
            type=Path,
            default=None,
            help="JSON file with each job's last run (default settings.SCHEDULE_STATE_FILE).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        state_file = options["state_file"] or Path(settings.SCHEDULE_STATE_FILE)
        # Import each app's tasks module now, so that its tasks are in celery_app.tasks. (Not
        # loader.import_default_modules(): that runs the system checks a second time.)
        celery_app.autodiscover_tasks(force=True)
        jobs = load_jobs(settings.CELERY_BEAT_SCHEDULE)
        state = ScheduleState(state_file)

        if options["once"]:
            failures = self.run_due_jobs(jobs, state)
            if failures:
                raise CommandError(f"{failures} scheduled job(s) failed")
            return

        if settings.CELERY_BROKER_URL:
            logger.warning(
                "a broker is configured, yet jobs run in this process; in production run "
                "`celery -A benxi_gazette beat` and a worker instead of run_schedule"
            )
        if jobs:
            names = ", ".join(job.name for job in jobs)
            logger.info(
                "run_schedule: %d job(s) [%s], checking every %gs",
                len(jobs),
                names,
                options["interval"],
            )
        else:
            logger.info("run_schedule: no jobs scheduled; idling")

        stop = threading.Event()
        previous = {
            signum: signal.signal(signum, lambda *_: stop.set())
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            while not stop.is_set():
                # As a Celery worker does around each task: drop connections that broke or
                # outlived CONN_MAX_AGE while the loop slept.
                close_old_connections()
                self.run_due_jobs(jobs, state)
                close_old_connections()
                stop.wait(options["interval"])
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            logger.info("run_schedule: stopped")

    def run_due_jobs(self, jobs: list[Job], state: ScheduleState) -> int:
        """Run each job whose time has come; return how many failed."""
        failures = 0
        for job in jobs:
            now = celery_app.now()
            last_run = state.last_run.get(job.name)
            if last_run is None:
                # First sight of the job: its first run is at the next scheduled time.
                state.last_run[job.name] = now
                state.save()
                continue
            is_due, _next_check = job.schedule.is_due(last_run)
            if not is_due:
                continue
            # Recorded before the run, as Celery beat does: a failing job waits for its next
            # scheduled time instead of being retried at every check.
            state.last_run[job.name] = now
            state.save()
            if not self.run_job(job):
                failures += 1
        return failures

    def run_job(self, job: Job) -> bool:
        started = time.monotonic()
        task = celery_app.tasks.get(job.task)
        if task is None:
            logger.error("job %s failed: task %s is not registered", job.name, job.task)
            return False
        try:
            result = task.apply(args=job.args, kwargs=job.kwargs, throw=False)
            error = result.result if result.failed() else None
        except Exception as exc:  # a failing job must not stop the scheduler
            error = exc
        elapsed = time.monotonic() - started
        if error is not None:
            logger.error(
                "job %s (%s) failed after %.2fs: %s: %s",
                job.name,
                job.task,
                elapsed,
                type(error).__name__,
                error,
            )
            return False
        logger.info("job %s (%s) done in %.2fs", job.name, job.task, elapsed)
        return True

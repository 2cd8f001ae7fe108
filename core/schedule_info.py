"""The periodic schedule as people read it: what runs when, when next, how it last went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app as celery_app
from celery.schedules import crontab
from celery.schedules import schedule as interval
from django.conf import settings
from django.utils import timezone

WEEKDAYS = {
    "0": "日", "sun": "日", "1": "一", "mon": "一", "2": "二", "tue": "二", "3": "三", "wed": "三",
    "4": "四", "thu": "四", "5": "五", "fri": "五", "6": "六", "sat": "六", "7": "日",
}  # fmt: skip


def describe(schedule) -> str:
    """每天 08:30 / 每周一 08:30 / 每5分钟, for the crontabs and intervals we use."""
    if isinstance(schedule, crontab):
        minute, hour = str(schedule._orig_minute), str(schedule._orig_hour)
        days = str(schedule._orig_day_of_week)
        if minute.startswith("*/") and hour == "*":
            return f"每{minute[2:]}分钟"
        if minute.isdigit() and hour.isdigit():
            at = f"{int(hour):02d}:{int(minute):02d}"
            if days == "*":
                return f"每天 {at}"
            names = [WEEKDAYS.get(d.strip().lower(), d) for d in days.split(",")]
            return f"每周{'、'.join(names)} {at}"
        return str(schedule)
    if isinstance(schedule, interval):
        seconds = int(schedule.run_every.total_seconds())
        return f"每{seconds // 60}分钟" if seconds % 60 == 0 else f"每{seconds}秒"
    if isinstance(schedule, timedelta | int | float):
        return describe(interval(schedule))
    return str(schedule)


@dataclass
class ScheduledJob:
    name: str
    task: str
    when: str
    next_run: datetime | None
    last_run: object | None  # core.models.JobRun
    description: str


def scheduled_jobs(now: datetime | None = None) -> list[ScheduledJob]:
    from core.management.commands.run_schedule import load_jobs

    from .models import JobRun

    now = now or timezone.now()
    celery_app.autodiscover_tasks(force=True)
    jobs = []
    for job in load_jobs(settings.CELERY_BEAT_SCHEDULE):
        remaining = job.schedule.remaining_estimate(now)
        task = celery_app.tasks.get(job.task)
        doc = (task.__doc__ or "").strip().splitlines()[0] if task and task.__doc__ else ""
        jobs.append(
            ScheduledJob(
                name=job.name,
                task=job.task,
                when=describe(job.schedule),
                next_run=now + remaining if remaining is not None else None,
                last_run=JobRun.objects.filter(name=job.task).order_by("-started_at").first(),
                description=doc,
            )
        )
    return jobs

"""The supervisors' Monday digest (每周逾期汇总): overdue tasks per department, once a week, to
each supervisor (e-mail and inbox) and to each department's work group (its own part)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Window
from django.db.models.functions import RowNumber
from django.template.loader import get_template

from core.dates import cn_date
from core.dates import today as current_day
from departments.models import Role
from notifications.channels import Recipients
from notifications.delivery import deliver as deliver_outbox
from notifications.models import GroupRobot, OutboxMessage
from notifications.services import Message, notify
from workdays.calendars import current_calendar

from ..models import Notification, TaskAssignment
from .content import describe, display_name, excerpt


@dataclass
class DigestResult:
    week_of: date
    supervisors: int = 0
    sent: int = 0
    already_sent: int = 0
    departments: int = 0
    overdue_tasks: int = 0
    groups: int = 0  # posts to departments' work groups

    def summary_line(self) -> str:
        return f"sent {self.sent}, already sent {self.already_sent}, failed 0"


def overdue_by_department(day: date, items_per_department: int = 10) -> list[dict]:
    """Overdue open tasks per department: count, oldest due date, the oldest few."""
    overdue = TaskAssignment.objects.overdue(day)
    groups = {
        row["department_id"]: {**row, "items": []}
        for row in overdue.values("department_id", "department__name")
        .annotate(count=Count("task_id"), oldest=Min("task__next_due"))
        .order_by("-count", "department__name")
    }
    ranked = overdue.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("department_id")],
            order_by=[F("task__next_due").asc(), F("task_id").asc()],
        )
    ).filter(rank__lte=items_per_department)
    calendar = current_calendar()
    for department_id, due, heading, text, number, path in ranked.values_list(
        "department_id",
        "task__next_due",
        "task__heading",
        "task__text",
        "task__document__number",
        "task__path",
    ).order_by("department_id", "task__next_due", "task_id"):
        groups[department_id]["items"].append(
            {
                "title": excerpt(heading or text, 50),
                "source": " ".join(p for p in (number, path) if p),
                "due": cn_date(due, weekday=False),
                "when": describe(due, day, calendar),
            }
        )
    for group in groups.values():
        group["oldest"] = cn_date(group["oldest"], weekday=False)
        group["more"] = group["count"] - len(group["items"])
    return list(groups.values())


def send_supervisor_digest(day: date | None = None, *, deliver: bool = True) -> DigestResult:
    """Each supervisor's digest of overdue tasks per department, once per week (Monday)."""
    day = day or current_day()
    week_of = day - timedelta(days=day.weekday())
    result = DigestResult(week_of=week_of)
    groups = overdue_by_department(day)
    result.departments = len(groups)
    result.overdue_tasks = sum(g["count"] for g in groups)
    context = {
        "day": cn_date(day, weekday=True),
        "groups": groups,
        "total": result.overdue_tasks,
        "site_url": settings.SITE_URL,
    }
    subject = settings.EMAIL_SUBJECT_PREFIX + (
        f"每周逾期任务汇总：{result.departments}个部门 {result.overdue_tasks}项"
        if groups
        else "每周逾期任务汇总：本周无逾期任务"
    )
    User = get_user_model()
    supervisors = (
        User.objects.filter(groups__name=Role.SUPERVISOR, is_active=True).distinct().order_by("pk")
    )
    body_template, html_template = (
        get_template("email/digest.txt"),
        get_template("email/digest.html"),
    )
    for user in supervisors:
        result.supervisors += 1
        name = display_name(user.first_name, user.last_name, user.username)
        body = body_template.render({**context, "name": name})
        message = Message(
            kind=OutboxMessage.Kind.DIGEST,
            subject=subject,
            body=body,
            html=html_template.render({**context, "name": name}),
            dedupe_key=f"digest:{week_of.isoformat()}:{user.pk}",
        )
        try:
            with transaction.atomic():
                notify(recipients=Recipients(users=[user]), message=message)
                Notification.objects.create(
                    user=user, kind=Notification.Kind.DIGEST, title=subject[:200], body=body
                )
        except IntegrityError:
            result.already_sent += 1
            continue
        result.sent += 1
    result.groups = _notify_groups(groups, day, week_of)
    if deliver and (result.sent or result.groups):
        deliver_outbox()
    return result


def _notify_groups(groups: list[dict], day: date, week_of: date) -> int:
    """Each department with a group robot gets its own part of the digest in its group."""
    with_robot = set(
        GroupRobot.objects.filter(
            active=True, department_id__in=[g["department_id"] for g in groups]
        ).values_list("department_id", flat=True)
    )
    posted = 0
    for group in groups:
        if group["department_id"] not in with_robot:
            continue
        lines = [
            f"截至{cn_date(day, weekday=True)}，本部门逾期未办结任务{group['count']}项，"
            f"最早截止于{group['oldest']}："
        ]
        lines += [
            f"{n}. {i['when']}｜{i['title']}（{i['source']}，截止{i['due']}）"
            for n, i in enumerate(group["items"], 1)
        ]
        if group["more"]:
            lines.append(f"……另有{group['more']}项，请登录系统查看。")
        message = Message(
            kind=OutboxMessage.Kind.DIGEST,
            subject=settings.EMAIL_SUBJECT_PREFIX
            + f"每周逾期任务：{group['department__name']}逾期{group['count']}项",
            body="\n".join(lines),
            dedupe_key=f"digest:{week_of.isoformat()}:department:{group['department_id']}",
        )
        try:
            with transaction.atomic():
                notify(recipients=Recipients(departments=[group["department_id"]]), message=message)
        except IntegrityError:  # this week's post is in the outbox already
            continue
        posted += 1
    return posted

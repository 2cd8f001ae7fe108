"""The daily sweep (到期提醒): record the reminders due on a day, and in the same transaction
write their inbox entries and put their messages in the outbox (notify); then deliver."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from core.dates import today as current_day
from departments.models import Membership
from notifications.channels import Recipients
from notifications.delivery import deliver as deliver_outbox
from notifications.models import GroupRobot, OutboxMessage
from notifications.services import notify_all
from workdays.calendars import current_calendar

from ..models import Notification, Reminder, TaskAssignment, threshold_label
from . import content
from .content import ITEM_COLUMNS, ITEM_VALUES, Item, event_item, task_item
from .planning import Plan, already_recorded, event_candidates, plan_for, record, task_candidates
from .sql import copy_rows

logger = logging.getLogger("tasks.reminders")

BATCH = 2000


@dataclass(frozen=True)
class Member:
    """A department member as the e-mail channel needs them (no model instance per person)."""

    pk: int
    email: str


@dataclass
class DispatchStats:
    recorded: int = 0
    no_recipients: int = 0
    notifications: int = 0
    emails: int = 0


def record_and_dispatch(plan: Plan, token: uuid.UUID) -> DispatchStats:
    """Record the reminders due on plan.day, write their inbox entries and notify: each
    person one e-mail of their items, each department's group robots one post of its items.

    One transaction: all of it, or nothing (and the next run does it all).
    """
    stats = DispatchStats()
    calendar, day, now = current_calendar(), plan.day, timezone.now()
    with transaction.atomic():
        stats.recorded = record(task_candidates(plan), "task", token, now)
        stats.recorded += record(event_candidates(plan), "event", token, now)
        if not stats.recorded:
            return stats
        ours = Reminder.objects.filter(batch=token)
        members_of = Membership.objects.filter(
            department_id=OuterRef("department_id"), user__is_active=True
        )
        robots_of = GroupRobot.objects.filter(department_id=OuterRef("department_id"), active=True)
        stats.no_recipients = ours.exclude(Exists(members_of) | Exists(robots_of)).update(
            status=Reminder.Status.NO_RECIPIENTS
        )
        live = ours.filter(status=Reminder.Status.SENT)
        with_robot = set(
            GroupRobot.objects.filter(
                active=True, department_id__in=live.values("department_id")
            ).values_list("department_id", flat=True)
        )
        members: dict[int, list[tuple]] = defaultdict(list)
        for row in (
            Membership.objects.filter(
                department_id__in=live.values("department_id"), user__is_active=True
            )
            .order_by("department_id", "user_id")
            .values_list(
                "department_id",
                "user_id",
                "user__email",
                "user__first_name",
                "user__last_name",
                "user__username",
            )
        ):
            members[row[0]].append(row[1:])
        role = TaskAssignment.objects.filter(
            task_id=OuterRef("task_id"), department_id=OuterRef("department_id")
        ).values("role")[:1]
        rows = (
            live.annotate(role=Subquery(role))
            .values(*ITEM_COLUMNS, "role", **ITEM_VALUES)
            .order_by()
        )
        # each person's items, one per subject: a person in two of a task's departments
        # gets one line naming both
        per_user: dict[int, dict[tuple, Item]] = defaultdict(dict)
        per_department: dict[int, list[Item]] = defaultdict(list)
        names: dict[int, str] = {}
        people: dict[int, tuple[str, str]] = {}
        for row in rows.iterator(chunk_size=BATCH):
            item = (
                task_item(row, day, calendar) if row["task_id"] else event_item(row, day, calendar)
            )
            if row["department_id"] in with_robot:
                per_department[row["department_id"]].append(item)
                names[row["department_id"]] = row["department_name"]
            for user_id, email, first, last, username in members[row["department_id"]]:
                mine = per_user[user_id]
                seen = mine.get(item.subject)
                mine[item.subject] = item if seen is None else seen.merged(item)
                people[user_id] = (email, content.display_name(first, last, username))
        kind = Notification.Kind.REMINDER.value
        inbox = [
            (user_id, kind, item.notification_title, item.notification_body, item.task_id, now)
            for user_id, items in per_user.items()
            for item in items.values()
        ]
        copy_rows(Notification, ["user", "kind", "title", "body", "task", "created_at"], inbox)
        messages = [
            (
                Recipients(users=[Member(user_id, people[user_id][0])]),
                content.person_message(people[user_id][1], list(items.values()), day, token),
            )
            for user_id, items in per_user.items()
            if people[user_id][0]
        ]
        messages += [
            (
                Recipients(departments=[department_id]),
                content.department_message(names[department_id], items, day, token),
            )
            for department_id, items in per_department.items()
        ]
        stats.emails = len(notify_all(messages=messages, batch_size=BATCH))
        stats.notifications = len(inbox)
    return stats


@dataclass
class SweepResult:
    """What one sweep did; ``summary_line()`` is the command's last line."""

    day: date
    dry_run: bool = False
    candidates: int = 0
    recorded: int = 0
    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    no_recipients: int = 0
    notifications: int = 0
    emails_sent: int = 0
    emails_failed: int = 0
    by_threshold: dict[str, int] = field(default_factory=dict)

    def summary_line(self) -> str:
        return f"sent {self.sent}, already sent {self.already_sent}, failed {self.failed}"

    def detail_lines(self) -> list[str]:
        head = "[试运行，未记录也未发送] " if self.dry_run else ""
        lines = [f"{head}{self.day.isoformat()} 到期提醒：应提醒 {self.candidates} 条"]
        if self.by_threshold:
            lines.append("  " + "，".join(f"{label} {n}" for label, n in self.by_threshold.items()))
        if not self.dry_run:
            lines.append(
                f"  站内消息 {self.notifications} 条；邮件及群消息发送 {self.emails_sent} 条，"
                f"失败 {self.emails_failed} 条（失败的消息将自动重试）"
            )
        if self.no_recipients:
            lines.append(f"  {self.no_recipients} 条提醒的部门没有工作人员账号，未能送达")
        return lines

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        data["day"] = self.day.isoformat()
        return data


def _threshold_counts(candidates: list[QuerySet]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for qs in candidates:
        for threshold, n in (
            qs.values_list("r_threshold")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("r_threshold", "n")
        ):
            label = "逾期" if threshold.startswith("overdue:") else threshold_label(threshold)
            counts[label] += n
    return dict(sorted(counts.items()))


def failed_reminders(token: uuid.UUID) -> int:
    """Reminders of a sweep carried by a message that failed: an e-mail to a member of its
    department, or a post to the department's group."""
    failing = OutboxMessage.objects.filter(batch=token).failing()
    to_member = failing.filter(user__memberships__department=OuterRef("department_id"))
    to_group = failing.filter(department=OuterRef("department_id"))
    return Reminder.objects.filter(batch=token).filter(Exists(to_member) | Exists(to_group)).count()


def send_due_reminders(
    day: date | None = None, *, dry_run: bool = False, deliver: bool = True
) -> SweepResult:
    """The daily sweep: record, dispatch and send every reminder due on ``day``."""
    day = day or current_day()
    plan = plan_for(day)
    result = SweepResult(day=day, dry_run=dry_run)
    tasks, events = task_candidates(plan), event_candidates(plan)
    result.candidates = tasks.count() + events.count()
    result.by_threshold = _threshold_counts([tasks, events])
    if dry_run:
        result.already_sent = already_recorded(tasks, "task") + already_recorded(events, "event")
        result.sent = result.candidates - result.already_sent
        return result

    token = uuid.uuid4()
    stats = record_and_dispatch(plan, token)
    result.recorded = stats.recorded
    result.no_recipients = stats.no_recipients
    result.notifications = stats.notifications
    if deliver:  # also what an earlier, interrupted run left: due retries, stale leases
        delivered = deliver_outbox()
        result.emails_sent, result.emails_failed = delivered.sent, delivered.failed
    result.failed = failed_reminders(token) if result.emails_failed else 0
    result.sent = stats.recorded - stats.no_recipients - result.failed
    # the candidates were counted before recording; those not recorded now were before
    result.already_sent = max(result.candidates - stats.recorded, 0)
    logger.info("reminders %s: %s", day, result.summary_line())
    return result

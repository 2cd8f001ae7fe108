"""Writes on disclosure events: recording the event, computing its deadline, its publication."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from departments.models import Department, Role
from workdays.calendars import current_calendar
from workdays.engine import DeadlineSpec, WorkCalendar, next_due

from .models import DisclosureEvent, DisclosureItem

END_OF_DAY = time(23, 59, 59, 999999)


def local_day(moment: datetime) -> date:
    """The Asia/Shanghai date of a moment: an event at 23:30 is that day, not the next UTC day."""
    return timezone.localtime(moment).date()


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, END_OF_DAY))


def compute_due(
    spec: DeadlineSpec, occurred_at: datetime, calendar: WorkCalendar
) -> tuple[datetime | None, bool]:
    """(deadline, provisional) for an event under a catalogue rule, by the deadline engine.

    Working days and days count from the day after the event (民法典 第二百零一条); hours count
    from the moment; an annual rule is due on its next date on or after the event's day. A
    day-based deadline ends at the end of its day, local time.
    """
    moment = timezone.localtime(occurred_at)
    due = next_due(spec, moment.date(), calendar, event_at=moment)
    if due.day is None:
        return None, False
    return (due.at or end_of_day(due.day)), due.provisional


def can_record(user, item: DisclosureItem) -> bool:
    """Staff of the owning department record events; the secretariat may for any item."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.groups.filter(name=Role.SECRETARIAT).exists():
        return True
    return (
        item.owner_department_id is not None
        and user.memberships.filter(department_id=item.owner_department_id).exists()
    )


@transaction.atomic
def record_event(
    item: DisclosureItem,
    *,
    subject: str,
    event: str,
    occurred_at: datetime,
    user,
    reference: str = "",
    department: Department | None = None,
) -> DisclosureEvent:
    if not can_record(user, item):
        raise PermissionDenied("只有该事项责任主体的工作人员可以登记公开事件")
    if timezone.is_naive(occurred_at):
        raise ValidationError("发生时间须带时区")
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError("发生时间不能晚于当前时间")
    department = department or item.owner_department
    if department is None:
        raise ValidationError("该事项没有对应的责任部门，请指定部门")
    rule = DeadlineSpec.from_rule_fields(item).rule_fields()
    obj = DisclosureEvent(
        item=item,
        department=department,
        subject=subject.strip(),
        event=event.strip(),
        reference=reference.strip(),
        occurred_at=occurred_at,
        created_by=user,
        rule_kind=rule["rule_kind"],
        rule_n=rule["rule_n"],
        rule_by=rule["rule_by"],
    )
    apply_due(obj, current_calendar())
    obj.full_clean()
    obj.save()
    return obj


def apply_due(event: DisclosureEvent, calendar: WorkCalendar) -> bool:
    """Set the event's deadline from its stored rule in memory; True when it changed."""
    due, provisional = compute_due(
        DeadlineSpec.from_rule_fields(event), event.occurred_at, calendar
    )
    changed = (due, provisional) != (event.due_at, event.due_provisional)
    event.due_at, event.due_provisional = due, provisional
    return changed


@transaction.atomic
def record_publication(
    event: DisclosureEvent, *, published_at: datetime, where: str, user
) -> DisclosureEvent:
    if not can_record(user, event.item):
        raise PermissionDenied("只有该事项责任主体的工作人员可以登记公开情况")
    if published_at < event.occurred_at:
        raise ValidationError("公开时间不能早于事件发生时间")
    event.published_at = published_at
    event.published_where = where.strip()
    event.save(update_fields=["published_at", "published_where"])
    return event


def recompute_event_deadlines() -> int:
    """Recompute every event's deadline from its stored rule and time (after a calendar change).
    Idempotent; returns how many events changed."""
    calendar = current_calendar()
    events = DisclosureEvent.objects.only(
        "id",
        "occurred_at",
        "rule_kind",
        "rule_n",
        "rule_by",
        "roll_to_working_day",
        "due_at",
        "due_provisional",
    )
    changed = [e for e in events.iterator(chunk_size=2000) if apply_due(e, calendar)]
    DisclosureEvent.objects.bulk_update(changed, ["due_at", "due_provisional"], batch_size=2000)
    return len(changed)


def move_department_rows(*, source: Department, target: Department, **kwargs) -> None:
    """On a department merge: the catalogue items it is responsible for move to target."""
    DisclosureItem.objects.filter(owner_department=source).update(owner_department=target)

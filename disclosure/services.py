"""Writes on disclosure events: recording the event, computing its deadline, its publication."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from departments.models import Department, Role
from tasks.calendars import current_calendar
from tasks.deadlines import WorkCalendar

from .models import DisclosureEvent, DisclosureItem

END_OF_DAY = time(23, 59, 59, 999999)


def local_day(moment: datetime) -> date:
    """The Asia/Shanghai date of a moment: an event at 23:30 is that day, not the next UTC day."""
    return timezone.localtime(moment).date()


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, END_OF_DAY))


def compute_due(
    rule_kind: str,
    occurred_at: datetime,
    calendar: WorkCalendar,
    *,
    n: int | None = None,
    by: str = "",
    roll: bool = False,
) -> tuple[datetime | None, bool]:
    """(deadline, provisional) for an event under a catalogue rule.

    Working days and days count from the day after the event (民法典 第二百零一条); hours count
    from the moment. A day-based deadline ends at the end of its day, local time.
    """
    day = local_day(occurred_at)
    if rule_kind == DisclosureItem.RuleKind.WORKING_DAYS and n is not None:
        due_day = calendar.add_working_days(day, n)
    elif rule_kind == DisclosureItem.RuleKind.DAYS and n is not None:
        due_day = calendar.add_days(day, n)
        if roll:
            due_day = calendar.roll_forward(due_day)
    elif rule_kind == DisclosureItem.RuleKind.HOURS and n is not None:
        due = occurred_at + timedelta(hours=n)
        return due, calendar.is_provisional(local_day(due))
    elif rule_kind == DisclosureItem.RuleKind.ANNUAL and by:
        month, dom = (int(x) for x in by.split("-"))
        due_day = date(day.year, month, dom)
        if due_day < day:
            due_day = date(day.year + 1, month, dom)
        if roll:
            due_day = calendar.roll_forward(due_day)
    else:
        return None, False
    return end_of_day(due_day), calendar.is_provisional(day, due_day)


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
    obj = DisclosureEvent(
        item=item,
        department=department,
        subject=subject.strip(),
        event=event.strip(),
        reference=reference.strip(),
        occurred_at=occurred_at,
        rule_kind=item.rule_kind,
        rule_n=item.rule_n,
        rule_by=item.rule_by,
        created_by=user,
    )
    apply_due(obj, current_calendar())
    obj.full_clean()
    obj.save()
    return obj


def apply_due(event: DisclosureEvent, calendar: WorkCalendar) -> bool:
    due, provisional = compute_due(
        event.rule_kind,
        event.occurred_at,
        calendar,
        n=event.rule_n,
        by=event.rule_by,
        roll=event.roll_to_working_day,
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
    """Recompute every event's deadline from its stored rule and time (after a calendar change)."""
    calendar = current_calendar()
    changed = [
        e for e in DisclosureEvent.objects.all().iterator(chunk_size=2000) if apply_due(e, calendar)
    ]
    DisclosureEvent.objects.bulk_update(changed, ["due_at", "due_provisional"], batch_size=2000)
    return len(changed)


def move_department_rows(*, source: Department, target: Department, **kwargs) -> None:
    """On a department merge: the catalogue items it is responsible for move to target."""
    DisclosureItem.objects.filter(owner_department=source).update(owner_department=target)

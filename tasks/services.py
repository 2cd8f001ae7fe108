"""Writes on tasks that carry rules: deadlines, progress and status, urging."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.dates import today as current_day
from core.exceptions import Conflict
from departments.access import is_supervisor, may_report_on, reporting_department_id
from departments.models import Department, Membership
from notifications.channels import Recipients
from notifications.models import OutboxMessage
from notifications.services import Message, notify
from workdays.calendars import current_calendar
from workdays.engine import TASK_FIELDS, DeadlineSpec, WorkCalendar, next_due

from .models import (
    Notification,
    ProgressAttachment,
    ProgressReport,
    Task,
    TaskAssignment,
    Urge,
)
from .uploads import check_upload

# What next_due is computed from: the spec's stored fields and the event of a relative one.
DEADLINE_INPUTS = (*TASK_FIELDS, "event_at")


def compute_next_due(task: Task, today: date, calendar: WorkCalendar) -> tuple[date | None, bool]:
    """(next_due, provisional) of a task by its deadline spec and the calendar."""
    event_at = timezone.localtime(task.event_at) if task.event_at else None
    due = next_due(DeadlineSpec.from_task(task), today, calendar, event_at=event_at)
    return due.day, due.provisional


def apply_next_due(task: Task, today: date, calendar: WorkCalendar) -> bool:
    """Set next_due and the provisional flag on ``task`` in memory; True when they changed."""
    due, provisional = compute_next_due(task, today, calendar)
    changed = (due, provisional) != (task.next_due, task.deadline_provisional)
    task.next_due, task.deadline_provisional = due, provisional
    return changed


def recompute_deadlines(today: date | None = None, batch_size: int = 2000) -> int:
    """Recompute every open task's next_due (after a calendar change, and nightly so that
    recurring deadlines roll forward). Idempotent; returns how many tasks changed."""
    today = today or current_day()
    calendar = current_calendar()
    changed: list[Task] = []
    total = 0
    tasks = Task.objects.exclude(status=Task.Status.DONE).only(
        "id", "next_due", "deadline_provisional", *DEADLINE_INPUTS
    )
    for task in tasks.iterator(chunk_size=batch_size):
        if apply_next_due(task, today, calendar):
            changed.append(task)
        if len(changed) >= batch_size:
            Task.objects.bulk_update(changed, ["next_due", "deadline_provisional"])
            total += len(changed)
            changed = []
    if changed:
        Task.objects.bulk_update(changed, ["next_due", "deadline_provisional"])
        total += len(changed)
    return total


def record_task_event(task: Task, occurred_at, today: date | None = None) -> Task:
    """The trigger event of a relative deadline happened (重大突发公共卫生事件 …): set its due."""
    if task.deadline_kind != Task.DeadlineKind.RELATIVE:
        raise ValueError("只有“事件后限时”的任务需要登记起算事件")
    task.event_at = occurred_at
    apply_next_due(task, today or current_day(), current_calendar())
    task.save(update_fields=["event_at", "next_due", "deadline_provisional", "updated_at"])
    return task


# --- progress, status, urging -----------------------------------------------------------------


class StaleVersion(Conflict):
    """The task changed since the client read it (optimistic versioning)."""


def _locked(task: Task, version: int | None) -> Task:
    fresh = Task.objects.select_for_update().get(pk=task.pk)
    if version is not None and fresh.version != version:
        raise StaleVersion(
            f"任务已被他人修改（当前版本 {fresh.version}，提交的版本 {version}），请刷新后重试"
        )
    return fresh


@transaction.atomic
def report_progress(
    task: Task,
    user,
    *,
    text: str,
    kind: str = ProgressReport.Kind.PROGRESS,
    files=(),
    requested_due: date | None = None,
    version: int | None = None,
) -> ProgressReport:
    """A department reports on a task, or changes its status with evidence.

    in_progress: the task is being worked on. done: needs text and at least one attachment.
    extension: asks for ``requested_due`` (after the current deadline) with a reason.
    """
    if not may_report_on(user, task):
        raise PermissionDenied("只有任务承办部门的工作人员可以报告进展")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写进展情况或理由"})
    checked = [check_upload(f) for f in files]
    if kind == ProgressReport.Kind.DONE and not checked:
        raise ValidationError({"files": "办结须附佐证材料"})
    if kind == ProgressReport.Kind.EXTENSION:
        if requested_due is None:
            raise ValidationError({"requested_due": "请填写申请延期至的日期"})
        if task.next_due and requested_due <= task.next_due:
            raise ValidationError({"requested_due": "延期日期须晚于当前截止日期"})
    locked = _locked(task, version)
    if locked.status == Task.Status.DONE and kind != ProgressReport.Kind.PROGRESS:
        raise ValidationError({"kind": "任务已办结"})
    report = ProgressReport.objects.create(
        task=locked,
        department_id=reporting_department_id(user, task),
        author=user,
        kind=kind,
        text=text,
        requested_due=requested_due if kind == ProgressReport.Kind.EXTENSION else None,
        status_change={"in_progress": "in_progress", "done": "done"}.get(kind, ""),
    )
    for item in checked:
        attachment = ProgressAttachment(
            report=report,
            original_name=item.original_name,
            safe_name=item.safe_name,
            content_type=item.content_type,
            size=len(item.content),
            sha256=item.sha256,
        )
        attachment.file.save(item.safe_name, ContentFile(item.content), save=False)
        attachment.save()
    if kind in (ProgressReport.Kind.IN_PROGRESS, ProgressReport.Kind.DONE):
        locked.status = (
            Task.Status.DONE if kind == ProgressReport.Kind.DONE else Task.Status.IN_PROGRESS
        )
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
    return report


@transaction.atomic
def close_task(task: Task, user, *, note: str = "", version: int | None = None) -> Task:
    """督查 closes a task (marks it done) with a note."""
    if not is_supervisor(user):
        raise PermissionDenied("只有督查人员可以办结任务")
    locked = _locked(task, version)
    locked.status = Task.Status.DONE
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    ProgressReport.objects.create(
        task=locked,
        author=user,
        kind=ProgressReport.Kind.DONE,
        text=note or "督查确认办结",
        status_change="done",
    )
    return locked


@transaction.atomic
def urge(
    task: Task, user, *, message: str = "", department: Department | None = None
) -> list[Urge]:
    """催办: record the urge for each department on the task (or one), notify its staff (inbox)
    and its work group (group robot, if it has one)."""
    if not is_supervisor(user):
        raise PermissionDenied("只有督查人员可以催办")
    if task.status == Task.Status.DONE:
        raise ValidationError({"task": "任务已办结，无需催办"})
    departments = [a.department for a in task.assignments.select_related("department")]
    if department is not None:
        if department not in departments:
            raise ValidationError({"department": "该部门不承办此任务"})
        departments = [department]
    urges = [
        Urge.objects.create(task=task, department=d, by=user, message=message) for d in departments
    ]
    title = f"催办：{task.document.number} {task.path} {task.heading}".strip()
    body = message or "请抓紧办理并及时报告进展。"
    members = Membership.objects.filter(
        department__in=departments, user__is_active=True
    ).values_list("user_id", flat=True)
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=uid, kind=Notification.Kind.URGE, title=title[:200], body=body, task=task
            )
            for uid in set(members)
        ]
    )
    # the departments' work groups hear of it too (e-mail stays for reminders and digests)
    notify(
        recipients=Recipients(departments=[d.pk for d in departments]),
        message=Message(kind=OutboxMessage.Kind.URGE, subject=title, body=body),
    )
    return urges


@transaction.atomic
def grant_extension(
    report: ProgressReport, user, *, note: str = "", today: date | None = None
) -> ProgressReport:
    """同意延期: the secretariat or a supervisor grants an extension a department asked for.
    The task becomes due on the date asked (a fixed deadline); the decision is recorded as a
    progress note by the approver. Returns that note."""
    from departments.access import is_secretariat

    if not (is_secretariat(user) or is_supervisor(user)):
        raise PermissionDenied("只有秘书处或督查人员可以批准延期")
    if report.kind != ProgressReport.Kind.EXTENSION or report.requested_due is None:
        raise ValidationError({"report": "这不是一条延期申请"})
    locked = _locked(report.task, None)
    if locked.status == Task.Status.DONE:
        raise ValidationError({"task": "任务已办结"})
    locked.deadline_kind, locked.due_on = Task.DeadlineKind.DUE, report.requested_due
    errors = DeadlineSpec.from_task(locked).errors()
    if errors:
        raise ValidationError(errors)
    apply_next_due(locked, today or current_day(), current_calendar())
    locked.version += 1
    locked.save()
    due = report.requested_due
    return ProgressReport.objects.create(
        task=locked,
        author=user,
        kind=ProgressReport.Kind.PROGRESS,
        text=f"同意延期至{due.year}年{due.month}月{due.day}日。{note}".strip(),
    )


# --- corrections by the secretariat (the review page after an import) -------------------------


def _require_secretariat(user) -> None:
    from departments.access import is_secretariat

    if not is_secretariat(user):
        raise PermissionDenied("只有市政府办公厅（秘书处）可以修改任务分工和时限")


@transaction.atomic
def assign_department(task: Task, department: Department, role: str, user) -> TaskAssignment:
    """Add a department to a task (牵头 / 配合 / 责任单位), or change its role if already on it."""
    _require_secretariat(user)
    if role not in TaskAssignment.Role.values:
        raise ValidationError({"role": "角色无效"})
    existing = TaskAssignment.objects.filter(task=task, department=department).first()
    if existing is not None:
        return change_assignment_role(existing, role, user)
    order = (task.assignments.aggregate(m=Max("order"))["m"] or 0) + 1
    return TaskAssignment.objects.create(task=task, department=department, role=role, order=order)


@transaction.atomic
def change_assignment_role(assignment: TaskAssignment, role: str, user) -> TaskAssignment:
    _require_secretariat(user)
    if role not in TaskAssignment.Role.values:
        raise ValidationError({"role": "角色无效"})
    if assignment.role != role:
        assignment.role = role
        assignment.save(update_fields=["role"])
    return assignment


@transaction.atomic
def remove_assignment(assignment: TaskAssignment, user) -> None:
    """Take a department off a task; a task keeps at least one department."""
    _require_secretariat(user)
    if (
        not TaskAssignment.objects.filter(task_id=assignment.task_id)
        .exclude(pk=assignment.pk)
        .exists()
    ):
        raise ValidationError({"department": "任务至少须有一个承办部门"})
    assignment.delete()


# The event's name (trigger) is as the document wrote it; the secretariat corrects the rest.
DEADLINE_EDIT_FIELDS = tuple(f for f in DEADLINE_INPUTS if f != "trigger")


@transaction.atomic
def set_task_deadline(task: Task, user, *, today: date | None = None, **values) -> Task:
    """Correct a task's deadline spec (the fields of DEADLINE_EDIT_FIELDS) and recompute
    next_due on the current calendar. The spec must be complete for its kind."""
    _require_secretariat(user)
    unknown = set(values) - set(DEADLINE_EDIT_FIELDS)
    if unknown:
        raise ValueError(f"unknown deadline fields: {sorted(unknown)}")
    locked = _locked(task, None)
    for key, value in values.items():
        setattr(locked, key, value if value is not None or key in _NULLABLE else "")
    errors = DeadlineSpec.from_task(locked).errors()
    if errors:
        raise ValidationError(errors)
    apply_next_due(locked, today or current_day(), current_calendar())
    locked.version += 1
    locked.save()
    return locked


_NULLABLE = {"due_on", "start_on", "n", "event_at"}


def move_department_rows(*, source: Department, target: Department, **kwargs) -> None:
    """On a department merge: its assignments (a task already assigned to target keeps
    target's) and its progress reports move to target."""
    for assignment in TaskAssignment.objects.filter(department=source):
        if TaskAssignment.objects.filter(task_id=assignment.task_id, department=target).exists():
            assignment.delete()
        else:
            assignment.department = target
            assignment.save(update_fields=["department"])
    ProgressReport.objects.filter(department=source).update(department=target)

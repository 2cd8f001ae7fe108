"""Read queries and derived facts for the staff pages: task lists with their due badges, the
supervision overview, a task's deadline in words and its audit history.

Every list runs a fixed number of queries (assignments are prefetched); the badges are
computed in Python on the calendar in force (workdays.calendars.current_calendar).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from core.dates import cn_date
from core.dates import today as current_day
from departments.models import Department
from documents.models import GazetteIssue
from tasks.models import (
    ProgressReport,
    Task,
    TaskAssignment,
)
from tasks.selectors import TaskRow, count_expressions, due_badge, task_queryset
from workdays.calendars import current_calendar, provisional_note
from workdays.engine import TASK_FIELDS, CalendarRangeError, DeadlineSpec, WorkCalendar
from workdays.models import CalendarYear


def group_by_status(
    rows: list[TaskRow], counts: dict[str, int]
) -> list[tuple[str, str, int, list[TaskRow]]]:
    """(status, label, how many in the whole list, this page's rows) in the order 未开始,
    推进中, 已完成; empty groups kept."""
    totals = {
        Task.Status.OPEN: counts["not_started"],
        Task.Status.IN_PROGRESS: counts["in_progress"],
        Task.Status.DONE: counts["done"],
    }
    groups = {value: [] for value in Task.Status.values}
    for row in rows:
        groups[row.task.status].append(row)
    return [(value, label, totals[value], groups[value]) for value, label in Task.Status.choices]


# --- supervision overview ---------------------------------------------------------------------


def overview_by_department(user, today: date, calendar: WorkCalendar) -> list[dict]:
    """Per department: tasks (as any role), open, due soon, overdue, done."""
    rows = (
        TaskAssignment.objects.visible_to(user)
        .values("department_id", "department__name", "department__kind")
        .annotate(**count_expressions(today, calendar, "task__"))
        .order_by("-overdue", "-soon", "department__name")
    )
    return list(rows)


def overview_by_document(user, today: date, calendar: WorkCalendar) -> list[dict]:
    rows = (
        Task.objects.visible_to(user)
        .values(
            "document_id",
            "document__number",
            "document__title",
            "document__issue__year",
            "document__issue__number",
            "document__issue__status",
        )
        .annotate(**count_expressions(today, calendar))
        .order_by("-document__issue__year", "-document__issue__number", "document__order")
    )
    return list(rows)


def overview_totals(user, today: date, calendar: WorkCalendar) -> dict:
    return Task.objects.visible_to(user).aggregate(**count_expressions(today, calendar))


# --- one task ---------------------------------------------------------------------------------


def deadline_rule(task: Task) -> str:
    """The task's deadline spec in words (the rule next_due is computed by)."""
    spec = DeadlineSpec.from_task(task)
    words = spec.in_words()
    if spec.kind == Task.DeadlineKind.DUE:
        return f"限期完成：{words}" if spec.due else "限期完成（日期未识别）"
    if spec.kind == Task.DeadlineKind.RECURRING:
        return f"定期：{words}"
    if spec.kind == Task.DeadlineKind.ONGOING:
        since, _, report = words.partition("，") if spec.start else ("", "", words)
        text = f"持续推进（{since}）" if since else "持续推进"
        return f"{text}，{report}" if report else text
    if spec.kind == Task.DeadlineKind.RELATIVE:
        text = "事件后限时：" + spec.replace(trigger=spec.trigger or "起算事件").in_words()
        if task.event_at:
            text += f"（事件登记于{cn_date(timezone.localtime(task.event_at).date())}）"
        else:
            text += "（尚未登记起算事件，暂无截止日期）"
        return text
    return "未规定时限"


@dataclass
class DeadlineFacts:
    rule: str
    computed: str
    calendar: str
    provisional: str
    left: str


def deadline_facts(task: Task, today: date, calendar: WorkCalendar) -> DeadlineFacts:
    """How the task's next_due was found: the rule, the date, the calendar it was counted on."""
    rule = deadline_rule(task)
    if task.next_due:
        try:
            day_name = calendar.day_name(task.next_due)
        except CalendarRangeError:
            day_name = ""
        weekday = "一二三四五六日"[task.next_due.weekday()]
        computed = f"{cn_date(task.next_due)}（星期{weekday}，{day_name}）"
        if task.roll_to_working_day:
            computed += "；遇节假日顺延至下一个工作日（民法典第二百零三条）"
        else:
            computed += "；截止日为节假日时不顺延"
        year = task.next_due.year
        entry = CalendarYear.objects.filter(year=year).first()
        if calendar.is_official(year):
            notice = entry.notice if entry and entry.notice else "国务院办公厅通知"
            cal = f"{year}年节假日安排已录入（依据：{notice}）；工作日历第{calendar.version}版"
        else:
            cal = f"{year}年节假日安排尚未录入，按周末计算；工作日历第{calendar.version}版"
    else:
        computed = "无截止日期"
        cal = f"工作日历第{calendar.version}版"
    note = provisional_note(task.next_due, calendar=calendar) if task.deadline_provisional else ""
    return DeadlineFacts(rule, computed, cal, note, due_badge(task, today, calendar).label)


# --- history ----------------------------------------------------------------------------------

TASK_HISTORY_FIELDS = (
    "status",
    "text",
    "heading",
    "path",
    *TASK_FIELDS,
    "event_at",
    "next_due",
    "deadline_provisional",
)


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    subject: str
    action: str
    changes: list[str] = field(default_factory=list)


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "系统（导入或定时任务）"
    return user.get_full_name() or user.get_username()


def _display(model, name: str, value) -> str:
    if value is None or value == "":
        return "（空）"
    f = model._meta.get_field(name)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return text if len(text) <= 60 else text[:60] + "…"


ACTIONS = {"+": "创建", "~": "修改", "-": "删除"}


def task_history(task: Task) -> list[HistoryEntry]:
    """Every recorded change to the task, its assignments and its progress reports, newest
    first, with who made it (simple_history's history_user) and when."""
    entries: list[HistoryEntry] = []
    prev = None
    for rec in task.history.select_related("history_user").order_by("history_date", "history_id"):
        changes = []
        if prev is not None and rec.history_type == "~":
            delta = rec.diff_against(prev, included_fields=list(TASK_HISTORY_FIELDS))
            for change in delta.changes:
                label = Task._meta.get_field(change.field).verbose_name
                changes.append(
                    f"{label}：{_display(Task, change.field, change.old)} → "
                    f"{_display(Task, change.field, change.new)}"
                )
        if rec.history_type != "~" or changes:
            action = ACTIONS[rec.history_type]
            entries.append(HistoryEntry(rec.history_date, _who(rec), "任务", action, changes))
        prev = rec

    records = list(
        TaskAssignment.history.filter(task_id=task.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    names = dict(
        Department.objects.filter(pk__in={r.department_id for r in records}).values_list(
            "id", "name"
        )
    )
    last: dict[int, object] = {}
    for rec in records:
        dept = names.get(rec.department_id, "（已并入其他部门）")
        role = _display(TaskAssignment, "role", rec.role)
        before = last.get(rec.id)
        if rec.history_type == "+":
            action, changes = "添加承办部门", [f"{dept}（{role}）"]
        elif rec.history_type == "-":
            action, changes = "移除承办部门", [f"{dept}（{role}）"]
        else:
            changes = []
            if before is not None and before.role != rec.role:
                old = _display(TaskAssignment, "role", before.role)
                changes.append(f"{dept}：{old} → {role}")
            if before is not None and before.department_id != rec.department_id:
                old_dept = names.get(before.department_id, "（已并入其他部门）")
                changes.append(f"{old_dept} → {dept}")
            action = "修改分工"
        last[rec.id] = rec
        if changes:
            entries.append(HistoryEntry(rec.history_date, _who(rec), "分工", action, changes))

    for rec in (
        ProgressReport.history.filter(task_id=task.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        kind = _display(ProgressReport, "kind", rec.kind)
        text = rec.text if len(rec.text) <= 60 else rec.text[:60] + "…"
        entries.append(
            HistoryEntry(
                rec.history_date,
                _who(rec),
                "进展",
                f"{ACTIONS[rec.history_type]}{kind}",
                [text] if rec.history_type == "+" else [],
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


# --- import review ----------------------------------------------------------------------------


def review_tasks(issue: GazetteIssue) -> QuerySet[Task]:
    return task_queryset().filter(document__issue=issue).order_by("document__order", "order", "id")


def departments_to_review() -> QuerySet[Department]:
    return (
        Department.objects.filter(needs_review=True)
        .annotate(task_count=Count("assignments"))
        .order_by("name")
    )


def today_and_calendar() -> tuple[date, WorkCalendar]:
    return current_day(), current_calendar()

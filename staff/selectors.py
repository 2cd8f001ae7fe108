"""Read queries and derived facts for the staff pages: task lists with their due badges, the
supervision overview, a task's deadline in words and its audit history.

Every list runs a fixed number of queries (assignments are prefetched); the badges are
computed in Python on the calendar in force (tasks.calendars.current_calendar).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from departments.access import department_ids, scope_tasks
from departments.models import Department
from documents.models import GazetteIssue
from documents.selectors import light
from tasks.calendars import current_calendar, provisional_note
from tasks.deadlines import CalendarRangeError, WorkCalendar
from tasks.models import CalendarYear, ProgressReport, Task, TaskAssignment, Urge

# "Due soon" means at most this many working days left (the reminders' first threshold).
SOON_WORKING_DAYS = 5

STATE_LABELS = {
    "open": "未办结",
    "soon": "即将到期",
    "overdue": "已逾期",
    "done": "已完成",
}


def soon_limit(today: date, calendar: WorkCalendar, n: int = SOON_WORKING_DAYS) -> date:
    """The last date d with working_days_between(today, d) <= n (the day before the
    (n+1)-th working day), so a deadline on the weekend after the 5th working day counts."""
    return calendar.add_working_days(today, n + 1) - timedelta(days=1)


@dataclass
class DueBadge:
    state: str = ""  # overdue / soon / done / "" (later, or no date)
    label: str = ""
    days: int | None = None  # working days left (negative when overdue)


def due_badge(task: Task, today: date, calendar: WorkCalendar) -> DueBadge:
    """Where a task stands against its next_due, counted in working days."""
    if task.status == Task.Status.DONE:
        return DueBadge("done", "已完成")
    if task.next_due is None:
        return DueBadge()
    try:
        if task.next_due < today:
            late = calendar.working_days_between(task.next_due, today)
            label = f"逾期{late}个工作日" if late else f"逾期{(today - task.next_due).days}天"
            return DueBadge("overdue", label, -late)
        left = calendar.working_days_between(today, task.next_due)
    except CalendarRangeError:
        return DueBadge()
    if task.next_due == today:
        return DueBadge("soon", "今天到期", 0)
    if left <= SOON_WORKING_DAYS:
        return DueBadge("soon", f"{left}个工作日内到期", left)
    return DueBadge("", f"还有{left}个工作日", left)


def task_queryset() -> QuerySet[Task]:
    """Tasks with document, issue and departments, without the large text columns."""
    return (
        Task.objects.select_related("document__issue")
        .defer(*light("document__"))
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=TaskAssignment.objects.select_related("department").order_by("order"),
            )
        )
    )


def ordered(qs: QuerySet[Task]) -> QuerySet[Task]:
    """By next_due (tasks with no date last), then in gazette order."""
    return qs.order_by(
        F("next_due").asc(nulls_last=True),
        "document__issue__year",
        "document__issue__number",
        "document__order",
        "order",
        "id",
    )


def filter_tasks(
    qs: QuerySet[Task],
    data: dict,
    today: date,
    calendar: WorkCalendar,
    mine: frozenset[int] = frozenset(),
) -> QuerySet[Task]:
    """Apply a TaskFilterForm's cleaned data (every key optional). A role without a
    department means the role of one of ``mine`` (the user's departments), if any."""
    dept = data.get("department")
    role = data.get("role")
    if dept or role:
        # department and role narrow one assignment together (市财政局 as lead), as in the API
        cond = Q(role=role) if role else Q()
        if dept:
            cond &= Q(department=dept)
        elif mine:
            cond &= Q(department_id__in=mine)
        qs = qs.filter(pk__in=TaskAssignment.objects.filter(cond).values("task_id"))
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    state = data.get("state")
    not_done = ~Q(status=Task.Status.DONE)
    if state == "open":
        qs = qs.filter(not_done)
    elif state == "done":
        qs = qs.filter(status=Task.Status.DONE)
    elif state == "overdue":
        qs = qs.filter(not_done, next_due__lt=today)
    elif state == "soon":
        qs = qs.filter(not_done, next_due__gte=today, next_due__lte=soon_limit(today, calendar))
    if data.get("document"):
        qs = qs.filter(document=data["document"])
    if data.get("issue"):
        qs = qs.filter(document__issue=data["issue"])
    q = (data.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(text__icontains=q)
            | Q(heading__icontains=q)
            | Q(document__number__icontains=q)
            | Q(document__title__icontains=q)
        )
    return qs


@dataclass
class TaskRow:
    """A task as a list shows it: the badge, and the user's own departments' roles on it."""

    task: Task
    badge: DueBadge
    mine: list[tuple[str, str, str]] = field(default_factory=list)  # (dept, role, role label)
    provisional: str = ""

    @property
    def leads(self) -> list[str]:
        return [a.department.name for a in self.task.assignments.all() if a.role == "lead"]

    @property
    def supports(self) -> list[str]:
        return [a.department.name for a in self.task.assignments.all() if a.role == "support"]

    @property
    def responsible(self) -> list[str]:
        return [a.department.name for a in self.task.assignments.all() if a.role == "responsible"]

    @property
    def my_lead(self) -> bool:
        return any(role == "lead" for _, role, _ in self.mine)


def task_rows(tasks, user, today: date, calendar: WorkCalendar) -> list[TaskRow]:
    mine_ids = department_ids(user)
    rows = []
    for task in tasks:
        mine = [
            (a.department.name, a.role, a.get_role_display())
            for a in task.assignments.all()
            if a.department_id in mine_ids
        ]
        note = (
            provisional_note(task.next_due, calendar=calendar) if task.deadline_provisional else ""
        )
        rows.append(TaskRow(task, due_badge(task, today, calendar), mine, note))
    return rows


def scoped_tasks(user) -> QuerySet[Task]:
    return scope_tasks(task_queryset(), user)


def group_by_status(rows: list[TaskRow]) -> list[tuple[str, str, list[TaskRow]]]:
    """(status, label, rows) in the order 未开始, 推进中, 已完成; empty groups kept."""
    groups = {value: [] for value in Task.Status.values}
    for row in rows:
        groups[row.task.status].append(row)
    return [(value, label, groups[value]) for value, label in Task.Status.choices]


def state_counts(rows: list[TaskRow]) -> dict[str, int]:
    counts = {"total": len(rows), "overdue": 0, "soon": 0, "done": 0, "open": 0}
    for row in rows:
        if row.task.status == Task.Status.DONE:
            counts["done"] += 1
        else:
            counts["open"] += 1
            if row.badge.state in ("overdue", "soon"):
                counts[row.badge.state] += 1
    return counts


# --- supervision overview ---------------------------------------------------------------------


def _counts(prefix: str, today: date, limit: date) -> dict:
    status, due = f"{prefix}status", f"{prefix}next_due"
    not_done = ~Q(**{status: Task.Status.DONE})
    return {
        "total": Count("id"),
        "open": Count("id", filter=not_done),
        "soon": Count("id", filter=not_done & Q(**{f"{due}__gte": today, f"{due}__lte": limit})),
        "overdue": Count("id", filter=not_done & Q(**{f"{due}__lt": today})),
        "done": Count("id", filter=~not_done),
    }


def overview_by_department(today: date, calendar: WorkCalendar) -> list[dict]:
    """Per department: tasks (as any role), open, due soon, overdue, done."""
    rows = (
        TaskAssignment.objects.values("department_id", "department__name", "department__kind")
        .annotate(**_counts("task__", today, soon_limit(today, calendar)))
        .order_by("-overdue", "-soon", "department__name")
    )
    return list(rows)


def overview_by_document(today: date, calendar: WorkCalendar) -> list[dict]:
    rows = (
        Task.objects.values(
            "document_id",
            "document__number",
            "document__title",
            "document__issue__year",
            "document__issue__number",
            "document__issue__status",
        )
        .annotate(**_counts("", today, soon_limit(today, calendar)))
        .order_by("-document__issue__year", "-document__issue__number", "document__order")
    )
    return list(rows)


def overview_totals(today: date, calendar: WorkCalendar) -> dict:
    return Task.objects.aggregate(**_counts("", today, soon_limit(today, calendar)))


# --- one task ---------------------------------------------------------------------------------


def task_detail(user) -> QuerySet[Task]:
    return (
        scoped_tasks(user)
        .select_related("clause__parent")
        .prefetch_related(
            Prefetch(
                "progress_reports",
                queryset=ProgressReport.objects.select_related("department", "author")
                .prefetch_related("attachments")
                .order_by("-created_at", "-id"),
            ),
            Prefetch("urges", queryset=Urge.objects.select_related("department", "by")),
        )
    )


UNIT_LABELS = {"working_days": "个工作日", "days": "日", "hours": "小时"}
EVERY_LABELS = {"year": "每年", "half": "每半年", "quarter": "每季度", "month": "每月"}


def _cn(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def deadline_rule(task: Task) -> str:
    """The task's deadline spec in words (the rule next_due is computed by)."""
    kind = task.deadline_kind
    if kind == Task.DeadlineKind.DUE:
        return f"限期完成：{_cn(task.due_on)}前" if task.due_on else "限期完成（日期未识别）"
    if kind == Task.DeadlineKind.RECURRING:
        every = EVERY_LABELS.get(task.every, task.every)
        if task.every == "year" and task.by:
            month, day = task.by.split("-")
            return f"定期：{every}{int(month)}月{int(day)}日前"
        if task.every == "month" and task.by:
            return f"定期：{every}{int(task.by.strip('-'))}日前"
        return f"定期：{every}末"
    if kind == Task.DeadlineKind.ONGOING:
        text = f"持续推进（自{_cn(task.start_on)}起）" if task.start_on else "持续推进"
        if task.every:
            text += f"，{EVERY_LABELS.get(task.every, task.every)}末报告进展"
        return text
    if kind == Task.DeadlineKind.RELATIVE:
        unit = UNIT_LABELS.get(task.unit, task.unit)
        text = f"事件后限时：{task.trigger or '起算事件'}后{task.n or '?'}{unit}内"
        if task.event_at:
            text += f"（事件登记于{_cn(timezone.localtime(task.event_at).date())}）"
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
        computed = f"{_cn(task.next_due)}（星期{weekday}，{day_name}）"
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
    "deadline_text",
    "deadline_kind",
    "due_on",
    "start_on",
    "every",
    "by",
    "n",
    "unit",
    "trigger",
    "event_at",
    "roll_to_working_day",
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
    return timezone.localdate(), current_calendar()

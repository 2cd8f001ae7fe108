"""Task reads shared by the API, the staff pages, the exports and the jobs.

Who may read a task is ``Task.objects.visible_to(user)``; what is overdue or due soon is
``overdue(today)`` / ``due_within(n, today, calendar)`` (tasks/models.py). The functions here add
what a read needs loaded with it, so no list runs a query per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.shortcuts import get_object_or_404

from core.jsonrows import json_rows, read_json_rows
from documents.models import light
from workdays.calendars import provisional_note
from workdays.engine import TASK_FIELDS, CalendarRangeError, WorkCalendar

from .models import (
    SOON_WORKING_DAYS,
    ProgressAttachment,
    ProgressReport,
    Task,
    TaskAssignment,
    Urge,
    due_within_q,
    open_q,
    overdue_q,
)


def assignments_prefetch(lookup: str = "assignments") -> Prefetch:
    return Prefetch(
        lookup, queryset=TaskAssignment.objects.select_related("department").order_by("order")
    )


def task_queryset() -> QuerySet[Task]:
    """Tasks with document, issue and departments, without the large text columns."""
    return (
        Task.objects.select_related("document__issue")
        .defer(*light("document__"))
        .prefetch_related(assignments_prefetch())
    )


def assignments_json() -> Subquery:
    """A task's departments ({"department": id, "department_name": name, "role": role}) in
    the task's own row: a list then needs no second query for them."""
    return json_rows(
        TaskAssignment.objects.filter(task=OuterRef("pk")),
        "task",
        department=F("department_id"),
        department_name=F("department__name"),
        role=F("role"),
        order=F("order"),
    )


def departments_from_json(text: str | None) -> list[dict]:
    return read_json_rows(text, "order")


# A task's deadline as values (tasks.serializers.deadline_data turns them into the API's).
DEADLINE_VALUES = (*TASK_FIELDS, "next_due", "deadline_provisional")

# The columns of the task list (GET /api/tasks/), read as values: serializing model instances
# cost more than the query (BENCHMARKS.md).
TASK_LIST_VALUES = (
    "id",
    "document_id",
    "document__number",
    "document__title",
    "document__slug",
    "document__issue__year",
    "document__issue__number",
    "path",
    "heading",
    "text",
    "origin",
    "status",
    *DEADLINE_VALUES,
    "version",
)


def task_list_values(qs: QuerySet[Task], today: date, *more: str) -> QuerySet:
    """The task list's rows as dicts (with the fields ``more`` names too), with their
    departments and whether each is overdue (overdue_q, in SQL), in one query."""
    return qs.values(
        *TASK_LIST_VALUES,
        *more,
        departments=assignments_json(),
        overdue=ExpressionWrapper(overdue_q(today), output_field=BooleanField()),
    )


# The states a public list of tasks can be narrowed to: a status, or overdue (as of today).
PUBLIC_STATES = {**dict(Task.Status.choices), "overdue": "已逾期"}


def public_tasks(
    today: date,
    *,
    year: int | None = None,
    number: int | None = None,
    document: int | None = None,
    department: int | None = None,
    state: str = "",
) -> QuerySet[Task]:
    """Tasks of published issues (what the public may read), in gazette order, narrowed by
    an issue (year, number), a document, a department on it (any role), a state
    (PUBLIC_STATES)."""
    qs = Task.objects.published()
    if year:
        qs = qs.filter(document__issue__year=year)
    if number:
        qs = qs.filter(document__issue__number=number)
    if document:
        qs = qs.filter(document_id=document)
    if department:
        qs = qs.filter(
            Exists(TaskAssignment.objects.filter(task=OuterRef("pk"), department_id=department))
        )
    if state == "overdue":
        qs = qs.overdue(today)
    elif state:
        qs = qs.filter(status=state)
    return qs.order_by(
        "-document__issue__year", "-document__issue__number", "document__order", "order", "id"
    )


def tasks_for(user) -> QuerySet[Task]:
    """The tasks a user may read, ready for a list."""
    return task_queryset().visible_to(user)


def task_detail(user) -> QuerySet[Task]:
    """One task with its progress reports (and their files) and urges, newest first."""
    return (
        tasks_for(user)
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


def ordered(qs: QuerySet[Task]) -> QuerySet[Task]:
    """By next_due (tasks with no date last), then in gazette order: a page of it walks the
    next_due index and stops, however many tasks match."""
    return qs.order_by(
        F("next_due").asc(nulls_last=True),
        "document__issue__year",
        "document__issue__number",
        "document__order",
        "order",
        "id",
    )


def attachment_for(user, pk: int) -> ProgressAttachment:
    """An evidence file of a progress report on a task the user may read (else 404)."""
    tasks = Task.objects.visible_to(user).values("pk")
    return get_object_or_404(
        ProgressAttachment.objects.filter(report__task__in=tasks).select_related("report"), pk=pk
    )


def department_assignments(department, *, published_only: bool = True) -> QuerySet:
    """A department's assignments with their tasks, documents and issues, in deadline order."""
    qs = TaskAssignment.objects.filter(department=department)
    if published_only:
        qs = qs.published()
    return (
        qs.select_related("task__document__issue")
        .defer(*light("task__document__"))
        .order_by("task__next_due", "task__document__issue__year", "task__document__order")
    )


# --- where a task stands against its deadline -------------------------------------------------


@dataclass
class DueBadge:
    state: str = ""  # overdue / soon / done / "" (later, no date, or a draft's)
    label: str = ""
    days: int | None = None  # working days left (negative when overdue)


def due_badge(task: Task, today: date, calendar: WorkCalendar) -> DueBadge:
    """Where a task stands against its next_due, counted in working days. The state follows
    the queryset rules (overdue_q, due_within_q): a draft's task has a label but no state."""
    if task.status == Task.Status.DONE:
        return DueBadge("done", "已完成")
    if task.next_due is None:
        return DueBadge()
    in_force = task.document.issue.is_published
    try:
        if task.next_due < today:
            late = calendar.working_days_between(task.next_due, today)
            label = f"逾期{late}个工作日" if late else f"逾期{(today - task.next_due).days}天"
            return DueBadge("overdue" if in_force else "", label, -late)
        left = calendar.working_days_between(today, task.next_due)
    except CalendarRangeError:
        return DueBadge()
    soon = "soon" if in_force else ""
    if task.next_due == today:
        return DueBadge(soon, "今天到期", 0)
    if left <= SOON_WORKING_DAYS:
        return DueBadge(soon, f"{left}个工作日内到期", left)
    return DueBadge("", f"还有{left}个工作日", left)


# --- a task as lists, exports and reports show it ---------------------------------------------


@dataclass
class TaskRow:
    """A task as a list shows it: the badge, and the user's own departments' roles on it."""

    task: Task
    badge: DueBadge
    mine: list[tuple[str, str, str]] = field(default_factory=list)  # (dept, role, role label)
    provisional: str = ""

    @cached_property
    def _by_role(self) -> dict[str, list[str]]:
        names: dict[str, list[str]] = {role: [] for role in TaskAssignment.Role.values}
        for a in self.task.assignments.all():
            names.setdefault(a.role, []).append(a.department.name)
        return names

    @property
    def leads(self) -> list[str]:
        return self._by_role["lead"]

    @property
    def supports(self) -> list[str]:
        return self._by_role["support"]

    @property
    def responsible(self) -> list[str]:
        return self._by_role["responsible"]

    @cached_property
    def departments(self) -> str:
        """牵头：市财政局；配合：市发展改革委、市农委 — the departments line of a card."""
        return "；".join(
            f"{label}：{'、'.join(self._by_role[role])}"
            for role, label in TaskAssignment.Role.choices
            if self._by_role.get(role)
        )

    @property
    def my_lead(self) -> bool:
        return any(role == "lead" for _, role, _ in self.mine)

    @property
    def title(self) -> str:
        return self.task.heading or clip(self.task.text, 40)

    @property
    def excerpt(self) -> str:
        """The text under a heading (none when the text is the title)."""
        return clip(self.task.text, 90) if self.task.heading else ""

    @property
    def source(self) -> str:
        doc = self.task.document
        where = clip(doc.number or doc.title, 30)
        return f"{where} · {self.task.path}" if self.task.path else where


def clip(text: str, n: int) -> str:
    """As the truncatechars filter: at most n characters, the last an ellipsis."""
    return text if len(text) <= n else text[: n - 1] + "…"


def task_rows(
    tasks, today: date, calendar: WorkCalendar, mine_ids: frozenset[int] = frozenset()
) -> list[TaskRow]:
    """Rows of a list: each task's badge, and its roles for ``mine_ids`` (the reader's
    departments)."""
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


def count_expressions(today: date, calendar: WorkCalendar, prefix: str = "") -> dict:
    """Counts by the task rules (tasks/models.py), as aggregates over tasks reached through
    ``prefix``: a count is the length of the list its filter selects."""
    return {
        "total": Count("id"),
        "open": Count("id", filter=open_q(prefix)),
        "soon": Count("id", filter=due_within_q(SOON_WORKING_DAYS, today, calendar, prefix)),
        "overdue": Count("id", filter=overdue_q(today, prefix)),
        "done": Count("id", filter=~open_q(prefix)),
        "not_started": Count("id", filter=Q(**{f"{prefix}status": Task.Status.OPEN})),
        "in_progress": Count("id", filter=Q(**{f"{prefix}status": Task.Status.IN_PROGRESS})),
    }


def task_counts(qs: QuerySet[Task], today: date, calendar: WorkCalendar) -> dict[str, int]:
    """The counts of a filtered list, in one query."""
    return qs.order_by().aggregate(**count_expressions(today, calendar))

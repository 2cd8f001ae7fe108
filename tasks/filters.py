"""Filters of the task lists: one TaskFilter behind the API (django-filter's DRF backend) and
the staff pages (its form renders the filter bar). The rules themselves are the queryset
methods of tasks/models.py."""

from __future__ import annotations

from functools import cached_property

import django_filters
from django import forms
from django.db.models import Exists, F, Min, OuterRef, Q
from rest_framework.filters import OrderingFilter

from core.dates import today as current_day
from core.filters import IdFilter
from departments.access import department_ids, sees_everything
from workdays.calendars import current_calendar

from .models import SOON_WORKING_DAYS, ProgressReport, Task, TaskAssignment

ALL = [("", "全部")]
STATE_CHOICES = [
    ("open", "未办结"),
    ("soon", f"即将到期（{SOON_WORKING_DAYS}个工作日内）"),
    ("overdue", "已逾期"),
    ("done", "已完成"),
]


class TaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=100, label="关键词")
    state = django_filters.ChoiceFilter(
        choices=STATE_CHOICES, method="filter_state", label="到期情况", empty_label="全部"
    )
    status = django_filters.ChoiceFilter(
        choices=Task.Status.choices, label="状态", empty_label="全部"
    )
    role = django_filters.ChoiceFilter(
        choices=TaskAssignment.Role.choices,
        method="filter_assignment",
        label="角色",
        empty_label="全部",
    )
    department = IdFilter(method="filter_assignment", label="部门")
    document = IdFilter(field_name="document_id", label="文件")
    issue = IdFilter(field_name="document__issue_id", label="期次")
    deadline_kind = django_filters.ChoiceFilter(
        choices=[c for c in Task.DeadlineKind.choices if c[0]], label="时限类型"
    )
    due_before = django_filters.DateFilter(
        field_name="next_due", lookup_expr="lte", label="截止不晚于"
    )
    due_after = django_filters.DateFilter(
        field_name="next_due", lookup_expr="gte", label="截止不早于"
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="已逾期")
    due_within = django_filters.NumberFilter(
        method="filter_due_within", min_value=0, max_value=366, label="N个工作日内到期"
    )

    class Meta:
        model = Task
        fields = ["department", "role", "status", "deadline_kind", "document", "issue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The staff pages render department and document as selects; their choices are read
        # only when the form is drawn, so an API request pays no query for them.
        user = getattr(self.request, "user", None)
        self.filters["department"].extra["widget"] = forms.Select(
            choices=lambda: ALL + department_choices(user)
        )
        # Documents: the selected one only (the overview's links filter by document; the
        # keyword finds a document by 文号 or title): listing every document with tasks would
        # cost more than the page.
        self.filters["document"].extra["widget"] = forms.Select(
            choices=lambda: ALL + document_choices(user, self.data.get("document"))
        )
        self.filters["q"].extra["widget"] = forms.TextInput(
            attrs={"type": "search", "placeholder": "任务内容、文号"}
        )

    @cached_property
    def today(self):
        return current_day()

    def mine(self) -> frozenset[int]:
        """The departments a role alone refers to: the user's, unless they see everything."""
        user = getattr(self.request, "user", None)
        if user is None or sees_everything(user):
            return frozenset()
        return department_ids(user)

    def filter_assignment(self, qs, name, value):
        # department and role narrow one assignment together (市财政局 as lead), not apart;
        # a role without a department means the role of one of the user's departments
        data = self.form.cleaned_data
        dept, role = data.get("department"), data.get("role")
        if name == "role" and dept is not None:
            return qs  # applied with the department
        cond = Q(task=OuterRef("pk"))
        if dept is not None:
            cond &= Q(department_id=dept)
        elif self.mine():
            cond &= Q(department_id__in=self.mine())
        if role:
            cond &= Q(role=role)
        return qs.filter(Exists(TaskAssignment.objects.filter(cond)))

    def filter_state(self, qs, name, value):
        if value == "open":
            return qs.open()
        if value == "done":
            return qs.filter(status=Task.Status.DONE)
        if value == "overdue":
            return qs.overdue(self.today)
        return qs.due_within(SOON_WORKING_DAYS, self.today, current_calendar())

    def filter_overdue(self, qs, name, value):
        overdue = qs.overdue(self.today)
        return overdue if value else qs.exclude(pk__in=overdue.values("pk"))

    def filter_due_within(self, qs, name, value):
        return qs.due_within(int(value), self.today, current_calendar())

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(text__icontains=value)
            | Q(heading__icontains=value)
            | Q(document__number__icontains=value)
            | Q(document__title__icontains=value)
        )


def department_choices(user) -> list[tuple[int, str]]:
    from departments.models import Department

    if user is not None and sees_everything(user):
        assigned = TaskAssignment.objects.filter(department=OuterRef("pk"))
        depts = Department.objects.filter(Exists(assigned))
    else:
        depts = Department.objects.filter(pk__in=department_ids(user) if user else ())
    return list(depts.order_by("kind", "name").values_list("pk", "name"))


def document_choices(user, selected) -> list[tuple[int, str]]:
    from documents.models import Document

    if not str(selected or "").isdigit():
        return []
    docs = Document.objects.visible_to(user).filter(pk=int(selected)).only("number", "title")
    return [(d.pk, f"{d.number} {d.title[:24]}" if d.number else d.title[:30]) for d in docs]


class TaskOrdering(OrderingFilter):
    """?ordering=next_due | document | department (the first department's name), with -."""

    fields = {
        "next_due": ["next_due", "id"],
        "document": [
            "document__issue__year",
            "document__issue__number",
            "document__order",
            "order",
        ],
        "department": ["first_department", "id"],
    }

    def get_default_ordering(self, view):
        return ["next_due"]

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param, "")
        terms = [t.strip() for t in raw.split(",") if t.strip().lstrip("-") in self.fields] or [
            "next_due"
        ]
        order = []
        for term in terms:
            desc = term.startswith("-")
            for f in self.fields[term.lstrip("-")]:
                # tasks with no date go last either way, on every database
                expr = F(f).desc(nulls_last=True) if desc else F(f).asc(nulls_last=True)
                order.append(expr)
        if any(t.lstrip("-") == "department" for t in terms):
            queryset = queryset.annotate(first_department=Min("assignments__department__name"))
        return queryset.order_by(*order)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "排序：next_due、document、department（前加 - 为倒序）",
                "schema": {
                    "type": "string",
                    "enum": [*self.fields, *[f"-{f}" for f in self.fields]],
                },
            }
        ]


class AssignmentFilter(django_filters.FilterSet):
    task = IdFilter(field_name="task_id")
    department = IdFilter(field_name="department_id")
    role = django_filters.ChoiceFilter(choices=TaskAssignment.Role.choices)

    class Meta:
        model = TaskAssignment
        fields = ["task", "department", "role"]


class ProgressFilter(django_filters.FilterSet):
    task = IdFilter(field_name="task_id")
    department = IdFilter(field_name="department_id")
    kind = django_filters.ChoiceFilter(choices=ProgressReport.Kind.choices)

    class Meta:
        model = ProgressReport
        fields = ["task", "department", "kind"]

import django_filters
from django.db.models import Exists, F, Min, OuterRef, Q
from django.utils import timezone
from rest_framework.filters import OrderingFilter

from benxi_gazette.filters import IdFilter

from .calendars import current_calendar
from .models import ProgressReport, Task, TaskAssignment


class TaskFilter(django_filters.FilterSet):
    department = IdFilter(method="filter_assignment", label="部门ID")
    role = django_filters.ChoiceFilter(
        choices=TaskAssignment.Role.choices, method="filter_assignment", label="角色"
    )
    status = django_filters.ChoiceFilter(choices=Task.Status.choices)
    deadline_kind = django_filters.ChoiceFilter(
        choices=[c for c in Task.DeadlineKind.choices if c[0]]
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
    document = IdFilter(field_name="document_id")
    issue = IdFilter(field_name="document__issue_id")
    q = django_filters.CharFilter(method="filter_q", max_length=100, label="关键词")

    class Meta:
        model = Task
        fields = ["department", "role", "status", "deadline_kind", "document", "issue"]

    def filter_assignment(self, qs, name, value):
        # department and role narrow one assignment together (市财政局 as lead), not apart
        data = self.form.cleaned_data
        dept, role = data.get("department"), data.get("role")
        if name == "role" and dept is not None:
            return qs  # applied with the department
        cond = Q(task=OuterRef("pk"))
        if dept is not None:
            cond &= Q(department_id=dept)
        if role:
            cond &= Q(role=role)
        return qs.filter(Exists(TaskAssignment.objects.filter(cond)))

    def filter_overdue(self, qs, name, value):
        late = Q(next_due__lt=timezone.localdate()) & ~Q(status=Task.Status.DONE)
        return qs.filter(late) if value else qs.exclude(late)

    def filter_due_within(self, qs, name, value):
        today = timezone.localdate()
        limit = current_calendar().add_working_days(today, int(value))
        return qs.filter(next_due__gte=today, next_due__lte=limit).exclude(status=Task.Status.DONE)

    def filter_q(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(text__icontains=value) | Q(heading__icontains=value)) if value else qs


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

"""REST API for tasks, assignments, progress reports, the inbox and working-day sums."""

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.dates import today as current_day
from core.pagination import CountOnRequestPagination
from departments.models import Department
from departments.permissions import IsActiveUser, IsSecretariat, IsSupervisor
from workdays.calendars import current_calendar, provisional_note
from workdays.engine import CalendarRangeError

from . import selectors, services
from .downloads import attachment_download
from .filters import AssignmentFilter, ProgressFilter, TaskFilter, TaskOrdering
from .models import Notification, ProgressReport, Task, TaskAssignment
from .permissions import ReportsOnTask
from .serializers import (
    AssignmentSerializer,
    CloseInputSerializer,
    DoneInputSerializer,
    ExtensionInputSerializer,
    NotificationSerializer,
    ProgressInputSerializer,
    ProgressReportSerializer,
    TaskDetailSerializer,
    TaskSerializer,
    UrgeInputSerializer,
    UrgeSerializer,
    WorkdaysResultSerializer,
    task_list_data,
)


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """任务: the user's scope (their departments' tasks; everything for 督查 and 秘书处)."""

    permission_classes = [IsActiveUser]
    filterset_class = TaskFilter
    pagination_class = CountOnRequestPagination
    filter_backends = [DjangoFilterBackend, TaskOrdering]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.task_detail(self.request.user)
        if self.action == "list":
            return Task.objects.visible_to(self.request.user)
        return selectors.tasks_for(self.request.user)

    def list(self, request, *args, **kwargs):
        """The list as values (selectors.task_list_values): one query for the page and its
        departments, no model instances; the same JSON as TaskSerializer."""
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(selectors.task_list_values(qs, current_day()))
        return self.get_paginated_response(task_list_data(page))

    def get_serializer_class(self):
        return TaskDetailSerializer if self.action == "retrieve" else TaskSerializer

    def _task_for_report(self):
        task = self.get_object()
        self.check_object_permissions(self.request, task)
        return task

    def _report(self, serializer_class, kind):
        task = self._task_for_report()
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        files = self.request.FILES.getlist("files") or v.get("files", [])
        report = services.report_progress(
            task,
            self.request.user,
            text=v["text"],
            kind=kind,
            files=files,
            requested_due=v.get("requested_due"),
            version=v.get("version"),
        )
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": ProgressInputSerializer},
        responses={201: ProgressReportSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[ReportsOnTask])
    def progress(self, request, pk=None):
        """报告进展（文字与附件）."""

        return self._report(ProgressInputSerializer, ProgressReport.Kind.PROGRESS)

    @extend_schema(request=ProgressInputSerializer, responses={201: ProgressReportSerializer})
    @action(detail=True, methods=["post"], permission_classes=[ReportsOnTask], url_path="start")
    def start(self, request, pk=None):
        """开始推进: the task is in progress."""
        return self._report(ProgressInputSerializer, ProgressReport.Kind.IN_PROGRESS)

    @extend_schema(
        request={"multipart/form-data": DoneInputSerializer},
        responses={201: ProgressReportSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[ReportsOnTask])
    def complete(self, request, pk=None):
        """办结, with evidence (text and at least one attachment)."""
        return self._report(DoneInputSerializer, ProgressReport.Kind.DONE)

    @extend_schema(request=ExtensionInputSerializer, responses={201: ProgressReportSerializer})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[ReportsOnTask],
        url_path="request-extension",
    )
    def request_extension(self, request, pk=None):
        """申请延期, with a reason and the date asked for."""
        return self._report(ExtensionInputSerializer, ProgressReport.Kind.EXTENSION)

    @extend_schema(request=UrgeInputSerializer, responses={201: UrgeSerializer(many=True)})
    @action(detail=True, methods=["post"], permission_classes=[IsSupervisor], pagination_class=None)
    def urge(self, request, pk=None):
        """催办: notify the task's departments (or one of them)."""
        task = self.get_object()
        data = UrgeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dept = None
        if "department" in data.validated_data:
            dept = Department.objects.filter(pk=data.validated_data["department"]).first()
            if dept is None:
                raise ValidationError({"department": "部门不存在"})
        urges = services.urge(
            task,
            request.user,
            message=data.validated_data["message"],
            department=dept,
        )
        return Response(UrgeSerializer(urges, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CloseInputSerializer, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsSupervisor])
    def close(self, request, pk=None):
        """督查办结."""
        task = self.get_object()
        data = CloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        task = services.close_task(task, request.user, note=v["note"], version=v.get("version"))
        return Response(TaskSerializer(selectors.task_queryset().get(pk=task.pk)).data)


class AssignmentViewSet(viewsets.ModelViewSet):
    """分工: read within scope; the secretariat corrects them."""

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [IsActiveUser()]
        return [IsSecretariat()]

    def get_queryset(self):
        return (
            TaskAssignment.objects.visible_to(self.request.user)
            .select_related("department")
            .order_by("task_id", "order")
        )


class ProgressReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """进展报告 in scope, newest first; create them with POST /api/tasks/{id}/progress/."""

    serializer_class = ProgressReportSerializer
    permission_classes = [IsActiveUser]
    filterset_class = ProgressFilter

    def get_queryset(self):
        tasks = Task.objects.visible_to(self.request.user).values("pk")
        return (
            ProgressReport.objects.filter(task__in=tasks)
            .select_related("department", "author")
            .prefetch_related("attachments")
            .order_by("-created_at", "-id")
        )


class AttachmentDownloadView(APIView):
    """A progress report's attachment, as a download with a safe name."""

    permission_classes = [IsActiveUser]

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk):
        return attachment_download(request.user, pk)


class InboxViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """站内消息 of the current user."""

    serializer_class = NotificationSerializer
    permission_classes = [IsActiveUser]
    filterset_fields = ["kind"]

    queryset = Notification.objects.none()  # for the schema; the real one is per user

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return Notification.objects.filter(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        note = get_object_or_404(self.get_queryset(), pk=pk)
        if note.read_at is None:
            note.read_at = timezone.now()
            note.save(update_fields=["read_at"])
        return Response(NotificationSerializer(note).data)

    @extend_schema(
        request=None,
        responses={200: {"type": "object", "properties": {"marked": {"type": "integer"}}}},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = self.get_queryset().filter(read_at__isnull=True).update(read_at=timezone.now())
        return Response({"marked": marked})


def _date_param(request, name: str) -> date:
    raw = request.query_params.get(name, "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: f"日期格式应为 YYYY-MM-DD（收到“{raw[:20]}”）"}) from None


class WorkdaysViewSet(viewsets.ViewSet):
    """工作日计算 on the official calendar (anyone may ask)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def _answer(self, result, *days):
        note = provisional_note(*days)
        return Response({"result": str(result), "provisional": bool(note), "note": note})

    @extend_schema(
        parameters=[
            OpenApiParameter("date", str, required=True),
            OpenApiParameter("n", int, required=True),
        ],
        responses=WorkdaysResultSerializer,
    )
    @action(detail=False, methods=["get"])
    def add(self, request):
        """第N个工作日: the n-th working day after date."""
        start = _date_param(request, "date")
        try:
            n = int(request.query_params.get("n", ""))
        except ValueError:
            raise ValidationError({"n": "n 应为 0 到 3650 之间的整数"}) from None
        if not 0 <= n <= 3650:
            raise ValidationError({"n": "n 应为 0 到 3650 之间的整数"})
        try:
            result = current_calendar().add_working_days(start, n)
        except CalendarRangeError as exc:
            raise ValidationError({"date": str(exc)}) from None
        return self._answer(result.isoformat(), start, result)

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, required=True),
            OpenApiParameter("end", str, required=True),
        ],
        responses=WorkdaysResultSerializer,
    )
    @action(detail=False, methods=["get"])
    def between(self, request):
        """甲日之后至乙日（含）的工作日数."""
        a, b = _date_param(request, "start"), _date_param(request, "end")
        try:
            result = current_calendar().working_days_between(a, b)
        except CalendarRangeError as exc:
            raise ValidationError({"start": str(exc)}) from None
        return self._answer(result, a, b)

    @extend_schema(
        parameters=[OpenApiParameter("date", str, required=True)],
        responses=WorkdaysResultSerializer,
    )
    @action(detail=False, methods=["get"])
    def check(self, request):
        """是否工作日，及当日名称."""
        day = _date_param(request, "date")
        cal = current_calendar()
        try:
            working = cal.is_working_day(day)
        except CalendarRangeError as exc:
            raise ValidationError({"date": str(exc)}) from None
        return self._answer(f"{'工作日' if working else '休息日'} {cal.day_name(day)}", day)

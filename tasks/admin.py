from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.dates import today as current_day
from documents.admin import ReindexesSearch
from notifications.models import OutboxMessage
from workdays.calendars import current_calendar, provisional_note

from .models import (
    ProgressReport,
    Reminder,
    Task,
    TaskAssignment,
)
from .services import apply_next_due


class AssignmentInline(admin.TabularInline):
    model = TaskAssignment
    extra = 0
    autocomplete_fields = ["department"]


class ProgressInline(admin.TabularInline):
    model = ProgressReport
    extra = 0
    fields = ["created_at", "department", "author", "status_change", "text"]
    readonly_fields = ["created_at"]


@admin.register(Task)
class TaskAdmin(ReindexesSearch, SimpleHistoryAdmin):
    list_display = [
        "document",
        "path",
        "heading",
        "deadline_kind",
        "due_display",
        "status",
        "origin",
        "forwarded",
    ]
    list_filter = [
        "status",
        "deadline_kind",
        "deadline_provisional",
        "origin",
        "forwarded",
        "document__issue",
    ]
    search_fields = ["text", "heading", "document__number", "assignments__department__name"]
    list_select_related = ["document"]
    date_hierarchy = "next_due"
    readonly_fields = ["fingerprint", "created_at", "updated_at", "version"]
    raw_id_fields = ["document", "clause"]
    inlines = [AssignmentInline, ProgressInline]

    def save_model(self, request, obj, form, change):
        # the deadline may have been edited: next_due follows it
        apply_next_due(obj, current_day(), current_calendar())
        super().save_model(request, obj, form, change)

    @admin.display(description=_("下次截止"), ordering="next_due")
    def due_display(self, obj):
        if obj.next_due is None:
            return "—"
        if obj.deadline_provisional:
            return f"{obj.next_due}（暂定：{provisional_note(obj.next_due)}）"
        return obj.next_due


@admin.register(TaskAssignment)
class TaskAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["task", "department", "role"]
    list_filter = ["role", "department__kind"]
    search_fields = ["department__name", "task__text"]
    list_select_related = ["task__document", "department"]
    raw_id_fields = ["task"]
    autocomplete_fields = ["department"]


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ["task", "department", "author", "status_change", "created_at"]
    list_filter = ["status_change", "department"]
    search_fields = ["text"]
    list_select_related = ["task__document", "department", "author"]
    raw_id_fields = ["task"]


# --- reminders (到期提醒) and their emails -------------------------------------------------------


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Read-only: reminders are recorded by the sweep, never by hand."""

    list_display = ["id", "subject", "department", "threshold_display", "due_on", "status"]
    list_filter = ["status", "threshold", "created_at", "department__kind"]
    search_fields = [
        "department__name",
        "task__text",
        "task__heading",
        "task__document__number",
        "event__subject",
    ]
    list_select_related = ["task__document", "event", "department"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "task",
        "event",
        "department",
        "threshold",
        "due_on",
        "status",
        "batch",
        "created_at",
        "emails",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("事项"))
    def subject(self, obj):
        if obj.task_id:
            return f"{obj.task.document.number} {obj.task.path} {obj.task.heading}".strip()
        return f"主动公开：{obj.event.subject}"

    @admin.display(description=_("提醒节点"), ordering="threshold")
    def threshold_display(self, obj):
        return obj.threshold_label

    @admin.display(description=_("提醒消息"))
    def emails(self, obj):
        """The outbox messages of its sweep: its department's members' e-mails and the
        department's group robots (站内消息 reach all members)."""
        sent = OutboxMessage.objects.filter(batch=obj.batch).filter(
            Q(user__memberships__department=obj.department_id) | Q(department=obj.department_id)
        )
        sent = sent.distinct().order_by("channel", "address")
        if not sent:
            return _("无（部门成员均无邮箱，或部门无工作人员账号）")
        return format_html_join(
            "",
            '<div><a href="{}">{}</a>：{}（尝试{}次）</div>',
            (
                (
                    reverse("admin:notifications_outboxmessage_change", args=[e.pk]),
                    e.address,
                    e.get_state_display(),
                    e.attempts,
                )
                for e in sent
            ),
        )

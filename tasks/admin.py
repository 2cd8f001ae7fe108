from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ProgressReport, Task, TaskAssignment


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
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["document", "path", "heading", "deadline_kind", "next_due", "status", "origin"]
    list_filter = ["status", "deadline_kind", "origin", "document__issue"]
    search_fields = ["text", "heading", "document__number", "assignments__department__name"]
    list_select_related = ["document"]
    date_hierarchy = "next_due"
    readonly_fields = ["fingerprint", "created_at", "updated_at", "version"]
    raw_id_fields = ["document", "clause"]
    inlines = [AssignmentInline, ProgressInline]


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

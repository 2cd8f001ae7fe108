from types import SimpleNamespace

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workdays.calendars import provisional_note
from workdays.engine import DeadlineSpec

from .models import Notification, ProgressAttachment, ProgressReport, Task, TaskAssignment, Urge
from .selectors import departments_from_json


class AssignmentBriefSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = TaskAssignment
        fields = ["department", "department_name", "role"]


class AssignmentSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = TaskAssignment
        fields = ["id", "task", "department", "department_name", "role", "order"]


class DeadlineSerializer(serializers.Serializer):
    """A task's deadline as written, and the next date it falls due."""

    text = serializers.CharField(source="deadline_text")
    kind = serializers.CharField(source="deadline_kind", allow_blank=True)
    start = serializers.DateField(source="start_on", allow_null=True)
    due = serializers.DateField(source="due_on", allow_null=True)
    every = serializers.CharField(allow_blank=True)
    by = serializers.CharField(allow_blank=True)
    n = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField(allow_blank=True)
    trigger = serializers.CharField(allow_blank=True)
    next_due = serializers.DateField(allow_null=True)
    provisional = serializers.BooleanField(source="deadline_provisional")
    provisional_note = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_provisional_note(self, obj) -> str:
        return provisional_note(obj.next_due) if obj.deadline_provisional else ""

    def to_representation(self, instance) -> dict:
        # the spec's fields are read through DeadlineSpec, as everywhere (the declared fields
        # above describe the output for the schema)
        return {
            **spec_data(DeadlineSpec.from_task(instance)),
            "next_due": _iso(instance.next_due),
            "provisional": instance.deadline_provisional,
            "provisional_note": self.get_provisional_note(instance),
        }


def spec_data(spec: DeadlineSpec) -> dict:
    """A deadline spec as the API writes it: dates ISO, blanks "" (n None)."""
    return {
        "text": spec.text,
        "kind": spec.kind,
        "start": _iso(spec.start),
        "due": _iso(spec.due),
        "every": spec.every or "",
        "by": spec.by or "",
        "n": spec.n,
        "unit": spec.unit or "",
        "trigger": spec.trigger or "",
    }


class TaskSerializer(serializers.ModelSerializer):
    document_number = serializers.CharField(source="document.number", read_only=True)
    document_title = serializers.CharField(source="document.title", read_only=True)
    document_slug = serializers.CharField(source="document.slug", read_only=True)
    issue_key = serializers.CharField(source="document.issue.key", read_only=True)
    assignments = AssignmentBriefSerializer(many=True, read_only=True)
    deadline = DeadlineSerializer(source="*", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "document",
            "document_number",
            "document_title",
            "document_slug",
            "issue_key",
            "path",
            "heading",
            "text",
            "origin",
            "status",
            "next_due",
            "overdue",
            "deadline",
            "assignments",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


def provisional_notes():
    """provisional_note per date, for one response (the calendar is read once)."""
    notes: dict = {}

    def note(day):
        if day not in notes:
            notes[day] = provisional_note(day)
        return notes[day]

    return note


def deadline_data(row: dict, note) -> dict:
    """DeadlineSerializer's output for a values() row of a task."""
    return {
        **spec_data(DeadlineSpec.from_task(SimpleNamespace(**row))),
        "next_due": _iso(row["next_due"]),
        "provisional": row["deadline_provisional"],
        "provisional_note": note(row["next_due"]) if row["deadline_provisional"] else "",
    }


def task_list_data(rows) -> list[dict]:
    """TaskSerializer's output for rows of tasks.selectors.task_list_values (the list's fast
    path; a test holds the two equal)."""
    note = provisional_notes()
    out = []
    for r in rows:
        next_due = r["next_due"]
        out.append(
            {
                "id": r["id"],
                "document": r["document_id"],
                "document_number": r["document__number"],
                "document_title": r["document__title"],
                "document_slug": r["document__slug"],
                "issue_key": f"{r['document__issue__year']}-{r['document__issue__number']}",
                "path": r["path"],
                "heading": r["heading"],
                "text": r["text"],
                "origin": r["origin"],
                "status": r["status"],
                "next_due": _iso(next_due),
                "overdue": bool(r["overdue"]),
                "deadline": deadline_data(r, note),
                "assignments": departments_from_json(r["departments"]),
                "version": r["version"],
            }
        )
    return out


def _iso(day) -> str | None:
    return day.isoformat() if day else None


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ProgressAttachment
        fields = ["id", "original_name", "content_type", "size", "url"]

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj) -> str:
        return reverse("api:attachment-download", kwargs={"pk": obj.pk})


class ProgressReportSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True, default="")
    author_name = serializers.CharField(source="author.username", read_only=True, default="")
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "task",
            "department",
            "department_name",
            "author_name",
            "kind",
            "text",
            "status_change",
            "requested_due",
            "created_at",
            "attachments",
        ]
        read_only_fields = fields


class UrgeSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    by_name = serializers.CharField(source="by.username", read_only=True, default="")

    class Meta:
        model = Urge
        fields = ["id", "task", "department", "department_name", "by_name", "message", "created_at"]
        read_only_fields = fields


class TaskDetailSerializer(TaskSerializer):
    progress_reports = ProgressReportSerializer(many=True, read_only=True)
    urges = UrgeSerializer(many=True, read_only=True)
    clause = serializers.IntegerField(source="clause_id", read_only=True, allow_null=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "clause", "raw", "progress_reports", "urges"]
        read_only_fields = fields


# --- action inputs -----------------------------------------------------------------------------


class VersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="读取时的任务版本；不一致则返回 409"
    )


class ProgressInputSerializer(VersionedSerializer):
    text = serializers.CharField(max_length=5000)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=10
    )


class DoneInputSerializer(ProgressInputSerializer):
    files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=10)


class ExtensionInputSerializer(VersionedSerializer):
    text = serializers.CharField(max_length=5000, help_text="申请延期的理由")
    requested_due = serializers.DateField()


class UrgeInputSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    department = serializers.IntegerField(required=False, min_value=1)


class CloseInputSerializer(VersionedSerializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "task", "created_at", "read_at"]
        read_only_fields = fields


class WorkdaysResultSerializer(serializers.Serializer):
    result = serializers.CharField()
    provisional = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tasks.serializers import AssignmentBriefSerializer, DeadlineSerializer

from .models import Citation, Clause, Document, GazetteIssue


class IssueSerializer(serializers.ModelSerializer):
    key = serializers.CharField(read_only=True)
    document_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = GazetteIssue
        fields = [
            "id",
            "key",
            "year",
            "number",
            "total_number",
            "title",
            "published_on",
            "status",
            "document_count",
        ]
        read_only_fields = ["id", "key", "year", "number", "status", "document_count"]


class DocumentBriefSerializer(serializers.ModelSerializer):
    task_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "slug",
            "order",
            "number",
            "issuer",
            "title",
            "signed_on",
            "public",
            "task_count",
        ]


class IssueDetailSerializer(IssueSerializer):
    documents = DocumentBriefSerializer(many=True, read_only=True)
    toc = serializers.JSONField(read_only=True)

    class Meta(IssueSerializer.Meta):
        fields = [*IssueSerializer.Meta.fields, "toc", "documents"]


class IssueImportSerializer(serializers.Serializer):
    """导入公报: the text pasted, or a UTF-8 text file."""

    text = serializers.CharField(required=False, allow_blank=False, trim_whitespace=False)
    file = serializers.FileField(required=False)
    publish = serializers.BooleanField(default=False)
    replace = serializers.BooleanField(default=False)
    dry_run = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if bool(attrs.get("text")) == bool(attrs.get("file")):
            raise serializers.ValidationError("请提供公报文本（text）或文本文件（file）之一")
        return attrs


class ImportReportSerializer(serializers.Serializer):
    issue = serializers.CharField()
    action = serializers.CharField()
    dry_run = serializers.BooleanField()
    published = serializers.BooleanField()
    documents_added = serializers.ListField(child=serializers.CharField())
    documents_changed = serializers.ListField(child=serializers.CharField())
    documents_removed = serializers.ListField(child=serializers.CharField())
    documents_unchanged = serializers.ListField(child=serializers.CharField())
    tasks_added = serializers.IntegerField()
    tasks_changed = serializers.IntegerField()
    tasks_removed = serializers.IntegerField()
    tasks_kept = serializers.IntegerField()
    task_changes = serializers.ListField(child=serializers.CharField())
    catalogue_rows = serializers.IntegerField()
    citations = serializers.IntegerField()
    departments_created = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.DictField())


class ClauseSerializer(serializers.ModelSerializer):
    anchor = serializers.CharField(read_only=True)

    class Meta:
        model = Clause
        fields = ["id", "parent", "kind", "label", "heading", "text", "path", "order", "anchor"]


class CitationSerializer(serializers.ModelSerializer):
    cited_document = serializers.SerializerMethodField()

    class Meta:
        model = Citation
        fields = ["number", "title", "cited_document"]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "id": {"type": "integer"},
                "slug": {"type": "string"},
                "title": {"type": "string"},
            },
        }
    )
    def get_cited_document(self, obj):
        doc = obj.cited_document
        user = self.context["request"].user if "request" in self.context else None
        if doc is None or not Document.objects.visible_to(user).filter(pk=doc.pk).exists():
            return None
        return {"id": doc.id, "slug": doc.slug, "title": doc.title}


class DocumentTaskSerializer(serializers.Serializer):
    """A task as shown inside its document (public information: who, what, by when)."""

    id = serializers.IntegerField()
    path = serializers.CharField()
    heading = serializers.CharField()
    text = serializers.CharField()
    assignments = AssignmentBriefSerializer(many=True)
    deadline = DeadlineSerializer(source="*")


class DocumentSerializer(serializers.ModelSerializer):
    issue_key = serializers.CharField(source="issue.key", read_only=True)
    task_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "slug",
            "issue",
            "issue_key",
            "order",
            "number",
            "issuer_code",
            "number_year",
            "number_seq",
            "issuer",
            "title",
            "signed_on",
            "public",
            "effective_on",
            "valid_until",
            "task_count",
        ]


def validity_payload(document: Document, status: str, changed_by: list, changes: list) -> dict:
    """The ``validity`` of a document's detail: its status today, the sentences its dates
    come from, and its confirmed relations both ways (link dicts)."""
    from .models import Validity

    return {
        "status": status,
        "status_label": str(Validity(status).label),
        "effective_on": document.effective_on.isoformat() if document.effective_on else None,
        "effective_text": document.effective_text,
        "valid_until": document.valid_until.isoformat() if document.valid_until else None,
        "validity_text": document.validity_text,
        "interpreter": document.interpreter,
        "changed_by": changed_by,
        "changes": changes,
    }


def _link(kind: str, number: str, title: str, doc: dict | None, cited_text: str) -> dict:
    return {
        "kind": kind,
        "number": number,
        "title": title,
        "document": doc,
        "cited_text": cited_text,
    }


def validity_data(document: Document, user=None) -> dict:
    """validity_payload from the models (documents.validity.relations_of); the API's detail
    reads the same from the document's own row (document_detail_data)."""
    from core.dates import today

    from .validity import relations_of

    by, of = relations_of(document, user)

    def link(r) -> dict:
        doc = r.document
        brief = {"id": doc.id, "slug": doc.slug, "title": doc.title} if doc else None
        return _link(r.kind, r.number, r.title, brief, r.cited_text)

    status = document.validity_on(today())
    return validity_payload(document, status, [link(r) for r in by], [link(r) for r in of])


VALIDITY_SCHEMA = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["valid", "expired", "repealed", "amended"]},
        "status_label": {"type": "string"},
        "effective_on": {"type": "string", "format": "date", "nullable": True},
        "effective_text": {"type": "string"},
        "valid_until": {"type": "string", "format": "date", "nullable": True},
        "validity_text": {"type": "string"},
        "interpreter": {"type": "string"},
        "changed_by": {"type": "array", "items": {"type": "object"}},
        "changes": {"type": "array", "items": {"type": "object"}},
    },
}


# The document's own columns that its detail adds to the list's.
DETAIL_FIELDS = [
    "header",
    "addressees",
    "signatories",
    "public_marking",
    "enclosure_title",
    "body",
    "attachments",
    "warnings",
    "unplaced",
]


class DocumentDetailSerializer(DocumentSerializer):
    outline = ClauseSerializer(source="clauses", many=True, read_only=True)
    tasks = DocumentTaskSerializer(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)
    attachments = serializers.JSONField(read_only=True)
    warnings = serializers.JSONField(read_only=True)
    validity = serializers.SerializerMethodField()

    class Meta(DocumentSerializer.Meta):
        fields = [
            *[f for f in DocumentSerializer.Meta.fields if f != "task_count"],
            *DETAIL_FIELDS,
            "outline",
            "tasks",
            "citations",
            "validity",
        ]
        read_only_fields = fields

    @extend_schema_field(VALIDITY_SCHEMA)
    def get_validity(self, obj):
        user = self.context["request"].user if "request" in self.context else None
        return validity_data(obj, user)


def document_detail_data(document: Document) -> dict:
    """DocumentDetailSerializer's output for a document of selectors.document_with_parts:
    outline and citations from its own row, tasks read as values (a test holds the two
    equal)."""
    from core.jsonrows import read_json_rows
    from tasks.selectors import departments_from_json
    from tasks.serializers import deadline_data, provisional_notes

    from .selectors import task_values

    data = DocumentSerializer(document).data
    data.pop("task_count", None)
    for name in DETAIL_FIELDS:
        data[name] = getattr(document, name)
    data["outline"] = [
        {**clause, "anchor": f"c{clause['order']}"}
        for clause in read_json_rows(document.outline_json, "order", drop=False)
    ]
    note = provisional_notes()
    data["tasks"] = [
        {
            "id": t["id"],
            "path": t["path"],
            "heading": t["heading"],
            "text": t["text"],
            "assignments": departments_from_json(t["departments"]),
            "deadline": deadline_data(t, note),
        }
        for t in task_values(document)
    ]
    data["citations"] = [
        {
            "number": c["number"],
            "title": c["title"],
            "cited_document": {
                "id": c["cited_id"],
                "slug": c["cited_slug"],
                "title": c["cited_title"],
            }
            if c["linked"]
            else None,
        }
        for c in read_json_rows(document.citations_json, "id")
    ]
    changed_by = [
        _link(
            r["kind"],
            r["number"],
            r["title"],
            {"id": r["doc_id"], "slug": r["doc_slug"], "title": r["title"]},
            r["cited_text"],
        )
        for r in read_json_rows(document.changed_by_json, "id")
    ]
    changes = [
        _link(
            r["kind"],
            r["number"],
            r["title"] or (r["doc_title"] if r["linked"] else ""),
            {"id": r["doc_id"], "slug": r["doc_slug"], "title": r["doc_title"]}
            if r["linked"]
            else None,
            r["cited_text"],
        )
        for r in read_json_rows(document.changes_json, "id")
    ]
    data["validity"] = validity_payload(document, document.validity_status, changed_by, changes)
    return data

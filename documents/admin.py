from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import indexing
from .models import (
    Citation,
    Clause,
    Document,
    DocumentRelation,
    ExpiryReminder,
    GazetteIssue,
    ImportRun,
)
from .services import link_relations, publish_issue


class ReindexesSearch:
    """An edit in the admin may change searchable text: the edited documents' index rows
    follow, in the same transaction (only rows whose text changed are rewritten)."""

    def indexed_documents(self, obj) -> list[int]:
        return [obj.document_id]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        indexing.index_documents(self.indexed_documents(form.instance))


class DocumentInline(admin.TabularInline):
    model = Document
    fields = ["order", "number", "title", "issuer", "signed_on", "public"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(GazetteIssue)
class GazetteIssueAdmin(ReindexesSearch, admin.ModelAdmin):
    list_display = [
        "title",
        "year",
        "number",
        "total_number",
        "published_on",
        "status",
        "pdf_link",
    ]
    list_filter = ["status", "year"]
    search_fields = ["title"]
    readonly_fields = [
        "source_sha256",
        "published_at",
        "created_at",
        "updated_at",
        "pdf_state",
        "pdf_rendered_at",
    ]
    exclude = ["source_text", "pdf", "pdf_key"]
    inlines = [DocumentInline]
    actions = ["publish", "render_pdf"]

    def indexed_documents(self, obj) -> list[int]:
        return list(obj.documents.values_list("pk", flat=True))

    @admin.action(description=_("发布所选期次"))
    def publish(self, request, queryset):
        for issue in queryset:
            publish_issue(issue)
        self.message_user(request, _("已发布 %(n)d 期") % {"n": queryset.count()})

    @admin.action(description=_("重新生成所选期次的PDF"))
    def render_pdf(self, request, queryset):
        from core.enqueue import enqueue

        from .tasks import render_issue_pdf

        queued = sum(
            enqueue(render_issue_pdf, issue.pk, force=True, later="the nightly render-issue-pdfs")
            for issue in queryset
        )
        self.message_user(
            request,
            _("已提交 %(n)d 期的PDF生成任务（结果见“后台任务记录”）") % {"n": queued},
        )
        if queued < queryset.count():
            self.message_user(
                request,
                _("任务队列暂不可用：%(n)d 期未能提交，将由夜间任务补做")
                % {"n": queryset.count() - queued},
                level="warning",
            )

    @staticmethod
    def _pdf_href(obj) -> str:
        """Stored files are not served from MEDIA_URL (uploads are evidence, served only
        through views that check permissions); a published issue's PDF has its public URL."""
        if not obj.is_published:
            return ""
        return reverse("issue-pdf", kwargs={"year": obj.year, "number": obj.number})

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj):
        if not obj.pdf:
            return "—"
        href = self._pdf_href(obj)
        return (
            format_html('<a href="{}">{}</a>', href, _("下载"))
            if href
            else _("已生成（发布后可下载）")
        )

    @admin.display(description=_("PDF"))
    def pdf_state(self, obj):
        if not obj.pdf:
            return _("尚未生成（发布时自动生成）")
        from .pdf import pdf_is_current

        note = _("与内容一致") if pdf_is_current(obj) else _("内容已变更，待重新生成")
        href = self._pdf_href(obj)
        if not href:
            return format_html("{}（{}）", obj.pdf.name, note)
        return format_html('<a href="{}">{}</a>（{}）', href, obj.pdf.name, note)


class ClauseInline(admin.TabularInline):
    model = Clause
    fields = ["order", "path", "kind", "heading", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False


class CitationInline(admin.TabularInline):
    model = Citation
    fk_name = "document"
    fields = ["number", "title", "cited_document"]
    readonly_fields = ["cited_document"]
    extra = 0


class RelationInline(admin.TabularInline):
    """废止 / 修改 that this document states: proposed by the import, confirmed here or on the
    review page; a row added here is the secretariat's own record."""

    model = DocumentRelation
    fk_name = "source"
    fields = ["kind", "target_number", "target_title", "target", "state", "cited_text"]
    readonly_fields = ["target"]
    extra = 0
    verbose_name = _("本文件废止或修改的文件")
    verbose_name_plural = _("本文件废止或修改的文件")


@admin.register(Document)
class DocumentAdmin(ReindexesSearch, admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "issuer",
        "issue",
        "signed_on",
        "public",
        "forwarded_by",
        "missing_display",
        "warning_count",
    ]
    list_filter = [
        "public",
        "issuer",
        "issue__year",
        "issue",
        ("forwarded_by", admin.EmptyFieldListFilter),
    ]
    search_fields = ["number", "title", "body"]
    list_select_related = ["issue", "forwarded_by"]
    readonly_fields = [
        "warnings",
        "unplaced",
        "first_line",
        "missing_display",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["forwarded_by"]
    inlines = [RelationInline, CitationInline, ClauseInline]

    def indexed_documents(self, obj) -> list[int]:
        return [obj.pk]

    def save_formset(self, request, form, formset, change):
        if formset.model is DocumentRelation:
            for row in formset.save(commit=False):
                row.decided_by = request.user
                row.save()
            for row in formset.deleted_objects:
                row.delete()
            link_relations()
            return
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("警告"))
    def warning_count(self, obj):
        return len(obj.warnings or [])

    @admin.display(description=_("缺少的公文要素"))
    def missing_display(self, obj):
        return "、".join(str(x) for x in obj.missing_elements) or "—"


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "document", "cited_document"]
    search_fields = ["number", "title"]
    list_select_related = ["document", "cited_document"]


@admin.register(DocumentRelation)
class DocumentRelationAdmin(admin.ModelAdmin):
    """废止与修改: record that a document repeals or amends another (by 文号); confirm or reject
    the importer's proposals."""

    list_display = ["source", "kind", "target_number", "target_title", "target", "state"]
    list_filter = ["kind", "state"]
    search_fields = ["target_number", "target_title", "source__number", "source__title"]
    list_select_related = ["source", "target"]
    raw_id_fields = ["source"]
    readonly_fields = ["target", "decided_by", "created_at", "updated_at"]
    actions = ["confirm", "reject"]

    def save_model(self, request, obj, form, change):
        obj.decided_by = request.user
        super().save_model(request, obj, form, change)
        link_relations()

    @admin.action(description=_("确认所选关系"))
    def confirm(self, request, queryset):
        n = queryset.update(state=DocumentRelation.State.CONFIRMED, decided_by=request.user)
        self.message_user(request, _("已确认 %(n)d 条") % {"n": n})

    @admin.action(description=_("驳回所选关系"))
    def reject(self, request, queryset):
        n = queryset.update(state=DocumentRelation.State.REJECTED, decided_by=request.user)
        self.message_user(request, _("已驳回 %(n)d 条") % {"n": n})


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(admin.ModelAdmin):
    list_display = ["document", "threshold", "valid_until", "recipients", "created_at"]
    list_select_related = ["document"]
    readonly_fields = ["document", "threshold", "valid_until", "recipients", "created_at"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["source_name", "issue", "created_by", "created_at"]
    readonly_fields = [
        "issue",
        "source_name",
        "source_sha256",
        "report",
        "created_by",
        "created_at",
    ]
    list_select_related = ["issue", "created_by"]

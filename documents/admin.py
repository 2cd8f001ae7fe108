from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Citation, Clause, Document, GazetteIssue, ImportRun
from .services import publish_issue


class DocumentInline(admin.TabularInline):
    model = Document
    fields = ["order", "number", "title", "issuer", "signed_on", "public"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(GazetteIssue)
class GazetteIssueAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "number", "total_number", "published_on", "status"]
    list_filter = ["status", "year"]
    search_fields = ["title"]
    readonly_fields = ["source_sha256", "published_at", "created_at", "updated_at"]
    exclude = ["source_text"]
    inlines = [DocumentInline]
    actions = ["publish"]

    @admin.action(description=_("发布所选期次"))
    def publish(self, request, queryset):
        for issue in queryset:
            publish_issue(issue)
        self.message_user(request, _("已发布 %(n)d 期") % {"n": queryset.count()})


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


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "issuer", "issue", "signed_on", "public", "warning_count"]
    list_filter = ["public", "issuer", "issue__year", "issue"]
    search_fields = ["number", "title", "body"]
    list_select_related = ["issue"]
    readonly_fields = ["warnings", "unplaced", "first_line", "created_at", "updated_at"]
    inlines = [CitationInline, ClauseInline]

    @admin.display(description=_("警告"))
    def warning_count(self, obj):
        return len(obj.warnings or [])


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "document", "cited_document"]
    search_fields = ["number", "title"]
    list_select_related = ["document", "cited_document"]


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

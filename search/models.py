"""The search index (检索索引): one row per searchable piece of published content.

Rows are written by ``search.index`` from what the domain layer says should be indexed
(``documents.indexing``), whenever an issue is imported, changed or published, and removed with
what they index. Matching runs on ``tsv`` (a tsvector of overlapping character bigrams) on
PostgreSQL and on the folded text on SQLite; both give the same hits (``search.query``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Lookup
from django.utils.translation import gettext_lazy as _


class TsVectorField(models.Field):
    """A PostgreSQL tsvector written as a literal built in Python (no text-search parser
    involved, so the analyzer alone decides the lexemes); plain text elsewhere (unused)."""

    description = "tsvector (PostgreSQL)"

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def get_placeholder_sql(self, value, compiler, connection):
        return ("%s::tsvector" if connection.vendor == "postgresql" else "%s"), [value]


@TsVectorField.register_lookup
class TsMatches(Lookup):
    """``tsv__matches=tsquery_literal``: ``tsv @@ 'a' <2> 'b'::tsquery`` (PostgreSQL only)."""

    lookup_name = "matches"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ ({rhs})::tsquery", [*lhs_params, *rhs_params]


class SearchEntry(models.Model):
    """检索条目: a document's heading block, clause or attachment part, a task, or a
    catalogue item, with its text as indexed and what the result page sorts and filters by.

    The foreign keys name the domain models by string: this app sits below them and never
    imports them."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("文件")
        TASK = "task", _("任务")
        CATALOGUE = "catalogue", _("公开目录")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    # The owner: the rows of one document are rewritten together (search.index.write).
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="search_entries"
    )
    task = models.ForeignKey(
        "tasks.Task", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    item = models.ForeignKey(
        "disclosure.DisclosureItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    anchor = models.CharField(_("锚点"), max_length=20, blank=True)
    label = models.CharField(_("位置"), max_length=100, blank=True)
    text = models.TextField(_("内容"))
    # The text as the analyzer reads it (search.analyzer.fold): where a match is confirmed.
    folded = models.TextField(_("检索文本"), blank=True, default="")
    # Filters and order, copied from the document and its issue.
    year = models.PositiveSmallIntegerField(_("年份"))
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    issue_order = models.PositiveIntegerField(_("期次顺序"))
    doc_order = models.PositiveIntegerField(_("期内顺序"))
    position = models.PositiveIntegerField(_("文内顺序"))
    tsv = TsVectorField(null=True, blank=True)

    class Meta:
        verbose_name = _("检索条目")
        verbose_name_plural = _("检索条目")
        # The GIN indexes on tsv (one per kind, partial) exist on PostgreSQL only; they were
        # created by public's migration 0001, when the table was public's.
        indexes = [
            models.Index(
                fields=["kind", "-issue_order", "doc_order", "position"], name="search_order_idx"
            ),
            models.Index(fields=["year"], name="search_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id} {self.label}".strip()

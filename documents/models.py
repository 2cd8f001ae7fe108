"""Gazette issues (公报期次), their documents (文件), outlines (条款) and citations (引用文号)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from departments.access import sees_everything

from .parser.model import missing_elements


def published_q(prefix: str = "") -> Q:
    """The one rule of what the public may read: content of a published issue. ``prefix``
    reaches the issue from another model ("issue__" from a document, "document__issue__" from
    a task)."""
    return Q(**{f"{prefix}status": GazetteIssue.Status.PUBLISHED})


class IssueQuerySet(models.QuerySet):
    def published(self) -> IssueQuerySet:
        return self.filter(published_q())

    def visible_to(self, user) -> IssueQuerySet:
        """Published issues for everyone; drafts too for the secretariat and supervisors."""
        return self if sees_everything(user) else self.published()


class DocumentQuerySet(models.QuerySet):
    def published(self) -> DocumentQuerySet:
        return self.filter(published_q("issue__"))

    def visible_to(self, user) -> DocumentQuerySet:
        return self if sees_everything(user) else self.published()


class GazetteIssue(models.Model):
    """公报期次: 本溪市人民政府公报2018年第6号（总第102期）."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveSmallIntegerField(_("期号"))
    total_number = models.PositiveIntegerField(_("总期号"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    toc = models.JSONField(_("目录"), default=list, blank=True)
    source_text = models.TextField(_("导入原文"), blank=True)
    source_sha256 = models.CharField(_("原文摘要"), max_length=64, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # The gazette as PDF (documents/pdf.py), and what it was rendered from: a digest of the
    # issue's and its documents' last change, so an unchanged issue is not rendered again.
    pdf = models.FileField(_("PDF文件"), upload_to="gazette/pdf/", max_length=200, blank=True)
    pdf_key = models.CharField(_("PDF依据"), max_length=64, blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF生成时间"), null=True, blank=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("公报期次")
        verbose_name_plural = _("公报期次")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="uniq_issue_year_number")
        ]
        indexes = [models.Index(fields=["status", "-published_on"], name="issue_status_pub_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def key(self) -> str:
        return f"{self.year}-{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Document(models.Model):
    """文件: one policy document in an issue, with its number (文号) stored whole and split."""

    issue = models.ForeignKey(GazetteIssue, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(_("期内顺序"), default=0)
    slug = models.CharField(_("网址标识"), max_length=80, unique=True)
    number = models.CharField(_("文号"), max_length=64, blank=True)
    issuer_code = models.CharField(_("发文机关代字"), max_length=32, blank=True)
    number_year = models.PositiveSmallIntegerField(_("文号年份"), null=True, blank=True)
    number_seq = models.PositiveIntegerField(_("文号序号"), null=True, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    header = models.CharField(_("版头"), max_length=200, blank=True)
    title = models.CharField(_("标题"), max_length=500)
    addressees = models.TextField(_("主送机关"), blank=True)
    signatories = models.CharField(_("署名"), max_length=300, blank=True)
    signed_on = models.DateField(_("成文日期"), null=True, blank=True)
    public = models.BooleanField(_("公开发布"), null=True, blank=True)
    public_marking = models.CharField(_("公开属性标注"), max_length=40, blank=True)
    enclosure_title = models.CharField(_("所附文件标题"), max_length=500, blank=True)
    body = models.TextField(_("正文"), blank=True)
    attachments = models.JSONField(_("附件"), default=list, blank=True)
    warnings = models.JSONField(_("识别警告"), default=list, blank=True)
    unplaced = models.TextField(_("未能识别的原文"), blank=True)
    first_line = models.PositiveIntegerField(_("起始行"), default=0)
    forwarded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forwarded_documents",
        verbose_name=_("转发通知"),
        help_text=_("本文件是被转发的上级（或不相隶属机关）文件时，转发它的通知"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("文件")
        verbose_name_plural = _("文件")
        ordering = ["issue", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="uniq_document_number"
            ),
            models.UniqueConstraint(fields=["issue", "order"], name="uniq_document_issue_order"),
        ]
        indexes = [
            models.Index(
                fields=["issuer_code", "number_year", "number_seq"], name="doc_number_parts_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）" if self.number else self.title

    @property
    def missing_elements(self) -> list[str]:
        """The parts of a 公文 (GB/T 9704-2012) this copy came without, for the review."""
        return missing_elements(
            number=bool(self.number),
            header=bool(self.header),
            addressees=bool(self.addressees),
            signatories=bool(self.signatories),
            signed_on=self.signed_on is not None,
            forwarded=self.forwarded_by_id is not None,
        )


class Clause(models.Model):
    """条款: a node of a document's outline (第一章, 一、, (一), 1., 第一条) or a paragraph."""

    class Kind(models.TextChoices):
        CHAPTER = "chapter", _("章")
        PART = "part", _("部分（一、）")
        ARTICLE = "article", _("条")
        SECTION = "section", _("节（（一））")
        ITEM = "item", _("项（1.）")
        SUBITEM = "subitem", _("目（（1））")
        PARAGRAPH = "paragraph", _("段落")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="clauses")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(_("层级"), max_length=10, choices=Kind.choices)
    label = models.CharField(_("序号"), max_length=20, blank=True)
    heading = models.CharField(_("标题"), max_length=200, blank=True)
    text = models.TextField(_("内容"), blank=True)
    path = models.CharField(_("位置"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("顺序"))
    line = models.PositiveIntegerField(_("原文行号"), default=0)

    class Meta:
        verbose_name = _("条款")
        verbose_name_plural = _("条款")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "order"], name="uniq_clause_order")
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.heading}".strip() or self.text[:30]

    @property
    def anchor(self) -> str:
        return f"c{self.order}"


class Citation(models.Model):
    """引用: another document's number cited in this one, linked when that document is stored."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="citations")
    number = models.CharField(_("被引文号"), max_length=64)
    title = models.CharField(_("被引文件标题"), max_length=300, blank=True)
    cited_document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="cited_by"
    )
    line = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("引用文号")
        verbose_name_plural = _("引用文号")
        ordering = ["document", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="uniq_citation")]
        indexes = [models.Index(fields=["number"], name="citation_number_idx")]

    def __str__(self) -> str:
        return self.number


class ImportRun(models.Model):
    """导入记录: what one import of a gazette text did (for review and audit)."""

    issue = models.ForeignKey(
        GazetteIssue, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports"
    )
    source_name = models.CharField(_("来源"), max_length=300, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    report = models.JSONField(_("结果"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name} @ {self.created_at:%Y-%m-%d %H:%M}"


# Large columns no list needs: the imported text, the body, the attachments and review notes.
ISSUE_HEAVY = ("source_text",)
DOCUMENT_HEAVY = ("body", "attachments", "warnings", "unplaced")


def light(prefix: str = "", *, issue: bool = True, document: bool = True) -> list[str]:
    """Field names to defer on a query that reaches documents/issues through ``prefix``."""
    names = []
    if document:
        names += [f"{prefix}{f}" for f in DOCUMENT_HEAVY]
    if issue:
        issue_prefix = f"{prefix}issue__" if document else prefix
        names += [f"{issue_prefix}{f}" for f in ISSUE_HEAVY]
    return names

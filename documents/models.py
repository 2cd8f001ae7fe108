"""Gazette issues (公报期次), their documents (文件), outlines (条款) and citations (引用文号)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from departments.access import sees_everything

from .parser.model import missing_elements


def published_q(prefix: str = "") -> Q:
    """The one rule of what the public may read: content of a published issue. ``prefix``
    reaches the issue from another model ("issue__" from a document, "document__issue__" from
    a task)."""
    return Q(**{f"{prefix}status": GazetteIssue.Status.PUBLISHED})


# --- validity (规范性文件有效期), written once -----------------------------------------------
# A document is 废止 once a confirmed relation of a published later document repeals it and
# that document is in force (its 施行日期 reached, or none written); else 失效 once its
# 有效期至 has passed; else 已修改 once such a relation amends it; else 有效. Each rule is a Q
# over a document reached through ``prefix`` ("document__" from a search row).


class Validity(models.TextChoices):
    """文件效力状态."""

    VALID = "valid", _("有效")
    EXPIRED = "expired", _("失效")
    REPEALED = "repealed", _("废止")
    AMENDED = "amended", _("已修改")


def _related_q(kind: str, today: date, prefix: str) -> Q:
    later = DocumentRelation.objects.filter(
        published_q("source__issue__"),
        Q(source__effective_on__isnull=True) | Q(source__effective_on__lte=today),
        target_id=OuterRef(f"{prefix}pk"),
        kind=kind,
        state=DocumentRelation.State.CONFIRMED,
    )
    return Q(Exists(later))


def repealed_q(today: date, prefix: str = "") -> Q:
    return _related_q(DocumentRelation.Kind.REPEALS, today, prefix)


def expired_q(today: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_until__lt": today})


def amended_q(today: date, prefix: str = "") -> Q:
    return _related_q(DocumentRelation.Kind.AMENDS, today, prefix)


def status_q(status: str, today: date, prefix: str = "") -> Q:
    """Documents whose status on ``today`` is ``status`` (the precedence of the rule above)."""
    repealed, expired = repealed_q(today, prefix), expired_q(today, prefix)
    if status == Validity.REPEALED:
        return repealed
    if status == Validity.EXPIRED:
        return expired & ~repealed
    amended = amended_q(today, prefix)
    if status == Validity.AMENDED:
        return amended & ~repealed & ~expired
    if status == Validity.VALID:
        return ~repealed & ~expired & ~amended
    raise ValueError(f"未知的文件状态：{status}")


def status_expression(today: date) -> Case:
    return Case(
        When(repealed_q(today), then=Value(Validity.REPEALED)),
        When(expired_q(today), then=Value(Validity.EXPIRED)),
        When(amended_q(today), then=Value(Validity.AMENDED)),
        default=Value(Validity.VALID),
        output_field=models.CharField(),
    )


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

    def with_validity(self, today: date) -> DocumentQuerySet:
        """Each document's status (有效/失效/废止/已修改) on ``today`` as ``validity_status``."""
        return self.annotate(validity_status=status_expression(today))

    def in_status(self, status: str, today: date) -> DocumentQuerySet:
        return self.filter(status_q(status, today))


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
    # 规范性文件有效期 (documents/validity.py): what the text says, with the sentence it says it in;
    # the status (有效/失效/废止/已修改) is derived from these and the relations, never stored.
    effective_on = models.DateField(_("施行日期"), null=True, blank=True)
    effective_text = models.CharField(_("施行日期依据"), max_length=300, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, db_index=True)
    validity_text = models.CharField(_("有效期依据"), max_length=300, blank=True)
    interpreter = models.CharField(_("解释机关"), max_length=200, blank=True)
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

    def validity_on(self, today: date) -> str:
        """This document's status on ``today`` (the annotation of ``with_validity``)."""
        found = getattr(self, "validity_status", None)
        if found is None:
            found = (
                Document.objects.with_validity(today)
                .filter(pk=self.pk)
                .values_list("validity_status", flat=True)
                .first()
            )
        return found or Validity.VALID

    @property
    def get_validity_label(self) -> str:
        """有效/失效/废止/已修改 for a document read ``with_validity``."""
        return Validity(getattr(self, "validity_status", None) or Validity.VALID).label

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


class DocumentRelation(models.Model):
    """废止 / 修改: a later document (``source``) repeals or amends an earlier one, cited by
    its 文号 (and title) with the sentence that says so. The earlier document may not be in
    the system yet: ``target`` is linked by number when it arrives. The importer proposes;
    only a relation the secretariat confirmed counts for the status."""

    class Kind(models.TextChoices):
        REPEALS = "repeals", _("废止")
        AMENDS = "amends", _("修改")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("待确认（导入识别）")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已驳回")

    source = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        related_name="relations_out",
        verbose_name=_("后发文件"),
    )
    kind = models.CharField(_("关系"), max_length=10, choices=Kind.choices)
    target_number = models.CharField(_("被废止/修改文件文号"), max_length=64, blank=True)
    target_title = models.CharField(_("被废止/修改文件标题"), max_length=300, blank=True)
    target = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relations_in",
        verbose_name=_("被废止/修改文件"),
    )
    cited_text = models.CharField(_("原文"), max_length=500, blank=True)
    line = models.PositiveIntegerField(_("原文行号"), default=0)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("废止与修改")
        verbose_name_plural = _("废止与修改")
        ordering = ["source", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "target_number"],
                condition=~Q(target_number=""),
                name="uniq_relation_number",
            ),
            models.UniqueConstraint(
                fields=["source", "kind", "target_title"],
                condition=Q(target_number=""),
                name="uniq_relation_title",
            ),
        ]
        indexes = [models.Index(fields=["target_number"], name="relation_target_number_idx")]

    def __str__(self) -> str:
        what = self.target_number or f"《{self.target_title}》"
        return f"{self.source.number or self.source.title} {self.get_kind_display()} {what}"

    def clean(self) -> None:
        """A number as the gazette writes it (本政发〔2018〕15号), or at least a title."""
        from django.core.exceptions import ValidationError

        from .parser.parse import parse_number

        if self.target_number.strip():
            parsed = parse_number(self.target_number)
            if parsed is None:
                message = f"文号格式不正确：“{self.target_number}”（应如 本政发〔2018〕15号）"
                raise ValidationError({"target_number": message})
            self.target_number = parsed.whole
        elif not self.target_title.strip():
            raise ValidationError("请填写被废止或修改文件的文号或标题")
        if self.source_id and self.target_number and self.target_number == self.source.number:
            raise ValidationError("文件不能废止或修改自身")


class ExpiryReminder(models.Model):
    """有效期届满提醒: the secretariat's reminder that a document's validity ends, recorded once
    per (document, threshold, end date) before it is sent (like tasks' Reminder): a sweep run
    twice sends it once; a changed end date is a new reminder."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="expiry_reminders"
    )
    threshold = models.CharField(_("提醒节点"), max_length=20)
    valid_until = models.DateField(_("有效期至"))
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)
    created_at = models.DateTimeField(_("提醒时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("有效期届满提醒")
        verbose_name_plural = _("有效期届满提醒")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "threshold", "valid_until"], name="uniq_expiry_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} {self.threshold} {self.valid_until}"


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

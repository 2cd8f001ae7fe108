"""The disclosure catalogue (主动公开目录清单): items and how fast each must be published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.models import published_q
from workdays.engine import RULE_FIELDS

# A catalogue item's own columns as the 目录清单 has them, for reads of values (the API's
# catalogue list, the open-data download), each adding the related columns it shows.
ITEM_VALUES = (
    "id",
    "seq",
    "area",
    "item",
    "detail",
    "timeliness",
    *RULE_FIELDS,
    "period",
    "channels",
    "supervision",
)


class DisclosureItemQuerySet(models.QuerySet):
    def published(self) -> DisclosureItemQuerySet:
        """Catalogue rows of documents in published issues (what the public may read)."""
        return self.filter(published_q("document__issue__"))


class DisclosureItem(models.Model):
    """公开事项: one row of the catalogue, with its timeliness as text and as a rule."""

    class RuleKind(models.TextChoices):
        WORKING_DAYS = "working_days", _("工作日")
        DAYS = "days", _("自然日")
        HOURS = "hours", _("小时")
        ANNUAL = "annual", _("每年定期")
        TEXT = "text", _("文字说明")

    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="catalogue_items"
    )
    order = models.PositiveIntegerField(_("顺序"))
    seq = models.CharField(_("序号"), max_length=8)
    area = models.CharField(_("重点领域"), max_length=200, blank=True)
    item = models.CharField(_("公开事项"), max_length=300, blank=True)
    detail = models.TextField(_("公开内容"), blank=True)
    timeliness = models.TextField(_("公开时效"), blank=True)
    rule_kind = models.CharField(
        _("时效规则"), max_length=16, choices=RuleKind.choices, default=RuleKind.TEXT
    )
    rule_n = models.PositiveIntegerField(_("时限数值"), null=True, blank=True)
    rule_from = models.CharField(_("起算事件"), max_length=200, blank=True)
    rule_by = models.CharField(_("每年截止（月-日）"), max_length=5, blank=True)
    period = models.CharField(_("公示期限"), max_length=200, blank=True)
    channels = models.TextField(_("公开方式"), blank=True)
    owner = models.CharField(_("责任主体"), max_length=300, blank=True)
    owner_department = models.ForeignKey(
        "departments.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="catalogue_items",
    )
    supervision = models.CharField(_("监督渠道"), max_length=300, blank=True)
    line = models.PositiveIntegerField(default=0)

    objects = DisclosureItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "order"], name="uniq_catalogue_order")
        ]
        indexes = [
            models.Index(fields=["area"], name="catalogue_area_idx"),
            models.Index(fields=["rule_kind"], name="catalogue_rule_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.item or self.area}"


class DisclosureEvent(models.Model):
    """公开事件: something that starts a catalogue item's publication clock.

    e.g. "取水许可 决定 作出于 2024-09-27". The rule and the event's time are stored, not only the
    computed deadline, so a calendar change can recompute it.
    """

    item = models.ForeignKey(DisclosureItem, on_delete=models.PROTECT, related_name="events")
    department = models.ForeignKey(
        "departments.Department", on_delete=models.PROTECT, related_name="disclosure_events"
    )
    subject = models.CharField(_("事项名称"), max_length=200, help_text=_("如 某公司取水许可"))
    event = models.CharField(_("事件"), max_length=100, help_text=_("如 决定作出、信息形成"))
    reference = models.CharField(_("文号或编号"), max_length=100, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    rule_kind = models.CharField(
        _("时效规则"), max_length=16, choices=DisclosureItem.RuleKind.choices
    )
    rule_n = models.PositiveIntegerField(_("时限数值"), null=True, blank=True)
    rule_by = models.CharField(_("每年截止（月-日）"), max_length=5, blank=True)
    roll_to_working_day = models.BooleanField(_("遇节假日顺延"), default=False)
    due_at = models.DateTimeField(_("公开截止"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("截止暂定"), default=False)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_where = models.CharField(_("公开渠道或网址"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公开事件")
        verbose_name_plural = _("公开事件")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["published_at", "due_at"], name="event_pub_due_idx")]

    def __str__(self) -> str:
        return f"{self.subject} {self.event} {self.occurred_at:%Y-%m-%d}"

    @property
    def on_time(self) -> bool | None:
        """True/False once published (and a deadline exists); None before."""
        if self.published_at is None or self.due_at is None:
            return None
        return self.published_at <= self.due_at

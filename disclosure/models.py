"""The disclosure catalogue (主动公开目录清单): items and how fast each must be published."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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

"""The working-day calendar as stored: years entered from State Council notices, their
holiday and adjusted-working-day rows, and a version number every process watches.

The tables keep the names they had in the tasks app (tasks_calendar*): the models moved, the
data did not.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """节假日安排年度: whether a year's State Council holiday schedule has been entered.

    A year with no official schedule counts weekends only, and every date computed in it is
    provisional (暂定) until the schedule is entered.
    """

    class Status(models.TextChoices):
        OFFICIAL = "official", _("已录入（国务院通知）")
        PROVISIONAL = "provisional", _("暂定（仅按周末计算）")

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PROVISIONAL
    )
    notice = models.CharField(_("依据通知"), max_length=200, blank=True)
    notice_text = models.TextField(_("通知原文"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        db_table = "tasks_calendaryear"  # the table of the app it came from, data and all
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年（{self.get_status_display()}）"


class CalendarDay(models.Model):
    """节假日调整: a holiday on a weekday, or an adjusted working day (调休) on a weekend.

    Days not listed follow the weekly rule: Monday to Friday work, Saturday and Sunday rest.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, help_text=_("如 国庆节、国庆节调休"))
    notice = models.CharField(_("依据通知"), max_length=200, blank=True)

    class Meta:
        db_table = "tasks_calendarday"
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CalendarVersion(models.Model):
    """One row whose number goes up on every calendar change, so every process reloads."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "tasks_calendarversion"
        verbose_name = _("日历版本")
        verbose_name_plural = _("日历版本")

    def __str__(self) -> str:
        return str(self.version)

"""The calendar in the admin: a year entered by pasting its State Council notice, single days."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.dates import today as current_day

from .calendars import enter_holiday_notice
from .engine.notice import NoticeError, parse_holiday_notice
from .models import CalendarDay, CalendarYear
from .signals import calendar_years_needed


class CalendarYearForm(forms.ModelForm):
    notice_text = forms.CharField(
        label=_("粘贴国务院节假日安排通知"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "粘贴“一、元旦：……二、春节：……”全文，保存后替换该年的放假与调休日期，并将该年设为已录入。"
        ),
    )

    class Meta:
        model = CalendarYear
        fields = ["year", "status", "notice", "notice_text"]

    def clean(self):
        data = super().clean()
        text = (data.get("notice_text") or "").strip()
        if text and data.get("year"):
            try:
                self.parsed_rows = parse_holiday_notice(text, data["year"])
            except NoticeError as exc:
                raise forms.ValidationError(_("通知无法识别：%(msg)s") % {"msg": exc}) from exc
        return data


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearForm
    list_display = ["year", "status", "notice", "day_count", "updated_at"]
    list_filter = ["status"]

    @admin.display(description=_("调整天数"))
    def day_count(self, obj):
        return CalendarDay.objects.filter(date__year=obj.year).count()

    def save_model(self, request, obj, form, change):
        text = (form.cleaned_data.get("notice_text") or "").strip()
        if text:
            days = enter_holiday_notice(obj.year, text, obj.notice)
            obj.pk = CalendarYear.objects.get(year=obj.year).pk
            obj.refresh_from_db()
            self.message_user(
                request,
                _("已录入 %(year)d 年节假日安排，共 %(n)d 天调整")
                % {"year": obj.year, "n": len(days)},
            )
        else:
            super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        missing = missing_years()
        if missing:
            self.message_user(
                request,
                _("%(years)s节假日安排尚未录入：这些年份的截止日暂按周末计算")
                % {"years": "、".join(f"{y}年" for y in missing)},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "notice"]
    list_filter = ["kind", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]


def missing_years() -> list[int]:
    """Years that deadlines fall in (as the apps above say, by ``calendar_years_needed``) and
    next year, that have no official holiday schedule yet."""
    today = current_day()
    used = {today.year + 1}
    for _receiver, years in calendar_years_needed.send(sender=CalendarYear):
        used |= set(years or ())
    official = set(
        CalendarYear.objects.filter(status=CalendarYear.Status.OFFICIAL).values_list(
            "year", flat=True
        )
    )
    return sorted(y for y in used if y not in official and y >= today.year)

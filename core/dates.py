"""Today, and dates the way the gazette prints them. Every "today" of the project (overdue,
badges, reminders, the digest, feeds, dashboards, exports) comes from ``today()``."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

WEEKDAYS = "一二三四五六日"


def today() -> date:
    """The current date in the project's time zone (Asia/Shanghai)."""
    return timezone.localdate()


def cn_date(value: date | None, *, weekday: bool = False) -> str:
    """2018-09-12 → 2018年9月12日, with （星期三） when ``weekday``; '' for no date."""
    if not value:
        return ""
    text = f"{value.year}年{value.month}月{value.day}日"
    return f"{text}（星期{WEEKDAYS[value.weekday()]}）" if weekday else text

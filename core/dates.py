"""Today, and dates the way the gazette prints them. Every "today" of the project (overdue,
badges, reminders, the digest, feeds, dashboards, exports) comes from ``today()``.

In the demo (``make run``) ``today()`` answers a fixed date, ``DEMO_AS_OF``, so the 2018 seed
gazette reads as a live one; production settings refuse it (``parse_demo_as_of``)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

WEEKDAYS = "一二三四五六日"


def parse_demo_as_of(value: str, *, demo: bool) -> date | None:
    """The DEMO_AS_OF setting from its environment text: None when empty; refused (raises
    ImproperlyConfigured) outside the demo (DEBUG off and DEMO_ACCOUNTS_ENABLED off), so a
    production site can never run on a fixed clock."""
    value = (value or "").strip()
    if not value:
        return None
    if not demo:
        raise ImproperlyConfigured(
            f"DEMO_AS_OF={value}：固定“今天”只用于演示环境（DEBUG=1 或 DEMO_ACCOUNTS_ENABLED=1），"
            "生产环境请删除该变量"
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"DEMO_AS_OF={value}：日期格式应为 YYYY-MM-DD（如 2018-11-20）"
        ) from None


def demo_as_of() -> date | None:
    """The demo's fixed date, when the demo path is on; None otherwise (also at run time: a
    DEMO_AS_OF left in settings without the demo flags is not answered)."""
    value = getattr(settings, "DEMO_AS_OF", None)
    if not value:
        return None
    if not (settings.DEBUG or getattr(settings, "DEMO_ACCOUNTS_ENABLED", False)):
        return None
    return value


def today() -> date:
    """The current date in the project's time zone (Asia/Shanghai), or the demo's DEMO_AS_OF."""
    return demo_as_of() or timezone.localdate()


def cn_date(value: date | None, *, weekday: bool = False) -> str:
    """2018-09-12 → 2018年9月12日, with （星期三） when ``weekday``; '' for no date."""
    if not value:
        return ""
    text = f"{value.year}年{value.month}月{value.day}日"
    return f"{text}（星期{WEEKDAYS[value.weekday()]}）" if weekday else text

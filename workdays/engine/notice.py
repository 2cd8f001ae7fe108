"""Read a State Council holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知) into rows.

    一、元旦：1月1日（周三）放假1天，不调休。
    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。
    1月26日（周日）、2月8日（周六）上班。

gives holiday rows for 1月1日 and 1月28日–2月4日 and adjusted working days (春节调休) for 1月26日
and 2月8日. Pure: text in, (date, kind, name) rows out.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

SECTION_RE = re.compile(
    r"(?:^|\n|。)\s*[一二三四五六七八九十]{1,2}\s*[、.．]\s*(?P<name>[^：:\n]{1,30})[：:](?P<body>[^\n]*)"
)
_PAREN = r"(?:[（(][^）)]*[）)])?"


def _day(p: str) -> str:
    return (
        rf"(?:(?P<{p}y>\d{{4}})\s*年)?\s*(?:(?P<{p}m>\d{{1,2}})\s*月)?\s*(?P<{p}d>\d{{1,2}})\s*日\s*"
        + _PAREN
    )


RANGE_RE = re.compile(_day("a") + r"\s*(?:至|到|—|－|-|～|~)\s*" + _day("b") + r"[^。；;]*?放假")
SINGLE_RE = re.compile(_day("a") + r"\s*放假")
WORK_SENTENCE_RE = re.compile(r"(?P<s>[^。；;]*?)上班")
WORK_DAY_RE = re.compile(_day("a"))


class NoticeError(ValueError):
    pass


def _resolve(year: int, prev_month: int | None, y: str | None, m: str | None, d: str) -> date:
    month = int(m) if m else prev_month
    if month is None:
        raise NoticeError(f"日期缺少月份：{d}日")
    return date(int(y) if y else year, month, int(d))


def parse_holiday_notice(text: str, year: int) -> list[tuple[date, str, str]]:
    """Rows (date, "holiday" | "workday", name) for ``year``'s notice. Raises NoticeError."""
    rows: dict[date, tuple[str, str]] = {}
    sections = list(SECTION_RE.finditer(text.replace("\r", "")))
    if not sections:
        raise NoticeError("未找到“一、元旦：……”形式的节日条目")
    for sec in sections:
        name = re.sub(r"[、，,]", "、", sec.group("name").strip())
        body = sec.group("body")
        found = False
        for m in RANGE_RE.finditer(body):
            start = _resolve(year, None, m.group("ay"), m.group("am"), m.group("ad"))
            end = _resolve(year, start.month, m.group("by"), m.group("bm"), m.group("bd"))
            if end < start:  # 12月31日至1月1日: the end is in the next year
                end = date(end.year + 1, end.month, end.day)
            if (end - start).days > 31:
                raise NoticeError(f"{name}的放假时间超过一个月：{m.group(0)}")
            day = start
            while day <= end:
                rows[day] = ("holiday", _holiday_name(name))
                day += timedelta(days=1)
            found = True
        if not found:
            for m in SINGLE_RE.finditer(body):
                day = _resolve(year, None, m.group("ay"), m.group("am"), m.group("ad"))
                rows[day] = ("holiday", _holiday_name(name))
                found = True
        if not found:
            raise NoticeError(f"“{name}”条目中未找到放假日期")
        for sentence in WORK_SENTENCE_RE.finditer(body):
            if "放假" in sentence.group("s"):
                continue
            prev = None
            for m in WORK_DAY_RE.finditer(sentence.group("s")):
                day = _resolve(year, prev, m.group("ay"), m.group("am"), m.group("ad"))
                prev = day.month
                rows[day] = ("workday", _holiday_name(name) + "调休")
    return [(d, kind, name) for d, (kind, name) in sorted(rows.items())]


def _holiday_name(name: str) -> str:
    # 国庆节、中秋节 share one period; keep the notice's own wording
    return name

"""Deadline phrases (时限表述) to DeadlineSpec, and catalogue timeliness to CatalogueRule.

Pure functions: ``parse_deadline("2019年2月基本完成并逐步完善")`` → due 2019-02-28.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from .model import CatalogueRule, DeadlineSpec
from .patterns import cn_to_int

Y = r"(?P<y>\d{4})\s*年"
M = r"(?P<m>\d{1,2})\s*月"
D = r"(?P<d>\d{1,2})\s*日"
BEFORE = r"(?:之?前|以前|内|为止)"
UNIT_MAP = {
    "个工作日": "working_days",
    "工作日": "working_days",
    "小时": "hours",
    "个小时": "hours",
    "日": "days",
    "天": "days",
    "个自然日": "days",
    "自然日": "days",
}
QUARTER_END = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12}

RELATIVE_RE = re.compile(
    r"(?P<n>\d{1,3})\s*(?P<unit>个工作日|工作日|个小时|小时|个自然日|自然日|日|天)\s*(?:内|之内|以内)"
)
RECURRING_YEAR_RE = re.compile(
    r"每(?:年|一年|年度)[^。;；，,]{0,12}?(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日|(?P<end>底|末))?\s*"
    + BEFORE
    + "?"
)
RECURRING_QUARTER_RE = re.compile(r"每(?:个)?季(?:度)?(?:末|底|结束前|结束后|初)?")
RECURRING_HALF_RE = re.compile(r"每半年")
RECURRING_MONTH_RE = re.compile(r"每(?:个)?月(?:(?P<d>\d{1,2})\s*日)?")
ONGOING_RE = re.compile(
    rf"(?:{Y}\s*(?:{M})?\s*(?:起|开始|以来)\s*)?(?:持续推进|长期坚持|持续开展|长期推进|常态化推进|持续实施)"
)
ONGOING_FROM_RE = re.compile(rf"{Y}\s*(?:{M})?\s*(?:起|开始)")
DUE_DAY_RE = re.compile(rf"(?:{Y})?\s*{M}\s*{D}\s*(?P<before>{BEFORE})?")
DUE_QUARTER_RE = re.compile(
    rf"{Y}\s*第?(?P<q>[一二三四1234])季度(?:末|底)?\s*(?P<before>{BEFORE})?"
)
DUE_HALF_RE = re.compile(rf"{Y}\s*(?P<h>上|下)半年\s*(?P<before>{BEFORE})?")
DUE_MONTH_RE = re.compile(rf"{Y}\s*{M}\s*(?P<end>上旬|中旬|下旬|底|末)?\s*(?P<before>{BEFORE})?")
DUE_YEAR_RE = re.compile(
    r"(?P<y>\d{4})\s*年(?!\s*(?:\d{1,2}\s*月|第?[一二三四1234]季度|[上下]半年))度?\s*"
    rf"(?P<end>底|末)?\s*(?P<before>{BEFORE})?\s*(?P<done>基本完成|全面完成|完成)?"
)
DUE_YEAR_END_NOYEAR_RE = re.compile(r"(?<![\d年])(?:今年|本年|当年)?(?:年底|年末)\s*(?:之?前)")


def _month_end(y: int, m: int) -> date | None:
    if not (1 <= m <= 12) or y < 1900:
        return None
    return date(y, m, calendar.monthrange(y, m)[1])


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _trigger_before(text: str, pos: int) -> str | None:
    """The event a relative deadline counts from: the clause before the number."""
    head = re.split(r"[。;；,，:：]", text[:pos])[-1].strip()
    if "自" in head:
        head = head[head.rindex("自") + 1 :]
    else:
        m = list(re.finditer(r"应当|应在|应于|须在|应|须", head))
        if m:
            head = head[m[-1].end() :]
    head = re.sub(r"^(?:至少|当|在|于|从|由)+", "", head)
    head = re.sub(
        r"(?:之日)?(?:起|后|以后)$", lambda m: "之日" if "之日" in m.group(0) else "", head
    )
    head = head.strip()
    return head or None


def _spec(kind: str, text: str, m: re.Match, **kw) -> tuple[int, DeadlineSpec]:
    return m.start(), DeadlineSpec(kind=kind, text=text.strip(), **kw)


def parse_deadline(
    text: str, ref_year: int | None = None, strict: bool = False
) -> DeadlineSpec | None:
    """Read the first deadline in ``text``.

    ``strict`` is for running prose: a bare year or month counts only with 前/底/完成 after it,
    so "编制2019年预算" is not a deadline. Parenthetical deadline segments use strict=False.
    """
    if not text:
        return None
    found: list[tuple[int, DeadlineSpec]] = []

    for m in RELATIVE_RE.finditer(text):
        unit = UNIT_MAP[m.group("unit")]
        found.append(
            _spec(
                "relative",
                m.group(0),
                m,
                n=int(m.group("n")),
                unit=unit,
                trigger=_trigger_before(text, m.start()),
            )
        )
        break
    m = RECURRING_YEAR_RE.search(text)
    if m:
        mo = int(m.group("m"))
        if 1 <= mo <= 12:
            if m.group("d"):
                by = f"{mo:02d}-{int(m.group('d')):02d}"
            else:
                by = f"{mo:02d}-{calendar.monthrange(2001, mo)[1]:02d}"
            found.append(_spec("recurring", m.group(0), m, every="year", by=by))
    for rx, every in ((RECURRING_QUARTER_RE, "quarter"), (RECURRING_HALF_RE, "half")):
        m = rx.search(text)
        if m:
            found.append(_spec("recurring", m.group(0), m, every=every))
    m = RECURRING_MONTH_RE.search(text)
    if m:
        by = f"--{int(m.group('d')):02d}" if m.group("d") else None
        found.append(_spec("recurring", m.group(0), m, every="month", by=by))

    m = ONGOING_RE.search(text)
    if m and strict and not m.group("y"):
        m = None
    if m:
        start = None
        if m.group("y"):
            start = (
                date(int(m.group("y")), int(m.group("m") or 1), 1)
                if 1 <= int(m.group("m") or 1) <= 12
                else None
            )
        found.append(_spec("ongoing", m.group(0), m, start=start))
    else:
        m = ONGOING_FROM_RE.search(text)
        if m and not strict:
            mo = int(m.group("m") or 1)
            if 1 <= mo <= 12:
                found.append(_spec("ongoing", m.group(0), m, start=date(int(m.group("y")), mo, 1)))

    taken = [(pos, len(s.text)) for pos, s in found]

    def overlaps(mm: re.Match) -> bool:
        return any(p <= mm.start() < p + n or mm.start() <= p < mm.end() for p, n in taken)

    for m in DUE_DAY_RE.finditer(text):
        if overlaps(m):
            continue
        if strict and not m.group("before"):
            continue
        year = int(m.group("y")) if m.group("y") else ref_year
        if year is None:
            continue
        due = _safe_date(year, int(m.group("m")), int(m.group("d")))
        if due:
            found.append(_spec("due", m.group(0), m, due=due))
            break
    for m in DUE_QUARTER_RE.finditer(text):
        if overlaps(m) or (strict and not m.group("before")):
            continue
        due = _month_end(int(m.group("y")), QUARTER_END[m.group("q")])
        if due:
            found.append(_spec("due", m.group(0), m, due=due))
            break
    for m in DUE_HALF_RE.finditer(text):
        if overlaps(m) or (strict and not m.group("before")):
            continue
        due = _month_end(int(m.group("y")), 6 if m.group("h") == "上" else 12)
        if due:
            found.append(_spec("due", m.group(0), m, due=due))
            break
    for m in DUE_MONTH_RE.finditer(text):
        if overlaps(m) or any(p == m.start() for p, _ in found):
            continue
        tail = text[m.end() : m.end() + 6]
        if strict and not (m.group("before") or (m.group("end") and "前" in tail[:2])):
            continue
        if re.match(r"\s*\d{1,2}\s*日", text[m.end() :]):
            continue
        y, mo = int(m.group("y")), int(m.group("m"))
        end = m.group("end")
        due = _month_end(y, mo)
        if due and end in ("上旬", "中旬"):
            due = _safe_date(y, mo, 10 if end == "上旬" else 20)
        if due:
            found.append(_spec("due", m.group(0), m, due=due))
            break
    for m in DUE_YEAR_RE.finditer(text):
        if overlaps(m) or any(p == m.start() for p, _ in found):
            continue
        if strict and not (m.group("before") or m.group("end")):
            continue
        due = _month_end(int(m.group("y")), 12)
        if due:
            found.append(_spec("due", m.group(0), m, due=due))
            break
    if ref_year:
        m = DUE_YEAR_END_NOYEAR_RE.search(text)
        if m and not overlaps(m):
            found.append(_spec("due", m.group(0), m, due=date(ref_year, 12, 31)))

    if strict and ref_year:
        # in running prose a date before the document's year is history (1998年底前建成)
        found = [
            (p, s)
            for p, s in found
            if not (s.due and s.due.year < ref_year) and not (s.start and s.start.year < ref_year)
        ]
    if not found:
        return None
    found.sort(key=lambda item: item[0])
    spec = found[0][1]
    # A reporting cadence named next to an ongoing duty (季通报) is kept as its rhythm.
    if spec.kind == "ongoing":
        for _, other in found[1:]:
            if other.kind == "recurring":
                spec = spec.replace(every=other.every)
                break
    return spec


# --- catalogue timeliness (公开时效) ---------------------------------------------------

ANNUAL_RE = re.compile(r"每年[^。;；]{0,30}?(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日|底|末)")
RULE_RE = re.compile(
    r"(?P<n>\d{1,3})\s*(?P<unit>个工作日|工作日|个小时|小时|日|天)(?:\s*(?:内|之内|以内))?"
)


def parse_rule(text: str) -> CatalogueRule:
    """The first timing rule in a catalogue cell; text-only when none is readable."""
    candidates: list[tuple[int, CatalogueRule]] = []
    m = RULE_RE.search(text)
    if m:
        unit = UNIT_MAP[m.group("unit")]
        kind = {"working_days": "working_days", "hours": "hours", "days": "days"}[unit]
        candidates.append(
            (
                m.start(),
                CatalogueRule(
                    kind=kind, n=int(m.group("n")), trigger=_trigger_before(text, m.start())
                ),
            )
        )
    m = ANNUAL_RE.search(text)
    if m:
        mo = int(m.group("m"))
        if 1 <= mo <= 12:
            day = int(m.group("d")) if m.group("d") else calendar.monthrange(2001, mo)[1]
            candidates.append((m.start(), CatalogueRule(kind="annual", by=f"{mo:02d}-{day:02d}")))
    if not candidates:
        return CatalogueRule(kind="text")
    candidates.sort(key=lambda c: c[0])
    return candidates[0][1]


def quarter_label_to_month(label: str) -> int | None:
    n = cn_to_int(label)
    return {1: 3, 2: 6, 3: 9, 4: 12}.get(n or 0)

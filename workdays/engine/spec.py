"""DeadlineSpec: how a deadline is written, and its one conversion to and from stored fields.

A task stores its spec in ``deadline_kind``, ``due_on``, ``start_on``, ``every``, ``by``, ``n``,
``unit``, ``trigger``, ``roll_to_working_day`` (and ``deadline_text``); a disclosure catalogue
item or event stores its timeliness rule in ``rule_kind``, ``rule_n``, ``rule_from``,
``rule_by`` (and an event ``roll_to_working_day``). Both layouts are read and written here
only, so the importer, the services, the staff forms, the API and the export all agree, and a
new kind is added in one place. Plain Python (no Django): the objects are read by attribute.

The kinds:

- ``due``: ``due`` is a date (2019年2月 → 2019-02-28).
- ``ongoing``: since ``start``, optionally reported every ``every`` (quarter → each quarter's end).
- ``recurring``: every ``every`` ("year", "half", "quarter", "month") by ``by`` ("MM-DD" for a
  year, "DD" for a month; none for a period's end).
- ``relative``: ``n`` ``unit`` ("working_days", "days", "hours") after the event ``trigger``.
- ``""``: no deadline (a catalogue rule only in words, 文字说明).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

NONE, DUE, ONGOING, RECURRING, RELATIVE = "", "due", "ongoing", "recurring", "relative"
KINDS = (NONE, DUE, ONGOING, RECURRING, RELATIVE)
UNITS = ("working_days", "days", "hours")
EVERY = ("year", "half", "quarter", "month")

# The catalogue's rule kinds (DisclosureItem.RuleKind) as specs: "20个工作日" is relative in
# working days, "每年3月31日前" recurring by year; "text" is a rule only in words.
RULE_TEXT = "text"
RULE_ANNUAL = "annual"

# The stored fields of a spec: a task's, and a catalogue item's rule.
TASK_FIELDS = (
    "deadline_text",
    "deadline_kind",
    "due_on",
    "start_on",
    "every",
    "by",
    "n",
    "unit",
    "trigger",
    "roll_to_working_day",
)
RULE_FIELDS = ("rule_kind", "rule_n", "rule_from", "rule_by")

_BY_RE = re.compile(r"(\d{2}-\d{2})|(-{0,2}\d{1,2})")

EVERY_WORDS = {"year": "每年", "half": "每半年", "quarter": "每季度", "month": "每月"}
UNIT_WORDS = {"working_days": "个工作日", "days": "日", "hours": "小时"}


def valid_by(by: str) -> bool:
    """``by`` as a form takes it: 月-日 (09-30) for a year, 日 (10) for a month."""
    return bool(_BY_RE.fullmatch(by))


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class DeadlineSpec:
    kind: str = NONE
    text: str = ""
    due: date | None = None
    start: date | None = None
    every: str | None = None
    by: str | None = None
    n: int | None = None
    unit: str | None = None
    trigger: str | None = None
    roll: bool = False

    def replace(self, **changes: Any) -> DeadlineSpec:
        return replace(self, **changes)

    # --- rules of a complete spec ---------------------------------------------------------

    def errors(self) -> dict[str, str]:
        """What is missing for the spec's kind, by task field name (empty when complete)."""
        if self.kind not in KINDS:
            return {"deadline_kind": f"未知的时限类型“{self.kind}”"}
        if self.kind == DUE and not self.due:
            return {"due_on": "“限期完成”须填写截止日期"}
        if self.kind == RECURRING and not self.every:
            return {"every": "“定期”须填写周期"}
        if self.kind == RELATIVE and (not self.n or not self.unit):
            return {"n": "“事件后限时”须填写时长和单位"}
        if self.by and not valid_by(self.by):
            return {"by": "格式应为 月-日（09-30）或 日（10）"}
        return {}

    # --- in words ----------------------------------------------------------------------

    def in_words(self) -> str:
        """The rule in plain words, without its kind's name: 2019年2月28日前, 每年9月30日前,
        每季度末, 信息形成之日后20个工作日内; '' when there is nothing to say."""
        every = EVERY_WORDS.get(self.every or "", self.every or "")
        if self.kind == DUE:
            return f"{_cn(self.due)}前" if self.due else ""
        if self.kind == RECURRING:
            if self.every == "year" and self.by:
                month, day = self.by.split("-")
                return f"{every}{int(month)}月{int(day)}日前"
            if self.every == "month" and self.by:
                return f"{every}{int(self.by.strip('-'))}日前"
            return f"{every}末"
        if self.kind == ONGOING:
            since = f"自{_cn(self.start)}起" if self.start else ""
            return "，".join(w for w in (since, f"{every}末报告进展" if every else "") if w)
        if self.kind == RELATIVE:
            after = f"{self.trigger}后" if self.trigger else ""
            n = self.n if self.n is not None else "?"
            return f"{after}{n}{UNIT_WORDS.get(self.unit or '', self.unit or '')}内"
        return ""

    # --- the export / parser dictionary ---------------------------------------------------

    def as_dict(self) -> dict:
        """The spec as the parser's JSON and the export write it (dates ISO, blanks None)."""
        return {
            "text": self.text,
            "kind": self.kind or None,
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat() if self.due else None,
            "every": self.every or None,
            "by": self.by or None,
            "n": self.n,
            "unit": self.unit or None,
            "from": self.trigger or None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> DeadlineSpec:
        def day(value):
            return date.fromisoformat(value) if value else None

        return cls(
            kind=data.get("kind") or NONE,
            text=data.get("text") or "",
            due=day(data.get("due")),
            start=day(data.get("start")),
            every=data.get("every") or None,
            by=data.get("by") or None,
            n=data.get("n"),
            unit=data.get("unit") or None,
            trigger=data.get("from") or None,
        )

    # --- a task's fields ------------------------------------------------------------------

    @classmethod
    def from_task(cls, obj: Any) -> DeadlineSpec:
        """From an object (a Task, a form's cleaned data as a namespace) with the task fields."""
        return cls(
            kind=getattr(obj, "deadline_kind", "") or NONE,
            text=getattr(obj, "deadline_text", "") or "",
            due=getattr(obj, "due_on", None),
            start=getattr(obj, "start_on", None),
            every=getattr(obj, "every", "") or None,
            by=getattr(obj, "by", "") or None,
            n=getattr(obj, "n", None),
            unit=getattr(obj, "unit", "") or None,
            trigger=getattr(obj, "trigger", "") or None,
            roll=bool(getattr(obj, "roll_to_working_day", False)),
        )

    def task_fields(self) -> dict[str, Any]:
        """The task model's field values for this spec (blank strings, not None, in text)."""
        return {
            "deadline_text": self.text[:200],
            "deadline_kind": self.kind,
            "due_on": self.due,
            "start_on": self.start,
            "every": self.every or "",
            "by": self.by or "",
            "n": self.n,
            "unit": self.unit or "",
            "trigger": (self.trigger or "")[:200],
            "roll_to_working_day": self.roll,
        }

    def written_task_fields(self) -> dict[str, Any]:
        """task_fields() but the roll choice, which the secretariat makes, not the document (a
        re-import keeps it)."""
        fields = self.task_fields()
        del fields["roll_to_working_day"]
        return fields

    # --- a catalogue rule's fields (公开时效) ------------------------------------------------

    @classmethod
    def from_rule(
        cls,
        kind: str,
        *,
        n: int | None = None,
        by: str | None = None,
        trigger: str | None = None,
        roll: bool = False,
    ) -> DeadlineSpec:
        """A catalogue rule (working_days / days / hours / annual / text) as a spec."""
        if kind in UNITS:
            return cls(kind=RELATIVE, n=n, unit=kind, trigger=trigger or None, roll=roll)
        if kind == RULE_ANNUAL:
            return cls(
                kind=RECURRING, every="year", by=by or None, trigger=trigger or None, roll=roll
            )
        return cls(kind=NONE, trigger=trigger or None, roll=roll)

    @classmethod
    def from_rule_fields(cls, obj: Any) -> DeadlineSpec:
        """From a catalogue item, an event, or a values() row as a namespace (rule_* fields)."""
        return cls.from_rule(
            getattr(obj, "rule_kind", RULE_TEXT),
            n=getattr(obj, "rule_n", None),
            by=getattr(obj, "rule_by", "") or None,
            trigger=getattr(obj, "rule_from", "") or None,
            roll=bool(getattr(obj, "roll_to_working_day", False)),
        )

    @property
    def rule_kind(self) -> str:
        """The catalogue's name of this spec's kind."""
        if self.kind == RELATIVE and self.unit in UNITS:
            return self.unit
        if self.kind == RECURRING and self.every == "year":
            return RULE_ANNUAL
        return RULE_TEXT

    def rule_dict(self) -> dict:
        """The rule as the export writes it (blanks None)."""
        return {
            "kind": self.rule_kind,
            "n": self.n if self.rule_kind in UNITS else None,
            "from": self.trigger or None,
            "by": (self.by or None) if self.rule_kind == RULE_ANNUAL else None,
        }

    def rule_fields(self) -> dict[str, Any]:
        """A catalogue item's rule_* values (an event keeps rule_kind, rule_n, rule_by)."""
        kind = self.rule_kind
        return {
            "rule_kind": kind,
            "rule_n": self.n if kind in UNITS else None,
            "rule_from": (self.trigger or "")[:200],
            "rule_by": (self.by or "") if kind == RULE_ANNUAL else "",
        }

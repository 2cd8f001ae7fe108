"""What a reminder says (message content): a task's or event's line, and the letters that
carry a person's lines (e-mail, with HTML) or a department's (its work group)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

from django.conf import settings
from django.db.models import F
from django.db.models.functions import Substr
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.dates import cn_date
from notifications.models import OutboxMessage
from notifications.services import Message
from workdays.calendars import provisional_note
from workdays.engine import WorkCalendar

from ..models import TaskAssignment


def describe(due: date, day: date, calendar: WorkCalendar) -> str:
    """Where ``day`` stands against ``due``, always saying which way: 距截止还有5个工作日."""
    if due > day:
        left = calendar.working_days_between(day, due)
        return f"距截止还有{left}个工作日" if left else "截止日前已无工作日"
    if due == day:
        return "今天到期"
    late = calendar.working_days_between(due, day)
    return f"已逾期{late}个工作日" if late else f"已逾期{(day - due).days}天"


@dataclass
class Item:
    """One line of a reminder: a task (or disclosure event), for one department or, merged
    for a person in several of its departments, for each of them."""

    subject: tuple  # ("task", id) or ("event", id): one line per subject in a person's email
    section: str  # overdue / due / upcoming
    when: str
    title: str
    source: str
    units: tuple[tuple[str, str], ...]  # (department, role): the departments reminded
    due: str
    note: str
    detail: str
    task_id: int | None
    sort_key: tuple

    @property
    def responsible(self) -> str:
        """市财政局（牵头）、市发展改革委（配合）: lead first, as documents list them."""
        units = sorted(self.units, key=lambda u: (ROLE_ORDER.get(u[1], 9), u[0]))
        return "、".join(f"{name}（{ROLE_LABELS[role]}）" if role else name for name, role in units)

    def merged(self, other: Item) -> Item:
        """The same subject reminded to another of the person's departments."""
        units = self.units + tuple(u for u in other.units if u not in self.units)
        return replace(self, units=units)

    # An item appears in the email of every member of its department, and a catch-up sweep
    # writes tens of thousands: its lines are formatted once, here, and each section of an
    # email is joined here too; the templates (templates/email/) hold the letter around them.
    @cached_property
    def text_block(self) -> str:
        return (
            f"{self.when}｜{self.title}\n"
            f"   {self.source}\n"
            f"   责任单位：{self.responsible}\n"
            f"   截止时间：{self.due}{self.note}"
        )

    @cached_property
    def html_row(self) -> SafeString:
        return format_html(
            '<tr style="border-bottom: 1px solid #eee; vertical-align: top;">'
            '<td style="white-space: nowrap;"><strong>{}</strong></td>'
            "<td>{}<br><small>{} · {} · 截止 {}{}</small></td></tr>",
            self.when,
            self.title,
            self.source,
            self.responsible,
            self.due,
            self.note,
        )

    @property
    def notification_title(self) -> str:
        return f"{self.when}：{self.title}"[:200]

    @property
    def notification_body(self) -> str:
        lines = [
            self.source,
            f"责任单位：{self.responsible}",
            f"截止时间：{self.due}{self.note}",
        ]
        if self.detail:
            lines.append(self.detail)
        return "\n".join(lines)


SECTIONS = (("overdue", "已逾期"), ("due", "今天到期"), ("upcoming", "即将到期"))


def _section(due: date, day: date) -> str:
    return "overdue" if due < day else "due" if due == day else "upcoming"


def excerpt(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


ROLE_LABELS = {value: str(label) for value, label in TaskAssignment.Role.choices}
ROLE_ORDER = {"lead": 0, "responsible": 1, "support": 2}

# What dispatch reads of each claimed reminder: plain values, no model instances.
ITEM_COLUMNS = ("id", "department_id", "due_on", "task_id", "event_id")
ITEM_VALUES = {
    "department_name": F("department__name"),
    "heading": F("task__heading"),
    "text": Substr("task__text", 1, 300),
    "path": F("task__path"),
    "order": F("task__order"),
    "provisional": F("task__deadline_provisional"),
    "doc_number": F("task__document__number"),
    "doc_title": Substr("task__document__title", 1, 60),
    "subject": F("event__subject"),
    "event_name": F("event__event"),
    "reference": F("event__reference"),
    "due_at": F("event__due_at"),
    "due_provisional": F("event__due_provisional"),
    "item": F("event__item__item"),
    "area": F("event__item__area"),
    "timeliness": Substr("event__item__timeliness", 1, 200),
}


def task_item(row: dict, day: date, calendar: WorkCalendar) -> Item:
    due = row["due_on"]
    note = ""
    if row["provisional"]:
        note = f"（暂定：{provisional_note(due, calendar=calendar)}）"
    number = row["doc_number"] or excerpt(row["doc_title"], 40)
    # a clause often closes several tasks under one heading: the text tells them apart
    title = (
        f"{row['heading']}：{excerpt(row['text'], 40)}"
        if row["heading"]
        else excerpt(row["text"], 60)
    )
    return Item(
        subject=("task", row["task_id"]),
        section=_section(due, day),
        when=describe(due, day, calendar),
        title=title,
        source=" ".join(p for p in (number, row["path"]) if p),
        units=((row["department_name"], row["role"] if row["role"] in ROLE_LABELS else ""),),
        due=cn_date(due, weekday=True),
        note=note,
        detail=f"任务内容：{excerpt(row['text'], 300)}",
        task_id=row["task_id"],
        sort_key=(due, 0, row["doc_number"], row["order"], row["task_id"]),
    )


def event_item(row: dict, day: date, calendar: WorkCalendar) -> Item:
    due = row["due_on"]
    due_at = timezone.localtime(row["due_at"])
    what = row["item"] or row["area"]
    return Item(
        subject=("event", row["event_id"]),
        section=_section(due, day),
        when=describe(due, day, calendar),
        title=excerpt(f"{row['subject']}（{row['event_name']}）待主动公开", 60),
        source=f"主动公开目录：{what}" + (f"，{row['reference']}" if row["reference"] else ""),
        units=((row["department_name"], ""),),
        due=f"{cn_date(due_at.date(), weekday=True)} {due_at:%H:%M}",
        note="（暂定）" if row["due_provisional"] else "",
        detail=f"公开时效：{excerpt(row['timeliness'], 200)}" if row["timeliness"] else "",
        task_id=None,
        sort_key=(due, 1, row["subject"], row["event_id"]),
    )


def display_name(first_name: str, last_name: str, username: str) -> str:
    return f"{last_name}{first_name}".strip() or username


def _sections(items: list[Item]) -> tuple[list[dict], int, str]:
    """The items by section, overdue first (at most REMINDER_EMAIL_MAX_ITEMS), how many were
    left out, and the subject line counting each section."""
    items = sorted(items, key=lambda i: i.sort_key)
    limit = settings.REMINDER_EMAIL_MAX_ITEMS
    shown, hidden = items[:limit], len(items) - min(len(items), limit)
    sections = []
    for key, label in SECTIONS:
        part = [i for i in shown if i.section == key]
        if part:
            text = "\n\n".join(f"{n}. {item.text_block}" for n, item in enumerate(part, 1))
            rows = mark_safe("\n".join(item.html_row for item in part))  # each row escaped
            sections.append({"label": label, "count": len(part), "text": text, "rows": rows})
    counts = {key: sum(1 for i in items if i.section == key) for key, _label in SECTIONS}
    subject = "到期提醒：" + "，".join(
        f"{label}{counts[key]}项" for key, label in SECTIONS if counts[key]
    )
    return sections, hidden, (settings.EMAIL_SUBJECT_PREFIX + subject)[:200]


def person_message(name: str, items: list[Item], day: date, token: uuid.UUID) -> Message:
    """One e-mail with all of a person's items, overdue first."""
    sections, hidden, subject = _sections(items)
    context = {
        "name": name,
        "day": cn_date(day, weekday=True),
        "total": len(items),
        "sections": sections,
        "hidden": hidden,
        "site_url": settings.SITE_URL,
    }
    return Message(
        kind=OutboxMessage.Kind.REMINDERS,
        subject=subject,
        body=get_template("email/reminders.txt").render(context),
        html=get_template("email/reminders.html").render(context),
        batch=token,
    )


def department_message(name: str, items: list[Item], day: date, token: uuid.UUID) -> Message:
    """One post to a department's work group with the department's items of the sweep."""
    sections, hidden, subject = _sections(items)
    parts = [f"{name}：{cn_date(day, weekday=True)}到期提醒共{len(items)}项。"]
    parts += [f"【{s['label']}{s['count']}项】\n{s['text']}" for s in sections]
    if hidden:
        parts.append(f"另有{hidden}项未列出，请登录系统查看。")
    if settings.SITE_URL:
        parts.append(settings.SITE_URL)
    return Message(
        kind=OutboxMessage.Kind.REMINDERS, subject=subject, body="\n\n".join(parts), batch=token
    )

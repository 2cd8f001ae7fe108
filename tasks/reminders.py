"""Reminders (到期提醒): which are due on a day, recorded once, then sent to inbox and email.

The sweep, ``send_due_reminders(day)`` (daily job ``tasks.send_reminders`` and
``manage.py send_reminders``), may be interrupted anywhere and simply run again:

1. **Record and dispatch, in one transaction.** For every open task × assigned department,
   and every unpublished disclosure event, the reminder due on ``day`` is inserted by one
   ``INSERT … SELECT … ON CONFLICT DO NOTHING`` under the unique key (task or event,
   department, threshold, due date), marked with this sweep's token. A key that an earlier
   run recorded is skipped; one that a concurrent run is recording makes this insert wait for
   that run to commit, then it is skipped (both insert in the same order: no deadlock). In
   the same transaction each department member gets an inbox entry (``Notification``) for
   each new reminder, and each person one outbox email (``ReminderEmail``) listing all of
   their items. Killed before the commit, nothing is recorded and the retry does it all once;
   after it, every reminder is recorded and its email is in the outbox, before any is sent.
2. **Send.** Each email is claimed (status ``sending``, attempts + 1, a lease) before the SMTP
   call and marked ``sent`` right after it. A failure records its error and the time of the
   next attempt (backoff); a killed worker's claim runs out and the next run sends the email
   again, with the same Message-ID. The one window left is between the SMTP server accepting
   a message and our marking it sent; no SMTP client can close that.
3. **Count.** ``sent N, already sent M, failed K``: reminders this run recorded whose emails
   went out (or that reach their department by inbox only); reminders due today that an
   earlier or concurrent run recorded; reminders of this run whose email failed (retried).

Thresholds ("5,1" = ``REMINDER_THRESHOLDS``) count working days before the due date; then the
due day; then weekly once overdue. A reminder is due when its threshold has been *reached*,
not only on the exact day, so a sweep that did not run one day catches up the next (only the
latest threshold: a task found 3 working days before its deadline gets the 5-day reminder,
worded "距截止还有3个工作日", and no other).
"""

from __future__ import annotations

import logging
import smtplib
import time as time_module
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, NotSupportedError, connection, transaction
from django.db.models import Case as CaseExpr
from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Concat, RowNumber, Substr, TruncDate
from django.db.models.lookups import Exact, LessThan, LessThanOrEqual
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.dates import cn_date
from core.dates import today as current_day
from departments.models import Membership, Role

from .calendars import current_calendar, provisional_note
from .deadlines import WorkCalendar
from .models import (
    Notification,
    Reminder,
    ReminderEmail,
    TaskAssignment,
    threshold_label,
)

logger = logging.getLogger("tasks.reminders")

BATCH = 2000
EMAIL_CLAIM_BATCH = 20


# --- which reminder is due ---------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Which threshold each due date has reached on ``day``.

    ``windows`` holds (threshold, first, last) for the before-thresholds, nearest first: a
    task due in [first, last] has reached that threshold (e.g. before:1 for the due dates
    with at most 1 working day left, before:5 for those with 2 to 5). Due today is ``due``;
    n days overdue is ``overdue:k`` with k = (n - 1) // 7 + 1, the week of overdue.
    """

    day: date
    windows: tuple[tuple[str, date, date], ...]

    @property
    def horizon(self) -> date:
        """The latest due date that gets a reminder on ``day``."""
        return self.windows[-1][2] if self.windows else self.day


def plan_for(
    day: date, calendar: WorkCalendar | None = None, thresholds: Iterable[int] | None = None
) -> Plan:
    calendar = calendar or current_calendar()
    levels = sorted(set(settings.REMINDER_THRESHOLDS if thresholds is None else thresholds))
    windows = []
    first = day + timedelta(days=1)
    for n in levels:
        # the last date with at most n working days left: the day before the (n+1)-th
        last = calendar.add_working_days(day, n + 1) - timedelta(days=1)
        windows.append((f"before:{n}", first, last))
        first = last + timedelta(days=1)
    return Plan(day, tuple(windows))


def threshold_for(due: date, plan: Plan) -> str | None:
    """The threshold a deadline ``due`` has reached on ``plan.day`` (None: nothing yet)."""
    if due == plan.day:
        return "due"
    if due < plan.day:
        return f"overdue:{((plan.day - due).days - 1) // 7 + 1}"
    for threshold, _first, last in plan.windows:
        if due <= last:
            return threshold
    return None


class DaysBetween(Func):
    """Whole days from the date expression ``start`` to the date ``end`` (PostgreSQL, SQLite)."""

    output_field = IntegerField()

    def __init__(self, start, end: date):
        super().__init__(start, Value(end, output_field=DateField()))

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("DaysBetween supports PostgreSQL and SQLite")

    def as_postgresql(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        return f"(CAST({end} AS date) - ({start}))", (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        return (
            f"CAST(julianday({end}) - julianday({start}) AS INTEGER)",
            (*end_params, *start_params),
        )


def threshold_expression(due, plan: Plan) -> CaseExpr:
    """``threshold_for`` as SQL over the date expression ``due`` (rows with due ≤ horizon)."""
    overdue_week = (DaysBetween(due, plan.day) - Value(1)) / Value(7) + Value(1)
    whens = [
        When(Exact(due, plan.day), then=Value("due")),
        When(
            LessThan(due, plan.day),
            then=Concat(Value("overdue:"), Cast(overdue_week, CharField())),
        ),
    ]
    whens += [
        When(LessThanOrEqual(due, last), then=Value(threshold))
        for threshold, _first, last in plan.windows
    ]
    return CaseExpr(*whens, output_field=CharField())


def task_candidates(plan: Plan) -> QuerySet:
    """(task, department, threshold, due) of every open task's reminder due on plan.day, in
    published issues."""
    # a draft's tasks are not in force yet: nobody is reminded of them
    return (
        TaskAssignment.objects.published()
        .open()
        .filter(task__next_due__lte=plan.horizon)
        .annotate(
            r_due=F("task__next_due"), r_threshold=threshold_expression(F("task__next_due"), plan)
        )
    )


def event_candidates(plan: Plan) -> QuerySet:
    """(event, department, threshold, due) of every unpublished disclosure event's reminder."""
    from disclosure.models import DisclosureEvent

    end = timezone.make_aware(datetime.combine(plan.horizon + timedelta(days=1), time.min))
    due = TruncDate("due_at")
    return DisclosureEvent.objects.filter(
        published_at__isnull=True, due_at__isnull=False, due_at__lt=end
    ).annotate(r_due=due, r_threshold=threshold_expression(due, plan))


def insert_select(model, columns: list[str], rows: QuerySet) -> int:
    """``INSERT INTO model (columns) <rows> ON CONFLICT DO NOTHING``; how many were inserted.

    ``rows`` is a values_list() queryset with one value per column, in order. The rows never
    travel through Python, and a row whose unique key exists already is skipped.
    """
    sql, params = rows.query.sql_with_params()
    qn = connection.ops.quote_name
    column_sql = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(model._meta.db_table)} ({column_sql}) {sql} ON CONFLICT DO NOTHING",
            params,
        )
        return max(cursor.rowcount, 0)


def copy_rows(model, columns: list[str], rows: list[tuple]) -> int:
    """Write plain rows (no model instances, no signals): COPY on PostgreSQL, else executemany.

    For the inbox entries of a sweep, tens of thousands at a catch-up: bulk_create's model
    instances and per-value preparation cost more than the database's own work.
    """
    if not rows:
        return 0
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({names}) FROM STDIN"
            started = time_module.monotonic()
            with cursor.cursor.copy(sql) as copy:  # psycopg's own cursor: Django has no COPY
                for row in rows:
                    copy.write_row(row)
            if connection.queries_logged:  # counted like any query (debug, query counts)
                elapsed = time_module.monotonic() - started
                connection.queries_log.append({"sql": sql, "time": f"{elapsed:.3f}"})
        else:
            # as the ORM stores them (SQLite: date-times as naive UTC text)
            fields = [model._meta.get_field(c) for c in columns]
            prepare = [
                (i, f.get_db_prep_save)
                for i, f in enumerate(fields)
                if f.get_internal_type() in ("DateTimeField", "DateField", "UUIDField", "JSONField")
            ]
            if prepare:
                rows = [list(row) for row in rows]
                for row in rows:
                    for i, prep in prepare:
                        row[i] = prep(row[i], connection)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    return len(rows)


def _record(candidates: QuerySet, subject: str, token: uuid.UUID, now: datetime) -> int:
    """INSERT the candidates as this sweep's reminders, skipping keys already recorded."""
    rows = candidates.annotate(
        r_status=Value(Reminder.Status.SENT),
        r_batch=Value(token, output_field=UUIDField()),
        r_now=Value(now, output_field=DateTimeField()),
    ).values_list(
        "task_id" if subject == "task" else "id",
        "department_id",
        "r_threshold",
        "r_due",
        "r_status",
        "r_batch",
        "r_now",
    )
    # One order for every sweep, so that two concurrent inserts of the same keys queue
    # behind each other instead of deadlocking.
    rows = rows.order_by(*(("task_id", "department_id") if subject == "task" else ("id",)))
    columns = [subject, "department", "threshold", "due_on", "status", "batch"]
    return insert_select(Reminder, [*columns, "created_at"], rows)


def _already_recorded(candidates: QuerySet, subject: str) -> int:
    """How many candidates have their reminder recorded already (for a dry run)."""
    key = "task_id" if subject == "task" else "id"
    existing = Reminder.objects.filter(
        **{f"{subject}_id": OuterRef(key)},
        department_id=OuterRef("department_id"),
        threshold=OuterRef("r_threshold"),
        due_on=OuterRef("r_due"),
    )
    return candidates.filter(Exists(existing)).count()


# --- what a reminder says ----------------------------------------------------------------------


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


def _excerpt(text: str, limit: int) -> str:
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
    number = row["doc_number"] or _excerpt(row["doc_title"], 40)
    # a clause often closes several tasks under one heading: the text tells them apart
    title = (
        f"{row['heading']}：{_excerpt(row['text'], 40)}"
        if row["heading"]
        else _excerpt(row["text"], 60)
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
        detail=f"任务内容：{_excerpt(row['text'], 300)}",
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
        title=_excerpt(f"{row['subject']}（{row['event_name']}）待主动公开", 60),
        source=f"主动公开目录：{what}" + (f"，{row['reference']}" if row["reference"] else ""),
        units=((row["department_name"], ""),),
        due=f"{cn_date(due_at.date(), weekday=True)} {due_at:%H:%M}",
        note="（暂定）" if row["due_provisional"] else "",
        detail=f"公开时效：{_excerpt(row['timeliness'], 200)}" if row["timeliness"] else "",
        task_id=None,
        sort_key=(due, 1, row["subject"], row["event_id"]),
    )


def _display_name(first_name: str, last_name: str, username: str) -> str:
    return f"{last_name}{first_name}".strip() or username


def _reminder_email(
    user: tuple, name: str, items: list[Item], day: date, token: uuid.UUID
) -> ReminderEmail:
    """One message with all of a person's items, overdue first."""
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
    context = {
        "name": name,
        "day": cn_date(day, weekday=True),
        "total": len(items),
        "sections": sections,
        "hidden": hidden,
        "site_url": settings.SITE_URL,
    }
    return ReminderEmail(
        kind=ReminderEmail.Kind.REMINDERS,
        user_id=user[0],
        to=user[1],
        subject=(settings.EMAIL_SUBJECT_PREFIX + subject)[:200],
        body=get_template("email/reminders.txt").render(context),
        html=get_template("email/reminders.html").render(context),
        batch=token,
    )


# --- the sweep ---------------------------------------------------------------------------------


@dataclass
class DispatchStats:
    recorded: int = 0
    no_recipients: int = 0
    notifications: int = 0
    emails: int = 0


def record_and_dispatch(plan: Plan, token: uuid.UUID) -> DispatchStats:
    """Record the reminders due on plan.day and write their inbox entries and outbox emails.

    One transaction: all of it, or nothing (and the next run does it all).
    """
    stats = DispatchStats()
    calendar = current_calendar()
    day = plan.day
    now = timezone.now()
    with transaction.atomic():
        stats.recorded = _record(task_candidates(plan), "task", token, now)
        stats.recorded += _record(event_candidates(plan), "event", token, now)
        if not stats.recorded:
            return stats
        ours = Reminder.objects.filter(batch=token)
        reachable = Membership.objects.filter(
            department_id=OuterRef("department_id"), user__is_active=True
        )
        stats.no_recipients = ours.exclude(Exists(reachable)).update(
            status=Reminder.Status.NO_RECIPIENTS
        )
        live = ours.filter(status=Reminder.Status.SENT)

        members: dict[int, list[tuple]] = defaultdict(list)
        for row in (
            Membership.objects.filter(
                department_id__in=live.values("department_id"), user__is_active=True
            )
            .order_by("department_id", "user_id")
            .values_list(
                "department_id",
                "user_id",
                "user__email",
                "user__first_name",
                "user__last_name",
                "user__username",
            )
        ):
            members[row[0]].append(row[1:])
        role = TaskAssignment.objects.filter(
            task_id=OuterRef("task_id"), department_id=OuterRef("department_id")
        ).values("role")[:1]
        kind = Notification.Kind.REMINDER.value
        rows = (
            live.annotate(role=Subquery(role))
            .values(*ITEM_COLUMNS, "role", **ITEM_VALUES)
            .order_by()
        )
        # each person's items, one per subject: a person in two of a task's departments
        # gets one line naming both
        per_user: dict[int, dict[tuple, Item]] = defaultdict(dict)
        people: dict[int, tuple[str, str]] = {}
        for row in rows.iterator(chunk_size=BATCH):
            item = (
                task_item(row, day, calendar) if row["task_id"] else event_item(row, day, calendar)
            )
            for user_id, email, first, last, username in members[row["department_id"]]:
                mine = per_user[user_id]
                seen = mine.get(item.subject)
                mine[item.subject] = item if seen is None else seen.merged(item)
                people[user_id] = (email, _display_name(first, last, username))
        inbox = [
            (user_id, kind, item.notification_title, item.notification_body, item.task_id, now)
            for user_id, items in per_user.items()
            for item in items.values()
        ]
        copy_rows(Notification, ["user", "kind", "title", "body", "task", "created_at"], inbox)
        emails = [
            _reminder_email(
                (user_id, people[user_id][0]), people[user_id][1], list(items.values()), day, token
            )
            for user_id, items in per_user.items()
            if people[user_id][0]
        ]
        ReminderEmail.objects.bulk_create(emails, batch_size=BATCH)
        stats.notifications, stats.emails = len(inbox), len(emails)
    return stats


@dataclass
class SweepResult:
    """What one sweep did; ``summary_line()`` is the command's last line."""

    day: date
    dry_run: bool = False
    candidates: int = 0
    recorded: int = 0
    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    no_recipients: int = 0
    notifications: int = 0
    emails_sent: int = 0
    emails_failed: int = 0
    by_threshold: dict[str, int] = field(default_factory=dict)

    def summary_line(self) -> str:
        return f"sent {self.sent}, already sent {self.already_sent}, failed {self.failed}"

    def detail_lines(self) -> list[str]:
        head = "[试运行，未记录也未发送] " if self.dry_run else ""
        lines = [f"{head}{self.day.isoformat()} 到期提醒：应提醒 {self.candidates} 条"]
        if self.by_threshold:
            lines.append("  " + "，".join(f"{label} {n}" for label, n in self.by_threshold.items()))
        if not self.dry_run:
            lines.append(
                f"  站内消息 {self.notifications} 条；邮件发送 {self.emails_sent} 封，"
                f"失败 {self.emails_failed} 封（失败的邮件将自动重试）"
            )
        if self.no_recipients:
            lines.append(f"  {self.no_recipients} 条提醒的部门没有工作人员账号，未能送达")
        return lines

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        data["day"] = self.day.isoformat()
        return data


def _threshold_counts(candidates: list[QuerySet]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for qs in candidates:
        for threshold, n in (
            qs.values_list("r_threshold")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("r_threshold", "n")
        ):
            label = "逾期" if threshold.startswith("overdue:") else threshold_label(threshold)
            counts[label] += n
    return dict(sorted(counts.items()))


def failed_reminders(token: uuid.UUID) -> int:
    """Reminders of a sweep carried by an email that failed (its recipients' emails)."""
    return (
        Reminder.objects.filter(
            batch=token,
            department__memberships__user__reminder_emails__batch=token,
            department__memberships__user__reminder_emails__status__in=[
                ReminderEmail.Status.RETRY,
                ReminderEmail.Status.FAILED,
            ],
        )
        .distinct()
        .count()
    )


def send_due_reminders(
    day: date | None = None, *, dry_run: bool = False, deliver: bool = True
) -> SweepResult:
    """The daily sweep: record, dispatch and send every reminder due on ``day``."""
    day = day or current_day()
    plan = plan_for(day)
    result = SweepResult(day=day, dry_run=dry_run)
    tasks, events = task_candidates(plan), event_candidates(plan)
    result.candidates = tasks.count() + events.count()
    result.by_threshold = _threshold_counts([tasks, events])
    if dry_run:
        result.already_sent = _already_recorded(tasks, "task") + _already_recorded(events, "event")
        result.sent = result.candidates - result.already_sent
        return result

    token = uuid.uuid4()
    stats = record_and_dispatch(plan, token)
    result.recorded = stats.recorded
    result.no_recipients = stats.no_recipients
    result.notifications = stats.notifications
    if deliver:  # also what an earlier, interrupted run left: due retries, stale claims
        delivered = deliver_emails()
        result.emails_sent, result.emails_failed = delivered.sent, delivered.failed
    result.failed = failed_reminders(token) if result.emails_failed else 0
    result.sent = stats.recorded - stats.no_recipients - result.failed
    # the candidates were counted before recording; those not recorded now were before
    result.already_sent = max(result.candidates - stats.recorded, 0)
    logger.info("reminders %s: %s", day, result.summary_line())
    return result


# --- sending -----------------------------------------------------------------------------------


@dataclass
class DeliveryStats:
    sent: int = 0
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: REMINDER_RETRY_BACKOFF, doubling, capped."""
    base = settings.REMINDER_RETRY_BACKOFF
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.REMINDER_RETRY_BACKOFF_MAX)
    return timedelta(seconds=seconds)


def _claim_emails(limit: int) -> list[ReminderEmail]:
    """Take up to ``limit`` emails that are due to be sent: status sending, attempts + 1."""
    now = timezone.now()
    due = (
        Q(status=ReminderEmail.Status.PENDING)
        | Q(status=ReminderEmail.Status.RETRY, next_attempt_at__lte=now)
        | Q(status=ReminderEmail.Status.SENDING, claimed_until__lt=now)
    )
    with transaction.atomic():
        ids = list(
            ReminderEmail.objects.filter(due)
            .order_by("id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        until = now + timedelta(seconds=settings.REMINDER_EMAIL_LEASE)
        ReminderEmail.objects.filter(id__in=ids).update(
            status=ReminderEmail.Status.SENDING,
            claimed_until=until,
            attempts=F("attempts") + 1,
        )
    return list(ReminderEmail.objects.filter(id__in=ids).order_by("id"))


def _owned(email: ReminderEmail) -> QuerySet:
    """The row, as long as our claim on it holds."""
    return ReminderEmail.objects.filter(
        pk=email.pk, status=ReminderEmail.Status.SENDING, claimed_until=email.claimed_until
    )


def _message(email: ReminderEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        email.subject,
        email.body,
        settings.DEFAULT_FROM_EMAIL,
        [email.to],
        headers={"Message-ID": email.message_id},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message


def _record_failure(email: ReminderEmail, exc: BaseException) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    given_up = email.attempts >= settings.REMINDER_EMAIL_MAX_ATTEMPTS
    _owned(email).update(
        status=ReminderEmail.Status.FAILED if given_up else ReminderEmail.Status.RETRY,
        last_error=error,
        next_attempt_at=None if given_up else timezone.now() + backoff(email.attempts),
        claimed_until=None,
    )
    logger.warning(
        "reminder email %s to %s failed (attempt %d%s): %s",
        email.pk,
        email.to,
        email.attempts,
        ", giving up" if given_up else "",
        error,
    )


def _release(emails: list[ReminderEmail]) -> None:
    """Hand back claimed emails that were not attempted (the job is being stopped)."""
    for email in emails:
        _owned(email).update(
            status=ReminderEmail.Status.PENDING, attempts=F("attempts") - 1, claimed_until=None
        )


def _server_unreachable(exc: BaseException) -> bool:
    """A connection-level failure (every message would fail), not one message's refusal."""
    refused = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
    return isinstance(exc, OSError) and not isinstance(exc, refused)


def deliver_emails(limit: int | None = None) -> DeliveryStats:
    """Send every email that is due (new, retry whose backoff has passed, or a stale claim).

    Each is claimed before its SMTP call and marked sent right after it. Once the mail server
    turns out to be unreachable, the emails still due in this run are recorded as failed with
    the same error, without trying the server again; all are retried after their backoff.
    """
    stats = DeliveryStats()
    remaining = limit
    mailer = None
    unreachable: BaseException | None = None
    try:
        while remaining is None or remaining > 0:
            size = EMAIL_CLAIM_BATCH if remaining is None else min(remaining, EMAIL_CLAIM_BATCH)
            batch = _claim_emails(size)
            if not batch:
                break
            if remaining is not None:
                remaining -= len(batch)
            for index, email in enumerate(batch):
                if unreachable is not None:
                    stats.failed += 1
                    _record_failure(email, unreachable)
                    continue
                try:
                    if mailer is None:
                        # one connection for the run, opened once there is something to send
                        mailer = mailers.default
                        mailer.open()
                    mailer.send_messages([_message(email)])
                except SoftTimeLimitExceeded:
                    _release(batch[index:])
                    raise
                except Exception as exc:
                    stats.failed += 1
                    _record_failure(email, exc)
                    if _server_unreachable(exc):
                        unreachable = exc
                    continue
                _owned(email).update(
                    status=ReminderEmail.Status.SENT,
                    sent_at=timezone.now(),
                    last_error="",
                    next_attempt_at=None,
                    claimed_until=None,
                )
                stats.sent += 1
    finally:
        if mailer is not None:
            try:
                mailer.close()
            except Exception:  # closing a broken connection must not hide the real outcome
                logger.debug("closing the mail connection failed", exc_info=True)
    return stats


def retry_now(emails: QuerySet) -> int:
    """Admin action: send these failed emails at the next delivery run."""
    return emails.filter(
        status__in=[ReminderEmail.Status.RETRY, ReminderEmail.Status.FAILED]
    ).update(status=ReminderEmail.Status.PENDING, next_attempt_at=None)


# --- the supervisors' Monday digest ----------------------------------------------------------


@dataclass
class DigestResult:
    week_of: date
    supervisors: int = 0
    sent: int = 0
    already_sent: int = 0
    departments: int = 0
    overdue_tasks: int = 0

    def summary_line(self) -> str:
        return f"sent {self.sent}, already sent {self.already_sent}, failed 0"


def overdue_by_department(day: date, items_per_department: int = 10) -> list[dict]:
    """Overdue open tasks per department: count, oldest due date, the oldest few."""
    overdue = TaskAssignment.objects.overdue(day)
    groups = {
        row["department_id"]: {**row, "items": []}
        for row in overdue.values("department_id", "department__name")
        .annotate(count=Count("task_id"), oldest=Min("task__next_due"))
        .order_by("-count", "department__name")
    }
    ranked = overdue.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("department_id")],
            order_by=[F("task__next_due").asc(), F("task_id").asc()],
        )
    ).filter(rank__lte=items_per_department)
    calendar = current_calendar()
    for department_id, due, heading, text, number, path in ranked.values_list(
        "department_id",
        "task__next_due",
        "task__heading",
        "task__text",
        "task__document__number",
        "task__path",
    ).order_by("department_id", "task__next_due", "task_id"):
        groups[department_id]["items"].append(
            {
                "title": _excerpt(heading or text, 50),
                "source": " ".join(p for p in (number, path) if p),
                "due": cn_date(due, weekday=False),
                "when": describe(due, day, calendar),
            }
        )
    for group in groups.values():
        group["oldest"] = cn_date(group["oldest"], weekday=False)
        group["more"] = group["count"] - len(group["items"])
    return list(groups.values())


def send_supervisor_digest(day: date | None = None, *, deliver: bool = True) -> DigestResult:
    """Each supervisor's digest of overdue tasks per department, once per week (Monday)."""
    day = day or current_day()
    week_of = day - timedelta(days=day.weekday())
    result = DigestResult(week_of=week_of)
    groups = overdue_by_department(day)
    result.departments = len(groups)
    result.overdue_tasks = sum(g["count"] for g in groups)
    context = {
        "day": cn_date(day, weekday=True),
        "groups": groups,
        "total": result.overdue_tasks,
        "site_url": settings.SITE_URL,
    }
    subject = settings.EMAIL_SUBJECT_PREFIX + (
        f"每周逾期任务汇总：{result.departments}个部门 {result.overdue_tasks}项"
        if groups
        else "每周逾期任务汇总：本周无逾期任务"
    )
    User = get_user_model()
    supervisors = (
        User.objects.filter(groups__name=Role.SUPERVISOR, is_active=True).distinct().order_by("pk")
    )
    body_template, html_template = (
        get_template("email/digest.txt"),
        get_template("email/digest.html"),
    )
    for user in supervisors:
        result.supervisors += 1
        name = _display_name(user.first_name, user.last_name, user.username)
        body = body_template.render({**context, "name": name})
        try:
            with transaction.atomic():
                ReminderEmail.objects.create(
                    kind=ReminderEmail.Kind.DIGEST,
                    user=user,
                    to=user.email,
                    subject=subject[:200],
                    body=body,
                    html=html_template.render({**context, "name": name}),
                    dedupe_key=f"digest:{week_of.isoformat()}:{user.pk}",
                    status=ReminderEmail.Status.PENDING
                    if user.email
                    else ReminderEmail.Status.NO_ADDRESS,
                )
                Notification.objects.create(
                    user=user, kind=Notification.Kind.DIGEST, title=subject[:200], body=body
                )
        except IntegrityError:
            result.already_sent += 1
            continue
        result.sent += 1
    if deliver and result.sent:
        deliver_emails()
    return result

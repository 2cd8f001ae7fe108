"""The working-day calendar as stored (CalendarYear, CalendarDay), loaded into a WorkCalendar.

The loaded calendar is kept per process and rebuilt when CalendarVersion's number changes;
every save or delete of a calendar row bumps it (signals below), so every process notices,
and announces the change with ``workdays.signals.calendar_changed``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .engine import WorkCalendar
from .engine.notice import parse_holiday_notice
from .models import CalendarDay, CalendarVersion, CalendarYear
from .signals import calendar_changed

_lock = threading.Lock()
_cached: WorkCalendar | None = None
# Inside ``one_change()`` the row signals stay quiet; the block announces once at its end.
_quiet = threading.local()


def stored_version() -> int:
    row = CalendarVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return row or 0


def load_calendar(version: int | None = None) -> WorkCalendar:
    overrides: dict[date, bool] = {}
    names: dict[date, str] = {}
    for day, kind, name in CalendarDay.objects.values_list("date", "kind", "name"):
        overrides[day] = kind == CalendarDay.Kind.WORKDAY
        names[day] = name
    official = CalendarYear.objects.filter(status=CalendarYear.Status.OFFICIAL).values_list(
        "year", flat=True
    )
    return WorkCalendar(
        overrides, names, official, version=stored_version() if version is None else version
    )


def current_calendar() -> WorkCalendar:
    """The calendar in force: one query to check the version, a rebuild when it moved."""
    global _cached
    version = stored_version()
    cached = _cached
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        if _cached is None or _cached.version != version:
            _cached = load_calendar(version)
        return _cached


def provisional_note(*days: date | None, calendar: WorkCalendar | None = None) -> str:
    """'2027年节假日安排尚未录入' for dates in years with no official schedule, else ''."""
    cal = calendar or current_calendar()
    years = sorted({d.year for d in days if d is not None and not cal.is_official(d.year)})
    return "、".join(f"{y}年" for y in years) + "节假日安排尚未录入" if years else ""


def bump_version() -> int:
    """Move CalendarVersion on by one; the new number (the row is locked until commit)."""
    updated = CalendarVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        CalendarVersion.objects.get_or_create(pk=1, defaults={"version": 2})
    return stored_version()


def announce_change(sender=None) -> int:
    """Bump the version and send ``calendar_changed``; the new version."""
    version = bump_version()
    calendar_changed.send(sender=sender or CalendarVersion, version=version)
    return version


@contextmanager
def one_change(sender=None):
    """Make the calendar edits of the block one change: one bump, one signal, at its end."""
    if getattr(_quiet, "depth", 0):
        yield
        return
    _quiet.depth = 1
    try:
        yield
    finally:
        _quiet.depth = 0
    announce_change(sender)


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CalendarYear)
def _row_changed(sender, **kwargs) -> None:
    if kwargs.get("raw") or getattr(_quiet, "depth", 0):
        return
    announce_change(sender)


def after_commit(version: int, job: Callable[[], object]) -> None:
    """Run ``job`` once the transaction that made calendar change ``version`` commits, unless a
    later change has committed by then (that change's own ``job`` covers this one).

    So a transaction that saves many rows (the admin's bulk delete, a restore) schedules the
    job once; a rolled-back change schedules nothing.
    """

    def run() -> None:
        if stored_version() == version:
            job()

    transaction.on_commit(run)


@transaction.atomic
def enter_holiday_notice(year: int, text: str, notice: str = "") -> list[CalendarDay]:
    """Replace ``year``'s calendar rows by what the pasted State Council notice says: one
    calendar change, announced once.

    Raises NoticeError (with a message naming the problem) when the text cannot be read.
    """
    rows = parse_holiday_notice(text, year)
    notice = notice or f"国务院办公厅关于{year}年部分节假日安排的通知"
    dates = [d for d, _, _ in rows]
    with one_change(CalendarYear):
        CalendarDay.objects.filter(date__year=year).exclude(date__in=dates).delete()
        CalendarDay.objects.filter(date__in=dates).delete()
        days = CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, kind=kind, name=name, notice=notice) for d, kind, name in rows]
        )
        CalendarYear.objects.update_or_create(
            year=year,
            defaults={
                "status": CalendarYear.Status.OFFICIAL,
                "notice": notice,
                "notice_text": text,
            },
        )
    return days

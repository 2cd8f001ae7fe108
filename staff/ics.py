"""iCalendar (RFC 5545) feed of a department's open deadlines: all-day VEVENTs, written with
the ``icalendar`` library (which escapes TEXT values, ends lines with CRLF and folds them at 75
octets without splitting a character)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar

PRODID = "-//Benxi Gazette//本溪市人民政府公报 任务督办//ZH"


@dataclass
class Event:
    uid: str
    day: date
    summary: str
    description: str = ""
    url: str = ""
    stamp: datetime | None = None
    sequence: int = 0
    tentative: bool = False


def _vevent(e: Event, now: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", e.uid)
    event.add("dtstamp", (e.stamp or now).astimezone(UTC))
    event.add("dtstart", e.day)
    event.add("dtend", e.day + timedelta(days=1))
    event.add("summary", e.summary)
    if e.description:
        event.add("description", e.description)
    if e.url:
        event.add("url", e.url)
    event.add("sequence", e.sequence)
    event.add("status", "TENTATIVE" if e.tentative else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["任务督办"])
    return event


def calendar(name: str, events: Iterable[Event], now: datetime) -> str:
    """The feed as text (CRLF lines, folded), refreshed hourly by clients that honour it."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for e in events:
        cal.add_component(_vevent(e, now))
    return cal.to_ical().decode("utf-8")

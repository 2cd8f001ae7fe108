"""iCalendar (RFC 5545) text for a department's open deadlines, written by hand: all-day
VEVENTs, TEXT values escaped (§3.3.11), CRLF line ends and lines folded at 75 octets without
splitting a UTF-8 character (§3.1)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

CRLF = "\r\n"
PRODID = "-//Benxi Gazette//本溪市人民政府公报 任务督办//ZH"


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, newlines as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str, limit: int = 75) -> str:
    """Split a content line into lines of at most ``limit`` octets; each continuation line
    starts with one space (which counts towards its length)."""
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        room = limit if not out else limit - 1
        if size + n > room:
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return (CRLF + " ").join(out)


def _date(d: date) -> str:
    return d.strftime("%Y%m%d")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


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


def calendar(name: str, events: Iterable[Event], now: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape_text(name)}",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e.uid}",
            f"DTSTAMP:{_stamp(e.stamp or now)}",
            f"DTSTART;VALUE=DATE:{_date(e.day)}",
            f"DTEND;VALUE=DATE:{_date(e.day + timedelta(days=1))}",
            f"SUMMARY:{escape_text(e.summary)}",
        ]
        if e.description:
            lines.append(f"DESCRIPTION:{escape_text(e.description)}")
        if e.url:
            lines.append(f"URL:{e.url}")
        lines += [
            f"SEQUENCE:{e.sequence}",
            f"STATUS:{'TENTATIVE' if e.tentative else 'CONFIRMED'}",
            "TRANSP:TRANSPARENT",
            "CATEGORIES:任务督办",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)

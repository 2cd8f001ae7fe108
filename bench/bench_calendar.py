"""Working-day arithmetic: one million add_working_days calls (n up to 30)."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from bench.registry import Measurement, benchmark


def _calendar():
    from chinese_calendar.constants import holidays, workdays

    from workdays.engine import WorkCalendar

    overrides = {d: False for d in holidays} | {d: True for d in workdays}
    return WorkCalendar(overrides, official_years=range(2004, 2027))


@benchmark(
    "add_working_days_1m_s", "s", target=2.0, label="1,000,000 add_working_days calls (n ≤ 30)"
)
def add_working_days_million(quick: bool) -> Measurement:
    cal = _calendar()
    rng = random.Random(7)
    starts = [date(2018, 1, 1) + timedelta(days=rng.randrange(3000)) for _ in range(1000)]
    rounds = 100 if quick else 1000
    add = cal.add_working_days
    begin = time.perf_counter()
    for r in range(rounds):
        n = r % 31
        for d in starts:
            add(d, n)
    value = (time.perf_counter() - begin) * (1000 / rounds)
    # floor: the same loop doing plain calendar-day arithmetic
    begin = time.perf_counter()
    for r in range(rounds):
        step = timedelta(days=r % 31)
        for d in starts:
            d + step
    floor = (time.perf_counter() - begin) * (1000 / rounds)
    return Measurement(value, floor=floor, note="floor: date + timedelta in the same loop")


@benchmark(
    "chinese_calendar_find_workday_1m_s",
    "s",
    label="Peer: chinese_calendar.find_workday, same calls (extrapolated)",
)
def peer_chinese_calendar(quick: bool) -> Measurement:
    import chinese_calendar

    rng = random.Random(7)
    starts = [
        date(2018, 1, 1) + timedelta(days=rng.randrange(3000))
        for _ in range(200 if quick else 2000)
    ]
    begin = time.perf_counter()
    for i, d in enumerate(starts):
        chinese_calendar.find_workday(i % 31 + 1, d)
    per_call = (time.perf_counter() - begin) / len(starts)
    return Measurement(
        per_call * 1_000_000, note="run-time use is avoided; this is the peer figure"
    )

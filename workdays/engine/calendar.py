"""Working-day arithmetic (工作日) over an official holiday calendar, in plain Python.

A ``WorkCalendar`` is built once from the override rows (holidays on weekdays, adjusted working
days on weekends) into arrays indexed by day, so every operation is a few list lookups:
one million ``add_working_days`` calls take well under two seconds.

Counting follows 民法典 第二百零一条: the day of the event is not counted, the period starts the
next day. ``add_working_days(d, n)`` is the n-th working day after ``d``. For ``n = 0`` it is
``d`` itself when ``d`` is a working day, else the next working day (a duty "within 0 working
days" is due the same working day).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from datetime import date, datetime, timedelta

FIRST_YEAR = 1990
LAST_YEAR = 2100


class CalendarRangeError(ValueError):
    pass


class WorkCalendar:
    """Working days from weekly rest (Saturday, Sunday) plus dated overrides.

    ``overrides`` maps a date to True (a working day, e.g. 国庆节调休 on a Saturday) or False (a
    holiday); ``names`` gives a day its name; ``official_years`` are the years whose schedule
    has been entered. Dates in other years follow the weekly rule and are provisional.
    """

    def __init__(
        self,
        overrides: dict[date, bool] | None = None,
        names: dict[date, str] | None = None,
        official_years: Iterable[int] = (),
        version: int = 0,
    ):
        self.version = version
        self.names = dict(names or {})
        self.overrides = dict(overrides or {})
        self.official_years = frozenset(official_years)
        self._start = date(FIRST_YEAR, 1, 1).toordinal()
        end = date(LAST_YEAR, 12, 31).toordinal()
        size = end - self._start + 1
        work = bytearray(size)
        for i in range(size):
            # date.fromordinal(1) is a Monday: (ordinal - 1) % 7 is 0..6 for Mon..Sun
            work[i] = 1 if (self._start + i - 1) % 7 < 5 else 0
        for day, is_working in self.overrides.items():
            i = day.toordinal() - self._start
            if 0 <= i < size:
                work[i] = 1 if is_working else 0
        self._work = bytes(work)
        # _count[i]: working days in [start, start + i]; _days[k]: ordinal of the (k+1)-th one
        count = array("i", bytes(4 * size))
        days = array("i")
        running = 0
        for i in range(size):
            if work[i]:
                running += 1
                days.append(self._start + i)
            count[i] = running
        self._count = count
        self._days = days

    def _index(self, d: date) -> int:
        i = d.toordinal() - self._start
        if not 0 <= i < len(self._work):
            raise CalendarRangeError(f"{d} 超出日历范围（{FIRST_YEAR}–{LAST_YEAR}年）")
        return i

    # --- questions about one day ---------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        return bool(self._work[self._index(d)])

    def day_name(self, d: date) -> str:
        """The day's name (国庆节, 国庆节调休), or 工作日 / 休息日 for an ordinary day."""
        if d in self.names:
            return self.names[d]
        return "工作日" if self.is_working_day(d) else "休息日"

    def is_official(self, year: int) -> bool:
        return year in self.official_years

    def is_provisional(self, *days: date) -> bool:
        """True when any year from the earliest to the latest of ``days`` has no schedule."""
        if not days:
            return False
        low, high = min(days).year, max(days).year
        return any(y not in self.official_years for y in range(low, high + 1))

    # --- arithmetic -------------------------------------------------------------------------

    def next_working_day(self, d: date) -> date:
        """The first working day after ``d``."""
        return date.fromordinal(self._days[self._count[self._index(d)]])

    def roll_forward(self, d: date) -> date:
        """``d`` if it is a working day, else the next one (民法典 第二百零三条 for periods)."""
        return d if self.is_working_day(d) else self.next_working_day(d)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (n ≥ 0; n = 0 rolls ``d`` forward to a working day)."""
        if n < 0:
            raise ValueError("n 不能为负数")
        i = d.toordinal() - self._start
        if not 0 <= i < len(self._work):
            raise CalendarRangeError(f"{d} 超出日历范围（{FIRST_YEAR}–{LAST_YEAR}年）")
        if n == 0:
            return d if self._work[i] else date.fromordinal(self._days[self._count[i]])
        k = self._count[i] + n - 1
        if k >= len(self._days):
            raise CalendarRangeError(f"{d} 之后第{n}个工作日超出日历范围")
        return date.fromordinal(self._days[k])

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b`` (negative when b is before a)."""
        return self._count[self._index(b)] - self._count[self._index(a)]

    @staticmethod
    def add_days(d: date, n: int) -> date:
        return d + timedelta(days=n)

    @staticmethod
    def days_between(a: date, b: date) -> int:
        return (b - a).days

    @staticmethod
    def add_hours(moment: datetime, n: int) -> datetime:
        return moment + timedelta(hours=n)

    @staticmethod
    def hours_between(a: datetime, b: datetime) -> float:
        return (b - a).total_seconds() / 3600


def weekends_only() -> WorkCalendar:
    """A calendar with no holiday schedule at all (every year provisional)."""
    return WorkCalendar()

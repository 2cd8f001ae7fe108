"""The working-day calendar: official cases, properties, provisional years, reloading."""

from datetime import date, timedelta

import pytest
from chinese_calendar.constants import holidays as PKG_HOLIDAYS
from chinese_calendar.constants import workdays as PKG_WORKDAYS
from hypothesis import given, settings
from hypothesis import strategies as st

from workdays.engine import CalendarRangeError, WorkCalendar

OVERRIDES = {d: False for d in PKG_HOLIDAYS} | {d: True for d in PKG_WORKDAYS}
CAL = WorkCalendar(OVERRIDES, official_years=range(2004, 2027))
dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))


def test_2024_national_day_with_its_adjusted_working_days():
    assert CAL.is_working_day(date(2024, 9, 29))  # Sunday, 国庆节调休
    assert CAL.is_working_day(date(2024, 10, 12))  # Saturday, 国庆节调休
    assert not any(CAL.is_working_day(date(2024, 10, d)) for d in range(1, 8))
    assert CAL.add_working_days(date(2024, 9, 27), 1) == date(2024, 9, 29)
    assert CAL.add_working_days(date(2024, 9, 29), 1) == date(2024, 9, 30)
    assert CAL.add_working_days(date(2024, 9, 30), 1) == date(2024, 10, 8)
    assert CAL.add_working_days(date(2024, 9, 27), 20) == date(2024, 10, 30)
    assert CAL.working_days_between(date(2024, 9, 27), date(2024, 10, 31)) == 21


@pytest.mark.parametrize("year", [2025, 2026])
def test_spring_festival_matches_the_official_schedule(year):
    days = [d for d in PKG_HOLIDAYS if d.year == year and PKG_HOLIDAYS[d] == "Spring Festival"]
    adjusted = [d for d in PKG_WORKDAYS if d.year == year and PKG_WORKDAYS[d] == "Spring Festival"]
    assert len(days) >= 8 and adjusted
    assert not any(CAL.is_working_day(d) for d in days)
    assert all(CAL.is_working_day(d) for d in adjusted)
    before = min(days) - timedelta(days=1)
    expected = next(
        d
        for d in (before + timedelta(days=k) for k in range(1, 30))
        if d not in days and (d.weekday() < 5 or d in adjusted)
    )
    assert CAL.add_working_days(before, 1) == expected


def test_every_day_2004_2026_agrees_with_the_package():
    import chinese_calendar

    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        assert CAL.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_zero_days_rolls_forward_and_negative_is_refused():
    assert CAL.add_working_days(date(2024, 10, 8), 0) == date(2024, 10, 8)
    assert CAL.add_working_days(date(2024, 10, 1), 0) == date(2024, 10, 8)
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2024, 10, 1), -1)
    with pytest.raises(CalendarRangeError):
        CAL.add_working_days(date(1900, 1, 1), 1)


def test_a_year_with_no_schedule_counts_weekends_only_and_is_provisional():
    assert not CAL.is_official(2027)
    assert CAL.is_provisional(date(2026, 12, 20), date(2027, 1, 5))
    assert not CAL.is_provisional(date(2026, 1, 5), date(2026, 12, 31))
    assert CAL.is_working_day(date(2027, 1, 1))  # no 元旦 yet: a Friday is a working day
    assert CAL.add_working_days(date(2027, 1, 1), 1) == date(2027, 1, 4)


def test_other_units():
    assert CAL.add_days(date(2024, 9, 27), 7) == date(2024, 10, 4)
    assert CAL.days_between(date(2024, 9, 27), date(2024, 10, 4)) == 7
    from datetime import datetime

    assert CAL.add_hours(datetime(2024, 9, 30, 20), 12) == datetime(2024, 10, 1, 8)
    assert CAL.hours_between(datetime(2024, 9, 30, 20), datetime(2024, 10, 1, 8)) == 12
    assert CAL.next_working_day(date(2024, 9, 30)) == date(2024, 10, 8)
    assert CAL.roll_forward(date(2024, 10, 3)) == date(2024, 10, 8)


@settings(max_examples=500, deadline=None)
@given(dates, st.integers(0, 60))
def test_results_are_working_days_and_counting_round_trips(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.is_working_day(end)
    if n > 0:
        assert CAL.working_days_between(start, end) == n
        assert CAL.working_days_between(start, end - timedelta(days=1)) == n - 1


@settings(max_examples=300, deadline=None)
@given(dates, st.integers(0, 40), st.integers(0, 40))
def test_monotonic_in_n(start, a, b):
    lo, hi = sorted((a, b))
    assert CAL.add_working_days(start, lo) <= CAL.add_working_days(start, hi)


@settings(max_examples=300, deadline=None)
@given(dates, dates)
def test_between_is_antisymmetric_and_additive(a, b):
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)
    mid = min(a, b) + (max(a, b) - min(a, b)) / 2
    assert CAL.working_days_between(min(a, b), max(a, b)) == CAL.working_days_between(
        min(a, b), mid
    ) + CAL.working_days_between(mid, max(a, b))

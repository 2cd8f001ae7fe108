"""Which reminder is due on a day: thresholds in working days, the due day, weekly overdue."""

import random
from datetime import date, timedelta

import pytest
from jobhelpers import FRIDAY, task_due

from tasks.models import Reminder
from tasks.reminders import describe, plan_for, send_due_reminders, threshold_for
from workdays.calendars import current_calendar
from workdays.engine import weekends_only


def test_thresholds_count_working_days_and_say_which_way():
    cal = weekends_only()
    plan = plan_for(FRIDAY, cal, [5, 1])
    expected = {
        date(2024, 11, 11): None,  # 6 working days left
        date(2024, 11, 8): "before:5",  # Mon..Fri: 5 working days left
        date(2024, 11, 5): "before:5",  # 2 left: past the 5-day mark, not yet the 1-day one
        date(2024, 11, 4): "before:1",  # Monday: 1 working day left
        date(2024, 11, 3): "before:1",  # Sunday: no working day left before it
        date(2024, 11, 1): "due",
        date(2024, 10, 31): "overdue:1",
        date(2024, 10, 25): "overdue:1",  # 7 days overdue: still the first week
        date(2024, 10, 24): "overdue:2",
        date(2024, 9, 1): "overdue:9",
    }
    assert {due: threshold_for(due, plan) for due in expected} == expected
    assert describe(date(2024, 11, 8), FRIDAY, cal) == "距截止还有5个工作日"
    assert describe(date(2024, 11, 4), FRIDAY, cal) == "距截止还有1个工作日"
    assert describe(date(2024, 11, 3), FRIDAY, cal) == "截止日前已无工作日"
    assert describe(FRIDAY, FRIDAY, cal) == "今天到期"
    assert describe(date(2024, 10, 30), FRIDAY, cal) == "已逾期2个工作日"
    assert describe(date(2024, 11, 2), date(2024, 11, 3), cal) == "已逾期1天"


@pytest.mark.django_db
def test_thresholds_skip_the_national_day_holiday():
    plan = plan_for(date(2024, 9, 27), current_calendar(), [5, 1])
    # working days after 9/27: 9/29 (调休), 9/30, then 10/8, 10/9, 10/10 (the 5th), 10/11
    assert plan.windows == (
        ("before:1", date(2024, 9, 28), date(2024, 9, 29)),
        ("before:5", date(2024, 9, 30), date(2024, 10, 10)),
    )
    assert describe(date(2024, 10, 10), date(2024, 9, 27), current_calendar()) == (
        "距截止还有5个工作日"
    )


@pytest.mark.django_db
def test_thresholds_come_from_settings(settings):
    settings.REMINDER_THRESHOLDS = [10, 3]
    plan = plan_for(FRIDAY, current_calendar())
    assert [w[0] for w in plan.windows] == ["before:3", "before:10"]


@pytest.mark.django_db
def test_the_sql_sweep_agrees_with_the_python_rule(department):
    """The threshold computed in the database (PostgreSQL or SQLite) is threshold_for()'s."""
    rng = random.Random(11)
    dept = department()
    days = sorted({FRIDAY + timedelta(days=rng.randint(-120, 20)) for _ in range(80)})
    for due in days:
        task_due(due, dept)
    send_due_reminders(FRIDAY)
    plan = plan_for(FRIDAY)
    stored = dict(Reminder.objects.values_list("due_on", "threshold"))
    assert stored == {d: threshold_for(d, plan) for d in days if threshold_for(d, plan)}

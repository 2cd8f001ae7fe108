"""The calendar in the admin: a pasted notice enters a year; missing years are flagged."""

from datetime import date

import pytest
from factories import TaskFactory

from workdays.calendars import current_calendar
from workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

NOTICE = """一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月6日（周六）至14日（周日）放假调休，共9天。2月20日（周六）上班。
"""


@pytest.fixture
def staff(admin_client):
    return admin_client


def test_missing_year_is_flagged_in_the_admin(staff):
    TaskFactory(
        next_due=date(2027, 3, 1),
        deadline_provisional=True,
        deadline_kind="due",
        due_on=date(2027, 3, 1),
    )
    page = staff.get("/admin/workdays/calendaryear/").content.decode()
    assert "2027年节假日安排尚未录入" in page
    tasks_page = staff.get("/admin/tasks/task/").content.decode()
    assert "暂定" in tasks_page and "2027年节假日安排尚未录入" in tasks_page


def test_pasting_a_notice_enters_the_year(staff):
    response = staff.post(
        "/admin/workdays/calendaryear/add/",
        {"year": 2027, "status": "provisional", "notice": "", "notice_text": NOTICE},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarYear.objects.get(year=2027).status == "official"
    assert CalendarDay.objects.filter(date__year=2027).count() == 13
    assert current_calendar().day_name(date(2027, 2, 20)) == "春节调休"
    page = staff.get("/admin/workdays/calendaryear/").content.decode()
    assert "2027年节假日安排尚未录入" not in page


def test_an_unreadable_notice_is_a_form_error_and_changes_nothing(staff):
    response = staff.post(
        "/admin/workdays/calendaryear/add/",
        {"year": 2027, "status": "provisional", "notice": "", "notice_text": "放假安排另行通知"},
    )
    assert response.status_code == 200
    assert "通知无法识别" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()

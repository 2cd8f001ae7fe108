"""The stored calendar: seeded 2004–2026, reloaded on change, a pasted notice, the CLI."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from factories import TaskFactory

from tasks.models import Task
from tasks.services import recompute_deadlines
from workdays.calendars import current_calendar, enter_holiday_notice, provisional_note
from workdays.engine.notice import NoticeError, parse_holiday_notice
from workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

NOTICE_2025 = """国务院办公厅关于2025年部分节假日安排的通知
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
"""

NOTICE_2027 = """一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月6日（周六）至14日（周日）放假调休，共9天。2月20日（周六）上班。
"""


def test_seeded_years_are_official_and_match_the_package():
    assert set(
        CalendarYear.objects.filter(status="official").values_list("year", flat=True)
    ) == set(range(2004, 2027))
    cal = current_calendar()
    assert cal.day_name(date(2024, 10, 12)) == "国庆节调休"
    assert cal.day_name(date(2024, 10, 1)) == "国庆节"


def test_the_pasted_notice_matches_the_official_data():
    import chinese_calendar.constants as c

    rows = parse_holiday_notice(NOTICE_2025, 2025)
    got = {(d, kind) for d, kind, _ in rows}
    want = {(d, "holiday") for d in c.holidays if d.year == 2025} | {
        (d, "workday") for d in c.workdays if d.year == 2025
    }
    assert got == want


def test_bad_notice_names_the_problem():
    with pytest.raises(NoticeError, match="节日条目"):
        parse_holiday_notice("今年放假安排另行通知。", 2027)


@override_settings(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)
def test_entering_a_year_reloads_the_calendar_and_recomputes_deadlines(
    django_capture_on_commit_callbacks,
):
    task = TaskFactory(
        deadline_kind="recurring", every="year", by="02-08", roll_to_working_day=True
    )
    recompute_deadlines(today=date(2026, 11, 29))
    task.refresh_from_db()
    assert task.next_due == date(2027, 2, 8) and task.deadline_provisional
    assert provisional_note(task.next_due) == "2027年节假日安排尚未录入"
    before = current_calendar()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enter_holiday_notice(2027, NOTICE_2027)
    # one recompute job per app (tasks, disclosure), however many rows changed
    assert len(callbacks) == 2
    after = current_calendar()
    assert after is not before and after.version > before.version
    assert not after.is_working_day(date(2027, 2, 8)) and after.is_working_day(date(2027, 2, 20))
    assert CalendarYear.objects.get(year=2027).status == "official"
    task.refresh_from_db()
    assert task.next_due == date(2027, 2, 15) and not task.deadline_provisional  # rolled past 春节
    assert provisional_note(task.next_due) == ""


def test_editing_one_day_in_the_admin_way_bumps_the_version():
    version = current_calendar().version
    CalendarDay.objects.create(date=date(2026, 11, 30), kind="holiday", name="测试假日")
    assert current_calendar().version > version
    assert not current_calendar().is_working_day(date(2026, 11, 30))


def test_recompute_is_idempotent():
    TaskFactory(deadline_kind="due", due_on=date(2019, 2, 28))
    assert recompute_deadlines(today=date(2026, 11, 29)) == 1
    assert recompute_deadlines(today=date(2026, 11, 29)) == 0
    assert Task.objects.get().next_due == date(2019, 2, 28)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("workdays", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_workdays_cli():
    assert run("add", "2024-09-27", "20") == ("2024-10-30", "")
    assert run("between", "2024-09-27", "2024-10-31") == ("21", "")
    assert run("check", "2026-02-14") == ("工作日 春节调休", "")
    assert run("check", "2026-02-16") == ("节假日 春节", "")
    assert run("check", "2026-11-28") == ("休息日", "")
    out, err = run("add", "2027-02-01", "10")
    assert out == "2027-02-15" and "2027年节假日安排尚未录入" in err
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("add", "2024/09/27", "3")


def test_relative_task_is_due_once_its_event_is_recorded():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tasks.services import record_task_event

    task = TaskFactory(deadline_kind="relative", n=5, unit="working_days", trigger="信息形成之日")
    recompute_deadlines(today=date(2024, 9, 1))
    task.refresh_from_db()
    assert task.next_due is None
    late_evening = datetime(2024, 9, 27, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    record_task_event(task, late_evening, today=date(2024, 9, 28))
    task.refresh_from_db()
    assert task.next_due == date(2024, 10, 10)  # 9/29 (调休), 9/30, 10/8, 10/9, 10/10


def test_a_deadline_edited_in_the_admin_moves_next_due(admin_client):
    task = TaskFactory(deadline_kind="due", due_on=date(2019, 2, 28), next_due=date(2019, 2, 28))
    data = {
        "document": task.document_id,
        "order": 0,
        "path": "",
        "heading": "",
        "text": task.text,
        "raw": "",
        "origin": "parenthetical",
        "deadline_text": "2019年3月",
        "deadline_kind": "due",
        "due_on": "2019-03-31",
        "every": "",
        "by": "",
        "unit": "",
        "trigger": "",
        "status": "open",
        "assignments-TOTAL_FORMS": 0,
        "assignments-INITIAL_FORMS": 0,
        "progress_reports-TOTAL_FORMS": 0,
        "progress_reports-INITIAL_FORMS": 0,
    }
    response = admin_client.post(f"/admin/tasks/task/{task.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    task.refresh_from_db()
    assert task.next_due == date(2019, 3, 31)

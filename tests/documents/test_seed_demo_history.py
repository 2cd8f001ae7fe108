"""seed_demo's history on the seed gazette (documents/demo.py): what each role's landing page
shows as of DEMO_AS_OF=2018-11-20, written once, and only in the demo."""

import io
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from departments.demo import DemoDisabled
from disclosure.models import DisclosureEvent
from documents.demo import DEMO_NOTE, seed_history
from tasks.models import Notification, ProgressAttachment, ProgressReport, Task, Urge

AS_OF = date(2018, 11, 20)


@pytest.fixture
def demo(seed, settings):
    """The seed issue (imported on the real date, as a first `make run` without the setting
    would have), then seed_demo as of 2018-11-20."""
    settings.DEMO_ACCOUNTS_ENABLED = True
    settings.DEMO_AS_OF = AS_OF
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def client(username=None) -> APIClient:
    c = APIClient()
    if username:
        c.force_login(get_user_model().objects.get(username=username))
    return c


def chips(html: str) -> dict[str, int]:
    """The count chips of a task list or the overview: label → number."""
    found = re.findall(r'class="stat-chip[^"]*"[^>]*>(\S+) <strong>(\d+)</strong>', html)
    return {label: int(n) for label, n in found}


def late_days(html: str) -> list[int]:
    return sorted(int(n) for n in re.findall(r"逾期(\d+)个工作日", html))


def snapshot() -> tuple:
    return (
        list(
            Task.objects.order_by("pk").values_list("status", "next_due", "version", "import_note")
        ),
        list(ProgressReport.objects.order_by("pk").values_list("kind", "text", "created_at")),
        ProgressAttachment.objects.count(),
        list(Urge.objects.order_by("pk").values_list("task", "department", "created_at")),
        list(Notification.objects.order_by("pk").values_list("user", "task", "read_at")),
        list(DisclosureEvent.objects.order_by("pk").values_list("due_at", "published_at")),
    )


def test_the_command_reports_what_it_wrote(demo):
    assert "已写入演示历史（按2018年11月20日计算）" in demo
    assert "本政发〔2018〕13号 二.(一).2 归并涉农资金" in demo


def test_history_is_dated_before_the_as_of_day(demo):
    days = [d.date() for d in ProgressReport.objects.values_list("created_at", flat=True)]
    days += [d.date() for d in Urge.objects.values_list("created_at", flat=True)]
    days += [d.date() for d in DisclosureEvent.objects.values_list("published_at", flat=True)]
    assert days and max(days) <= AS_OF
    assert min(days) >= date(2018, 6, 30)


def test_done_tasks_have_reports_and_an_evidence_file(demo):
    done = Task.objects.filter(
        status=Task.Status.DONE, assignments__department__name="市财政局"
    ).distinct()
    assert done.count() == 2
    for task in done:
        kinds = list(task.progress_reports.order_by("created_at").values_list("kind", flat=True))
        assert kinds == ["in_progress", "done"]
        attachment = ProgressAttachment.objects.get(report__task=task)
        head = attachment.file.open("rb").read(8)
        assert head.startswith(b"%PDF") or head.startswith(b"\x89PNG")


def test_an_extension_was_asked_and_granted(demo):
    asked = ProgressReport.objects.get(kind=ProgressReport.Kind.EXTENSION)
    assert asked.requested_due == date(2018, 11, 23)
    task = asked.task
    assert task.next_due == date(2018, 11, 23)
    granted = task.progress_reports.filter(text__startswith="同意延期至2018年11月23日").get()
    assert granted.author.username == "demo-supervisor"
    assert granted.created_at > asked.created_at


def test_adjusted_deadlines_say_so_on_the_task(demo):
    adjusted = Task.objects.filter(import_note__startswith=DEMO_NOTE)
    assert adjusted.count() == 4
    page = client("demo-caizheng").get(f"/work/tasks/{adjusted[0].pk}/").content.decode()
    assert DEMO_NOTE in page and "原文时限" in page


def test_disclosure_events_one_on_time_one_late(demo):
    events = list(DisclosureEvent.objects.all())
    assert sorted(e.on_time for e in events) == [False, True]
    page = client().get("/catalogue/").content.decode()
    assert "已公开1次，按时1次" in page and "已公开1次，按时0次" in page


def test_running_it_twice_changes_nothing(demo):
    before = snapshot()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "演示历史已存在" in out.getvalue()
    assert snapshot() == before


def test_finance_landing_tells_its_story(demo):
    """市财政局: open tasks, two due within days, two a few working days late (not ~1,900),
    two done, two unread urges in the inbox."""
    response = client("demo-caizheng").get("/work/", follow=True)
    assert response.redirect_chain[-1][0].endswith("/work/tasks/")
    html = response.content.decode()
    assert chips(html) == {"未办结": 34, "即将到期": 2, "已逾期": 2, "已完成": 2}
    assert late_days(html) == [3, 6]
    assert "2条未读" in html
    assert "演示数据：按2018年11月20日计算" in html
    soon = client("demo-caizheng").get("/work/tasks/?state=soon").content.decode()
    assert "实行综合绩效管理" in soon and "强化整合制度保障" in soon
    inbox = client("demo-caizheng").get("/work/inbox/").content.decode()
    assert inbox.count("催办：") >= 2


def test_supervisor_landing_tells_its_story(demo):
    response = client("demo-supervisor").get("/work/", follow=True)
    assert response.redirect_chain[-1][0].endswith("/work/supervision/")
    html = response.content.decode()
    assert "统计日期：2018年11月20日" in html
    assert chips(html) == {"未办结": 103, "即将到期": 2, "已逾期": 3, "已完成": 6, "合计": 109}
    overdue = client("demo-supervisor").get("/work/supervision/tasks/?state=overdue")
    assert max(late_days(overdue.content.decode())) < 20


def test_secretariat_and_public_pages(demo):
    response = client("demo-secretariat").get("/work/", follow=True)
    assert response.status_code == 200
    assert "演示数据：按2018年11月20日计算" in response.content.decode()
    task = ProgressReport.objects.get(kind=ProgressReport.Kind.EXTENSION).task
    detail = client("demo-secretariat").get(f"/work/tasks/{task.pk}/").content.decode()
    assert "申请延期至" in detail and "同意延期至2018年11月23日" in detail
    home = client().get("/").content.decode()
    assert "演示数据：按2018年11月20日计算" in home


def test_without_the_seed_issue_only_the_accounts(db, settings):
    settings.DEMO_ACCOUNTS_ENABLED = True
    settings.DEMO_AS_OF = AS_OF
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "未写入演示历史：示例公报 2018年第6号 尚未导入发布" in out.getvalue()
    assert get_user_model().objects.filter(username="demo-caizheng").exists()
    assert not ProgressReport.objects.exists()


def test_without_demo_as_of_no_history(seed, settings):
    settings.DEMO_ACCOUNTS_ENABLED = True
    settings.DEMO_AS_OF = None
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "未写入演示历史：未设置 DEMO_AS_OF" in out.getvalue()
    assert not ProgressReport.objects.exists()


def test_refused_outside_the_demo(seed, settings):
    settings.DEMO_ACCOUNTS_ENABLED = False
    settings.DEBUG = False
    with pytest.raises(DemoDisabled):
        seed_history(AS_OF)
    assert not ProgressReport.objects.exists()


def test_only_the_secretariat_or_a_supervisor_grants_an_extension(seed, users):
    from django.core.exceptions import PermissionDenied, ValidationError

    from tasks.services import grant_extension, report_progress

    task = Task.objects.filter(assignments__department__name="市财政局", next_due__isnull=False)[0]
    later = date(task.next_due.year + 1, 1, 31)
    asked = report_progress(
        task,
        users["finance"],
        text="需延期",
        kind=ProgressReport.Kind.EXTENSION,
        requested_due=later,
    )
    with pytest.raises(PermissionDenied):
        grant_extension(asked, users["finance"])
    progress = report_progress(task, users["finance"], text="进展")
    with pytest.raises(ValidationError, match="延期申请"):
        grant_extension(progress, users["secretariat"])
    grant_extension(asked, users["secretariat"], today=AS_OF)
    task.refresh_from_db()
    assert (task.deadline_kind, task.due_on, task.next_due) == ("due", later, later)


def test_jobs_without_a_day_run_as_of_the_demo_day(demo):
    """The beat/run_schedule jobs take no day: they sweep and digest as of DEMO_AS_OF."""
    from tasks.reminders.digest import overdue_by_department
    from tasks.tasks import send_reminders

    swept = send_reminders()
    assert swept["day"] == "2018-11-20"
    assert swept["by_threshold"].get("逾期", 0) >= 3
    finance = next(d for d in overdue_by_department(AS_OF) if d["department__name"] == "市财政局")
    assert [i["when"] for i in finance["items"]] == ["已逾期6个工作日", "已逾期3个工作日"]
    unread = Notification.objects.filter(user__username="demo-caizheng", read_at__isnull=True)
    assert unread.filter(kind=Notification.Kind.URGE).count() == 2
    assert unread.count() > 2  # the sweep's reminders reach the inbox as well

"""我的任务, the task page, progress with evidence, status actions, history, urging, inbox."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from staffhelpers import PDF, PNG, upload

from departments.models import Department
from tasks.models import Notification, ProgressReport, Task, Urge, within_limit
from tasks.selectors import due_badge
from tasks.services import report_progress
from workdays.calendars import current_calendar

pytestmark = pytest.mark.django_db


def finance_tasks():
    return Task.objects.filter(assignments__department__name="市财政局").order_by("pk")


def html(response) -> str:
    return response.content.decode()


def test_my_tasks_groups_marks_roles_and_sorts(seed, client_for):
    finance = Department.objects.get(name="市财政局")
    lead = finance_tasks().filter(assignments__department=finance, assignments__role="lead")[0]
    support = finance_tasks().filter(assignments__department=finance, assignments__role="support")[
        0
    ]
    Task.objects.filter(pk=support.pk).update(status=Task.Status.IN_PROGRESS)
    page = html(client_for("finance").get(reverse("staff:tasks")))
    assert "我的任务" in page and "市财政局" in page
    assert page.index('id="group-open"') < page.index('id="group-in_progress"')
    assert page.index('id="group-in_progress"') < page.index('id="group-done"')
    # every one of the department's tasks, each once, and nobody else's
    for task in finance_tasks():
        assert page.count(f'href="/work/tasks/{task.pk}/"') == 1
    other = Task.objects.exclude(assignments__department=finance).first()
    assert f'href="/work/tasks/{other.pk}/"' not in page
    # lead and support marked on the cards
    lead_card = page[page.index(f'href="/work/tasks/{lead.pk}/"') - 600 :]
    assert "badge--lead" in lead_card[:600]
    support_card = page[page.index(f'href="/work/tasks/{support.pk}/"') - 600 :]
    assert "badge--support" in support_card[:600]
    # sorted by next_due within a group (no date last)
    open_part = page[page.index('id="group-open"') : page.index('id="group-in_progress"')]
    order = [
        t
        for t in finance_tasks().exclude(pk=support.pk)
        if f'href="/work/tasks/{t.pk}/"' in open_part
    ]
    positions = sorted(order, key=lambda t: open_part.index(f'href="/work/tasks/{t.pk}/"'))
    dues = [t.next_due for t in positions]
    dated = [d for d in dues if d is not None]
    assert dated == sorted(dated) and dues[: len(dated)] == dated


def test_badges_count_working_days(seed, client_for):
    today = timezone.localdate()
    cal = current_calendar()
    soon, late, later = finance_tasks()[:3]
    soon_day = cal.add_working_days(today, 3)
    Task.objects.filter(pk=soon.pk).update(next_due=soon_day)
    late_day = today - timedelta(days=30)
    Task.objects.filter(pk=late.pk).update(next_due=late_day)
    Task.objects.filter(pk=later.pk).update(next_due=cal.add_working_days(today, 20))
    soon.refresh_from_db()
    late.refresh_from_db()
    assert due_badge(soon, today, cal).label == "3个工作日内到期"
    n = cal.working_days_between(late_day, today)
    assert due_badge(late, today, cal).label == f"逾期{n}个工作日"
    page = html(client_for("finance").get(reverse("staff:tasks")))
    assert "3个工作日内到期" in page and f"逾期{n}个工作日" in page
    # the "soon" filter: at most 5 working days left, weekends after the 5th included
    limit = within_limit(today, cal)
    assert cal.working_days_between(today, limit) == 5
    assert cal.working_days_between(today, limit + timedelta(days=1)) == 6
    page = html(client_for("finance").get(reverse("staff:tasks"), {"state": "soon"}))
    assert f'href="/work/tasks/{soon.pk}/"' in page
    assert f'href="/work/tasks/{later.pk}/"' not in page
    page = html(client_for("finance").get(reverse("staff:tasks"), {"state": "overdue"}))
    assert f'href="/work/tasks/{late.pk}/"' in page
    assert f'href="/work/tasks/{soon.pk}/"' not in page


def test_filters_and_search(seed, client_for):
    client = client_for("finance")
    finance = Department.objects.get(name="市财政局")
    page = html(client.get(reverse("staff:tasks"), {"q": "涉农资金"}))
    hits = finance_tasks().filter(text__contains="涉农资金")
    assert hits and all(f'href="/work/tasks/{t.pk}/"' in page for t in hits)
    assert "不存在的词语" not in page
    page = html(client.get(reverse("staff:tasks"), {"q": "不存在的词语"}))
    assert "没有符合条件的任务" in page
    page = html(client.get(reverse("staff:tasks"), {"role": "lead"}))
    for t in finance_tasks():
        linked = f'href="/work/tasks/{t.pk}/"' in page
        assert linked == t.assignments.filter(department=finance, role="lead").exists()
    # a bad value is ignored rather than an error
    assert client.get(reverse("staff:tasks"), {"state": "nonsense"}).status_code == 200


def test_htmx_filter_request_gets_the_same_page(seed, client_for):
    response = client_for("finance").get(
        reverse("staff:tasks"), {"state": "overdue"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and 'id="task-results"' in html(response)


def test_task_page_context_deadline_and_departments(seed, client_for):
    task = finance_tasks().filter(clause__isnull=False, deadline_kind="due").first()
    page = html(client_for("finance").get(reverse("staff:task", args=[task.pk])))
    assert task.document.title in page
    assert reverse("document", args=[task.document.slug]) + f"#c{task.clause.order}" in page
    for a in task.assignments.all():
        assert a.department.name in page and a.get_role_display() in page
    assert task.deadline_text in page
    assert "限期完成" in page and "工作日历第" in page
    assert f"{task.next_due.year}年{task.next_due.month}月{task.next_due.day}日" in page
    assert "办理" in page  # the reporting form for an assigned department


def test_provisional_deadline_shows_the_note(seed, client_for):
    task = finance_tasks().first()
    Task.objects.filter(pk=task.pk).update(
        next_due=timezone.localdate().replace(year=2099), deadline_provisional=True
    )
    page = html(client_for("finance").get(reverse("staff:task", args=[task.pk])))
    assert "2099年节假日安排尚未录入" in page
    page = html(client_for("finance").get(reverse("staff:tasks")))
    assert "2099年节假日安排尚未录入" in page


def test_draft_task_links_to_review_not_public_page(seed, client_for):
    task = finance_tasks().first()
    task.document.issue.status = "draft"
    task.document.issue.save()
    page = html(client_for("secretariat").get(reverse("staff:task", args=[task.pk])))
    assert "尚未发布" in page
    assert f"/documents/{task.document.slug}/" not in page
    assert reverse("staff:review", args=[task.document.issue_id]) in page


def test_report_progress_with_attachment_then_done(seed, users, client_for):
    client = client_for("finance")
    task = finance_tasks().first()
    url = reverse("staff:task-report", args=[task.pk])
    response = client.post(
        url,
        {"kind": "progress", "text": "已召开协调会", "files": [upload("会议纪要.pdf", PDF)]},
    )
    assert response.status_code == 302 and response["Location"].endswith("#progress")
    report = ProgressReport.objects.get(task=task)
    assert report.author == users["finance"] and report.department.name == "市财政局"
    attachment = report.attachments.get()
    assert attachment.original_name == "会议纪要.pdf"
    page = html(client.get(reverse("staff:task", args=[task.pk])))
    assert "已召开协调会" in page and "会议纪要.pdf" in page
    download = client.get(reverse("staff:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"

    # 开始推进, then 办结 without evidence (refused), then with evidence
    task.refresh_from_db()
    client.post(url, {"kind": "in_progress", "text": "开始", "version": task.version})
    task.refresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS
    response = client.post(url, {"kind": "done", "text": "完成", "version": task.version})
    assert response.status_code == 400 and "办结须附佐证材料" in html(response)
    response = client.post(
        url,
        {
            "kind": "done",
            "text": "已完成，附验收报告",
            "version": task.version,
            "files": [upload("验收.png", PNG)],
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.DONE


def test_extension_needs_a_later_date_and_stale_version_is_refused(seed, client_for):
    client = client_for("finance")
    task = finance_tasks().exclude(next_due=None).first()
    url = reverse("staff:task-report", args=[task.pk])
    response = client.post(url, {"kind": "extension", "text": "需要更多时间"})
    assert response.status_code == 400 and "请填写申请延期至的日期" in html(response)
    response = client.post(
        url,
        {"kind": "extension", "text": "需要更多时间", "requested_due": task.next_due.isoformat()},
    )
    assert response.status_code == 400 and "延期日期须晚于当前截止日期" in html(response)
    later = (task.next_due + timedelta(days=30)).isoformat()
    response = client.post(
        url, {"kind": "extension", "text": "需要更多时间", "requested_due": later}
    )
    assert response.status_code == 302
    assert ProgressReport.objects.get(task=task, kind="extension").requested_due.isoformat() == (
        later
    )
    response = client.post(
        url, {"kind": "in_progress", "text": "开始", "version": task.version + 5}
    )
    assert response.status_code == 400 and "任务已被他人修改" in html(response)


def test_bad_attachment_is_refused(seed, client_for):
    task = finance_tasks().first()
    response = client_for("finance").post(
        reverse("staff:task-report", args=[task.pk]),
        {"kind": "progress", "text": "x", "files": [upload("evil.pdf", b"MZ\x90\x00not a pdf")]},
    )
    assert response.status_code == 400 and "类型不允许" in html(response)
    assert not ProgressReport.objects.filter(task=task).exists()


def test_history_shows_who_and_when(seed, users, client_for):
    task = finance_tasks().first()
    client_for("finance").post(
        reverse("staff:task-report", args=[task.pk]),
        {"kind": "in_progress", "text": "开始办理"},
    )
    page = html(client_for("supervisor").get(reverse("staff:task", args=[task.pk])))
    history = page[page.index('id="h-history"') :]
    assert "finance" in history  # the user who changed it
    assert "状态：未开始 → 推进中" in history
    assert "进展：创建开始推进" in history
    assert "分工：添加承办部门" in history  # the import's assignments
    assert timezone.localtime().strftime("%Y-%m-%d") in history


def test_urge_notifies_department_and_is_recorded(seed, users, client_for):
    task = finance_tasks().exclude(status="done").first()
    response = client_for("supervisor").post(
        reverse("staff:task-urge", args=[task.pk]), {"message": "请本周内报送"}
    )
    assert response.status_code == 302
    assert Urge.objects.filter(task=task, by=users["supervisor"]).count() == (
        task.assignments.count()
    )
    note = Notification.objects.get(user=users["finance"], task=task)
    assert note.kind == "urge" and note.body == "请本周内报送"
    # the department's inbox, and marking read with htmx
    client = client_for("finance")
    inbox = html(client.get(reverse("staff:inbox")))
    assert note.title in inbox and "inbox__item--unread" in inbox
    assert 'class="nav-count"' in html(client.get(reverse("staff:tasks")))
    partial = client.post(
        reverse("staff:inbox-read", args=[note.pk]), headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200 and "<html" not in html(partial)
    assert "已读" in html(partial)
    note.refresh_from_db()
    assert note.read_at is not None
    # the task page records the urge
    page = html(client.get(reverse("staff:task", args=[task.pk])))
    assert "催办记录" in page and "请本周内报送" in page


def test_urge_one_department_with_htmx(seed, users, client_for):
    task = finance_tasks().exclude(status="done").first()
    finance = Department.objects.get(name="市财政局")
    response = client_for("supervisor").post(
        reverse("staff:task-urge", args=[task.pk]),
        {"department": finance.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "已催办：市财政局" in html(response)
    assert list(Urge.objects.filter(task=task).values_list("department__name", flat=True)) == [
        "市财政局"
    ]


def test_urging_a_done_task_says_so(seed, users, client_for):
    task = finance_tasks().first()
    report_progress(task, users["finance"], text="完成", kind="done", files=[upload("a.png", PNG)])
    response = client_for("supervisor").post(
        reverse("staff:task-urge", args=[task.pk]), headers={"HX-Request": "true"}
    )
    assert "无需催办" in html(response)
    assert not Urge.objects.filter(task=task).exists()


def test_supervisor_closes_a_task(seed, users, client_for):
    task = finance_tasks().first()
    response = client_for("supervisor").post(
        reverse("staff:task-close", args=[task.pk]), {"note": "已核实"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert ProgressReport.objects.get(task=task).text == "已核实"


def test_read_all(seed, users, client_for):
    for i in range(3):
        Notification.objects.create(user=users["finance"], kind="reminder", title=f"提醒{i}")
    client = client_for("finance")
    client.post(reverse("staff:inbox-read-all"))
    assert not Notification.objects.filter(user=users["finance"], read_at=None).exists()
    assert "没有消息" in html(client.get(reverse("staff:inbox"), {"unread": "1"}))


def test_task_list_queries_do_not_grow_with_rows(seed, client_for, django_assert_max_num_queries):
    client = client_for("supervisor")
    client.get(reverse("staff:tasks"))  # warm the calendar
    with django_assert_max_num_queries(25):
        response = client.get(reverse("staff:tasks"))
    assert response.status_code == 200 and Task.objects.count() > 100

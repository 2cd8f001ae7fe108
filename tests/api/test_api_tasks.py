"""Task filters, progress with attachments, status actions, urging, inbox, working days."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from departments.models import Department
from tasks.models import Notification, ProgressReport, Task

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
    + b"\x00" * 40
)


def upload(name, content):
    f = io.BytesIO(content)
    f.name = name
    return f


def count(client, query=""):
    return client.get(f"/api/tasks/?page_size=500&count=true{query}").json()["count"]


def test_task_filters(seed, client_for):
    sup = client_for("supervisor")
    finance = Department.objects.get(name="市财政局")
    assert (
        count(sup, f"&department={finance.id}")
        == Task.objects.filter(assignments__department=finance).count()
    )
    assert (
        count(sup, f"&department={finance.id}&role=lead")
        == Task.objects.filter(assignments__department=finance, assignments__role="lead").count()
    )
    assert (
        count(sup, "&role=responsible")
        == Task.objects.filter(assignments__role="responsible").distinct().count()
    )
    assert (
        count(sup, "&deadline_kind=recurring")
        == Task.objects.filter(deadline_kind="recurring").count()
        == 4
    )
    assert (
        count(sup, "&deadline_kind=ongoing") == Task.objects.filter(deadline_kind="ongoing").count()
    )
    overdue = Task.objects.filter(next_due__lt=timezone.localdate()).exclude(status="done").count()
    assert overdue > 0 and count(sup, "&overdue=true") == overdue
    assert count(sup, "&overdue=false") == Task.objects.count() - overdue
    assert (
        count(sup, "&due_before=2018-12-31")
        == Task.objects.filter(next_due__lte=date(2018, 12, 31)).count()
    )
    assert (
        count(sup, "&due_after=2019-03-01")
        == Task.objects.filter(next_due__gte=date(2019, 3, 1)).count()
    )
    assert count(sup, "&q=涉农资金") > 0 and count(sup, "&q=不存在的词语") == 0
    doc = Task.objects.first().document
    assert count(sup, f"&document={doc.id}") == doc.tasks.count()
    assert count(sup, f"&issue={doc.issue_id}") == Task.objects.count()
    assert sup.get("/api/tasks/?role=nobody").status_code == 400


def test_due_within_counts_working_days(seed, client_for):
    task = Task.objects.filter(deadline_kind="recurring", origin="parenthetical").get()
    soon = timezone.localdate() + timedelta(days=3)
    Task.objects.filter(pk=task.pk).update(next_due=soon)
    sup = client_for("supervisor")
    assert task.id in {
        r["id"] for r in sup.get("/api/tasks/?due_within=10&page_size=500").json()["results"]
    }
    assert task.id not in {
        r["id"] for r in sup.get("/api/tasks/?due_within=0&page_size=500").json()["results"]
    }


def test_ordering(seed, client_for):
    sup = client_for("supervisor")
    rows = sup.get("/api/tasks/?ordering=next_due&page_size=500").json()["results"]
    dated = [r["next_due"] for r in rows if r["next_due"]]
    assert dated == sorted(dated) and rows[-1]["next_due"] is None
    rows = sup.get("/api/tasks/?ordering=-next_due&page_size=500").json()["results"]
    dated = [r["next_due"] for r in rows if r["next_due"]]
    assert dated == sorted(dated, reverse=True)
    by_dept = sup.get("/api/tasks/?ordering=department&page_size=500").json()["results"]
    firsts = [min(a["department_name"] for a in r["assignments"]) for r in by_dept]
    assert firsts == sorted(firsts)
    assert sup.get("/api/tasks/?ordering=document").status_code == 200


def finance_task():
    return Task.objects.filter(assignments__department__name="市财政局").order_by("id").first()


def test_progress_with_attachments_then_done_with_evidence(seed, client_for):
    task = finance_task()
    client = client_for("finance")
    got = client.post(
        f"/api/tasks/{task.id}/progress/",
        {"text": "已完成调研。", "files": [upload("调研报告.pdf", PDF), upload("现场.png", PNG)]},
        format="multipart",
    )
    assert got.status_code == 201, got.json()
    body = got.json()
    assert [a["original_name"] for a in body["attachments"]] == ["调研报告.pdf", "现场.png"]
    assert [a["content_type"] for a in body["attachments"]] == ["application/pdf", "image/png"]
    download = client.get(body["attachments"][0]["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert client_for("health").get(body["attachments"][0]["url"]).status_code == 404

    no_evidence = client.post(
        f"/api/tasks/{task.id}/complete/", {"text": "办结"}, format="multipart"
    )
    assert no_evidence.status_code == 400
    done = client.post(
        f"/api/tasks/{task.id}/complete/",
        {"text": "已办结。", "files": [upload("结果.pdf", PDF)]},
        format="multipart",
    )
    assert done.status_code == 201
    task.refresh_from_db()
    assert task.status == "done" and task.version == 2
    detail = client.get(f"/api/tasks/{task.id}/").json()
    assert [r["kind"] for r in detail["progress_reports"]] == ["done", "progress"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("伪装.pdf", b"MZ\x90\x00 this is an exe"),
        ("脚本.png", b"<script>alert(1)</script>"),
        ("坏.docx", b"PK\x03\x04 not really a zip"),
        ("空.pdf", b""),
    ],
)
def test_uploads_are_checked_by_content(seed, client_for, name, content):
    task = finance_task()
    got = client_for("finance").post(
        f"/api/tasks/{task.id}/progress/",
        {"text": "附件", "files": [upload(name, content)]},
        format="multipart",
    )
    assert got.status_code == 400
    assert not ProgressReport.objects.exists()


def test_upload_size_limit(seed, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 100
    got = client_for("finance").post(
        f"/api/tasks/{finance_task().id}/progress/",
        {"text": "大文件", "files": [upload("大.pdf", PDF * 20)]},
        format="multipart",
    )
    assert got.status_code == 400 and "过大" in str(got.json())


def test_staff_cannot_report_on_other_departments_tasks(seed, client_for):
    other = (
        Task.objects.filter(assignments__department__name="市卫生计生委")
        .exclude(assignments__department__name="市财政局")
        .first()
    )
    assert (
        client_for("finance").post(f"/api/tasks/{other.id}/progress/", {"text": "x"}).status_code
        == 404
    )
    assert (
        client_for("supervisor").post(f"/api/tasks/{other.id}/progress/", {"text": "x"}).status_code
        == 403
    )


def test_extension_request_and_stale_version(seed, client_for):
    task = Task.objects.filter(
        assignments__department__name="市财政局", next_due__isnull=False
    ).first()
    client = client_for("finance")
    bad = client.post(
        f"/api/tasks/{task.id}/request-extension/",
        {"text": "人手不足", "requested_due": str(task.next_due)},
    )
    assert bad.status_code == 400
    later = task.next_due + timedelta(days=30)
    ok = client.post(
        f"/api/tasks/{task.id}/request-extension/",
        {"text": "人手不足", "requested_due": str(later)},
    )
    assert ok.status_code == 201 and ok.json()["requested_due"] == str(later)
    started = client.post(f"/api/tasks/{task.id}/start/", {"text": "已启动", "version": 1})
    assert started.status_code == 201
    stale = client.post(f"/api/tasks/{task.id}/start/", {"text": "再次", "version": 1})
    assert stale.status_code == 409


def test_supervisor_urges_and_closes(seed, client_for, users):
    task = finance_task()
    assert (
        client_for("finance").post(f"/api/tasks/{task.id}/urge/", {"message": "快"}).status_code
        == 403
    )
    sup = client_for("supervisor")
    urged = sup.post(f"/api/tasks/{task.id}/urge/", {"message": "请于本周内报告进展"})
    assert urged.status_code == 201
    assert len(urged.json()) == task.assignments.count()
    inbox = client_for("finance").get("/api/inbox/").json()
    assert inbox["count"] == 1 and inbox["results"][0]["kind"] == "urge"
    note_id = inbox["results"][0]["id"]
    assert client_for("health").post(f"/api/inbox/{note_id}/read/").status_code == 404
    assert client_for("finance").post(f"/api/inbox/{note_id}/read/").json()["read_at"]
    assert client_for("finance").post("/api/inbox/read-all/").json() == {"marked": 0}
    closed = sup.post(f"/api/tasks/{task.id}/close/", {"note": "督查确认"})
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    assert sup.post(f"/api/tasks/{task.id}/urge/", {}).status_code == 400
    assert Notification.objects.filter(user=users["finance"]).count() == 1


def test_workdays_endpoints(db, client_for):
    anon = client_for()
    assert anon.get("/api/workdays/add/?date=2024-09-27&n=20").json() == {
        "result": "2024-10-30",
        "provisional": False,
        "note": "",
    }
    assert (
        anon.get("/api/workdays/between/?start=2024-09-27&end=2024-10-31").json()["result"] == "21"
    )
    assert anon.get("/api/workdays/check/?date=2024-10-12").json()["result"] == "工作日 国庆节调休"
    provisional = anon.get("/api/workdays/add/?date=2027-02-01&n=10").json()
    assert provisional["provisional"] and provisional["note"] == "2027年节假日安排尚未录入"
    assert anon.get("/api/workdays/add/?date=bad&n=1").status_code == 400
    assert anon.get("/api/workdays/add/?date=2024-01-01&n=-1").status_code == 400
    assert anon.get("/api/workdays/check/?date=1800-01-01").status_code == 400


def test_the_list_fast_path_says_what_the_serializer_says(seed, client_for):
    """GET /api/tasks/ reads values, not instances (tasks.serializers.task_list_data): each
    row is exactly TaskSerializer's output, provisional deadlines and overdue included."""
    from tasks.selectors import task_queryset
    from tasks.serializers import TaskSerializer

    provisional = Task.objects.exclude(next_due=None).order_by("pk")[:2]
    Task.objects.filter(pk__in=[t.pk for t in provisional]).update(
        next_due=date(2099, 3, 1), deadline_provisional=True
    )
    Task.objects.filter(pk=Task.objects.order_by("-pk").first().pk).update(status="done")
    body = client_for("supervisor").get("/api/tasks/?page_size=500&count=true").json()
    assert body["count"] == Task.objects.count() == len(body["results"])
    expected = {t.pk: TaskSerializer(t).data for t in task_queryset()}
    for row in body["results"]:
        assert row == expected[row["id"]], row["id"]
    assert any(r["deadline"]["provisional_note"] for r in body["results"])
    assert any(r["overdue"] for r in body["results"])
    assert any(len(r["assignments"]) > 1 for r in body["results"])


def test_task_pages_carry_a_total_only_when_asked(seed, client_for):
    sup = client_for("supervisor")
    total = Task.objects.count()
    first = sup.get("/api/tasks/?page_size=10").json()
    assert "count" not in first and len(first["results"]) == 10 and first["previous"] is None
    assert "page=2" in first["next"] and "page_size=10" in first["next"]
    last_page = -(-total // 10)
    last = sup.get(f"/api/tasks/?page_size=10&page={last_page}").json()
    assert last["next"] is None and len(last["results"]) == total - 10 * (last_page - 1)
    assert "page_size=10" in last["previous"]
    seen = {
        r["id"]
        for p in range(1, last_page + 1)
        for r in sup.get(f"/api/tasks/?page_size=10&page={p}").json()["results"]
    }
    assert len(seen) == total  # the pages together hold every task once
    assert sup.get(f"/api/tasks/?page_size=10&page={last_page + 1}").status_code == 404
    assert sup.get("/api/tasks/?page=0").status_code == 404
    assert sup.get("/api/tasks/?page=x").status_code == 404
    counted = sup.get("/api/tasks/?page_size=10&count=true").json()
    assert counted["count"] == total and counted["results"] == first["results"]

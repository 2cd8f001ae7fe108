"""秘书处: upload → preview (nothing written) → import as draft → review (departments,
deadlines, new names merged as aliases) → publish; and the department registry."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from paths import SEED_PATH

from departments.models import Department, DepartmentAlias
from documents.models import GazetteIssue, ImportRun
from tasks.models import Task, TaskAssignment

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def seed_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("benxi-2018-06.txt", SEED_PATH.read_bytes(), "text/plain")


def counts():
    return (
        GazetteIssue.objects.count(),
        Task.objects.count(),
        TaskAssignment.objects.count(),
        Department.objects.count(),
        ImportRun.objects.count(),
    )


def test_preview_shows_everything_and_writes_nothing(users, client_for):
    client = client_for("secretariat")
    before = counts()
    response = client.post(reverse("staff:import"), {"file": seed_file()})
    assert response.status_code == 200
    assert counts() == before
    page = html(response)
    parsed = response.context["parsed"]
    assert parsed.year == 2018 and parsed.number == 6
    for doc in parsed.documents:
        assert doc.title[:20] in page or doc.title[:20].replace('"', "&quot;") in page
    assert response.context["task_total"] == sum(len(d.tasks) for d in parsed.documents) > 50
    assert response.context["catalogue_total"] > 0
    assert "目录清单" in page and "主动公开目录清单" in page
    first = parsed.documents[0].tasks[0]
    assert first.assignments[0].name in page
    # the confirm form carries the text back
    assert 'name="text"' in page and "确认导入为草稿" in page
    report = response.context["report"]
    assert report.dry_run and report.action == "created"


def test_preview_of_pasted_text_lists_warnings_with_lines(users, client_for):
    text = SEED_PATH.read_text(encoding="utf-8")
    # an unreadable responsibility parenthetical is a warning with its line number
    text = text.replace("(市财政局牵头负责)", "(市财政局牵头负责", 1)
    response = client_for("secretariat").post(reverse("staff:import"), {"text": text})
    assert response.status_code == 200
    for w in response.context["warnings"]:
        assert f"第{w.line}行" in html(response)


def test_bad_input_is_an_error_not_a_crash(users, client_for):
    client = client_for("secretariat")
    response = client.post(reverse("staff:import"), {})
    assert response.status_code == 400 and "请选择公报文件或粘贴公报全文" in html(response)
    response = client.post(reverse("staff:import"), {"text": "随便写的几个字"})
    assert response.status_code == 400 and 'class="form-errors"' in html(response)
    binary = SimpleUploadedFile("x.txt", b"\x00\x01\x02\xff" * 100)
    response = client.post(reverse("staff:import"), {"file": binary})
    assert response.status_code == 400 and 'class="form-errors"' in html(response)
    assert counts()[0] == 0


def test_import_review_correct_merge_publish(users, client_for):
    client = client_for("secretariat")
    preview = client.post(reverse("staff:import"), {"file": seed_file()})
    confirm = preview.context["confirm"]
    response = client.post(reverse("staff:import-confirm"), confirm.initial)
    issue = GazetteIssue.objects.get(year=2018, number=6)
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:review", args=[issue.pk])
    assert issue.status == GazetteIssue.Status.DRAFT
    assert ImportRun.objects.filter(issue=issue, created_by=users["secretariat"]).exists()
    review = client.get(response["Location"])
    assert review.status_code == 200
    page = html(review)
    task = Task.objects.filter(document__issue=issue).order_by("pk").first()
    assert f'id="task-{task.pk}"' in page and "发布本期公报" in page
    # the public site does not show a draft
    assert client_for(None).get(f"/gazette/{issue.year}/{issue.number}/").status_code == 404

    # add a department, change its role, remove it (htmx answers with the task's block)
    water = Department.objects.get(name="市水务局")
    response = client.post(
        reverse("staff:review-assign", args=[task.pk]),
        {f"a{task.pk}-department": water.pk, f"a{task.pk}-role": "support"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and f'id="task-{task.pk}"' in html(response)
    assert "已将市水务局设为配合" in html(response) and "<html" not in html(response)
    added = TaskAssignment.objects.get(task=task, department=water)
    assert added.role == "support"
    client.post(
        reverse("staff:review-assignment", args=[added.pk]), {"action": "role", "role": "lead"}
    )
    added.refresh_from_db()
    assert added.role == "lead"
    client.post(reverse("staff:review-assignment", args=[added.pk]), {"action": "remove"})
    assert not TaskAssignment.objects.filter(pk=added.pk).exists()
    # the last department cannot be removed
    lone = Task.objects.filter(document__issue=issue).order_by("pk")
    lone = next(t for t in lone if t.assignments.count() == 1)
    only = lone.assignments.get()
    response = client.post(
        reverse("staff:review-assignment", args=[only.pk]),
        {"action": "remove"},
        headers={"HX-Request": "true"},
    )
    assert "任务至少须有一个承办部门" in html(response)
    assert TaskAssignment.objects.filter(pk=only.pk).exists()

    # correct the deadline: next_due is recomputed, the change is in the history
    prefix = f"t{task.pk}-"
    response = client.post(
        reverse("staff:review-deadline", args=[task.pk]),
        {
            prefix + "deadline_kind": "due",
            prefix + "deadline_text": "2030年6月底前",
            prefix + "due_on": "2030-06-30",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.deadline_kind == "due" and task.next_due == date(2030, 6, 30)
    assert task.deadline_text == "2030年6月底前"
    history = html(client.get(reverse("staff:task", args=[task.pk])))
    assert "下次截止" in history and "secretariat" in history
    response = client.post(
        reverse("staff:review-deadline", args=[task.pk]),
        {prefix + "deadline_kind": "due"},
        headers={"HX-Request": "true"},
    )
    assert "须填写截止日期" in html(response)
    response = client.post(
        reverse("staff:review-deadline", args=[task.pk]),
        {prefix + "deadline_kind": "recurring", prefix + "every": "year", prefix + "by": "09-30"},
    )
    task.refresh_from_db()
    assert (task.next_due.month, task.next_due.day) == (9, 30)

    # a new name found by the import: merge it into an existing department as an alias
    new = Department.objects.create(name="本溪市财政局", needs_review=True)
    TaskAssignment.objects.create(task=lone, department=new, role="support", order=5)
    page = html(client.get(reverse("staff:review", args=[issue.pk])))
    assert "待审核的部门名称" in page and "本溪市财政局" in page
    finance = Department.objects.get(name="市财政局")
    response = client.post(
        reverse("staff:department-merge", args=[new.pk]),
        {"target": finance.pk, "next": reverse("staff:review", args=[issue.pk])},
    )
    assert response["Location"] == reverse("staff:review", args=[issue.pk])
    assert not Department.objects.filter(pk=new.pk).exists()
    assert DepartmentAlias.objects.get(name="本溪市财政局").department == finance
    assert TaskAssignment.objects.filter(task=lone, department=finance).exists()

    # publish
    response = client.post(reverse("staff:publish", args=[issue.pk]))
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == GazetteIssue.Status.PUBLISHED and issue.published_at
    assert client_for(None).get(f"/gazette/{issue.year}/{issue.number}/").status_code == 200


def test_reimport_of_a_different_text_needs_replace(seed, users, client_for):
    client = client_for("secretariat")
    text = SEED_PATH.read_text(encoding="utf-8").replace("归并涉农资金", "归并涉农资金项目", 1)
    response = client.post(reverse("staff:import"), {"text": text})
    assert response.status_code == 400 and "已存在且内容不同" in html(response)
    response = client.post(reverse("staff:import"), {"text": text, "replace": "on"})
    assert response.status_code == 200
    assert response.context["report"].action == "replaced"


def test_department_registry(db, users, client_for):
    client = client_for("secretariat")
    response = client.post(
        reverse("staff:departments"), {"name": "市大数据局", "short_name": "", "kind": "city"}
    )
    assert response.status_code == 302
    dept = Department.objects.get(name="市大数据局")
    page = html(client.get(reverse("staff:departments"), {"q": "大数据"}))
    assert "市大数据局" in page and "市财政局" not in page
    client.post(reverse("staff:department-alias", args=[dept.pk]), {"name": "大数据局"})
    alias = DepartmentAlias.objects.get(name="大数据局")
    assert alias.department == dept
    # duplicate alias refused
    client.post(reverse("staff:department-alias", args=[dept.pk]), {"name": "大数据局"})
    assert DepartmentAlias.objects.filter(name="大数据局").count() == 1
    response = client.post(
        reverse("staff:department", args=[dept.pk]),
        {"name": "市大数据管理局", "kind": "city", "active": "on"},
    )
    dept.refresh_from_db()
    assert dept.name == "市大数据管理局"
    client.post(reverse("staff:department-alias-delete", args=[alias.pk]))
    assert not DepartmentAlias.objects.filter(pk=alias.pk).exists()
    target = Department.objects.get(name="市财政局")
    client.post(reverse("staff:department-merge", args=[dept.pk]), {"target": target.pk})
    assert DepartmentAlias.objects.get(name="市大数据管理局").department == target
    page = html(client.get(reverse("staff:departments"), {"review": "1"}))
    assert "没有符合条件的部门" in page or "待审核" in page

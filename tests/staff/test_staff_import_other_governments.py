"""秘书处 importing a document of another government (issue 16): a lone document joins the
issue named; the preview shows what it lacks; a forwarded text's tasks are marked for the
secretariat to decide which city departments to assign."""

from pathlib import Path

import pytest
from django.urls import reverse

from departments.models import Department
from documents.models import Document, GazetteIssue
from tasks.models import Task, TaskAssignment

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parents[1] / "documents" / "fixtures" / "other_governments"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def html(response) -> str:
    return response.content.decode()


def test_a_lone_document_needs_the_issue_it_joins(users, client_for):
    client = client_for("secretariat")
    text = fixture("xianyang_2022_points_excerpt.txt")
    response = client.post(reverse("staff:import"), {"text": text})
    assert response.status_code == 400 and "请填写它要加入的期次" in html(response)
    response = client.post(reverse("staff:import"), {"text": text, "issue": "2022-3"})
    assert response.status_code == 200
    page = html(response)
    assert response.context["missing_total"] == 5
    assert "缺少的公文要素" in page and "没有文号、发文机关标志、主送机关、署名、成文日期" in page
    assert not GazetteIssue.objects.exists()  # a preview writes nothing
    confirm = response.context["confirm"]
    assert confirm.initial["issue"] == "2022-3"
    done = client.post(reverse("staff:import-confirm"), confirm.initial)
    issue = GazetteIssue.objects.get(year=2022, number=3)
    assert done.status_code == 302 and done["Location"] == reverse("staff:review", args=[issue.pk])
    review = html(client.get(done["Location"]))
    assert "原件缺少：文号、发文机关标志、主送机关、署名、成文日期" in review


def test_forwarded_tasks_are_marked_in_preview_and_review(users, client_for):
    client = client_for("secretariat")
    text = fixture("city_forwards_state_council.txt")
    preview = client.post(reverse("staff:import"), {"text": text, "issue": "2019-6"})
    page = html(preview)
    assert preview.status_code == 200
    assert "被转发的上级文件" in page and "转发通知" in page and "转发文件任务" in page
    client.post(reverse("staff:import-confirm"), preview.context["confirm"].initial)
    forwarded = Document.objects.get(forwarded_by__isnull=False)
    review = client.get(
        reverse("staff:review", args=[forwarded.issue_id]), {"document": forwarded.pk}
    )
    page = html(review)
    assert "本文件由《本溪市人民政府办公室关于转发" in page
    assert page.count("转发文件任务：部门按原文") == 3
    notice = client.get(
        reverse("staff:review", args=[forwarded.issue_id]),
        {"document": forwarded.forwarded_by_id},
    )
    assert f'?document={forwarded.pk}#h-tasks">{forwarded.title}' in html(notice)

    # the secretariat assigns a city department to a forwarded task; its own stay as written
    task = Task.objects.filter(document=forwarded).order_by("order").first()
    city = Department.objects.get(name="市工商局")
    response = client.post(
        reverse("staff:review-assign", args=[task.pk]),
        {f"a{task.pk}-department": city.pk, f"a{task.pk}-role": "lead"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "转发文件任务" in html(response)
    names = [a.department.name for a in task.assignments.order_by("order")]
    assert names[:2] == ["市场监管总局", "工业和信息化部"] and "市工商局" in names
    assert TaskAssignment.objects.get(task=task, department=city).role == "lead"

"""Importing documents of other governments (issue 16) through the service and the command:
a lone titled text with no 文号, forwarded documents linked, notes kept, idempotent."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from departments.models import Department
from documents.exporting import export_issues
from documents.models import Document, GazetteIssue
from documents.services import GazetteImportError, import_document
from tasks.models import Task

from .test_other_governments import FIXTURES, fixture

pytestmark = pytest.mark.django_db


def test_a_lone_text_with_no_number_imports_and_again_changes_nothing():
    text = fixture("xianyang_2022_points_excerpt.txt")
    report = import_document(text, "2022-3")
    assert report.documents_added and report.tasks_added == 1
    (doc,) = Document.objects.filter(issue__year=2022, issue__number=3)
    assert doc.number == "" and doc.title.endswith("工作要点")
    assert doc.missing_elements == ["文号", "发文机关标志", "主送机关", "署名", "成文日期"]
    again = import_document(text, "2022-3")
    assert again.documents_unchanged == [doc.title] and again.tasks_added == 0
    assert Document.objects.count() == 1 and Task.objects.count() == 1
    changed = text.replace("2022年10月底前", "2022年11月底前")
    with pytest.raises(GazetteImportError, match="--replace"):
        import_document(changed, "2022-3")
    replaced = import_document(changed, "2022-3", replace=True)
    assert replaced.documents_changed and Document.objects.count() == 1
    assert Task.objects.get().due_on.month == 11


def test_the_command_imports_a_text_whose_first_line_is_its_title(tmp_path):
    path = tmp_path / "opinion.txt"
    path.write_text(fixture("labelled_lines.txt"), encoding="utf-8")
    out = StringIO()
    call_command("import_document", str(path), "--issue", "2021-2", stdout=out)
    assert "任务：新增 3" in out.getvalue()
    doc = Document.objects.get()
    assert doc.title == "某某市推进数字政府建设工作方案"
    first = doc.tasks.order_by("order").first()
    assert [(a.department.name, a.role) for a in first.assignments.order_by("order")] == [
        ("市政务服务数据管理局", "lead"),
        ("市发展改革委", "support"),
        ("市财政局", "support"),
        ("各区、县级市", "support"),
    ]


def test_the_command_still_refuses_text_with_no_title(tmp_path):
    path = tmp_path / "prose.txt"
    path.write_text("为做好相关工作，现就有关事项说明如下。\n一、总体要求\n", encoding="utf-8")
    with pytest.raises(CommandError, match="没有公文标题"):
        call_command("import_document", str(path), "--issue", "2021-2", stdout=StringIO())
    assert not GazetteIssue.objects.exists()


def test_a_forwarded_text_is_its_own_linked_document_with_its_tasks_marked():
    report = import_document(fixture("city_forwards_state_council.txt"), "2019-6")
    notice = Document.objects.get(number="本政办发〔2019〕40号")
    forwarded = Document.objects.get(forwarded_by=notice)
    assert forwarded.title == "国务院关于推进某某产业高质量发展的意见"
    assert list(notice.forwarded_documents.all()) == [forwarded]
    assert notice.tasks.count() == 0
    tasks = list(forwarded.tasks.order_by("order"))
    assert len(tasks) == 3 and all(t.forwarded for t in tasks)
    first = tasks[0].assignments.order_by("order")
    assert [(a.department.name, a.role) for a in first] == [
        ("市场监管总局", "lead"),
        ("工业和信息化部", "support"),
    ]
    # the ministries are queued for review like any unknown name, not matched to city bodies
    assert {"市场监管总局", "财政部", "各省级人民政府"} <= set(report.departments_created)
    assert Department.objects.get(name="财政部").needs_review
    again = import_document(fixture("city_forwards_state_council.txt"), "2019-6")
    assert again.tasks_added == 0 and Document.objects.count() == 2
    exported = export_issues()["issues"][0]["documents"]
    assert exported[1]["forwarded_by"] == notice.title
    assert all(t["forwarded"] for t in exported[1]["tasks"])


def test_the_etc_note_is_kept_on_the_task():
    import_document(fixture("state_council_style.txt"), "2019-5")
    noted = Task.objects.exclude(import_note="")
    (task,) = noted
    assert "科技部" in task.import_note and task.path == "二.(六)"
    assert not Task.objects.filter(forwarded=True).exists()
    names = set(Department.objects.values_list("name", flat=True))
    assert "有关部门和单位" in names and "人力资源社会保障部" in names
    assert not any("会同" in n or "下同" in n or "牵头单位" in n for n in names)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_every_fixture_imports_without_warnings(name):
    report = import_document(fixture(name), "2030-1", dry_run=True)
    assert report.dry_run and report.documents_added and not report.warnings
    assert not Document.objects.exists()

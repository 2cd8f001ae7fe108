"""The seed issue imported from a Word file and from a PDF stores what its text import stores;
the commands and the upload take those files; the export marks each task's origin."""

import re
from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from paths import SEED_PATH
from rest_framework.test import APIClient
from source_files import blocks_from_text, docx_bytes, pdf_bytes

from documents.exporting import export_issues
from documents.models import Document, GazetteIssue
from documents.services import import_issue
from documents.sources import SCANNED_PDF
from tasks.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def seed_blocks():
    return blocks_from_text(SEED_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_docx(seed_blocks) -> bytes:
    return docx_bytes(seed_blocks)


@pytest.fixture(scope="session")
def seed_pdf(seed_blocks) -> bytes:
    return pdf_bytes(seed_blocks, title="本溪市人民政府公报2018年第6号")


def _squash_space(value):
    """Runs of white space as one space: a PDF sets a no-break space as a plain one."""
    if isinstance(value, str):
        return re.sub(r"\s+", " ", value)
    if isinstance(value, list | tuple):
        return type(value)(_squash_space(v) for v in value)
    if isinstance(value, dict):
        return {k: _squash_space(v) for k, v in value.items()}
    return value


def stored() -> dict:
    """What an import stored, as the export gives it, in the parts that must not depend on
    the file format."""
    (issue,) = export_issues()["issues"]
    return {
        "issue": [issue[k] for k in ("year", "number", "total_number", "title", "published_on")],
        "documents": [
            (d["number"], d["issuer"], d["title"], d["signed_on"], d["public"], d["citations"])
            for d in issue["documents"]
        ],
        "tasks": [
            (
                d["number"],
                t["path"],
                t["heading"],
                t["text"],
                t["lead"],
                t["support"],
                t["responsible"],
                t["deadline"],
                t["origin"],
            )
            for d in issue["documents"]
            for t in d["tasks"]
        ],
        "catalogue": [
            (r["seq"], r["area"], r["item"], r["rule"], r["period"], r["owner"])
            for r in issue["catalogue"]
        ],
        "catalogue_cells": [
            (r["detail"], r["timeliness"], r["channels"], r["supervision"])
            for r in issue["catalogue"]
        ],
    }


@pytest.fixture
def from_text(seed_text):
    import_issue(seed_text, source_name="seed.txt")
    return stored()


def test_docx_import_stores_what_the_text_import_stores(from_text, seed_docx):
    report = import_issue(seed_docx, source_name="seed.docx", filename="seed.docx", replace=True)
    assert report.action == "replaced" and not report.warnings
    assert report.tasks_added == report.tasks_changed == report.tasks_removed == 0
    got = stored()
    for part in ("issue", "documents", "tasks", "catalogue", "catalogue_cells"):
        assert got[part] == from_text[part], part
    assert len(got["catalogue"]) == 37 and len(got["tasks"]) > 87


@pytest.mark.slow
def test_pdf_import_stores_what_the_text_import_stores(from_text, seed_pdf):
    report = import_issue(seed_pdf, source_name="seed.pdf", filename="seed.pdf", replace=True)
    assert report.action == "replaced" and not report.warnings
    assert report.tasks_added == report.tasks_changed == report.tasks_removed == 0
    got = stored()
    for part in ("issue", "documents", "tasks", "catalogue"):
        assert got[part] == from_text[part], part
    # cell texts too, but for white space: the seed's no-break spaces come out as spaces
    assert _squash_space(got["catalogue_cells"]) == _squash_space(from_text["catalogue_cells"])


FULL_WIDTH = str.maketrans("（），；：？！", "(),;:?!")


@pytest.mark.slow
def test_the_gazettes_own_pdf_imports_back(seed_text):
    """The printed layout (documents.pdf: cover, contents with leaders, running heads, page
    numbers, red headers, a landscape catalogue of nine columns) read back: the same issue,
    documents, tasks and catalogue, but for the punctuation it sets full width."""
    from documents.pdf import render_issue_pdf

    import_issue(seed_text)
    want = stored()
    issue = GazetteIssue.objects.get()

    def toc():
        return [
            (e["title"].translate(FULL_WIDTH), e["number"], e["section"])
            for e in GazetteIssue.objects.get().toc
        ]

    contents = toc()
    report = import_issue(render_issue_pdf(issue), filename="gazette.pdf", replace=True)
    assert not report.warnings and not report.departments_created
    got = stored()
    assert got["issue"] == want["issue"] and toc() == contents

    def documents(part):
        return [(n, i, t.translate(FULL_WIDTH), d, p, c) for n, i, t, d, p, c in part]

    def tasks(part):  # the task's text is set full width; its place, names and deadline hold
        return [
            (n, path, lead, sup, resp, dl["kind"], dl["due"], dl["n"], origin)
            for n, path, _h, _t, lead, sup, resp, dl, origin in part
        ]

    def catalogue(part):
        return [
            (seq, area.translate(FULL_WIDTH), item.translate(FULL_WIDTH), rule)
            for seq, area, item, rule, _period, _owner in part
        ]

    assert documents(got["documents"]) == documents(want["documents"])
    assert tasks(got["tasks"]) == tasks(want["tasks"])
    assert catalogue(got["catalogue"]) == catalogue(want["catalogue"])


def test_reimporting_the_same_docx_changes_nothing(seed_docx):
    first = import_issue(seed_docx, filename="seed.docx")
    again = import_issue(seed_docx, filename="seed.docx")
    assert (first.action, again.action) == ("created", "unchanged")
    assert first.catalogue_rows == 37


# --- the commands and the upload --------------------------------------------------------------


def run_command(*args) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_gazette_takes_a_docx_path(tmp_path, seed_docx):
    path = tmp_path / "公报2018-6.docx"
    path.write_bytes(seed_docx)
    out = run_command("import_gazette", str(path), "--dry-run")
    assert "目录清单 37 行" in out and not GazetteIssue.objects.exists()
    run_command("import_gazette", str(path))
    assert Document.objects.count() == 6


def test_import_document_takes_a_docx_path(tmp_path):
    from docx import Document as WordDocument

    word = WordDocument()
    for line in [
        "本溪市人民政府办公厅文件",
        "本政办发〔2019〕3号",
        "本溪市人民政府办公厅关于做好春耕生产工作的通知",
        "各自治县、区人民政府，市政府各委办局：",
        "一、做好农资供应。各地要保障种子化肥供应。（责任单位：市农委；2019年4月底前完成）",
        "本溪市人民政府办公厅",
        "2019年3月1日",
    ]:
        word.add_paragraph(line)
    path = tmp_path / "通知.docx"
    word.save(path)
    out = run_command("import_document", str(path), "--issue", "2019-1")
    assert "2019-1：已添加" in out and Document.objects.get().number == "本政办发〔2019〕3号"
    task = Task.objects.get(origin="parenthetical")
    assert (task.path, str(task.due_on)) == ("一", "2019-04-30")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("公报.docx", b"PK\x03\x04word/document.xml" + bytes(100), "Word文件已损坏"),
        ("公报.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "另存为.docx"),
        ("公报.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4, "PDF文件已损坏"),
    ],
)
def test_unreadable_files_end_the_command_with_one_line_and_exit_2(
    tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as info:
        run_command("import_gazette", str(path))
    assert info.value.returncode == 2
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)
    assert "\n" not in str(info.value)
    assert not GazetteIssue.objects.exists()


def test_a_scanned_pdf_is_refused_with_a_clear_message(tmp_path):
    from weasyprint import HTML

    path = tmp_path / "扫描件.pdf"
    path.write_bytes(HTML(string="<div style='height:80mm; border:2px solid'></div>").write_pdf())
    with pytest.raises(CommandError) as info:
        run_command("import_gazette", str(path))
    assert info.value.returncode == 2 and str(info.value) == f"{path}: {SCANNED_PDF}"
    assert not GazetteIssue.objects.exists()


@pytest.fixture
def secretariat(django_user_model):
    user = django_user_model.objects.create_user("secretariat", password="pw")
    user.groups.add(Group.objects.get(name="secretariat"))
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_upload_takes_a_docx(secretariat, seed_docx):
    upload = SimpleUploadedFile("公报.docx", seed_docx, content_type="application/octet-stream")
    got = secretariat.post("/api/issues/", {"file": upload}, format="multipart")
    assert got.status_code == 201, got.json()
    assert got.json()["catalogue_rows"] == 37 and len(got.json()["documents_added"]) == 6


def test_the_upload_refuses_a_scanned_pdf_and_writes_nothing(secretariat):
    from weasyprint import HTML

    scan = HTML(string="<div style='height:80mm; border:2px solid'></div>").write_pdf()
    upload = SimpleUploadedFile("扫描件.pdf", scan, content_type="application/pdf")
    got = secretariat.post("/api/issues/", {"file": upload}, format="multipart")
    assert got.status_code == 400 and got.json()["detail"] == SCANNED_PDF
    assert not GazetteIssue.objects.exists()


# --- the export marks each task's origin ------------------------------------------------------


def test_export_marks_each_task_origin(seed_text):
    import_issue(seed_text)
    parenthetical = Task.objects.filter(origin="parenthetical").order_by("pk")
    assert parenthetical.count() == 87  # the seed's responsibility parentheticals
    first = parenthetical.first()
    Task.objects.filter(pk=first.pk).update(origin="prose")  # as the prose reader stores one
    (issue,) = export_issues()["issues"]
    exported = {
        (d["number"], t["path"], t["text"]): t["origin"]
        for d in issue["documents"]
        for t in d["tasks"]
    }
    assert exported[(first.document.number, first.path, first.text)] == "prose"
    assert Counter(exported.values()) == Counter(Task.objects.values_list("origin", flat=True))
    assert set(exported.values()) == {"parenthetical", "prose"}

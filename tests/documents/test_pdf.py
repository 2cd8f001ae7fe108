"""The gazette as PDF: the seed issue renders with every glyph, and its text reads back."""

import os
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from paths import SEED_PATH

from departments.models import Department
from documents.models import Document, GazetteIssue
from documents.pdf import (
    ensure_issue_pdf,
    issue_text,
    missing_glyphs,
    pdf_is_current,
    render_issue_pdf,
    typeset,
)
from documents.services import import_issue, publish_issue
from tasks.reports import department_report

EAGER = override_settings(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)


def need(tool: str) -> None:
    """poppler-utils and the fonts come from `make system-deps` (CI installs them)."""
    if shutil.which(tool) is None:
        message = f"{tool} is not installed: run make system-deps"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)


def pdftotext(path: Path, first: int | None = None, last: int | None = None) -> str:
    need("pdftotext")
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *pages, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def squash(text: str) -> str:
    """Compare text regardless of line breaks and of full- or half-width punctuation."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def seed_pdf(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seed issue rendered once for the module (imported in a transaction rolled back)."""
    with django_db_blocker.unblock(), transaction.atomic():
        import_issue(SEED_PATH.read_text(encoding="utf-8"))
        issue = GazetteIssue.objects.get(year=2018, number=6)
        data = render_issue_pdf(issue)
        documents = list(Document.objects.filter(issue=issue).order_by("order"))
        text = issue_text(issue)
        transaction.set_rollback(True)
    path = tmp_path_factory.mktemp("pdf") / "benxi-2018-6.pdf"
    path.write_bytes(data)
    return path, documents, text


def test_the_seed_issue_renders_and_its_text_reads_back(seed_pdf):
    path, documents, _text = seed_pdf
    assert path.read_bytes().startswith(b"%PDF-")
    text = squash(pdftotext(path))
    for doc in documents:
        assert squash(doc.title) in text, doc.title
        assert doc.number in text
    # the cover: the gazette, the issue and its total number
    cover = squash(pdftotext(path, 1, 1))
    assert "本溪市人民政府公报" in cover
    assert "2018年第6号(总第102期)" in cover
    assert "本溪市人民政府办公厅主办" in cover and "2018年12月21日出版" in cover
    # a document as issued: header, number, title, addressees, body, signatory and date
    first = squash(pdftotext(path, 3, 3))
    for part in (
        "本溪市人民政府文件",
        "本政发〔2018〕13号",
        "本溪市人民政府关于印发本溪市探索建立涉农资金统筹整合长效机制实施方案的通知",
        "各自治县、区人民政府,市政府各委办局、直属机构:",
        "请结合实际认真组织实施。",
        "本溪市人民政府2018年9月12日",
        "(此件公开发布)",
    ):
        assert part in first, part


def test_the_table_of_contents_gives_each_documents_page(seed_pdf):
    path, documents, _text = seed_pdf
    toc = squash(pdftotext(path, 2, 2))
    assert "目录" in toc or ("目" in toc and "录" in toc)
    pages = dict(re.findall(r"(本政(?:办)?发〔2018〕\d+号)\)\.+(\d+)", toc))
    assert set(pages) == {doc.number for doc in documents}
    for doc in documents:
        page = int(pages[doc.number])
        assert squash(doc.title)[:20] in squash(pdftotext(path, page, page)), doc.number


def test_every_glyph_is_in_the_chinese_fonts(seed_pdf):
    path, _documents, text = seed_pdf
    assert missing_glyphs(text) == set()
    assert missing_glyphs(text, "Noto Sans CJK SC") == set()
    need("pdffonts")
    listing = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    fonts = [line.split()[0] for line in listing]
    assert fonts and all(re.search(r"Noto-(Serif|Sans)-CJK-SC", name) for name in fonts), fonts
    assert all(" yes yes " in line for line in listing)  # embedded and subset


def test_half_width_punctuation_is_set_full_width_among_chinese():
    assert typeset("作用,推进实施(2018—2020年)的通知") == "作用，推进实施（2018—2020年）的通知"
    assert typeset("(一)指导思想。") == "（一）指导思想。"
    assert typeset("于08:30开始,共3.5万元") == "于08:30开始，共3.5万元"
    assert typeset("see http://x.y/a,b (c)") == "see http://x.y/a,b (c)"


# --- stored with the issue, cached by its last change ----------------------------------------


@pytest.fixture
def fake_render(monkeypatch):
    """Swap WeasyPrint for a counter, for the tests about when a PDF is (re)rendered."""
    import documents.pdf

    calls = []

    def render(issue):
        calls.append(issue.pk)
        return b"%PDF-1.7 fake " + str(len(calls)).encode()

    monkeypatch.setattr(documents.pdf, "render_issue_pdf", render)
    return calls


@pytest.mark.django_db
def test_the_pdf_is_stored_and_rendered_again_only_after_a_change(fake_render, seed_text):
    import_issue(seed_text)
    issue = GazetteIssue.objects.get()
    issue, rendered = ensure_issue_pdf(issue)
    assert rendered and fake_render == [issue.pk]
    first = issue.pdf.name
    assert first.startswith("gazette/pdf/benxi-gazette-2018-06-") and issue.pdf.read()

    issue = GazetteIssue.objects.get()
    assert pdf_is_current(issue)
    assert ensure_issue_pdf(issue) == (issue, False)  # cached
    assert len(fake_render) == 1

    doc = issue.documents.first()
    doc.title += "（修订）"
    doc.save()
    issue = GazetteIssue.objects.get()
    assert not pdf_is_current(issue)
    issue, rendered = ensure_issue_pdf(issue)
    assert rendered and issue.pdf.name != first
    assert not issue.pdf.storage.exists(first)  # the stale file is gone
    assert ensure_issue_pdf(issue, force=True)[1] and len(fake_render) == 3


@pytest.mark.django_db
@EAGER
def test_publishing_renders_the_pdf_once_committed(
    fake_render, seed_text, django_capture_on_commit_callbacks
):
    import_issue(seed_text)
    issue = GazetteIssue.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        publish_issue(issue)
    issue.refresh_from_db()
    assert issue.pdf and issue.pdf_key and issue.pdf_rendered_at
    # the nightly safety net finds nothing to do
    from documents.tasks import render_stale_issue_pdfs

    assert render_stale_issue_pdfs.delay().get() == []
    assert len(fake_render) == 1


@pytest.mark.django_db
@EAGER
def test_a_published_issue_replaced_by_import_is_rendered_again(
    fake_render, seed_text, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_issue(seed_text, publish=True)
    with django_capture_on_commit_callbacks(execute=True):
        import_issue(seed_text)  # unchanged: nothing to do
    assert len(fake_render) == 1
    with django_capture_on_commit_callbacks(execute=True):
        import_issue(seed_text.replace("请结合实际认真组织实施", "请认真组织实施"), replace=True)
    assert len(fake_render) == 2


@pytest.mark.django_db
def test_render_pdf_command_writes_the_issue(fake_render, seed_text, tmp_path):
    import_issue(seed_text)
    target = tmp_path / "out.pdf"
    out = StringIO()
    call_command("render_pdf", "--issue", "2018-6", "-o", str(target), stdout=out)
    assert target.read_bytes().startswith(b"%PDF-")
    assert "已生成" in out.getvalue() and str(target) in out.getvalue()
    out = StringIO()
    call_command("render_pdf", "--issue", "2018年第6号", stdout=out)
    assert "内容未变" in out.getvalue() and len(fake_render) == 1
    with pytest.raises(CommandError, match="不存在") as missing:
        call_command("render_pdf", "--issue", "2019-1")
    assert missing.value.returncode == 2
    with pytest.raises(CommandError, match="期次格式"):
        call_command("render_pdf", "--issue", "June")


@pytest.mark.django_db
def test_a_departments_task_report_renders(seed_text, tmp_path):
    import_issue(seed_text, publish=True)  # a draft's tasks are in no report
    finance = Department.objects.get(name="市财政局")
    path = tmp_path / "report.pdf"
    path.write_bytes(department_report(finance, date(2019, 3, 1)))
    text = squash(pdftotext(path))
    assert "市财政局任务督办报告" in text
    assert "统计日期:2019年3月1日" in text
    assert "本政发〔2018〕13号" in text
    assert "已逾期" in text  # the tasks due 2018-12-31, seen from March 2019
    out = StringIO()
    call_command(
        "render_pdf", "--department", "市财政局", "-o", str(tmp_path / "r.pdf"), stdout=out
    )
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    with pytest.raises(CommandError, match="不存在"):
        call_command("render_pdf", "--department", "市不存在局")

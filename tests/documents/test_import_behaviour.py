"""Import behaviour: idempotent re-import, --replace keeping progress, dry runs, bad input."""

import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from paths import CORPUS, ROOT, SEED_PATH

from documents.models import Citation, Clause, Document, GazetteIssue, ImportRun
from documents.services import GazetteImportError, import_document, import_issue
from tasks.models import ProgressReport, Task, TaskAssignment

pytestmark = pytest.mark.django_db


def counts():
    return (
        GazetteIssue.objects.count(),
        Document.objects.count(),
        Clause.objects.count(),
        Task.objects.count(),
        TaskAssignment.objects.count(),
        Citation.objects.count(),
    )


def test_reimporting_the_same_text_changes_nothing(seed_text):
    first = import_issue(seed_text)
    before = counts()
    ids = sorted(Task.objects.values_list("id", flat=True))
    second = import_issue(seed_text)
    assert first.action == "created" and second.action == "unchanged"
    assert counts() == before
    assert sorted(Task.objects.values_list("id", flat=True)) == ids


def test_different_text_needs_replace(seed_text):
    import_issue(seed_text)
    changed = seed_text.replace("2019年2月基本完成并逐步完善", "2019年3月基本完成并逐步完善", 1)
    before = counts()
    with pytest.raises(GazetteImportError, match="--replace"):
        import_issue(changed)
    assert counts() == before


def test_replace_keeps_progress_of_unchanged_tasks_and_reports_changes(
    seed_text, django_user_model
):
    import_issue(seed_text)
    kept = Task.objects.get(document__number="本政发〔2018〕15号", path="二.(一).1")
    dropped_doc_tasks = Task.objects.filter(document__number="本政办发〔2018〕58号").count()
    ProgressReport.objects.create(task=kept, text="已完成网络布局调研。")
    kept.status = Task.Status.IN_PROGRESS
    kept.save()
    reworded = Task.objects.get(document__number="本政发〔2018〕13号", path="二.(一).3")

    # one deadline changed, one task reworded, the 58号 document dropped
    text = seed_text.replace(
        "(市财政局牵头,市发展改革委、市国土资源局、市农委、市水务局、市林业局等部门配合;2019年2月",
        "(市财政局牵头,市发展改革委、市国土资源局、市农委、市水务局、市林业局等部门配合;2019年4月",
        1,
    )
    text = text.replace("集中资金办大事。", "集中资金办好大事。", 1)
    start = text.index("本溪市人民政府办公厅文件\n本政办发〔2018〕58号")
    end = text.index("本溪市人民政府办公厅文件\n本政办发〔2018〕68号")
    text = text[:start] + text[end:]

    report = import_issue(text, replace=True)
    assert report.action == "replaced"
    assert report.documents_removed == ["本政办发〔2018〕58号"]
    assert (
        report.tasks_removed == dropped_doc_tasks + 1
    )  # the whole document, and the reworded task
    assert report.tasks_added == 1 and report.tasks_changed == 1
    kept.refresh_from_db()
    assert kept.status == Task.Status.IN_PROGRESS and kept.progress_reports.count() == 1
    assert not Task.objects.filter(pk=reworded.pk).exists()
    moved = Task.objects.get(document__number="本政发〔2018〕13号", path="二.(一).2", order=2)
    assert str(moved.due_on) == "2019-04-30"
    assert moved.history.count() == 2  # created, then the deadline change
    assert any("deadline_text" in line or "due_on" in line for line in report.task_changes)


def test_dry_run_writes_nothing(seed_text):
    report = import_issue(seed_text, dry_run=True)
    assert report.dry_run and report.tasks_added == 109 and report.catalogue_rows == 37
    assert counts() == (0, 0, 0, 0, 0, 0)
    assert not ImportRun.objects.exists()


def test_publish_flag(seed_text):
    report = import_issue(seed_text, publish=True)
    assert report.published
    issue = GazetteIssue.objects.get()
    assert issue.status == "published" and issue.published_at is not None


def test_import_document_into_a_new_draft_issue_and_again():
    path = CORPUS / "06_guobanfa_2018_123_notice.txt"
    if not path.exists():
        pytest.skip(f"{path} is not present")
    text = path.read_text(encoding="utf-8")
    report = import_document(text, "2018-7")
    issue = GazetteIssue.objects.get(year=2018, number=7)
    assert issue.status == "draft"
    assert report.documents_added == ["国办发〔2018〕123号"]
    assert Document.objects.get().tasks.count() == 0
    again = import_document(text, "2018-7")
    assert again.documents_unchanged == ["国办发〔2018〕123号"] and Document.objects.count() == 1
    with pytest.raises(GazetteImportError, match="已在"):
        import_document(text, "2018-8")  # one number, one document


def test_citations_link_to_documents_imported_later(seed_text):
    cite = (
        "本溪市人民政府文件\n本政发〔2019〕1号\n本溪市人民政府关于落实涉农资金整合的通知\n\n各县区人民政府：\n"
        "根据《本溪市人民政府关于印发本溪市探索建立涉农资金统筹整合长效机制实施方案的通知》(本政发〔2018〕13号),现通知如下。\n"
    )
    import_document(cite, "2019-1")
    citation = Citation.objects.get(number="本政发〔2018〕13号")
    assert citation.cited_document is None
    import_issue(seed_text)
    citation.refresh_from_db()
    assert citation.cited_document.number == "本政发〔2018〕13号"


# --- the commands -----------------------------------------------------------------------------


def run_command(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_and_export_commands(tmp_path):
    out = run_command("import_gazette", str(SEED_PATH), "--publish")
    assert "2018-6：已创建，已发布" in out and "任务：新增 109" in out
    exported = json.loads(run_command("export_gazette", "--issue", "2018-6", "--format", "json"))
    (issue,) = exported["issues"]
    assert set(issue) >= {
        "year",
        "number",
        "total_number",
        "title",
        "published_on",
        "documents",
        "catalogue",
    }
    task = issue["documents"][0]["tasks"][0]
    assert set(task) >= {"path", "heading", "text", "lead", "support", "responsible", "deadline"}
    assert set(task["deadline"]) == {
        "text",
        "kind",
        "start",
        "due",
        "every",
        "by",
        "n",
        "unit",
        "from",
    }
    assert set(issue["catalogue"][0]["rule"]) >= {"kind", "n", "from"}
    assert sum(len(d["tasks"]) for d in issue["documents"]) == 109


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件为空"),
        (b"   \n\n  ", "文件为空"),
        ("本溪市人民政府公报2018年第6号\n".encode("gbk") + "测试".encode("gbk") * 10, "不是UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "不是文本文件"),
        ("今天天气很好，我们去公园散步。\n".encode(), "未识别到公报期次或文件"),
        (
            "本溪市人民政府文件\n本政发〔2018〕13号\n本溪市人民政府关于测试的通知\n\n各县区人民政府：\n正文。\n".encode(),
            "未找到公报期次标题",
        ),
    ],
)
def test_bad_input_gives_one_line_error_exit_2_and_writes_nothing(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError) as info:
        run_command("import_gazette", str(path))
    assert info.value.returncode == 2
    assert message in str(info.value) and "\n" not in str(info.value)
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_non_utf8_error_names_the_line(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("本溪市人民政府公报\n第二行\n".encode() + "第三行乱码".encode("gbk"))
    with pytest.raises(CommandError, match="第3行"):
        run_command("import_gazette", str(path))


def test_oversize_file_is_refused_before_reading(tmp_path, settings):
    settings.GAZETTE_IMPORT_MAX_BYTES = 1000
    path = tmp_path / "big.txt"
    path.write_text(SEED_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CommandError, match="文件过大") as info:
        run_command("import_gazette", str(path))
    assert info.value.returncode == 2
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        run_command("import_gazette", str(tmp_path / "nope.txt"))


def test_exit_status_is_2_from_the_shell(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_gazette", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **__import__("os").environ,
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        },
        timeout=60,
    )
    assert done.returncode == 2
    assert "文件为空" in done.stderr and len(done.stderr.strip().splitlines()) == 1

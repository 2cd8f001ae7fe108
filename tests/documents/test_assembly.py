"""逐件组稿 services (documents/assembly.py): a draft issue made by hand, documents added one
at a time (the same document again replaces it), moved, removed, and the issue published.
Every refusal leaves the database as it was."""

from datetime import date

import pytest
from assembly_helpers import seed_document, seed_documents
from django.core.exceptions import ValidationError
from paths import SEED_PATH

from disclosure.models import DisclosureItem
from documents import assembly
from documents.models import Document, GazetteIssue, ImportRun
from tasks.models import Task

pytestmark = pytest.mark.django_db

N13, N15, N51, N69 = (
    "本政发〔2018〕13号",
    "本政发〔2018〕15号",
    "本政办发〔2018〕51号",
    "本政办发〔2018〕69号",
)


def state():
    return (
        GazetteIssue.objects.count(),
        list(Document.objects.order_by("pk").values_list("pk", "order", "number")),
        Task.objects.count(),
        DisclosureItem.objects.count(),
        ImportRun.objects.count(),
        list(GazetteIssue.objects.order_by("pk").values_list("toc", flat=True)),
    )


def new_issue(**extra):
    return assembly.create_issue(year=2018, number=6, total_number=102, **extra)


def numbers(issue):
    return list(issue.documents.order_by("order").values_list("number", flat=True))


def test_create_issue_is_a_draft_with_its_numbers():
    issue = new_issue(published_on=date(2018, 12, 21))
    assert issue.status == GazetteIssue.Status.DRAFT
    assert (issue.year, issue.number, issue.total_number) == (2018, 6, 102)
    assert issue.published_on == date(2018, 12, 21) and issue.title == "2018年第6号"
    assert not GazetteIssue.objects.published().exists()


@pytest.mark.parametrize(
    "fields, field, words",
    [
        ({"year": 1800, "number": 6}, "year", "年份应在"),
        ({"year": 2018, "number": 0}, "number", "期号应在"),
        ({"year": 2018, "number": 1000}, "number", "期号应在"),
        ({"year": 2018, "number": 6, "total_number": 0}, "total_number", "总期号应为正整数"),
    ],
)
def test_create_issue_refuses_out_of_range(fields, field, words):
    with pytest.raises(ValidationError) as exc:
        assembly.create_issue(**fields)
    assert words in exc.value.message_dict[field][0]
    assert not GazetteIssue.objects.exists()


def test_create_issue_refuses_duplicates_by_name():
    new_issue()
    with pytest.raises(ValidationError) as exc:
        assembly.create_issue(year=2018, number=6)
    assert exc.value.message_dict["number"] == ["2018年第6号（草稿）已存在，不能重复创建"]
    with pytest.raises(ValidationError) as exc:
        assembly.create_issue(year=2018, number=7, total_number=102)
    assert exc.value.message_dict["total_number"] == ["总第102期已是 2018年第6号，不能重复"]
    assert GazetteIssue.objects.count() == 1


def test_documents_join_in_the_order_added_and_make_the_toc():
    issue = new_issue()
    for number in (N51, N13, N69):
        added = assembly.add_document(issue=issue, text=seed_document(number))
        assert added.report.documents_added == [number] and not added.report.dry_run
    assert numbers(issue) == [N51, N13, N69]
    issue.refresh_from_db()
    assert [(e["number"], e["section"]) for e in issue.toc] == [
        (N51, "本溪市人民政府办公厅文件"),
        (N13, "本溪市人民政府文件"),
        (N69, "本溪市人民政府办公厅文件"),
    ]
    # what the importer recognises in the document alone is what it did in the whole issue
    doc = issue.documents.get(number=N69)
    assert doc.tasks.count() == 3 and doc.catalogue_items.count() == 37
    assert issue.documents.get(number=N13).tasks.count() == 24
    assert ImportRun.objects.filter(issue=issue).count() == 3
    assert not issue.is_published


def test_preview_writes_nothing():
    issue = new_issue()
    before = state()
    preview = assembly.add_document(issue=issue, text=seed_document(N13), dry_run=True)
    assert preview.report.dry_run and preview.report.documents_added == [N13]
    assert preview.report.tasks_added == 24
    assert len(preview.parsed.documents[0].tasks) == 24
    assert state() == before


def test_the_same_document_again_replaces_it_and_keeps_its_tasks():
    issue = new_issue()
    assembly.add_document(issue=issue, text=seed_document(N13))
    assembly.add_document(issue=issue, text=seed_document(N15))
    task_ids = set(Task.objects.filter(document__number=N13).values_list("pk", flat=True))
    edited = seed_document(N13).replace("结合我市实际", "结合本市实际", 1)
    again = assembly.add_document(issue=issue, text=edited)
    assert again.report.documents_changed == [N13] and not again.report.documents_added
    assert numbers(issue) == [N13, N15]  # same place, no duplicate
    assert set(Task.objects.filter(document__number=N13).values_list("pk", flat=True)) == task_ids
    assert "结合本市实际" in issue.documents.get(number=N13).body


def test_a_document_without_number_is_the_same_by_its_title():
    issue = new_issue()
    text = seed_document(N51).replace("本政办发〔2018〕51号", "", 1)
    assembly.add_document(issue=issue, text=text)
    body_at = text.index("各自治县")  # after the title: the addressees
    edited = text[:body_at] + text[body_at:].replace("。", "。（修订）", 1)
    again = assembly.add_document(issue=issue, text=edited)
    assert again.report.documents_changed and not again.report.documents_added
    assert issue.documents.count() == 1
    doc = issue.documents.get()
    assert "（修订）" in doc.body
    assert doc.number == "" and "文号" in doc.missing_elements


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "文件为空"),
        ("随便写的几个字", "未识别到公报期次或文件"),
        (SEED_PATH.read_text(encoding="utf-8"), "这是一期完整的公报"),
    ],
)
def test_bad_text_is_refused_and_nothing_is_written(text, words):
    issue = new_issue()
    before = state()
    with pytest.raises(ValidationError) as exc:
        assembly.add_document(issue=issue, text=text)
    assert words in exc.value.messages[0]
    assert state() == before


def test_a_number_stored_in_another_issue_is_refused():
    other = assembly.create_issue(year=2018, number=5)
    assembly.add_document(issue=other, text=seed_document(N13))
    issue = new_issue()
    before = state()
    with pytest.raises(ValidationError) as exc:
        assembly.add_document(issue=issue, text=seed_document(N13))
    assert exc.value.messages == [f"文号 {N13} 已在 2018年第5号 中，不能重复导入"]
    assert state() == before


def test_a_failure_half_way_writes_nothing(monkeypatch):
    issue = new_issue()
    assembly.add_document(issue=issue, text=seed_document(N13))
    before = state()

    def broken(issue):
        raise RuntimeError("disk full")

    monkeypatch.setattr(assembly, "write_toc", broken)
    with pytest.raises(RuntimeError):
        assembly.add_document(issue=issue, text=seed_document(N69))
    assert state() == before


def test_move_and_remove_keep_the_toc_in_order():
    issue = new_issue()
    for number in seed_documents():
        assembly.add_document(issue=issue, text=seed_document(number))
    order = list(seed_documents())
    last = issue.documents.get(number=order[-1])
    assembly.move_document(document=last, direction=assembly.UP)
    assert numbers(issue) == [*order[:-2], order[-1], order[-2]]
    first = issue.documents.get(number=order[0])
    assembly.move_document(document=first, direction=assembly.DOWN)
    assert numbers(issue)[:2] == [order[1], order[0]]
    with pytest.raises(ValidationError, match="已是第一件"):
        assembly.move_document(document=issue.documents.get(number=order[1]), direction="up")
    with pytest.raises(ValidationError, match="已是最后一件"):
        assembly.move_document(document=issue.documents.get(number=order[-2]), direction="down")
    with pytest.raises(ValidationError, match="上移或下移"):
        assembly.move_document(document=first, direction="sideways")

    removed = issue.documents.get(number=N69)
    assert assembly.remove_document(document=removed) == N69
    assert not Document.objects.filter(pk=removed.pk).exists()
    assert not DisclosureItem.objects.exists() and not Task.objects.filter(document_id=removed.pk)
    issue.refresh_from_db()
    assert [e["number"] for e in issue.toc] == numbers(issue)
    assert N69 not in numbers(issue) and len(numbers(issue)) == 5


def test_publish_refuses_an_empty_issue_then_publishes_and_freezes():
    issue = new_issue()
    with pytest.raises(ValidationError, match="还没有文件，不能发布"):
        assembly.publish(issue=issue)
    assembly.add_document(issue=issue, text=seed_document(N13))
    assembly.add_document(issue=issue, text=seed_document(N15))
    published = assembly.publish(issue=issue)
    assert published.is_published and published.published_on is not None
    assert Document.objects.published().count() == 2
    before = state()
    doc = issue.documents.get(number=N15)
    for attempt in (
        lambda: assembly.add_document(issue=issue, text=seed_document(N51)),
        lambda: assembly.move_document(document=doc, direction=assembly.UP),
        lambda: assembly.remove_document(document=doc),
        lambda: assembly.publish(issue=issue),
    ):
        with pytest.raises(ValidationError, match="已发布，不能再修改"):
            attempt()
    assert state() == before


def test_the_pdf_contents_follow_the_order_chosen():
    from documents.pdf import issue_context

    issue = new_issue()
    untitled = seed_document(N51).replace(N51, "", 1)  # no 文号: matched by its title
    for text in (seed_document(N13), untitled, seed_document(N15)):
        assembly.add_document(issue=issue, text=text)
    assembly.move_document(document=issue.documents.get(number=""), direction=assembly.UP)
    assembly.move_document(document=issue.documents.get(number=N15), direction=assembly.UP)
    issue.refresh_from_db()
    assert [d.number for d in issue.documents.order_by("order")] == ["", N15, N13]
    context = issue_context(issue)
    listed = [entry["pk"] for _, entries in context["toc"] for entry in entries]
    assert listed == list(issue.documents.order_by("order").values_list("pk", flat=True))

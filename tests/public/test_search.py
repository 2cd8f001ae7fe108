"""Chinese full-text search over the gazette: the index the services write, the result page and
its filters (the analyzer's own tests: tests/search/test_analyzer.py).

The same tests run on SQLite and on PostgreSQL (DATABASE_URL): both backends must give the
hits the analyzer's rule says, i.e. every row whose folded text holds each query term.
"""

import pytest
from django.urls import reverse

from departments.models import Department
from documents import indexing
from documents.models import Document, GazetteIssue
from documents.selectors import load_search_objects, search_filters
from search import query as search
from search.analyzer import parse_query
from search.models import SearchEntry


def results(query: str, kind: str = "", page: int = 1, **filters) -> dict:
    """What the result page gets: search.query's sections with their objects loaded."""
    found = search.search(parse_query(query), search_filters(**filters), kind=kind, page=page)
    return load_search_objects(found)


# --- the index -------------------------------------------------------------------------------


def hits(query: str, kind: str, **filters) -> set[int]:
    q = parse_query(query)
    return set(search.matching(q, kind, search_filters(**filters)).values_list("pk", flat=True))


def truth(query: str, kind: str) -> set[int]:
    q = parse_query(query)
    return {e.pk for e in SearchEntry.objects.filter(kind=kind) if q.matches(e.text)}


QUERIES = [
    "涉农资金",
    "养老",
    "取水许可",
    "农资",
    "县",
    "资金 统筹",
    "20个工作日",
    "本政发〔2018〕13号",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", QUERIES)
def test_the_index_finds_exactly_the_rows_holding_the_query(seed, query):
    """On SQLite and PostgreSQL alike: the rule, not the backend, decides the hits."""
    for kind in ("document", "task", "catalogue"):
        assert hits(query, kind) == truth(query, kind), kind


@pytest.mark.django_db
def test_unpublishing_removes_an_issue_from_the_index(seed):
    """What the admin does when an issue goes back to draft (ReindexesSearch)."""
    issue = GazetteIssue.objects.get()
    assert SearchEntry.objects.filter(document__issue=issue).exists()
    issue.status = GazetteIssue.Status.DRAFT
    issue.save()
    indexing.index_issue(issue)
    assert not SearchEntry.objects.exists()


@pytest.mark.django_db
def test_an_issue_is_indexed_when_published(django_capture_on_commit_callbacks):
    from unittest import mock

    from paths import SEED_PATH

    from documents.services import import_issue, publish_issue

    with (
        mock.patch("documents.services.schedule_issue_pdf"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        import_issue(SEED_PATH.read_text(encoding="utf-8"))  # a draft: nothing indexed
    assert not SearchEntry.objects.exists()
    issue = GazetteIssue.objects.get()
    with (
        mock.patch("documents.services.schedule_issue_pdf"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish_issue(issue)
    doc69 = issue.documents.get(slug="本政办发2018-69")
    assert SearchEntry.objects.filter(kind="catalogue").count() == doc69.catalogue_items.count()
    assert hits("涉农资金", "document")


@pytest.mark.django_db
def test_an_edit_rewrites_only_the_rows_that_changed(seed):
    """index_documents (called by import, publish and admin edits) diffs against the stored
    rows: one changed clause is one row deleted and one written; the other rows keep their
    ids."""
    doc = Document.objects.get(slug="本政发2018-13")
    clause = doc.clauses.order_by("order").first()
    before = set(SearchEntry.objects.values_list("pk", flat=True))
    assert not hits("独一无二的词语", "document")
    clause.text += "独一无二的词语"
    clause.save()
    assert indexing.index_documents([doc.pk]) == (1, 1)
    assert hits("独一无二的词语", "document")
    after = set(SearchEntry.objects.values_list("pk", flat=True))
    assert len(before - after) == 1 and len(after - before) == 1
    assert indexing.index_documents([doc.pk]) == (0, 0)  # nothing changed since


def test_a_progress_report_touches_no_index_row(seed, django_user_model):
    from departments.models import Department, Membership
    from tasks.models import Task
    from tasks.services import report_progress

    finance = Department.objects.get(name="市财政局")
    user = django_user_model.objects.create_user("finance")
    Membership.objects.create(user=user, department=finance)
    task = Task.objects.filter(assignments__department=finance).order_by("pk").first()
    before = list(SearchEntry.objects.order_by("pk").values_list("pk", "text"))
    report_progress(task, user, text="本周完成初稿")
    report_progress(task, user, text="开始推进", kind="in_progress")
    assert list(SearchEntry.objects.order_by("pk").values_list("pk", "text")) == before


# --- the result page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_shenong_zijin_finds_the_13th_document(client, seed):
    html = client.get("/search/", {"q": "涉农资金"}).content.decode()
    assert f'<a href="{reverse("document", args=["本政发2018-13"])}?q=' in html
    assert "本政发〔2018〕13号" in html
    assert "<mark>涉农资金</mark>" in html
    section = results("涉农资金")["document"]
    assert section.hits[0].obj.number == "本政发〔2018〕13号"
    assert section.count == 1


@pytest.mark.django_db
def test_qushui_xuke_is_listed_under_the_water_bureau(client, seed):
    html = client.get("/search/", {"q": "取水许可", "kind": "catalogue"}).content.decode()
    assert "取水许可公告" in html
    assert "责任主体：市水务局" in html
    water = Department.objects.get(name="市水务局")
    got = results("取水许可", kind="catalogue", department=water.pk)["catalogue"]
    assert got.count >= 1
    assert all(hit.obj.owner_department == water for hit in got.hits)


@pytest.mark.django_db
def test_a_query_with_no_hits_says_so(client, seed):
    html = client.get("/search/", {"q": "量子计算机"}).content.decode()
    assert "没有找到与“量子计算机”相关的文件、任务或公开事项。" in html
    assert 'role="status"' in html
    html = client.get("/search/", {"q": "。，！"}).content.decode()
    assert "请输入要检索的文字或数字" in html


@pytest.mark.django_db
def test_two_character_words_and_substrings_across_words(client, seed):
    found = results("养老")
    numbers = {h.obj.number for h in found["document"].hits}
    assert "本政办发〔2018〕58号" in numbers
    assert found["task"].count > 0
    found = results("农资")  # inside 涉农资金
    assert "本政发〔2018〕13号" in {h.obj.number for h in found["document"].hits}


@pytest.mark.django_db
def test_filters_by_year_issuer_and_department(client, seed):
    assert results("资金", year=2017)["document"].count == 0
    assert results("资金", year=2018)["document"].count > 0
    office = results("资金", issuer="本溪市人民政府办公厅")["document"]
    assert office.hits and all(h.obj.issuer == "本溪市人民政府办公厅" for h in office.hits)
    water = Department.objects.get(name="市水务局")
    tasks = results("资金", kind="task", department=water.pk)["task"]
    assert tasks.count > 0
    for hit in tasks.hits:
        assert water in [a.department for a in hit.obj.assignments.all()]
    html = client.get(
        "/search/", {"q": "资金", "issuer": "本溪市人民政府办公厅", "department": water.pk}
    ).content.decode()
    assert '<option value="本溪市人民政府办公厅" selected>' in html
    assert f'<option value="{water.pk}" selected>' in html
    assert '<label for="year">' in html and '<label for="q">' in html


@pytest.mark.django_db
def test_one_kind_is_paginated(client, seed):
    html = client.get("/search/", {"q": "市", "kind": "task"}).content.decode()
    count = search.search(parse_query("市"), kind="task")["task"].count
    assert count > 20
    assert "第1页" in html and "kind=task&amp;page=2" in html
    html = client.get("/search/", {"q": "市", "kind": "task", "page": "2"}).content.decode()
    assert "第2页" in html
    assert client.get("/search/", {"q": "市", "page": "x", "year": "abc"}).status_code == 200


@pytest.mark.django_db
def test_result_snippets_are_escaped(client, seed):
    doc = Document.objects.get(slug="本政发2018-13")
    clause = doc.clauses.order_by("order").first()
    clause.text = "<img src=x onerror=alert(1)>独特标记"
    clause.save()
    indexing.index_documents([doc.pk])  # what an edit in the admin does
    html = client.get("/search/", {"q": "独特标记"}).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;<mark>独特标记</mark>" in html


@pytest.mark.django_db
def test_search_runs_a_fixed_number_of_queries(seed, django_assert_max_num_queries):
    # search.query: document groups, task and catalogue counts, the documents' first rows,
    # and per kind the page's rows; then the objects shown, one query per kind (tasks: and
    # their departments)
    with django_assert_max_num_queries(9):
        results("资金")


# --- the index's upkeep: built after migrate, rebuilt by hand, read through the source -------


@pytest.mark.django_db
def test_an_empty_index_is_built_after_migrate_and_only_then(seed):
    """search.index.fill_empty_index (the post_migrate hook) reads the published documents
    through the source documents/indexing.py registers."""
    from search.index import fill_empty_index

    wanted = sorted(SearchEntry.objects.values_list("kind", "document_id", "position", "text"))
    SearchEntry.objects.all().delete()
    fill_empty_index(using="default")
    rows = sorted(SearchEntry.objects.values_list("kind", "document_id", "position", "text"))
    assert rows == wanted
    ids = set(SearchEntry.objects.values_list("pk", flat=True))
    fill_empty_index(using="default")  # not empty: left alone
    assert set(SearchEntry.objects.values_list("pk", flat=True)) == ids


@pytest.mark.django_db
def test_the_search_index_command_rebuilds_the_index(seed):
    from io import StringIO

    from django.core.management import call_command

    count = SearchEntry.objects.count()
    SearchEntry.objects.filter(kind="task").delete()
    out = StringIO()
    call_command("search_index", stdout=out)
    assert SearchEntry.objects.count() == count
    assert f"search index: {count} rows" in out.getvalue()


@pytest.mark.django_db
def test_results_show_only_published_objects(client, seed):
    """An issue taken back to draft whose rows are still there (the index not yet brought up to
    date) shows nothing on the result page: the objects are loaded published only."""
    issue = GazetteIssue.objects.get()
    assert results("涉农资金")["document"].hits
    GazetteIssue.objects.filter(pk=issue.pk).update(status=GazetteIssue.Status.DRAFT)
    found = results("涉农资金")
    assert found["document"].hits == [] and found["task"].hits == []
    html = client.get("/search/", {"q": "涉农资金"}).content.decode()
    assert "本政发〔2018〕13号" not in html


@pytest.mark.django_db
def test_counts_stop_past_the_cap_and_a_page_past_the_end_still_has_the_total(seed):
    q = parse_query("市")
    every = search.counts(q, cap=100_000)
    assert every["task"] == len(truth("市", "task")) > 3
    assert search.counts(q, cap=3)["task"] == 4  # shown as "3+"
    groups, total = search.document_groups(q, window=slice(0, 2))
    assert len(groups) == 2 and total == len({e.document_id for e in _rows("市", "document")})
    assert search.document_groups(q, window=slice(10_000, 10_005)) == ([], total)


def _rows(query: str, kind: str) -> list:
    q = parse_query(query)
    return [e for e in SearchEntry.objects.filter(kind=kind) if q.matches(e.text)]

"""Chinese full-text search: the analyzer, the index, the result page and its filters.

The same tests run on SQLite and on PostgreSQL (DATABASE_URL): both backends must give the
hits the analyzer's rule says, i.e. every row whose folded text holds each query term.
"""

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from departments.models import Department
from documents import search
from documents.models import Document, GazetteIssue
from public.models import SearchEntry

# --- the analyzer (pure) ---------------------------------------------------------------------


def test_fold_maps_width_and_case_and_keeps_offsets():
    assert search.fold("（ＡＢｃ）２０１８") == "(abc)2018"
    folded, offsets = search.fold_with_offsets("㈠ＡＢ")
    assert folded == "(一)ab"
    assert list(offsets) == [0, 0, 0, 1, 2]


def test_parse_query_splits_terms_and_drops_contained_ones():
    q = search.parse_query(" 涉农资金  资金，取水许可 ")
    assert q.terms == ("涉农资金", "取水许可")
    assert not search.parse_query("，。！ ")
    assert search.parse_query("x" * 500).text == "x" * search.MAX_QUERY_CHARS


def test_bigram_tokens_and_query_phrases():
    assert search.bigram_tokens("涉农资金,养老") == ["涉农", "农资", "资金", "金", "养老", "老"]
    assert search.bigram_positions("资金,资金") == {"资金": [1, 4], "金": [2, 5]}
    assert search.term_tsquery("涉农资金") == "'涉农' <1> '农资' <1> '资金'"
    assert search.term_tsquery("取水许可证") == "'取水' <1> '水许' <1> '许可' <1> '可证'"
    assert search.term_tsquery("县") == "'县':*"
    assert search.parse_query("养老 2018").tsquery == "('养老') & ('20' <1> '01' <1> '18')"


def test_snippet_escapes_then_marks():
    q = search.parse_query("涉农 b")
    html = search.snippet("<b>关于涉农资金</b>", q)
    assert html == "&lt;<mark>b</mark>&gt;关于<mark>涉农</mark>资金&lt;/<mark>b</mark>&gt;"
    long = "前" * 200 + "涉农资金" + "后" * 200
    cut = search.snippet(long, search.parse_query("涉农资金"), width=60)
    assert cut.startswith("…") and cut.endswith("…") and "<mark>涉农资金</mark>" in cut
    assert len(cut.replace("<mark>", "").replace("</mark>", "")) <= 62


cjk = st.text(alphabet="涉农资金养老取水许可县级市，。、 (ab12", max_size=60)


@given(text=cjk, start=st.integers(0, 60), length=st.integers(1, 8))
def test_a_substring_of_the_text_always_matches(text, start, length):
    piece = text[start : start + length]
    q = search.parse_query(piece)
    if q:
        assert q.matches(text)


@given(text=cjk, query=cjk)
def test_a_match_means_every_term_occurs(text, query):
    q = search.parse_query(query)
    folded = search.fold(text)
    assert q.matches(text) == all(t in folded for t in q.terms)


@pytest.mark.postgres
@pytest.mark.django_db
@settings(max_examples=300, deadline=None)
@given(text=cjk, query=cjk)
def test_postgres_bigram_match_is_the_substring_rule(text, query):
    """The tsvector/tsquery pair the analyzer builds matches exactly when each term occurs,
    and the index's candidates (every bigram, any order) hold every match."""
    q = search.parse_query(query)
    if not q:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (%s)::tsvector @@ (%s)::tsquery, (%s)::tsvector @@ (%s)::tsquery",
            [search.tsvector_literal(text), q.tsquery, search.tsvector_literal(text), q.candidates],
        )
        phrase, candidate = cursor.fetchone()
    assert phrase == q.matches(text)
    # the index side of the production predicate never drops a match ...
    assert candidate or not q.matches(text)
    # ... and a term of one or two characters needs no confirmation on the text
    if all(len(t) <= 2 for t in q.terms):
        assert candidate == q.matches(text)


def test_long_texts_are_split_without_losing_a_match():
    line = "甲" * 2990 + "涉农资金" + "乙" * 100
    chunks = list(search._chunks(line + "\n" + "丙丁" * 10, limit=3000))
    assert len(chunks) == 2
    assert any("涉农资金" in c for c in chunks)
    assert all(len(c) <= 3000 for c in chunks)


# --- the index -------------------------------------------------------------------------------


def hits(query: str, kind: str, **filters) -> set[int]:
    q = search.parse_query(query)
    return set(search.matching(q, kind, search.Filters(**filters)).values_list("pk", flat=True))


def truth(query: str, kind: str) -> set[int]:
    q = search.parse_query(query)
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
    search.index_issue(issue)
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
    assert search.index_documents([doc.pk]) == (1, 1)
    assert hits("独一无二的词语", "document")
    after = set(SearchEntry.objects.values_list("pk", flat=True))
    assert len(before - after) == 1 and len(after - before) == 1
    assert search.index_documents([doc.pk]) == (0, 0)  # nothing changed since


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
    section = search.search(search.parse_query("涉农资金"))["document"]
    assert section.hits[0].obj.number == "本政发〔2018〕13号"
    assert section.count == 1


@pytest.mark.django_db
def test_qushui_xuke_is_listed_under_the_water_bureau(client, seed):
    html = client.get("/search/", {"q": "取水许可", "kind": "catalogue"}).content.decode()
    assert "取水许可公告" in html
    assert "责任主体：市水务局" in html
    water = Department.objects.get(name="市水务局")
    got = search.search(
        search.parse_query("取水许可"), search.Filters(department=water.pk), kind="catalogue"
    )["catalogue"]
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
    found = search.search(search.parse_query("养老"))
    numbers = {h.obj.number for h in found["document"].hits}
    assert "本政办发〔2018〕58号" in numbers
    assert found["task"].count > 0
    found = search.search(search.parse_query("农资"))  # inside 涉农资金
    assert "本政发〔2018〕13号" in {h.obj.number for h in found["document"].hits}


@pytest.mark.django_db
def test_filters_by_year_issuer_and_department(client, seed):
    q = search.parse_query("资金")
    assert search.search(q, search.Filters(year=2017))["document"].count == 0
    assert search.search(q, search.Filters(year=2018))["document"].count > 0
    office = search.search(q, search.Filters(issuer="本溪市人民政府办公厅"))["document"]
    assert office.hits and all(h.obj.issuer == "本溪市人民政府办公厅" for h in office.hits)
    water = Department.objects.get(name="市水务局")
    tasks = search.search(q, search.Filters(department=water.pk), kind="task")["task"]
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
    count = search.search(search.parse_query("市"), kind="task")["task"].count
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
    search.index_documents([doc.pk])  # what an edit in the admin does
    html = client.get("/search/", {"q": "独特标记"}).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;<mark>独特标记</mark>" in html


@pytest.mark.django_db
def test_search_runs_a_fixed_number_of_queries(seed, django_assert_max_num_queries):
    # document groups, task and catalogue counts, the documents' first rows, and per kind
    # the page's ids, its rows, (tasks) their departments
    with django_assert_max_num_queries(8):
        search.search(search.parse_query("资金"))

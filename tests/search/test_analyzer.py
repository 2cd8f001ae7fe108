"""The search analyzer (search.analyzer): folding, bigrams, tsvector/tsquery literals, query
parsing, chunking and match marking. Pure functions, except the one PostgreSQL check that the
literals it builds match as its own rule says."""

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from search import analyzer
from search.query import snippet

# --- the analyzer (pure) ---------------------------------------------------------------------


def test_fold_maps_width_and_case_and_keeps_offsets():
    assert analyzer.fold("（ＡＢｃ）２０１８") == "(abc)2018"
    folded, offsets = analyzer.fold_with_offsets("㈠ＡＢ")
    assert folded == "(一)ab"
    assert list(offsets) == [0, 0, 0, 1, 2]


def test_parse_query_splits_terms_and_drops_contained_ones():
    q = analyzer.parse_query(" 涉农资金  资金，取水许可 ")
    assert q.terms == ("涉农资金", "取水许可")
    assert not analyzer.parse_query("，。！ ")
    assert analyzer.parse_query("x" * 500).text == "x" * analyzer.MAX_QUERY_CHARS


def test_bigram_tokens_and_query_phrases():
    assert analyzer.bigram_tokens("涉农资金,养老") == ["涉农", "农资", "资金", "金", "养老", "老"]
    assert analyzer.bigram_positions("资金,资金") == {"资金": [1, 4], "金": [2, 5]}
    assert analyzer.term_tsquery("涉农资金") == "'涉农' <1> '农资' <1> '资金'"
    assert analyzer.term_tsquery("取水许可证") == "'取水' <1> '水许' <1> '许可' <1> '可证'"
    assert analyzer.term_tsquery("县") == "'县':*"
    assert analyzer.parse_query("养老 2018").tsquery == "('养老') & ('20' <1> '01' <1> '18')"


def test_snippet_escapes_then_marks():
    q = analyzer.parse_query("涉农 b")
    html = snippet("<b>关于涉农资金</b>", q)
    assert html == "&lt;<mark>b</mark>&gt;关于<mark>涉农</mark>资金&lt;/<mark>b</mark>&gt;"
    long = "前" * 200 + "涉农资金" + "后" * 200
    cut = snippet(long, analyzer.parse_query("涉农资金"), width=60)
    assert cut.startswith("…") and cut.endswith("…") and "<mark>涉农资金</mark>" in cut
    assert len(cut.replace("<mark>", "").replace("</mark>", "")) <= 62
    # the pure analyzer marks the same way; search.query only declares the result safe
    assert analyzer.snippet_html("<b>关于涉农资金</b>", q) == html


cjk = st.text(alphabet="涉农资金养老取水许可县级市，。、 (ab12", max_size=60)


@given(text=cjk, start=st.integers(0, 60), length=st.integers(1, 8))
def test_a_substring_of_the_text_always_matches(text, start, length):
    piece = text[start : start + length]
    q = analyzer.parse_query(piece)
    if q:
        assert q.matches(text)


@given(text=cjk, query=cjk)
def test_a_match_means_every_term_occurs(text, query):
    q = analyzer.parse_query(query)
    folded = analyzer.fold(text)
    assert q.matches(text) == all(t in folded for t in q.terms)


@pytest.mark.postgres
@pytest.mark.django_db
@settings(max_examples=300, deadline=None)
@given(text=cjk, query=cjk)
def test_postgres_bigram_match_is_the_substring_rule(text, query):
    """The tsvector/tsquery pair the analyzer builds matches exactly when each term occurs,
    and the index's candidates (every bigram, any order) hold every match."""
    q = analyzer.parse_query(query)
    if not q:
        return
    literal = analyzer.tsvector_literal(text)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (%s)::tsvector @@ (%s)::tsquery, (%s)::tsvector @@ (%s)::tsquery",
            [literal, q.tsquery, literal, q.candidates],
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
    chunks = list(analyzer.chunks(line + "\n" + "丙丁" * 10, limit=3000))
    assert len(chunks) == 2
    assert any("涉农资金" in c for c in chunks)
    assert all(len(c) <= 3000 for c in chunks)

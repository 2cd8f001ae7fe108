"""The search query: matching index rows, counting and paging them, hits with snippets.

Works on ``SearchEntry`` alone: a hit carries its index row, and the caller loads the domain
object it shows (``documents.selectors.load_search_objects``). Conditions that need the
domain's tables (a department's tasks) come in from the caller as expressions over the row's
columns (``Filters.where``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.safestring import SafeString, mark_safe

from .analyzer import Query, snippet_html
from .models import SearchEntry

COUNT_CAP = 1000  # result counts above this are shown as "1000+"
KINDS = ("document", "task", "catalogue")
RESULT_ORDER = ("-issue_order", "doc_order", "position")


def snippet(text: str, query: Query, width: int = 110) -> SafeString:
    """About ``width`` characters around the first match, escaped, matches in <mark>."""
    return mark_safe(snippet_html(text, query, width))  # safe: escaped by the analyzer


@dataclass
class Filters:
    """Result filters: issue year and issuing body (columns of the row), and per kind any
    condition the caller builds over the row's columns (e.g. the tasks of a department)."""

    year: int | None = None
    issuer: str = ""
    where: Mapping[str, Q] = field(default_factory=dict)


def match_rows(qs: QuerySet, query: Query) -> QuerySet:
    """The analyzer's predicate: rows whose folded text holds every term.

    On PostgreSQL the GIN index first narrows the rows to those holding every bigram of every
    term (``Query.candidates``: an AND, which the index answers exactly, so no tsvector is
    read back); each candidate is then confirmed on its folded text, which is short and
    stored in the row. The phrase query (``Query.tsquery``) would give the same rows, but
    PostgreSQL confirms a phrase by reading each candidate's tsvector, most of them out of
    line: 94 ms against 26 ms for 中医药 over 21,744 candidate rows. On SQLite the folded
    text alone decides. The same rows either way."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        qs = qs.filter(tsv__matches=query.candidates)
    for term in query.terms:
        # a term of one or two characters is one lexeme (or a prefix): the index is exact
        if not postgres or len(term) > 2:
            qs = qs.filter(folded__contains=term)
    return qs


def confirmed(qs: QuerySet, query: Query) -> QuerySet:
    """Rows of ``qs`` whose folded text holds every term, read row by row without the index:
    for a handful of rows already picked otherwise (a page's documents, a chunk of ids)."""
    for term in query.terms:
        qs = qs.filter(folded__contains=term)
    return qs


def filtered(kind: str, filters: Filters | None = None) -> QuerySet:
    """Index rows of ``kind`` that pass ``filters`` (whatever their text)."""
    qs = SearchEntry.objects.filter(kind=kind)
    filters = filters or Filters()
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.issuer:
        qs = qs.filter(issuer=filters.issuer)
    if kind in filters.where:
        qs = qs.filter(filters.where[kind])
    return qs


def matching(query: Query, kind: str, filters: Filters | None = None) -> QuerySet:
    """Index rows of ``kind`` that hold every term of ``query`` and pass ``filters``."""
    return match_rows(filtered(kind, filters), query)


def count_query(query: Query, kind: str, filters: Filters | None = None) -> QuerySet:
    """What a kind's count counts: tasks, catalogue items (documents: see document_groups)."""
    return matching(query, kind, filters).values("pk")


def counts(query: Query, filters: Filters | None = None, cap: int = COUNT_CAP) -> dict[str, int]:
    """Each kind's number of hits, counted no further than cap + 1 (shown as "cap+"), so that a
    very common term costs no more than a rarer one: at most cap + 1 matching rows of each
    kind are read, in one query (a UNION ALL)."""
    kinds = ("task", "catalogue")
    parts = [count_query(query, kind, filters).values_list("kind", flat=True) for kind in kinds]
    if connection.vendor == "postgresql":
        parts = [part[: cap + 1] for part in parts]
    else:
        # SQLite takes no LIMIT inside a UNION: each part is capped in a subquery instead
        parts = [
            SearchEntry.objects.filter(pk__in=part.values("pk")[: cap + 1]).values_list(
                "kind", flat=True
            )
            for part in parts
        ]
    found = Counter(parts[0].union(*parts[1:], all=True))
    return {kind: found[kind] for kind in kinds}


def document_groups(
    query: Query, filters: Filters | None = None, window: slice = slice(0, 5)
) -> tuple[list[tuple[int, int]], int]:
    """One window of the documents holding the query, in result order (newest issue first,
    then order in the issue), as (document id, matching rows), and how many there are.

    One pass over the matching rows, found through the GIN index and grouped in a hash: the
    document id is grouped as ``document_id + 0`` so that PostgreSQL cannot choose to walk
    the document_id index instead, rechecking every row of the table (the plan it preferred
    for DISTINCT document_id … LIMIT, 0.5 s on 318,000 rows). The groups are ordered and
    counted in the database (a window count), so only the page's rows travel; the count is
    exact.
    """
    grouped = (
        matching(query, "document", filters)
        .annotate(doc=ExpressionWrapper(F("document_id") + 0, output_field=BigIntegerField()))
        .values("doc")
        .annotate(newest=Max("issue_order"), place=Min("doc_order"), hits=Count("id"))
        .order_by()
    )
    # the number of groups, counted after grouping and before the window is cut
    page = grouped.annotate(total=Window(Count("*"))).order_by("-newest", "place", "doc")
    rows = list(page.values_list("doc", "hits", "total")[window])
    if rows:
        return [(doc, hits) for doc, hits, _total in rows], rows[0][2]
    if window.start == 0:
        return [], 0
    return [], grouped.count()  # a page past the end: the total alone


@dataclass
class Hit:
    """One result: its index row, its snippet, and (filled in by the caller) the object shown;
    for a document, its further matches and how many rows match in all."""

    entry: SearchEntry
    snippet: SafeString
    obj: object = None
    more: list = field(default_factory=list)  # further matches in the same document
    total: int = 1


@dataclass
class Section:
    kind: str
    count: int
    hits: list[Hit]
    page: int = 1
    pages: int = 1

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def _pages(count: int, per_page: int) -> int:
    return max(1, -(-min(count, COUNT_CAP) // per_page))


def _window(page: int, per_page: int) -> slice:
    return slice((page - 1) * per_page, page * per_page)


def document_hits(
    query: Query, filters: Filters, window_groups: list[tuple[int, int]]
) -> list[Hit]:
    """The documents of one window of ``document_groups``, each with its first matches."""
    per_doc: dict[int, list] = {doc: [] for doc, _n in window_groups}
    if not per_doc:
        return []
    # The first three matching rows of each of these documents (a window function).
    first_rows = (
        confirmed(filtered("document", filters).filter(document_id__in=list(per_doc)), query)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("document_id")], order_by=F("position").asc())
        )
        .filter(rank__lte=3)
        .defer("tsv", "folded")
        .order_by("document_id", "position")
    )
    for entry in first_rows:
        per_doc[entry.document_id].append(entry)
    hits = []
    for doc, n in window_groups:
        first, *more = per_doc[doc]
        hits.append(
            Hit(
                first,
                snippet(first.text, query),
                more=[(e, snippet(e.text, query, 80)) for e in more],
                total=n,
            )
        )
    return hits


def page_ids(query: Query, kind: str, filters: Filters, found: int, window: slice) -> list[int]:
    """The ids of one page of a kind's hits in result order (newest issue first), read the
    way that suits how many rows match.

    Few hits (under the count cap): the GIN index finds them all and they are sorted. Many
    hits: the rows are walked in result order through the ordered index, a chunk at a time,
    and each chunk's rows are checked against the query by primary key, until the page is
    full; hits are dense, so the first chunk or two suffice. PostgreSQL cannot estimate how
    often a phrase occurs (it guessed 162 rows for 医疗机构 among tasks, which holds 9,781),
    so left to itself it collected and sorted every hit (0.1 s) or, told not to, scanned the
    table (0.45 s for 政府网站 in the catalogue); the walk does not depend on its guess.
    """
    if found <= COUNT_CAP or connection.vendor != "postgresql":
        ids = matching(query, kind, filters).order_by(*RESULT_ORDER).values_list("id", flat=True)
        return list(ids[window])
    ordered = filtered(kind, filters).order_by(*RESULT_ORDER).values_list("id", flat=True)
    hits: list[int] = []
    start, chunk = 0, 500
    while len(hits) < window.stop:
        ids = list(ordered[start : start + chunk])
        if not ids:
            break
        held = set(
            confirmed(SearchEntry.objects.filter(pk__in=ids), query).values_list("id", flat=True)
        )
        hits.extend(i for i in ids if i in held)
        start, chunk = start + len(ids), min(chunk * 2, 8000)
    return hits[window]


def _in_order(rows: Iterable, ids: list[int]) -> list:
    by_id = {row.pk: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def row_hits(
    query: Query,
    kind: str,
    filters: Filters,
    page: int,
    per_page: int,
    found: int = COUNT_CAP + 1,
) -> list[Hit]:
    """One page of a kind's hits (tasks, catalogue items), in result order."""
    window = _window(page, per_page)
    if found <= COUNT_CAP or connection.vendor != "postgresql":
        # few hits: the page's rows straight from the sorted matches, in one query
        ordered = matching(query, kind, filters).order_by(*RESULT_ORDER)
        entries = list(ordered.defer("tsv", "folded")[window])
    else:
        ids = page_ids(query, kind, filters, found, window)
        entries = _in_order(SearchEntry.objects.filter(pk__in=ids).defer("tsv", "folded"), ids)
    return [Hit(e, snippet(e.text, query)) for e in entries]


def search(
    query: Query, filters: Filters | None = None, *, kind: str = "", page: int = 1
) -> dict[str, Section]:
    """The result page: every kind's count, and the first hits of each kind (5 each), or of
    one kind, 20 a page. Sections are keyed by kind, in KINDS order. The hits' objects are
    not loaded (``Hit.obj`` is None): that is the caller's, from the domain."""
    filters = filters or Filters()
    if not query:
        return {}
    doc_page = page if kind == "document" else 1
    doc_per_page = 20 if kind == "document" else 5
    groups, documents = document_groups(query, filters, _window(doc_page, doc_per_page))
    found = {**counts(query, filters), "document": documents}
    sections = {}
    for k in KINDS:
        if kind and k != kind:
            sections[k] = Section(k, found[k], [])
            continue
        per_page = 20 if kind else 5
        if not found[k]:
            hits = []
        elif k == "document":
            hits = document_hits(query, filters, groups)
        else:
            hits = row_hits(query, k, filters, page, per_page, found=found[k])
        sections[k] = Section(k, found[k], hits, page, _pages(found[k], per_page))
    return sections

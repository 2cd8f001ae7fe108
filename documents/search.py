"""Chinese full-text search: the analyzer, and the index of published content it feeds.

Chinese has no spaces and PostgreSQL's text search does not segment it, so the analyzer here
turns text into overlapping character bigrams (涉农资金 → 涉农 农资 资金 金), one token per
character with its position, and a query into a phrase of bigrams at the right distances. A
query term then matches exactly where it occurs as a substring of the text (after folding
width and case), including two-character words (养老) and substrings that cross word
boundaries (农资 in 涉农资金), which a word segmenter misses. docs/search.md has the measured
comparison with pg_trgm and jieba that chose it.

The same functions build the index rows (``public.SearchEntry``) and the queries. On
PostgreSQL the rows carry a tsvector and match through a GIN index; on SQLite (development,
tests) the folded text is matched as a substring, which gives the same hits.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 100  # longer queries are cut
MAX_TERMS = 8  # query terms (runs of letters/digits/CJK) kept; each must occur
MAX_ENTRY_CHARS = 3000  # longer texts are split into several rows (tsvector limits)
COUNT_CAP = 1000  # result counts above this are shown as "1000+"

_WORD_RE = re.compile(r"[^\W_]+")


# --- the analyzer (pure functions) -----------------------------------------------------------


class _FoldTable(dict):
    """str.translate table, filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        folded = unicodedata.normalize("NFKC", chr(code)).casefold()
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Full-width to half-width, compatibility forms to plain ones, case folded: what both
    the index and the query see. Folded one character at a time, so offsets map back."""
    return text.translate(_FOLD)


def fold_with_offsets(text: str) -> tuple[str, list[int] | range]:
    """``fold(text)`` and, for each folded character, the index of the original it came from."""
    folded = text.translate(_FOLD)
    if len(folded) == len(text):  # no character became several: offsets are the identity
        return folded, range(len(text))
    offsets: list[int] = []
    for i, ch in enumerate(text):
        offsets.extend([i] * len(_FOLD[ord(ch)]))
    return folded, offsets


def segments(folded: str) -> list[str]:
    """Runs of letters, digits and CJK characters; punctuation and spaces separate them."""
    return _WORD_RE.findall(folded)


def bigram_positions(text: str) -> dict[str, list[int]]:
    """The index side: every character's bigram (the last of a run alone) with its 1-based
    position. Runs are one position apart, so no phrase matches across punctuation."""
    lexemes: dict[str, list[int]] = {}
    pos = 1
    for run in segments(fold(text)):
        for i in range(len(run)):
            lexemes.setdefault(run[i : i + 2], []).append(pos + i)
        pos += len(run) + 1
    return lexemes


def bigram_tokens(text: str) -> list[str]:
    """The index side as a flat token list (for tests and the benchmark's size figures)."""
    out = []
    for run in segments(fold(text)):
        out.extend(run[i : i + 2] for i in range(len(run)))
    return out


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(text: str) -> str:
    """PostgreSQL tsvector input for ``text``: ``'涉农':1 '农资':2 …`` (cast with ::tsvector).

    A lexeme keeps at most 256 positions in a tsvector and positions stop at 16383; rows are
    at most MAX_ENTRY_CHARS long, which stays well inside both.
    """
    return " ".join(
        f"{_quote(lexeme)}:{','.join(map(str, positions))}"
        for lexeme, positions in bigram_positions(text).items()
    )


def term_tsquery(term: str) -> str:
    """One folded query term as a tsquery: every overlapping bigram, one position apart
    (涉农资金 → '涉农' <1> '农资' <1> '资金'); one character as a prefix ('县':*).

    Every bigram is a lexeme the GIN index must find in a row, so the middle ones (农资, 金统,
    务市, often rare) narrow the candidates before any position is rechecked; the phrase
    operator then asks for them in order, as the substring."""
    return " <1> ".join(_term_lexemes(term))


def _term_lexemes(term: str) -> list[str]:
    """A folded term's lexemes in order: its overlapping bigrams; one character, a prefix."""
    if len(term) == 1:
        return [f"{_quote(term)}:*"]
    return [_quote(term[i : i + 2]) for i in range(len(term) - 1)]


@dataclass(frozen=True)
class Query:
    """A parsed query: the text as typed and the folded terms that must all occur."""

    text: str
    terms: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def tsquery(self) -> str:
        """Every term as a phrase of its bigrams: matches exactly the rows holding the terms."""
        return " & ".join(f"({term_tsquery(t)})" for t in self.terms)

    @property
    def candidates(self) -> str:
        """Every bigram of every term, in any order: a superset of the matches that the GIN
        index answers without reading a row (one character: a prefix)."""
        lexemes = dict.fromkeys(lex for term in self.terms for lex in _term_lexemes(term))
        return " & ".join(lexemes)

    def matches(self, text: str) -> bool:
        """Whether ``text`` holds every term: the rule the index implements."""
        folded = fold(text)
        return all(t in folded for t in self.terms)


def parse_query(text: str | None) -> Query:
    """Split a query into terms at spaces and punctuation; terms inside longer ones go."""
    text = (text or "").strip()[:MAX_QUERY_CHARS]
    found: list[str] = []
    for run in segments(fold(text)):
        if run not in found:
            found.append(run)
    terms = [t for t in found if not any(t != o and t in o for o in found)]
    return Query(text, tuple(terms[:MAX_TERMS]))


# --- snippets --------------------------------------------------------------------------------


def _match_spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Where the query's terms occur in ``text``, as merged (start, end) original offsets."""
    folded, offsets = fold_with_offsets(text)
    spans = []
    for term in query.terms:
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((offsets[start], offsets[end - 1] + 1))
            start = folded.find(term, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _marked(text: str, spans: list[tuple[int, int]], lo: int, hi: int) -> str:
    out, at = [], lo
    for a, b in spans:
        if b <= lo or a >= hi:
            continue
        a, b = max(a, lo), min(b, hi)
        out.append(escape(text[at:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        at = b
    out.append(escape(text[at:hi]))
    return "".join(out)


def snippet(text: str, query: Query, width: int = 110) -> SafeString:
    """About ``width`` characters around the first match, escaped, matches in <mark>."""
    text = " ".join(text.split())
    spans = _match_spans(text, query) if query else []
    if len(text) <= width:
        lo, hi = 0, len(text)
    else:
        first = spans[0][0] if spans else 0
        lo = max(0, min(first - width // 4, len(text) - width))
        hi = min(len(text), lo + width)
    body = _marked(text, spans, lo, hi)
    return mark_safe(("…" if lo else "") + body + ("…" if hi < len(text) else ""))


# --- the index -------------------------------------------------------------------------------


def _chunks(text: str, limit: int = MAX_ENTRY_CHARS) -> Iterator[str]:
    """Split at line ends into pieces of at most ``limit`` characters. A match never spans a
    line end (it separates runs), so nothing is lost; a longer single line is cut with an
    overlap of MAX_QUERY_CHARS so that a term across the cut is still found."""
    piece: list[str] = []
    size = 0
    for line in text.split("\n"):
        if size + len(line) + 1 > limit and piece:
            yield "\n".join(piece)
            piece, size = [], 0
        while len(line) > limit:
            yield line[:limit]
            line = line[limit - MAX_QUERY_CHARS :]
        piece.append(line)
        size += len(line) + 1
    if piece and any(p.strip() for p in piece):
        yield "\n".join(piece)


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def entries_for_documents(documents: Iterable) -> list:
    """The index rows for ``documents`` (with issue, clauses, tasks, catalogue items loaded)."""
    from public.models import SearchEntry

    pg = connection.vendor == "postgresql"
    rows = []

    def add(doc, kind, text, position, *, anchor="", label="", task=None, item=None) -> None:
        for k, chunk in enumerate(_chunks(text)):
            rows.append(
                SearchEntry(
                    kind=kind,
                    document=doc,
                    task=task,
                    item=item,
                    anchor=anchor[:20],
                    label=label[:100],
                    text=chunk,
                    folded=fold(chunk),
                    year=doc.issue.year,
                    issuer=doc.issuer[:200],
                    issue_order=doc.issue.year * 1000 + doc.issue.number,
                    doc_order=doc.order,
                    position=position + k,
                    tsv=tsvector_literal(chunk) if pg else None,
                )
            )

    for doc in documents:
        head = _join(
            doc.header, doc.number, doc.title, doc.addressees, doc.signatories, doc.enclosure_title
        )
        add(doc, "document", head, 0)
        anchors = {}
        for clause in doc.clauses.all():
            anchors[clause.pk] = clause.anchor
            text = _join(clause.heading, clause.text)
            if text:
                add(
                    doc,
                    "document",
                    text,
                    10 * (clause.order + 1),
                    anchor=clause.anchor,
                    label=clause.path,
                )
        base = 10 * (len(anchors) + 2)
        for i, att in enumerate(doc.attachments or [], start=1):
            add(
                doc,
                "document",
                _join(att.get("title", ""), att.get("text", "")),
                base + 10_000 * i,
                anchor=f"att{i}",
                label=att.get("label") or "附件",
            )
        for task in doc.tasks.all():
            add(
                doc,
                "task",
                _join(task.heading, task.text, task.raw),
                task.order,
                anchor=anchors.get(task.clause_id, ""),
                label=task.path,
                task=task,
            )
        for item in doc.catalogue_items.all():
            text = _join(
                item.area,
                item.item,
                item.detail,
                item.timeliness,
                item.period,
                item.channels,
                item.owner,
                item.supervision,
            )
            add(
                doc,
                "catalogue",
                text,
                item.order,
                anchor=f"item-{item.pk}",
                label=item.seq,
                item=item,
            )
    return rows


def _documents_to_index(document_ids: Iterable[int]) -> QuerySet:
    from .models import Document

    return (
        Document.objects.published()
        .filter(pk__in=list(document_ids))
        .select_related("issue")
        .defer("issue__source_text", "body", "warnings", "unplaced")
        .prefetch_related("clauses", "tasks", "catalogue_items")
    )


# What makes two index rows the same row: everything written from the content.
_ROW_FIELDS = (
    "kind",
    "document_id",
    "task_id",
    "item_id",
    "anchor",
    "label",
    "text",
    "year",
    "issuer",
    "issue_order",
    "doc_order",
    "position",
)


def _row_key(row) -> tuple:
    return tuple(getattr(row, f) for f in _ROW_FIELDS)


def index_documents(document_ids: Iterable[int]) -> tuple[int, int]:
    """Bring these documents' index rows up to date, touching only the rows that changed: a
    published document's rows as its content now reads, none for a draft's. Returns (rows
    written, rows deleted). Called by the services that change searchable text (import,
    publish, an edit in the admin), in their transaction."""
    from public.models import SearchEntry

    document_ids = list(document_ids)
    if not document_ids:
        return 0, 0
    with transaction.atomic():
        wanted = {_row_key(r): r for r in entries_for_documents(_documents_to_index(document_ids))}
        stale = []
        for row in SearchEntry.objects.filter(document_id__in=document_ids).only(
            "pk", *_ROW_FIELDS
        ):
            if wanted.pop(_row_key(row), None) is None:
                stale.append(row.pk)
        if stale:
            SearchEntry.objects.filter(pk__in=stale).delete()
        SearchEntry.objects.bulk_create(list(wanted.values()), batch_size=1000)
    return len(wanted), len(stale)


def index_issue(issue) -> tuple[int, int]:
    """index_documents for every document of the issue."""
    return index_documents(issue.documents.values_list("pk", flat=True))


def rebuild_index() -> int:
    """Rebuild the whole index from the published issues."""
    from public.models import SearchEntry

    from .models import Document

    with transaction.atomic():
        SearchEntry.objects.all().delete()
        total = 0
        ids = list(Document.objects.published().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 100):
            total += index_documents(ids[start : start + 100])[0]
    return total


def fill_empty_index(**kwargs) -> None:
    """After migrate: an empty index over published content (a new deployment, or the
    migration that added it) is built once."""
    from public.models import SearchEntry

    from .models import GazetteIssue

    using = kwargs.get("using", "default")
    if using != "default":
        return
    try:
        if SearchEntry.objects.exists() or not GazetteIssue.objects.published().exists():
            return
    except Exception:  # tables not there yet (a partial migrate)
        return
    logger.info("search index: building (%d rows)", rebuild_index())


# --- querying --------------------------------------------------------------------------------


@dataclass
class Filters:
    """Result filters: issue year, issuing body (文件的发文机关), department (任务/目录的单位)."""

    year: int | None = None
    issuer: str = ""
    department: int | None = None


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


def matching(query: Query, kind: str, filters: Filters | None = None) -> QuerySet:
    """Index rows of ``kind`` that hold every term of ``query`` and pass ``filters``."""
    return match_rows(filtered(kind, filters), query)


def filtered(kind: str, filters: Filters | None = None) -> QuerySet:
    """Index rows of ``kind`` that pass ``filters`` (whatever their text)."""
    from public.models import SearchEntry
    from tasks.models import TaskAssignment

    qs = SearchEntry.objects.filter(kind=kind)
    filters = filters or Filters()
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.issuer:
        qs = qs.filter(issuer=filters.issuer)
    if filters.department:
        if kind == "task":
            qs = qs.filter(
                Exists(
                    TaskAssignment.objects.filter(
                        task_id=OuterRef("task_id"), department_id=filters.department
                    )
                )
            )
        elif kind == "catalogue":
            qs = qs.filter(item__owner_department_id=filters.department)
        else:
            qs = qs.filter(
                Exists(
                    TaskAssignment.objects.filter(
                        task__document_id=OuterRef("document_id"),
                        department_id=filters.department,
                    )
                )
            )
    return qs


def count_query(query: Query, kind: str, filters: Filters | None = None) -> QuerySet:
    """What a kind's count counts: tasks, catalogue items (documents: see document_groups)."""
    return matching(query, kind, filters).values("pk")


def counts(query: Query, filters: Filters | None = None, cap: int = COUNT_CAP) -> dict[str, int]:
    """Each kind's number of hits, counted no further than cap + 1 (shown as "cap+"), in one
    query (a UNION ALL of the capped counts)."""
    parts, params = [], []
    for kind in ("task", "catalogue"):
        sql, p = count_query(query, kind, filters)[: cap + 1].query.sql_with_params()
        parts.append(f"SELECT %s, COUNT(*) FROM ({sql}) AS {kind}_hits")
        params += [kind, *p]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return dict(cursor.fetchall())


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
    sql, params = grouped.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT doc, hits, COUNT(*) OVER () FROM ({sql}) AS g "
            "ORDER BY newest DESC, place, doc LIMIT %s OFFSET %s",
            [*params, window.stop - window.start, window.start],
        )
        rows = cursor.fetchall()
    if rows:
        return [(doc, hits) for doc, hits, _total in rows], rows[0][2]
    if window.start == 0:
        return [], 0
    # a page past the end: the total alone
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS g", params)
        return [], cursor.fetchone()[0]


@dataclass
class Hit:
    """One result: the object, its snippet, and where in the document it is."""

    entry: object
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


def search_documents(
    query: Query, filters: Filters, window_groups: list[tuple[int, int]]
) -> list[Hit]:
    """The documents of one window of ``document_groups``, each with its first matches."""
    from .models import light

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
        .select_related("document__issue")
        .defer("tsv", "folded", *light("document__"))
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
                first.document,
                more=[(e, snippet(e.text, query, 80)) for e in more],
                total=n,
            )
        )
    return hits


RESULT_ORDER = ("-issue_order", "doc_order", "position")


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
    from public.models import SearchEntry

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


def search_tasks(
    query: Query, filters: Filters, page: int, per_page: int, found: int = COUNT_CAP + 1
) -> list[Hit]:
    from django.db.models import Prefetch

    from public.models import SearchEntry
    from tasks.models import TaskAssignment

    from .models import light

    ids = page_ids(query, "task", filters, found, _window(page, per_page))
    entries = (
        SearchEntry.objects.filter(pk__in=ids)
        .select_related("task__document__issue")
        .defer("tsv", "folded", *light("task__document__"))
        .prefetch_related(
            Prefetch(
                "task__assignments",
                queryset=TaskAssignment.objects.select_related("department").order_by("order"),
            )
        )
    )
    return [Hit(e, snippet(e.text, query), e.task) for e in _in_order(entries, ids)]


def search_catalogue(
    query: Query, filters: Filters, page: int, per_page: int, found: int = COUNT_CAP + 1
) -> list[Hit]:
    from public.models import SearchEntry

    from .models import light

    ids = page_ids(query, "catalogue", filters, found, _window(page, per_page))
    entries = (
        SearchEntry.objects.filter(pk__in=ids)
        .select_related("item__owner_department", "item__document__issue")
        .defer("tsv", "folded", *light("item__document__"))
    )
    return [Hit(e, snippet(e.text, query), e.item) for e in _in_order(entries, ids)]


KINDS = ("document", "task", "catalogue")
SEARCHERS = {"task": search_tasks, "catalogue": search_catalogue}  # documents: by groups


def search(
    query: Query, filters: Filters | None = None, *, kind: str = "", page: int = 1
) -> dict[str, Section]:
    """The result page: every kind's count, and the first hits of each kind (5 each), or of
    one kind, 20 a page. Sections are keyed by kind, in KINDS order."""
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
            hits = search_documents(query, filters, groups)
        else:
            hits = SEARCHERS[k](query, filters, page, per_page, found=found[k])
        sections[k] = Section(k, found[k], hits, page, _pages(found[k], per_page))
    return sections

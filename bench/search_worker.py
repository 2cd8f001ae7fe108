"""Compares three ways to search Chinese on PostgreSQL over one corpus, in a database of its own.

    python -m bench.search_worker --database-url URL --documents 5000 --tasks 100000

Builds the corpus through the real importer (renumbered copies of the seed issue with some
words swapped per copy, so that terms have different frequencies), adds generated tasks up to
the count asked, indexes it (documents.indexing, search.index), and then, on the same index rows:

- ``bigram``: the production analyzer, overlapping character bigrams in a 'simple'-style
  tsvector built in Python, GIN per kind; a query term is a phrase of bigrams;
- ``trgm``: pg_trgm GIN (gin_trgm_ops) on the row text, queried with LIKE '%term%'
  (Django's ``contains``); a term under three characters yields no trigram;
- ``jieba``: jieba's search-mode words with their character positions in a tsvector, GIN
  per kind; a query is jieba's words of the term as a phrase.

For each: build time (tokenising in Python + writing + CREATE INDEX), index size, latency of the
search the result page runs (counts and first hits of documents, tasks and catalogue items;
p50/p95 over the query set), and recall per query against the truth (every row whose folded
text holds each term, found by scanning). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import statistics
import sys
import time
import uuid
from unittest import mock

# Two-character words, words crossing jieba's word boundaries, longer phrases, numbers.
QUERIES = [
    "涉农资金",
    "养老",
    "取水许可",
    "中医药",
    "信息公开",
    "农资",
    "县级",
    "监督",
    "资金统筹",
    "服务市场",
    "放开养老",
    "医疗机构",
    "公共资源配置",
    "市水务局",
    "政府网站",
    "乡村振兴 资金",
    "20个工作日",
    "办发",
]

# Words swapped per copy of the seed, so that each occurs in only some copies.
VARIANTS = {
    "涉农资金": ["涉农资金", "涉农资金", "财政专项资金", "惠农补贴资金"],
    "中医药": ["中医药", "民族医药", "中医药"],
    "养老服务": ["养老服务", "托育服务", "助残服务", "养老服务"],
    "取水许可": ["取水许可", "排污许可", "采矿许可"],
    "乡村振兴": ["乡村振兴", "城乡融合", "脱贫攻坚"],
    "信息公开": ["信息公开", "政务公开", "信息公开"],
}


def mutated(text: str, index: int) -> str:
    from bench.gazettes import renumbered

    rng = random.Random(index)
    out = renumbered(text, index)
    for word, choices in VARIANTS.items():
        out = out.replace(word, rng.choice(choices))
    return out


def build_corpus(n_documents: int, n_tasks: int) -> dict:
    """Imports ceil(n_documents / 6) copies of the seed (no PDF, no search indexing while
    importing), publishes them, and adds generated tasks up to ``n_tasks``."""
    from bench.gazettes import seed_text
    from departments.models import Department
    from documents.models import Document, GazetteIssue
    from documents.services import import_issue
    from tasks.models import Task, TaskAssignment

    seed = seed_text()
    copies = max(1, math.ceil(n_documents / 6))
    started = time.perf_counter()
    with mock.patch("documents.services.schedule_issue_pdf"):
        for i in range(copies):
            import_issue(mutated(seed, i))
        GazetteIssue.objects.update(status="published")
    import_s = time.perf_counter() - started

    rng = random.Random(7)
    pool = list(Task.objects.values_list("text", flat=True)[:2000])
    docs = list(Document.objects.values_list("id", flat=True))
    depts = list(Department.objects.filter(kind__in=["city", "county"]))
    have = Task.objects.count()
    for start in range(have, n_tasks, 5000):
        batch = []
        for i in range(start, min(start + 5000, n_tasks)):
            a, b = rng.choice(pool), rng.choice(pool)
            text = a[: len(a) // 2] + b[len(b) // 2 :]
            for word, choices in VARIANTS.items():
                text = text.replace(word, rng.choice(choices))
            batch.append(
                Task(
                    document_id=rng.choice(docs),
                    order=10_000 + i,
                    heading="",
                    text=text,
                    fingerprint=uuid.uuid4().hex,
                )
            )
        tasks = Task.objects.bulk_create(batch)
        TaskAssignment.objects.bulk_create(
            [TaskAssignment(task=t, department=rng.choice(depts), role="lead") for t in tasks]
        )
    return {
        "issues": copies,
        "documents": Document.objects.count(),
        "tasks": Task.objects.count(),
        "import_s": import_s,
    }


# --- the three analyzers -----------------------------------------------------------------------


def jieba_literal(text: str) -> str:
    import jieba

    from search.analyzer import fold
    from search.analyzer import quote as _quote

    lexemes: dict[str, list[int]] = {}
    for word, start, _end in jieba.tokenize(fold(text), mode="search"):
        if word.strip() and any(ch.isalnum() for ch in word):
            positions = lexemes.setdefault(word, [])
            if len(positions) < 256:
                positions.append(min(start + 1, 16383))
    return " ".join(f"{_quote(w)}:{','.join(map(str, sorted(set(p))))}" for w, p in lexemes.items())


def jieba_tsquery(query) -> str:
    import jieba

    from search.analyzer import quote as _quote

    parts = []
    for term in query.terms:
        words = [(w, s) for w, s, _e in jieba.tokenize(term) if any(ch.isalnum() for ch in w)] or [
            (term, 0)
        ]
        phrase = _quote(words[0][0])
        for (_w0, s0), (w1, s1) in itertools.pairwise(words):
            phrase += f" <{s1 - s0}> {_quote(w1)}"
        parts.append(f"({phrase})")
    return " & ".join(parts)


def _match_rows_for(analyzer: str):
    """search.query.match_rows with the analyzer's predicate in place of the bigram one."""
    from search import query as search

    original = search.match_rows

    def match_rows(qs, query):
        if analyzer == "bigram":
            return original(qs, query)
        if analyzer == "trgm":
            for term in query.terms:
                qs = qs.filter(text__contains=term)
            return qs
        return qs.extra(where=["search_searchentry.tsv_jieba @@ (%s)::tsquery"],
                        params=[jieba_tsquery(query)])  # fmt: skip

    return match_rows


def _write_column(cursor, column: str, literal) -> tuple[float, float]:
    """Tokenise the rows in Python, then write the column through COPY + UPDATE.

    The corpus repeats the seed, so each distinct text is tokenised once; the time returned
    is the measured rate (characters per second over the distinct texts) applied to every
    row's characters, i.e. what tokenising a corpus of distinct texts this size takes."""
    from search.models import SearchEntry

    cache: dict[str, str] = {}
    distinct_chars = total_chars = 0
    spent = 0.0
    values = []
    for pk, text in SearchEntry.objects.values_list("id", "text").iterator(5000):
        total_chars += len(text)
        found = cache.get(text)
        if found is None:
            started = time.perf_counter()
            found = cache[text] = literal(text)
            spent += time.perf_counter() - started
            distinct_chars += len(text)
        values.append((pk, found))
    tokenise_s = spent * total_chars / max(1, distinct_chars)
    started = time.perf_counter()
    cursor.execute("CREATE TEMP TABLE lit (id bigint, v text) ON COMMIT DROP")
    with cursor.copy("COPY lit (id, v) FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)
    cursor.execute(
        f"UPDATE search_searchentry e SET {column} = lit.v::tsvector FROM lit WHERE e.id = lit.id"
    )
    cursor.execute("DROP TABLE lit")
    return tokenise_s, time.perf_counter() - started


def build(analyzer: str) -> dict:
    from django.db import connection, transaction

    kinds = ("document", "task", "catalogue")
    tokenise_s = write_s = 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        if analyzer == "bigram":
            from search.analyzer import tsvector_literal

            for kind in kinds:
                cursor.execute(f"DROP INDEX IF EXISTS search_tsv_{kind}_gin")
            cursor.execute("UPDATE search_searchentry SET tsv = NULL")
            tokenise_s, write_s = _write_column(cursor, "tsv", tsvector_literal)
            column, opclass = "tsv", ""
        elif analyzer == "jieba":
            import jieba

            jieba.initialize()
            cursor.execute("ALTER TABLE search_searchentry ADD COLUMN tsv_jieba tsvector")
            tokenise_s, write_s = _write_column(cursor, "tsv_jieba", jieba_literal)
            column, opclass = "tsv_jieba", ""
        else:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            column, opclass = "text", " gin_trgm_ops"
    # (a separate transaction: CREATE INDEX refuses to run after the UPDATE's FK triggers)
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        names = []
        for kind in kinds:
            name = f"search_{analyzer}_{kind}_gin"
            cursor.execute(
                f"CREATE INDEX {name} ON search_searchentry USING gin ({column}{opclass}) "
                f"WHERE kind = '{kind}'"
            )
            names.append(name)
        index_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE search_searchentry")
        cursor.execute("SELECT sum(pg_relation_size(c)) FROM unnest(%s::regclass[]) c", [names])
        index_bytes = cursor.fetchone()[0]
        column_bytes = 0
        if column != "text":
            cursor.execute(
                f"SELECT coalesce(sum(pg_column_size({column})), 0) FROM search_searchentry"
            )
            column_bytes = cursor.fetchone()[0]
    return {
        "tokenise_s": tokenise_s,
        "write_s": write_s,
        "index_s": index_s,
        "build_s": tokenise_s + write_s + index_s,
        "index_mb": index_bytes / 2**20,
        "column_mb": column_bytes / 2**20,
    }


def truth(queries) -> dict[str, dict[str, set[int]]]:
    """For each query and kind, the rows whose folded text holds every term (a full scan)."""
    from search.analyzer import fold
    from search.models import SearchEntry

    out = {q.text: {"document": set(), "task": set(), "catalogue": set()} for q in queries}
    for pk, kind, text in SearchEntry.objects.values_list("id", "kind", "text").iterator(5000):
        folded = fold(text)
        for q in queries:
            if all(t in folded for t in q.terms):
                out[q.text][kind].add(pk)
    return out


def measure(analyzer: str, queries, expected, repeat: int) -> dict:
    from django.db import reset_queries

    from documents.selectors import load_search_objects
    from search import query as search

    def result_page(q):
        """What the result page runs: the search, then the objects it shows."""
        return load_search_objects(search.search(q))

    with mock.patch.object(search, "match_rows", _match_rows_for(analyzer)):
        recall = {}
        for q in queries:
            found = total = 0
            for kind in ("document", "task", "catalogue"):
                want = expected[q.text][kind]
                got = set(search.matching(q, kind).values_list("id", flat=True))
                found += len(got & want)
                total += len(want)
                if got - want:
                    raise AssertionError(f"{analyzer}: {q.text!r} found rows that do not match")
            recall[q.text] = found / total if total else 1.0
        for q in queries:  # warm up
            result_page(q)
        times = []
        per_query = {}
        for q in queries:
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                result_page(q)
                samples.append((time.perf_counter() - started) * 1000)
                reset_queries()
            per_query[q.text] = statistics.median(samples)
            times.extend(samples)
    times.sort()
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
        "max_ms": times[-1],
        "median_ms_by_query": per_query,
        "recall": recall,
        "mean_recall": statistics.mean(recall.values()),
        "min_recall": min(recall.values()),
    }


def page_latency(queries, repeat: int) -> dict:
    """The whole /search/ page through the test client (bigram, the production path)."""
    from django.conf import settings
    from django.test import Client, override_settings

    # No collectstatic here: plain static storage instead of the production manifest.
    storages = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    with override_settings(STORAGES=storages):
        return _page_latency(Client(HTTP_HOST="localhost"), queries, repeat)


def _page_latency(client, queries, repeat: int) -> dict:
    times = []
    for q in queries:
        client.get("/search/", {"q": q.text})
    for _ in range(repeat):
        for q in queries:
            started = time.perf_counter()
            response = client.get("/search/", {"q": q.text})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
    times.sort()
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(len(times) * 0.95)]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--analyzers",
        default="bigram,trgm,jieba",
        help="which to build and measure (bigram always first: it is the production path)",
    )
    parser.add_argument(
        "--reuse",
        metavar="DATABASE",
        help="measure again on the corpus left by an earlier run (kept afterwards)",
    )
    args = parser.parse_args()

    import psycopg

    base = args.database_url.rpartition("/")[0]
    name = args.reuse or f"bench_search_{uuid.uuid4().hex[:8]}"
    if not args.reuse:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        DATABASE_URL=f"{base}/{name}",
        DEBUG="0",
        SECRET_KEY="bench-only-" + "s" * 50,
        ALLOWED_HOSTS="localhost",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benxi_gazette.settings")
    try:
        import logging

        import django

        django.setup()
        logging.getLogger("jieba").setLevel(logging.WARNING)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        analyzers = tuple(a for a in args.analyzers.split(",") if a)
        result = run(args.documents, args.tasks, args.repeat, analyzers, reuse=bool(args.reuse))
        from django.db import connections

        connections.close_all()
    finally:
        if not args.reuse:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps(result, ensure_ascii=False, default=float))
    return 0


def corpus_figures() -> dict:
    from django.db import connection
    from django.db.models import Count

    from documents.models import Document, GazetteIssue
    from search.models import SearchEntry
    from tasks.models import Task

    out = {
        "issues": GazetteIssue.objects.count(),
        "documents": Document.objects.count(),
        "tasks": Task.objects.count(),
        "rows": SearchEntry.objects.count(),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(length(text)), 0) FROM search_searchentry")
        out["chars"] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_total_relation_size('search_searchentry')")
        out["table_mb"] = cursor.fetchone()[0] / 2**20
    out["rows_by_kind"] = dict(
        SearchEntry.objects.order_by().values_list("kind").annotate(n=Count("id"))
    )
    return out


def existing_bigram() -> dict:
    """The bigram index an earlier run built: sizes, and the tokenising rate on a sample."""
    from django.db import connection

    from search.analyzer import tsvector_literal
    from search.models import SearchEntry

    texts = list(SearchEntry.objects.order_by("?").values_list("text", flat=True)[:20000])
    started = time.perf_counter()
    for text in texts:
        tsvector_literal(text)
    rate = sum(map(len, texts)) / (time.perf_counter() - started)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_relation_size(indexrelid)) FROM pg_index i JOIN pg_class c "
            "ON c.oid = i.indexrelid WHERE c.relname LIKE 'search_bigram_%'"
        )
        index_bytes = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(sum(pg_column_size(tsv)), 0) FROM search_searchentry")
        column_bytes = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(sum(length(text)), 0) FROM search_searchentry")
        chars = cursor.fetchone()[0]
    return {
        "tokenise_s": chars / rate,
        "write_s": None,
        "index_s": None,
        "build_s": None,
        "index_mb": index_bytes / 2**20,
        "column_mb": column_bytes / 2**20,
    }


def run(
    n_documents: int,
    n_tasks: int,
    repeat: int,
    analyzers_wanted: tuple[str, ...] = ("bigram", "trgm", "jieba"),
    reuse: bool = False,
) -> dict:
    if reuse:
        return rerun(repeat, analyzers_wanted)
    from django.db import connection
    from django.db.models import Count

    from search import index
    from search.analyzer import parse_query
    from search.models import SearchEntry

    corpus = build_corpus(n_documents, n_tasks)
    started = time.perf_counter()
    # The index rows without their tsvector: build("bigram") below tokenises and times it.
    with mock.patch.object(index, "tsvector_literal", lambda text: None):
        rows = index.rebuild()
    corpus["rows_s"] = time.perf_counter() - started
    corpus["rows"] = rows
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(length(text)), 0) FROM search_searchentry")
        corpus["chars"] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_total_relation_size('search_searchentry')")
        corpus["table_mb"] = cursor.fetchone()[0] / 2**20
    corpus["rows_by_kind"] = dict(
        SearchEntry.objects.order_by().values_list("kind").annotate(n=Count("id"))
    )
    queries = [parse_query(q) for q in QUERIES]
    expected = truth(queries)
    analyzers = {}
    page = {}
    for analyzer in analyzers_wanted:
        analyzers[analyzer] = build(analyzer) | measure(analyzer, queries, expected, repeat)
        if analyzer == "bigram":  # the production path, before the others touch the table
            page = page_latency(queries, max(2, repeat // 3))
    return {
        "corpus": corpus,
        "queries": QUERIES,
        "truth_rows": {q.text: sum(map(len, expected[q.text].values())) for q in queries},
        "analyzers": analyzers,
        "page": page,
    }


def rerun(repeat: int, analyzers_wanted: tuple[str, ...] = ("bigram", "trgm", "jieba")) -> dict:
    """Measure again on a kept corpus; print the figures after each stage (last line wins)."""
    from django.db import connection

    from search.analyzer import parse_query

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_class WHERE relname = 'search_trgm_task_gin'")
        has_trgm = cursor.fetchone() is not None
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'search_searchentry' "
            "AND column_name = 'tsv_jieba'"
        )
        has_jieba = cursor.fetchone() is not None
    queries = [parse_query(q) for q in QUERIES]
    expected = truth(queries)
    out = {
        "corpus": corpus_figures(),
        "queries": QUERIES,
        "truth_rows": {q.text: sum(map(len, expected[q.text].values())) for q in queries},
        "analyzers": {},
        "page": {},
        "reused": True,
    }
    out["analyzers"]["bigram"] = existing_bigram() | measure("bigram", queries, expected, repeat)
    out["page"] = page_latency(queries, max(2, repeat // 3))
    print(json.dumps(out, ensure_ascii=False, default=float), flush=True)
    for analyzer, present in (("trgm", has_trgm), ("jieba", has_jieba)):
        if analyzer not in analyzers_wanted:
            continue
        built = {} if present else build(analyzer)
        out["analyzers"][analyzer] = built | measure(analyzer, queries, expected, repeat)
        print(json.dumps(out, ensure_ascii=False, default=float), flush=True)
    return out


if __name__ == "__main__":
    sys.exit(main())

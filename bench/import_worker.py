"""Times the importer against one database, in a process of its own.

    python -m bench.import_worker --database-url URL --issues N

Prints one JSON line: seed import time (best of a few, on an emptied database) and throughput
over N renumbered issues. A fresh database is made: a new SQLite file, or a new PostgreSQL
database that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import uuid


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--issues", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    url = args.database_url
    drop = None
    if url.startswith("postgres"):
        import psycopg

        base, _, _name = url.rpartition("/")
        name = f"bench_import_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{base}/{name}"
        drop = (base, name)
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.update(
        DATABASE_URL=url, DEBUG="0", SECRET_KEY="bench-only-" + "x" * 50, ALLOWED_HOSTS="localhost"
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benxi_gazette.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        result = run(args.issues, args.repeat)
        from django.db import connections

        connections.close_all()
    finally:
        if drop:
            import psycopg

            with psycopg.connect(f"{drop[0]}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{drop[1]}" WITH (FORCE)')
    print(json.dumps(result))
    return 0


def run(issues: int, repeat: int) -> dict:
    from bench.corpus import CorpusGenerator
    from bench.gazettes import seed_text
    from documents.models import GazetteIssue
    from documents.services import import_issue

    text = seed_text()
    best = float("inf")
    for _ in range(repeat):
        GazetteIssue.objects.all().delete()
        start = time.perf_counter()
        import_issue(text)
        best = min(best, time.perf_counter() - start)
    GazetteIssue.objects.all().delete()
    # the archive: generated issues, imported one after another through the real importer
    gen = CorpusGenerator(seed=20)
    rss_start = rss_mb()
    rss_quarter = None
    start = time.perf_counter()
    docs = tasks = 0
    for i in range(issues):
        report = import_issue(gen.issue(i).text)
        docs += len(report.documents_added)
        tasks += report.tasks_added
        if i == max(0, issues // 4 - 1):
            rss_quarter = rss_mb()
    elapsed = time.perf_counter() - start
    rss_end = rss_mb()
    return {
        "seed_ms": best * 1000,
        "issues": issues,
        "documents": docs,
        "tasks": tasks,
        "seconds": elapsed,
        "docs_per_s": docs / elapsed,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_start_mb": rss_start,
        "rss_quarter_mb": rss_quarter or rss_end,
        "rss_end_mb": rss_end,
    }


def rss_mb() -> float:
    """Current resident memory of this process (not the peak)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    sys.exit(main())

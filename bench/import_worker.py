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
    from bench.gazettes import renumbered, seed_text
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
    texts = [renumbered(text, i) for i in range(issues)]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    docs = 0
    for t in texts:
        docs += len(import_issue(t).documents_added)
    elapsed = time.perf_counter() - start
    return {
        "seed_ms": best * 1000,
        "issues": issues,
        "documents": docs,
        "seconds": elapsed,
        "docs_per_s": docs / elapsed,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024,
    }


if __name__ == "__main__":
    sys.exit(main())

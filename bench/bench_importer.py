"""Importer figures: parse time of the seed, import time into SQLite and PostgreSQL, throughput."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

from bench.gazettes import seed_text
from bench.registry import Measurement, benchmark, best_time

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"


@benchmark("parse_seed_ms", "ms", target=50, label="Parse the seed issue (pure parser)")
def parse_seed(quick: bool) -> Measurement:
    from documents.parser import parse_text
    from documents.parser.text import normalize, split_lines

    text = seed_text()
    repeat = 5 if quick else 30
    value = best_time(lambda: parse_text(text), repeat) * 1000
    floor = best_time(lambda: split_lines(normalize(text)), repeat) * 1000
    return Measurement(value, floor=floor, note="floor: reading the text into numbered lines")


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return url
    try:
        import psycopg

        with psycopg.connect(DEFAULT_PG.replace("postgres://", "postgresql://"), connect_timeout=2):
            return DEFAULT_PG
    except Exception:
        return None


@cache
def _worker(backend: str, quick: bool) -> dict | None:
    url = "sqlite://" if backend == "sqlite" else _postgres_url()
    if url is None:
        return None
    issues = 3 if quick else (240 if backend == "postgres" else 24)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.import_worker",
            "--database-url",
            url,
            "--issues",
            str(issues),
            "--repeat",
            "2" if quick else "5",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _seed(backend: str, quick: bool) -> Measurement:
    got = _worker(backend, quick)
    if got is None:
        raise RuntimeError(f"{backend} is not reachable")
    return Measurement(got["seed_ms"], note="empty database, best of several")


@benchmark("import_seed_sqlite_ms", "ms", target=500, label="Import the seed issue into SQLite")
def import_seed_sqlite(quick: bool) -> Measurement:
    return _seed("sqlite", quick)


@benchmark(
    "import_seed_postgres_ms", "ms", target=500, label="Import the seed issue into PostgreSQL"
)
def import_seed_postgres(quick: bool) -> Measurement:
    return _seed("postgres", quick)


def _throughput(backend: str):
    def measure(quick: bool) -> Measurement:
        got = _worker(backend, quick)
        if got is None:
            raise RuntimeError(f"{backend} is not reachable")
        note = f"generated archive: {got['issues']} issues, {got['documents']} documents, "
        note += f"{got['tasks']} tasks"
        note += f" in {got['seconds']:.0f} s; peak RSS {got['max_rss_mb']:.0f} MB"
        return Measurement(got["docs_per_s"], note=note)

    return measure


for _backend, _name in (("postgres", "PostgreSQL"), ("sqlite", "SQLite")):
    benchmark(
        f"import_throughput_{_backend}_docs_per_s",
        "docs/s",
        better="higher",
        label=f"Import throughput on the generated archive ({_name})",
    )(_throughput(_backend))


@benchmark(
    "import_archive_postgres_s",
    "s",
    target=600,
    label="Import of the generated archive into PostgreSQL",
)
def import_archive(quick: bool) -> Measurement:
    got = _worker("postgres", quick)
    if got is None:
        raise RuntimeError("postgres is not reachable")
    return Measurement(
        got["seconds"],
        note=f"{got['issues']} issues, {got['documents']} documents, {got['tasks']} tasks",
    )


@benchmark(
    "import_archive_rss_growth_mb",
    "MB",
    label="Memory growth of the archive import, from the first quarter to the end",
)
def import_archive_memory(quick: bool) -> Measurement:
    got = _worker("postgres", quick)
    if got is None:
        raise RuntimeError("postgres is not reachable")
    growth = got["rss_end_mb"] - got["rss_quarter_mb"]
    return Measurement(
        growth,
        note=f"RSS {got['rss_start_mb']:.0f} MB at start, "
        f"{got['rss_quarter_mb']:.0f} MB after a quarter, "
        f"{got['rss_end_mb']:.0f} MB at the end; peak {got['max_rss_mb']:.0f} MB",
    )

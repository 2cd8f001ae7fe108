"""Background-job figures: the reminder sweep over 100,000 open tasks, the seed issue's PDF.

The sweep runs in a subprocess against a database of its own (bench/jobs_worker.py), filled
with generated tasks by bulk_create; quick runs (CI) use 10,000 tasks. Its query count is
measured at two sizes to show that it does not grow with the number of tasks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

from bench.bench_importer import _postgres_url
from bench.registry import Measurement, benchmark, best_time

ROOT = Path(__file__).resolve().parents[1]


def _sizes(quick: bool) -> tuple[int, int]:
    return (1_000, 10_000) if quick else (10_000, 100_000)


@cache
def _sweeps(backend: str, quick: bool) -> dict:
    url = "sqlite://" if backend == "sqlite" else _postgres_url()
    if url is None:
        raise RuntimeError(f"{backend} is not reachable")
    small, large = _sizes(quick)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.jobs_worker",
            "--database-url",
            url,
            "--tasks",
            f"{small},{large}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _first_sweep(backend: str):
    def measure(quick: bool) -> Measurement:
        got = _sweeps(backend, quick)
        small, large = (got[str(n)] for n in _sizes(quick))
        run = large["first"]
        note = (
            f"{large['tasks']:,} open tasks, {large['assignments']:,} assignments: "
            f"{run['sent']:,} reminders due (a month of overdue ones included), "
            f"{run['notifications']:,} inbox entries, {run['emails']} emails; "
            f"{run['queries']} queries ({small['first']['queries']} at {small['tasks']:,} "
            f"tasks); dummy mail backend"
        )
        return Measurement(run["seconds"], note=note)

    return measure


for _backend, _name in (("postgres", "PostgreSQL"), ("sqlite", "SQLite")):
    benchmark(
        f"reminder_sweep_100k_{_backend}_s",
        "s",
        target=10,
        label=f"Reminder sweep over 100,000 open tasks, first of the day ({_name})",
    )(_first_sweep(_backend))


@benchmark(
    "reminder_sweep_100k_next_day_s",
    "s",
    target=10,
    label="Reminder sweep over 100,000 open tasks, the following day (PostgreSQL)",
)
def next_day_sweep(quick: bool) -> Measurement:
    got = _sweeps("postgres", quick)
    run = got[str(_sizes(quick)[1])]["next_day"]
    rerun = got[str(_sizes(quick)[1])]["rerun"]
    note = (
        f"{run['sent']:,} new reminders, {run['already_sent']:,} already sent, "
        f"{run['queries']} queries; the same day again: {rerun['seconds']:.2f} s, "
        f"{rerun['queries']} queries, nothing sent"
    )
    return Measurement(run["seconds"], note=note)


@benchmark(
    "reminder_sweep_queries",
    "queries",
    label="Queries of the sweep at 100,000 tasks (floor: at 10,000 tasks; PostgreSQL)",
)
def sweep_queries(quick: bool) -> Measurement:
    got = _sweeps("postgres", quick)
    small, large = (got[str(n)] for n in _sizes(quick))
    return Measurement(
        large["first"]["queries"],
        floor=small["first"]["queries"],
        note="one INSERT … SELECT per kind of subject, COPY for the inbox, one UPDATE per "
        "email sent: they grow with recipients, not tasks",
    )


@benchmark(
    "pdf_render_seed_s", "s", label="Render the seed issue as PDF (WeasyPrint)", needs_db=True
)
def pdf_render_seed(quick: bool) -> Measurement:
    from bench.gazettes import seed_text
    from documents.models import GazetteIssue
    from documents.pdf import render_issue_pdf
    from documents.services import import_issue

    import_issue(seed_text())
    issue = GazetteIssue.objects.get(year=2018, number=6)
    value = best_time(lambda: render_issue_pdf(issue), 1 if quick else 3)
    GazetteIssue.objects.all().delete()
    return Measurement(value, note="6 documents, 43 pages, 4 embedded CJK font subsets")

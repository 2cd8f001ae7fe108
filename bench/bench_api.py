"""API latency under gunicorn on PostgreSQL with many tasks, beside a constant-JSON view."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

from bench.bench_importer import _postgres_url
from bench.registry import Measurement, benchmark

ROOT = Path(__file__).resolve().parents[1]


@cache
def _run(quick: bool) -> dict:
    url = _postgres_url()
    if url is None:
        raise RuntimeError("PostgreSQL is not reachable")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.api_worker",
            "--database-url",
            url,
            "--tasks",
            "2000" if quick else "100000",
            "--requests",
            "60" if quick else "400",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _latency(name: str, stat: str):
    def measure(quick: bool) -> Measurement:
        got = _run(quick)
        return Measurement(
            got[name][stat],
            floor=got["floor"][stat],
            note=f"{got['tasks']:,} tasks; {got[name]['queries']} queries/request; "
            f"{got[name]['rps']:.0f} req/s "
            f"(floor {got['floor']['rps']:.0f} req/s)",
        )

    return measure


# Never cached: every figure is the plain path (the per-user read cache is gone). Targets of
# the issue "One home for each rule" (p50 at 100,000 tasks, PostgreSQL, gunicorn).
ENDPOINTS = (
    ("tasks_overdue", "GET /api/tasks/?department=…&overdue=true (supervisor)", 8.0),
    ("tasks_staff", "GET /api/tasks/?overdue=true (department staff)", None),
    ("document", "GET /api/documents/{id}/", 8.0),
    ("catalogue", "GET /api/catalogue/", 4.0),
    ("staff_page", "GET /work/tasks/ (department staff, session)", 15.0),
    ("progress_post", "POST /api/tasks/{id}/progress/ (no attachment)", 25.0),
)

for _name, _label, _target in ENDPOINTS:
    for _stat in ("p50_ms", "p95_ms"):
        benchmark(
            f"api_{_name}_{_stat}",
            "ms",
            target=_target if _stat == "p50_ms" else None,
            label=f"{_label}, {_stat[:3]} (floor: constant JSON view, same server)",
        )(_latency(_name, _stat))


def _queries(name: str):
    def measure(quick: bool) -> Measurement:
        return Measurement(_run(quick)[name]["queries"])

    return measure


for _name, _label, _target in ENDPOINTS:
    if _name.startswith(("tasks", "document", "catalogue")):
        benchmark(
            f"api_{_name}_queries",
            "queries",
            target=4,
            label=f"{_label}: queries per request (any page size)",
        )(_queries(_name))


@benchmark(
    "api_web_worker_rss_mb", "MB", label="Peak RSS of a gunicorn web worker after the API run"
)
def web_worker_rss(quick: bool) -> Measurement:
    return Measurement(_run(quick)["worker_rss_mb"])

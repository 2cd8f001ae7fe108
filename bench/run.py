"""Run the registered benchmarks and write bench/results.json and BENCHMARKS.md.

    python -m bench.run            full run: bench/results.json + BENCHMARKS.md
    python -m bench.run --quick    short run for CI: bench/results-quick.json, table on stdout
    python -m bench.run --only KEY run one figure (repeatable)
    python -m bench.run --table-only  rewrite BENCHMARKS.md from bench/results.json

Exits non-zero only when a benchmark crashes; a figure that misses its target is reported,
not failed, since timings on a shared machine are noisy.
"""

import argparse
import importlib
import json
import os
import pkgutil
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.registry import REGISTRY, Benchmark, Measurement

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def discover() -> list[str]:
    """Import every bench/bench_*.py module so that its @benchmark functions register."""
    names = sorted(
        info.name
        for info in pkgutil.iter_modules([str(BENCH_DIR)])
        if info.name.startswith("bench_")
    )
    for name in names:
        importlib.import_module(f"bench.{name}")
    return names


def setup_django() -> None:
    # Benchmarks run like tests: production code paths (DEBUG off), no real mail, and a
    # throw-away database for those that need one. The key only signs nothing here.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benxi_gazette.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()


def run_one(bench: Benchmark, quick: bool) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        raw = bench.fn(quick)
    except Exception:
        return {
            "label": bench.label,
            "unit": bench.unit,
            "error": traceback.format_exc(),
            "seconds": round(time.perf_counter() - started, 3),
        }
    measurement = raw if isinstance(raw, Measurement) else Measurement(float(raw))
    floor = measurement.floor if measurement.floor is not None else bench.floor
    value = float(measurement.value)
    meets = None
    if bench.target is not None:
        meets = value <= bench.target if bench.better == "lower" else value >= bench.target
    ratio = (value / floor) if floor else None
    if bench.target_ratio is not None and ratio is not None:
        meets = ratio <= bench.target_ratio
    return {
        "label": bench.label,
        "value": value,
        "unit": bench.unit,
        "target": bench.target,
        "target_ratio": bench.target_ratio,
        "better": bench.better,
        "floor": floor,
        "ratio": ratio,
        "meets_target": meets,
        "note": measurement.note,
        "seconds": round(time.perf_counter() - started, 3),
    }


def fmt_number(value: float | None) -> str:
    if value is None:
        return "—"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def markdown_table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| figure | value | unit | target | floor/peer | ratio |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for key, row in results.items():
        figure = f"{row['label']} (`{key}`)" if row["label"] != key else f"`{key}`"
        if "error" in row:
            lines.append(f"| {figure} | crashed | {row['unit']} | — | — | — |")
            continue
        target = "—"
        if row["target"] is not None:
            sign = "≤" if row["better"] == "lower" else "≥"
            mark = "✓" if row["meets_target"] else "✗"
            target = f"{sign} {fmt_number(row['target'])} {mark}"
        if row.get("target_ratio") is not None:
            mark = "✓" if row["meets_target"] else "✗"
            target = f"≤ {fmt_number(row['target_ratio'])}× floor {mark}"
        ratio = f"{row['ratio']:.2f}×" if row["ratio"] is not None else "—"
        lines.append(
            f"| {figure} | {fmt_number(row['value'])} | {row['unit']} | {target} | "
            f"{fmt_number(row['floor'])} | {ratio} |"
        )
    return "\n".join(lines) + "\n"


def environment_info() -> dict[str, Any]:
    import django
    from django.db import connection

    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": connection.vendor,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
    }


def write_markdown(path: Path, results: dict[str, dict[str, Any]], info: dict[str, Any]) -> None:
    text = (
        "# Benchmarks\n\n"
        "Written by `make bench` (`python -m bench.run`); do not edit by hand (the findings at "
        "the end come from bench/FINDINGS.md).\n\n"
        f"Run {info['generated_at']} on {info['machine']}, Python {info['python']}, "
        f"Django {info['django']}; the runner's own database {info['database']} (the "
        "PostgreSQL figures use throw-away databases of their own).\n\n"
        "*target*: the value aimed for (✓ met, ✗ missed). *floor/peer*: a lower bound or "
        "another implementation's figure for the same work; *ratio* = value ÷ floor/peer.\n\n"
    )
    text += markdown_table(results) if results else "No benchmarks registered yet.\n"
    notes = [(key, row["note"]) for key, row in results.items() if row.get("note")]
    if notes:
        text += "\n## What each figure measured\n\n"
        text += "".join(f"- `{key}`: {note}\n" for key, note in notes)
    findings = BENCH_DIR / "FINDINGS.md"
    if findings.exists():  # written by hand: what the figures showed and what was done
        text += "\n" + findings.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")


def _previous_results() -> dict[str, dict[str, Any]]:
    try:
        return json.loads((BENCH_DIR / "results.json").read_text(encoding="utf-8"))["results"]
    except (OSError, ValueError, KeyError):
        return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs (CI smoke test)")
    parser.add_argument("--only", action="append", metavar="KEY", help="run only this figure")
    parser.add_argument(
        "--table-only",
        action="store_true",
        help="rewrite BENCHMARKS.md from bench/results.json (after editing bench/FINDINGS.md)",
    )
    args = parser.parse_args(argv)
    if args.table_only:
        stored = json.loads((BENCH_DIR / "results.json").read_text(encoding="utf-8"))
        write_markdown(ROOT / "BENCHMARKS.md", stored["results"], stored)
        return 0

    setup_django()
    modules = discover()
    selected = [b for k, b in REGISTRY.items() if not args.only or k in args.only]
    if args.only and (unknown := set(args.only) - REGISTRY.keys()):
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    print(f"bench: {len(selected)} benchmark(s) from {len(modules)} module(s)", flush=True)

    old_db_config = None
    if any(b.needs_db for b in selected):
        from django.db import connection
        from django.test.utils import setup_databases

        if connection.vendor != "sqlite":
            # Never collide with a concurrent pytest run's test database.
            test = connection.settings_dict.setdefault("TEST", {})
            test["NAME"] = f"bench_{connection.settings_dict['NAME']}"
        old_db_config = setup_databases(verbosity=0, interactive=False)

    results: dict[str, dict[str, Any]] = {}
    try:
        for bench in selected:
            row = run_one(bench, args.quick)
            results[bench.key] = row
            if "error" in row:
                print(f"bench: {bench.key} CRASHED\n{row['error']}", file=sys.stderr, flush=True)
            else:
                print(
                    f"bench: {bench.key} = {fmt_number(row['value'])} {bench.unit} "
                    f"({row['seconds']:.1f}s)",
                    flush=True,
                )
    finally:
        if old_db_config is not None:
            from django.test.utils import teardown_databases

            teardown_databases(old_db_config, verbosity=0)

    info = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        **environment_info(),
    }
    payload = json.dumps({**info, "results": results}, ensure_ascii=False, indent=2) + "\n"
    if args.quick:
        # A quick run never overwrites the committed full figures.
        (BENCH_DIR / "results-quick.json").write_text(payload, encoding="utf-8")
        print(markdown_table(results) if results else "bench: no benchmarks registered yet")
    else:
        if args.only:
            # One figure measured again (after a fix): the others keep their last full run.
            kept = _previous_results()
            results = {**{k: v for k, v in kept.items() if k in REGISTRY}, **results}
            info["partial_rerun"] = sorted(args.only)
            payload = json.dumps({**info, "results": results}, ensure_ascii=False, indent=2)
            payload += "\n"
        (BENCH_DIR / "results.json").write_text(payload, encoding="utf-8")
        write_markdown(ROOT / "BENCHMARKS.md", results, info)
        print(f"bench: wrote {BENCH_DIR / 'results.json'} and {ROOT / 'BENCHMARKS.md'}")

    crashed = [key for key, row in results.items() if "error" in row]
    if crashed:
        print(f"bench: {len(crashed)} benchmark(s) crashed: {', '.join(crashed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

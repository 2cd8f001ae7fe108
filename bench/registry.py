"""Registry of benchmark functions, filled by the @benchmark decorator.

A benchmark is a function ``fn(quick: bool) -> float | Measurement`` that measures one figure
and returns its value in ``unit``; with ``quick`` it should do a short run (CI smoke test).
Return a Measurement to also report a floor or peer measured in the same run, e.g. the time
of a plain ``str.splitlines`` over the text a parser benchmark parses::

    from bench.registry import Measurement, benchmark, best_time

    @benchmark("parse_seed_ms", "ms", target=50, label="Parse the seed gazette")
    def parse_seed(quick: bool) -> Measurement:
        text = ...
        repeat = 3 if quick else 20
        value = best_time(lambda: parse(text), repeat) * 1000
        floor = best_time(lambda: text.splitlines(), repeat) * 1000
        return Measurement(value, floor=floor)

``target`` is the value the project aims for; ``better`` says which direction is better
("lower" for times, "higher" for throughput). ``floor`` is a lower bound or a peer's figure
(another implementation's, measured or quoted) that the value is compared with in the ratio
column; ``target_ratio`` is a target on that ratio instead of on the value (the API's p50
within 2x its floor). ``needs_db=True`` makes the runner create a throw-away test database first.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal


@dataclass
class Measurement:
    value: float
    floor: float | None = None
    note: str = ""


@dataclass
class Benchmark:
    key: str
    unit: str
    fn: Callable[[bool], "float | Measurement"]
    target: float | None = None
    floor: float | None = None
    better: Literal["lower", "higher"] = "lower"
    label: str = ""
    needs_db: bool = False
    target_ratio: float | None = None


REGISTRY: dict[str, Benchmark] = {}


def benchmark(
    key: str,
    unit: str,
    target: float | None = None,
    *,
    floor: float | None = None,
    better: Literal["lower", "higher"] = "lower",
    label: str | None = None,
    needs_db: bool = False,
    target_ratio: float | None = None,
) -> Callable:
    """Register ``fn`` as the benchmark that measures figure ``key`` in ``unit``."""

    def register(fn: Callable) -> Callable:
        if key in REGISTRY:
            raise ValueError(f"benchmark key {key!r} registered twice")
        doc_label = (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""
        REGISTRY[key] = Benchmark(
            key=key,
            unit=unit,
            fn=fn,
            target=target,
            floor=floor,
            better=better,
            label=label or doc_label or key,
            needs_db=needs_db,
            target_ratio=target_ratio,
        )
        return fn

    return register


def best_time(fn: Callable[[], object], repeat: int = 5, number: int = 1) -> float:
    """Best wall-clock seconds per call of ``fn`` over ``repeat`` rounds of ``number`` calls."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best

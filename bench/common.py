"""The interface every benchmark module of ``python -m bench.run`` follows.

A benchmark module (``bench/bench_<name>.py``) exposes::

    TITLE = "Pages: queues, lists, dossier"          # optional, shown in the table
    def run(ctx: BenchContext) -> list[BenchResult]: ...

``bench.run`` connects Django to the generated database of the chosen scale,
builds one :class:`BenchContext` and calls every registered module's ``run``.
The database holds the province of ``bench.generate`` (code ``GEN``); a
benchmark that writes must leave it as it found it: wrap the writes in
``ctx.rolled_back()`` (or pass ``rollback=True`` to ``ctx.measure``).

``ctx.measure(fn)`` is the common stopwatch: ``warmup`` unmeasured calls, then
``repeat`` timed calls (each counts its queries through a cheap
``execute_wrapper``), then one more call under ``tracemalloc`` for the peak
Python memory (tracemalloc slows Python down, so it never overlaps a timed
call). It returns a :class:`Timing`; a :class:`BenchResult` holds the timing,
an optional baseline timing measured in the same run, and the targets.

Nothing here asserts a timing; the runner reports, the reader judges.
"""

from __future__ import annotations

import contextlib
import math
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO


def percentile(samples: list[float], share: float) -> float:
    """Linear interpolation between closest ranks (numpy's default); fine for small samples."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    if len(ordered) == 1:
        return ordered[0]
    position = share * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Timing:
    """Wall times of repeated calls (ms), the queries each timed call ran, and the peak Python memory of one call."""

    samples_ms: list[float]
    queries: list[int] = field(default_factory=list)
    peak_mib: float | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms) if self.samples_ms else math.nan

    @property
    def p95_ms(self) -> float:
        return percentile(self.samples_ms, 0.95)

    @property
    def query_count(self) -> int | None:
        """The queries of one call (the largest, if the calls differed)."""
        return max(self.queries) if self.queries else None

    @property
    def queries_constant(self) -> bool:
        return len(set(self.queries)) <= 1

    def as_dict(self) -> dict:
        return {
            "runs": len(self.samples_ms),
            "median_ms": round(self.median_ms, 3) if self.samples_ms else None,
            "p95_ms": round(self.p95_ms, 3) if self.samples_ms else None,
            "min_ms": round(min(self.samples_ms), 3) if self.samples_ms else None,
            "max_ms": round(max(self.samples_ms), 3) if self.samples_ms else None,
            "queries": self.query_count,
            "queries_constant": self.queries_constant,
            "peak_mib": self.peak_mib,
            "samples_ms": [round(s, 3) for s in self.samples_ms],
        }


@dataclass
class Target:
    """One target of the performance issue, e.g. ``Target("p95 < 100 ms", met=p95 < 100)``."""

    description: str
    met: bool

    def as_dict(self) -> dict:
        return {"target": self.description, "met": bool(self.met)}


@dataclass
class BenchResult:
    """One measured thing: its timing, the baseline measured in the same run (if it has one), its targets."""

    name: str  # stable identifier, e.g. "pages.ha_queue"
    title: str  # one line for the table
    timing: Timing
    baseline: Timing | None = None
    baseline_title: str = ""
    targets: list[Target] = field(default_factory=list)
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """p95 over the baseline's p95."""
        if self.baseline is None or not self.baseline.samples_ms or not self.baseline.p95_ms:
            return None
        return self.timing.p95_ms / self.baseline.p95_ms

    @property
    def met(self) -> bool | None:
        return all(t.met for t in self.targets) if self.targets else None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            **self.timing.as_dict(),
            "baseline": ({"title": self.baseline_title, **self.baseline.as_dict()} if self.baseline else None),
            "ratio_p95": round(self.ratio, 3) if self.ratio is not None else None,
            "targets": [t.as_dict() for t in self.targets],
            "met": self.met,
            "notes": self.notes,
            "extra": self.extra,
        }


class _Rollback(Exception):
    pass


@dataclass
class BenchContext:
    """What a benchmark gets: the scale, the database, how often to repeat, and the measuring helpers."""

    scale: str  # "small" | "large" (or "tiny" in tests)
    database_url: str  # unredacted, for subprocesses (never print it: use ``database_label``)
    database_label: str  # redacted
    vendor: str  # "postgresql" | "sqlite"
    repeat: int = 20
    warmup: int = 3
    seed: int = 2026
    output_dir: str = "bench/results"
    out: TextIO = sys.stderr  # progress lines

    def log(self, message: str) -> None:
        self.out.write(f"    {message}\n")
        self.out.flush()

    @contextlib.contextmanager
    def rolled_back(self):
        """Run the block in a transaction that is always rolled back, so the generated data stays as it was."""
        from django.db import transaction

        try:
            with transaction.atomic():
                yield
                raise _Rollback
        except _Rollback:
            pass

    def measure(self, fn: Callable[..., Any], *, setup: Callable[[], Any] | None = None, repeat: int | None = None,
                warmup: int | None = None, memory: bool = True, rollback: bool = False) -> Timing:
        """Time ``fn()`` (or ``fn(setup())``: ``setup`` runs before each call, outside the stopwatch).

        With ``rollback`` each call (and its set-up) runs in a transaction rolled back afterwards.
        """
        repeat = self.repeat if repeat is None else repeat
        warmup = self.warmup if warmup is None else warmup

        def once() -> tuple[float, int]:
            holder: dict = {}

            def body():
                args = (setup(),) if setup is not None else ()
                counter = QueryCounter()
                from django.db import connection

                with connection.execute_wrapper(counter):
                    start = time.perf_counter()
                    fn(*args)
                    holder["ms"] = (time.perf_counter() - start) * 1000
                holder["queries"] = counter.count

            if rollback:
                with self.rolled_back():
                    body()
            else:
                body()
            return holder["ms"], holder["queries"]

        for _ in range(warmup):
            once()
        samples, queries = [], []
        for _ in range(repeat):
            ms, count = once()
            samples.append(ms)
            queries.append(count)
        peak = None
        if memory:
            peak = self.peak_memory(lambda: once())
        return Timing(samples_ms=samples, queries=queries, peak_mib=peak)

    @staticmethod
    def peak_memory(fn: Callable[[], Any]) -> float:
        """Peak Python allocation of one call, in MiB above what was allocated before it (tracemalloc)."""
        started_here = not tracemalloc.is_tracing()
        if started_here:
            tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            fn()
            return round((tracemalloc.get_traced_memory()[1] - before) / 2**20, 2)
        finally:
            if started_here:
                tracemalloc.stop()

    @staticmethod
    def capture(fn: Callable[[], Any]) -> tuple[Any, list[dict]]:
        """``(result, queries)`` of one call; each query is ``{"sql": ..., "time": ...}`` as Django records it."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            result = fn()
        return result, list(captured.captured_queries)


class QueryCounter:
    """``connection.execute_wrapper`` that only counts (cheaper than recording every SQL text)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def ms(value: float | None) -> str:
    """A duration for the tables: 0.42 ms, 12.3 ms, 1,234 ms."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value < 1:
        return f"{value:.2f} ms"
    if value < 100:
        return f"{value:.1f} ms"
    return f"{value:,.0f} ms"

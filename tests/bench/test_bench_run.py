"""The benchmark runner's pieces at the tiny scale, in the test database: every figure is reported, the
eligibility baseline reaches the engine's verdicts, and the table names what was missed. Timings are never
asserted (they are the benchmark's)."""

from __future__ import annotations

import io

import pytest

from bench import bench_eligibility, bench_pages
from bench.common import BenchContext, BenchResult, Target, Timing
from bench.generate import generate
from bench.run import markdown

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    generate(scale="tiny", seed=7, digest=False)
    return BenchContext(scale="tiny", database_url="sqlite://", database_label="sqlite://", vendor="sqlite",
                        repeat=2, warmup=1, out=io.StringIO())


def test_every_page_is_measured_against_its_bare_baseline(ctx):
    results = bench_pages.run(ctx)
    assert [r.name for r in results] == ["pages.ha_queue", "pages.ha_queue_api", "pages.dossier_list",
                                         "pages.dossier_list_api", "pages.dossier_detail",
                                         "pages.dossier_detail_api"]
    for result in results:
        row = result.as_dict()
        assert row["runs"] == 2 and row["queries"] > 0 and row["queries_constant"]
        assert row["baseline"]["queries"] == row["extra"]["statements"] - row["extra"]["statements_not_in_baseline"]
        assert row["ratio_p95"] is not None and row["peak_mib"] is not None
        assert [t["target"] for t in row["targets"]] == ["p95 ≤ 2× baseline", "p95 < 100 ms"]
        assert row["extra"]["response_bytes"] > 0 and row["extra"]["baseline_bytes"] > 0


def test_the_hand_written_eligibility_reaches_the_engines_verdicts(ctx):
    ctx.repeat = 1
    (result,) = bench_eligibility.bench_evaluate(ctx)
    extra = result.extra
    assert extra["nominations"] > 0 and extra["same_verdicts"] is True and extra["differing"] == []
    assert sum(extra["verdicts"].values()) == extra["nominations"]
    assert result.timing.query_count < 50
    assert set(extra["split_ms"]) == {"nominations_and_catalogue", "history", "judging"}


def test_the_table_names_the_missed_target_and_the_other_scales_queries():
    timing = Timing(samples_ms=[10.0, 12.0], queries=[8, 8], peak_mib=0.5)
    result = BenchResult("pages.x", "A page", timing, baseline=Timing([4.0, 5.0], [8, 8]),
                         targets=[Target("p95 ≤ 2× baseline", False), Target("p95 < 100 ms", True)])
    report = {"scale": "small", "command": "bin/bench", "started_at": "now", "git": {"commit": "abc", "dirty": False},
              "parameters": {"repeat": 2, "warmup": 1},
              "machine": {"database": {"vendor": "sqlite", "version": "3"}, "python": "3.11", "django": "5.2",
                          "cpu_count": 2, "cpu": "", "platform": "", "load_average": [0, 0, 0]},
              "benchmarks": [{"name": "pages", "results": [result.as_dict()]},
                             {"name": "pdf", "skipped": "module not present", "results": []}]}
    other = {"scale": "large", "benchmarks": [{"name": "pages", "results": [{"name": "pages.x", "queries": 8}]}]}
    table = markdown(report, other)
    row = next(line for line in table.splitlines() if line.startswith("| A page"))
    assert "**missed**: p95 ≤ 2× baseline" in row
    assert "| 8 | 8 |" in row  # the queries here and at the other scale
    assert "2.40×" in row
    assert "Not run (module not present): pdf." in table

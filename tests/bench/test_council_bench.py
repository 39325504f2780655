"""Smoke test of the council ballot benchmark: it runs at toy size and reports every field (never timings)."""

from __future__ import annotations

import pytest
from django.db import connection

from bench import council_ballot

pytestmark = pytest.mark.django_db


def test_the_benchmark_runs_and_reports_its_fields():
    report = council_ballot.run(items=5, members=3, profile=True)
    assert report["parameters"] == {"items": 5, "members": 3, "seed": 2026}
    environment = report["environment"]
    assert environment["database"]["vendor"] == connection.vendor and environment["database"]["version"]
    assert environment["python"] and environment["django"] and environment["cpu_count"] >= 1

    ballot = report["ballot"]
    assert len(ballot["samples_ms"]) == 3 and ballot["choices_per_ballot"] == 5
    assert ballot["min_ms"] <= ballot["median_ms"] <= ballot["p95_ms"] <= ballot["max_ms"]
    assert ballot["queries"] > 0 and ballot["queries_all_equal"] is True
    assert report["tally"]["queries"] > 0 and report["tally"]["ms"] > 0
    assert sum(report["tally"]["results"].values()) == 5 and report["tally"]["results"]["pending"] == 0
    assert report["recount"]["differences"] == 0 and report["recount"]["queries"] > 0
    assert report["confirm"]["queries"] > 0
    assert set(report["memory_mib"]) == {"ballot_peak", "tally_peak", "recount_peak", "measurement_pass_peak"}
    for name, target in (("ballot_p95_ms", 300), ("tally_ms", 1000)):
        assert report["targets"][name]["target"] == target
        assert isinstance(report["targets"][name]["met"], bool)
    assert "close_voting" in report["profile"]

    text = council_ballot.table(report)
    for label in ("one full ballot, median", "one full ballot, p95", "full tally (close_voting)", "recount",
                  "peak memory: tally"):
        assert label in text
    assert "met" in text or "MISSED" in text


def test_command_line_is_recorded_without_a_password():
    line = council_ballot.command_line(["--items", "10", "--database-url", "postgres://u:secret@db:5432/x"])
    assert line == ".venv/bin/python -m bench.council_ballot --items 10 --database-url 'postgres://u:***@db:5432/x'"
    assert "secret" not in council_ballot.command_line(["--database-url=postgres://u:secret@db/x"])


def test_percentile_interpolates():
    assert council_ballot.percentile([1.0], 0.95) == 1.0
    assert council_ballot.percentile([float(n) for n in range(1, 21)], 0.95) == pytest.approx(19.05)

"""Smoke test of benchmark 5 (bench.bench_pdf) on the tiny generated province: the product's decision PDF and
WeasyPrint alone on the same HTML are both measured and reported, the cache is left empty. No timing asserted."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from bench import bench_pdf
from bench.common import BenchContext
from bench.generate import generate
from dossiers.models import GeneratedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(tmp_path, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    generate(scale="tiny", out=io.StringIO(), digest=False)
    return BenchContext(scale="tiny", database_url="", database_label="test", vendor=connection.vendor,
                        repeat=1, warmup=0, out=io.StringIO())


def test_the_pdf_benchmark_compares_the_product_with_weasyprint_alone(ctx, tmp_path):
    decision = bench_pdf.largest_decision()
    assert decision is not None and decision.item_count > 0
    files_before = {path for path in tmp_path.rglob("*") if path.is_file()}

    product, served, cached = bench_pdf.run(ctx)

    assert product.name == "pdf.decision" and served.name == "pdf.decision_served"
    assert cached.name == "pdf.decision_cached"
    extra = product.extra
    assert extra["decision"] == decision.pk and extra["rows"] == decision.item_count
    assert extra["pages"] >= 1 and extra["pages_per_second"] > 0
    # The product's PDF is exactly what WeasyPrint makes of the same HTML.
    assert extra["same_pdf_as_baseline"] is True
    assert len(product.timing.samples_ms) == 1 and len(product.baseline.samples_ms) == 1
    assert product.timing.query_count > 0 and product.baseline.query_count == 0
    assert product.timing.peak_mib > 0 and product.baseline.peak_mib > 0
    assert product.ratio is not None and extra["ratio_median"] > 0
    assert [t.description for t in product.targets] == ["time ≤ 1.15× WeasyPrint alone (medians)"]
    assert served.timing.query_count > product.timing.query_count  # the store's rows and the progress
    assert cached.timing.samples_ms and cached.extra["speedup_over_uncached"] > 0
    assert product.as_dict()["baseline"]["title"].startswith("WeasyPrint alone")

    # Rolled back and cleaned up: no cached document, no file left behind.
    assert not GeneratedDocument.objects.exists()
    assert {path for path in tmp_path.rglob("*") if path.is_file()} == files_before
    assert default_storage.location == str(tmp_path)


def test_a_fresh_process_reports_the_rise_of_its_resident_memory(tmp_path):
    html = tmp_path / "x.html"
    html.write_text("<html><body><p>Quyết định</p></body></html>", encoding="utf-8")
    report = bench_pdf.child("baseline", 0, str(html))
    assert report["hwm_mib"] >= report["rss_before_mib"] > 0 and report["rise_mib"] >= 0

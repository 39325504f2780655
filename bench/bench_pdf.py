"""Benchmark 5: the Chairman's decision PDF with a 1,000-row annex, against WeasyPrint alone.

Target of the performance issue: the product's rendering takes **at most 1.15 times** what WeasyPrint
takes to render the same final HTML directly, in time and in memory; pages per second reported.

The decision is the generated province's award decision with the most items (1,000 at the large scale;
121 at small). Measured, each uncached:

- **product**: ``official.render_document("decision", decision)``, from the decision's primary key: the
  annex's query, the context, the template, NFC, then WeasyPrint through ``render.pdf_from_html`` with the
  document fetcher;
- **baseline**: ``weasyprint.HTML(string=html, base_url="static:", url_fetcher=DocumentURLFetcher())
  .write_pdf()`` on the final HTML the product made (``official.document_html``), the same fetcher;
- **as served** (extra): what a download of a document above ``DOCUMENT_BACKGROUND_ROWS`` does end to end:
  ``official.prepare`` (context, HTML, content hash), ``store.obtain`` (no cached file: queued), then the
  task worker's ``store.run`` (layout with progress, file saved), rolled back and the file deleted;
- **cached hit** (extra): the next download of the same decision: ``prepare`` + ``obtain`` finding the file
  + reading it.

Product and baseline alternate (ABAB...) so that load from elsewhere on the machine hits both alike.
Memory: the peak Python allocation of one call (tracemalloc, as every benchmark reports) and, because
WeasyPrint also allocates outside Python (Pango, HarfBuzz, cairo-free PDF writing in Python), the rise of
the resident set's high-water mark (``VmHWM``) in a fresh process that renders once, for each side.

Timed runs: ``min(ctx.repeat, 5)`` of each after ``min(ctx.warmup, 1)`` (a rendering takes seconds).
Run as ``python -m bench.bench_pdf --child product|baseline ...`` it is that fresh process.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import BenchContext, BenchResult, Target, Timing

TITLE = "Decision PDF with a 1,000-row annex"
MAX_REPEAT = 5
RATIO_TARGET = 1.15
BASE_DIR = Path(__file__).resolve().parent.parent


def largest_decision():
    """The generated province's award decision with the most items (signed first), or None."""
    from django.db.models import Case, Count, IntegerField, Value, When

    from bench.generate_world import PROVINCE_CODE
    from dossiers.models import Decision, DecisionKind, DecisionState

    signed_first = Case(When(state=DecisionState.SIGNED, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (Decision.objects.filter(province__code=PROVINCE_CODE, kind=DecisionKind.AWARD)
            .annotate(item_count=Count("items")).order_by("-item_count", signed_first, "pk").first())


def product(pk: int) -> bytes:
    from dossiers.documents import official
    from dossiers.models import Decision

    return official.render_document("decision", Decision.objects.get(pk=pk))


def baseline(html: str) -> bytes:
    import weasyprint

    from dossiers.documents.fetcher import STATIC_SCHEME, DocumentURLFetcher

    return weasyprint.HTML(string=html, base_url=STATIC_SCHEME,
                           url_fetcher=DocumentURLFetcher(fail_on_errors=True)).write_pdf()


def count_pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


# --------------------------------------------------------------------------- resident memory, in a fresh process


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def child(side: str, pk: int, html_file: str) -> dict:
    """In a fresh process: render once (after one warm-up rendering), the rise of VmHWM over VmRSS before."""
    html = Path(html_file).read_text(encoding="utf-8")
    call = (lambda: product(pk)) if side == "product" else (lambda: baseline(html))
    call()  # fonts and caches loaded, as in a long-running worker
    import gc

    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current resident set
    before = _status_kib("VmRSS")
    started = time.perf_counter()
    call()
    seconds = time.perf_counter() - started
    return {"rss_before_mib": round(before / 1024, 1), "hwm_mib": round(_status_kib("VmHWM") / 1024, 1),
            "rise_mib": round((_status_kib("VmHWM") - before) / 1024, 1), "seconds": round(seconds, 3)}


def resident_rise(ctx: BenchContext, side: str, pk: int, html_file: str) -> dict:
    env = {**os.environ, "DATABASE_URL": ctx.database_url, "DJANGO_SETTINGS_MODULE": "config.settings",
           "PYTHONPATH": str(BASE_DIR)}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_pdf", "--child", side, "--decision", str(pk), "--html", html_file],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"the {side} memory process failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- the store: as served, cached


def _delete_files(names: set[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


def as_served(pk: int, files: set[str]):
    """A download with nothing cached: prepare, obtain (queued above the row threshold), the worker's run."""
    from dossiers.documents import official, store
    from dossiers.models import Decision, GeneratedDocumentState

    prepared = official.prepare("decision", Decision.objects.get(pk=pk))
    document = store.obtain(prepared)
    if document.state != GeneratedDocumentState.DONE:
        document = store.run(document.pk)
    files.add(document.file.name)
    if document.state != GeneratedDocumentState.DONE:
        raise RuntimeError(f"the document was not rendered: {document.error}")
    return document


def cached_hit(pk: int) -> int:
    from dossiers.documents import official, store
    from dossiers.models import Decision, GeneratedDocumentState

    document = store.obtain(official.prepare("decision", Decision.objects.get(pk=pk)))
    if document.state != GeneratedDocumentState.DONE:
        raise RuntimeError("no cached file was found")
    with document.file.open("rb") as handle:
        return len(handle.read())


# --------------------------------------------------------------------------- the benchmark


def _interleaved(ctx: BenchContext, pk: int, html: str, repeat: int, warmup: int) -> tuple[Timing, Timing, dict]:
    """Product and baseline one after the other, alternating which goes first; also their CPU times (ms)."""
    cpu: dict[str, list[float]] = {"product": [], "baseline": []}

    def timed(side, call):
        def wrapped():
            started = time.process_time()
            call()
            cpu[side].append((time.process_time() - started) * 1000)
        return wrapped

    calls = {"product": lambda: product(pk), "baseline": lambda: baseline(html)}
    timings = {"product": Timing(samples_ms=[]), "baseline": Timing(samples_ms=[])}
    for index in range(warmup + repeat):
        order = ("product", "baseline") if index % 2 == 0 else ("baseline", "product")
        for side in order:
            once = ctx.measure(timed(side, calls[side]), repeat=1, warmup=0, memory=False)
            if index >= warmup:
                timings[side].samples_ms += once.samples_ms
                timings[side].queries += once.queries
            else:
                cpu[side].pop()
    for side, call in calls.items():
        timings[side].peak_mib = ctx.peak_memory(call)
    return timings["product"], timings["baseline"], cpu


def run(ctx: BenchContext) -> list[BenchResult]:
    from django.conf import settings

    from dossiers.documents import official
    from dossiers.models import Decision

    found = largest_decision()
    if found is None:
        ctx.log("no award decision in the generated province: skipped")
        return []
    pk, rows = found.pk, found.item_count
    repeat, warmup = max(1, min(ctx.repeat, MAX_REPEAT)), min(ctx.warmup, 1)
    ctx.log(f"decision {pk} ({found.number or 'draft'}, {found.get_state_display()}): {rows} rows")
    html = official.document_html("decision", Decision.objects.get(pk=pk))
    pdf, reference = product(pk), baseline(html)
    pages = count_pages(pdf)

    prod, base, cpu = _interleaved(ctx, pk, html, repeat, warmup)
    rss = None
    if ctx.database_url:  # (not in the tests: a fresh process cannot see their in-memory database)
        with tempfile.TemporaryDirectory(prefix="bench_pdf_") as workdir:
            html_file = str(Path(workdir) / "decision.html")
            Path(html_file).write_text(html, encoding="utf-8")
            ctx.log("resident memory: a fresh process per side")
            rss = {side: resident_rise(ctx, side, pk, html_file) for side in ("product", "baseline")}

    files: set[str] = set()
    try:
        served = ctx.measure(lambda: as_served(pk, files), repeat=repeat, warmup=0, memory=False, rollback=True)
        with ctx.rolled_back():
            as_served(pk, files)
            hit = ctx.measure(lambda: cached_hit(pk), memory=False)
    finally:
        _delete_files(files)

    median_ratio = prod.median_ms / base.median_ms
    p95_ratio = prod.p95_ms / base.p95_ms
    cpu_ratio = statistics.median(cpu["product"]) / statistics.median(cpu["baseline"])
    python_ratio = prod.peak_mib / base.peak_mib if base.peak_mib else None
    pages_per_second = pages / (prod.median_ms / 1000)
    extra = {
        "decision": pk, "rows": rows, "pages": pages, "pdf_bytes": len(pdf), "html_chars": len(html),
        "same_pdf_as_baseline": pdf == reference,
        "pages_per_second": round(pages_per_second, 2),
        "baseline_pages_per_second": round(pages / (base.median_ms / 1000), 2),
        "ratio_median": round(median_ratio, 3),
        "cpu_ms": {side: [round(v, 1) for v in values] for side, values in cpu.items()},
        "cpu_ratio_median": round(cpu_ratio, 3),
        "python_peak_ratio": round(python_ratio, 3) if python_ratio is not None else None,
        "background_threshold_rows": getattr(settings, "DOCUMENT_BACKGROUND_ROWS", None),
    }
    targets = [Target(f"time ≤ {RATIO_TARGET}× WeasyPrint alone (medians)", median_ratio <= RATIO_TARGET)]
    notes = (f"{pages_per_second:.1f} pages/s (WeasyPrint alone {extra['baseline_pages_per_second']}); ratio of "
             f"medians {median_ratio:.2f}, p95 {p95_ratio:.2f}, CPU time {cpu_ratio:.2f}; Python peak "
             f"{prod.peak_mib} vs {base.peak_mib} MiB")
    if rss is not None:
        rise = {side: rss[side]["rise_mib"] for side in rss}
        memory_ratio = rise["product"] / rise["baseline"] if rise["baseline"] else None
        extra.update(resident_rise_mib=rise,
                     resident_high_water_mib={side: rss[side]["hwm_mib"] for side in rss},
                     resident_ratio=round(memory_ratio, 3) if memory_ratio is not None else None)
        targets.append(Target(f"memory ≤ {RATIO_TARGET}× (resident rise)",
                              memory_ratio is not None and memory_ratio <= RATIO_TARGET))
        notes += f"; resident rise {rise['product']} vs {rise['baseline']} MiB (ratio {extra['resident_ratio']})"
    notes += f"; {repeat} runs each, alternating"
    result = BenchResult(
        name="pdf.decision", title=f"Decision PDF, {rows}-row annex, {pages} pages: render_document", timing=prod,
        baseline=base, baseline_title="WeasyPrint alone on the same final HTML, same fetcher",
        targets=targets, notes=notes, extra=extra,
    )
    served_result = BenchResult(
        name="pdf.decision_served", title="Decision PDF as served, nothing cached (prepare, queue, worker)",
        timing=served, baseline=base, baseline_title="WeasyPrint alone on the same final HTML, same fetcher",
        notes="prepare (context, HTML, hash) + obtain + the task worker's run (progress, file saved), rolled back",
        extra={"ratio_median": round(served.median_ms / base.median_ms, 3)})
    hit_result = BenchResult(
        name="pdf.decision_cached", title="Decision PDF, cached hit (prepare, obtain, read the file)", timing=hit,
        notes="the HTML is still built to find the file by its content hash (a signed decision: its first file)",
        extra={"speedup_over_uncached": round(prod.median_ms / hit.median_ms, 1)})
    return [result, served_result, hit_result]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_pdf", description="the memory child process")
    parser.add_argument("--child", choices=("product", "baseline"), required=True)
    parser.add_argument("--decision", type=int, required=True)
    parser.add_argument("--html", required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(child(args.child, args.decision, args.html)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

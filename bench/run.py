"""Run every benchmark at a named scale against a generated database; write a JSON report and a Markdown table.

    .venv/bin/python -m bench.run --scale small|large [--database-url URL] [--only pages,eligibility]
        [--output DIR] [--repeat N] [--warmup N]

(``bin/bench`` does the same after installing what is missing.) The database
is the one ``bench.generate`` fills (default: the SQLite file
``var/bench/generate_<scale>.sqlite3``). It is migrated; if it holds no data it
is generated at the scale asked for; if it holds a generated province of
another scale it is dropped and generated again; a database with other data
is refused. Every benchmark leaves the data as it found it (writes are rolled
back), so one generated database serves any number of runs.

The registry below lists the benchmark modules by name; those whose module
does not exist (yet) are skipped with a note. Each module follows
``bench.common`` (``run(ctx) -> list[BenchResult]``). The report goes to
``<output>/run_<scale>_<vendor>.json`` and ``.md``, and the table to stdout.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import resource
import shlex
import subprocess
import sys
import time
import traceback
from pathlib import Path

from bench.common import BenchContext, BenchResult, ms

BASE_DIR = Path(__file__).resolve().parent.parent

# name -> module; a module that is not there is skipped. Order is the issue's.
REGISTRY = {
    "pages": "bench.bench_pages",  # 1. HA queue, unit's dossier list, dossier detail page and API
    "eligibility": "bench.bench_eligibility",  # 2. submitting 50 nominations, 3. eligibility of 10,000
    "council": "bench.bench_council",  # 4. council session: one ballot, the tally
    "pdf": "bench.bench_pdf",  # 5. decision PDF with a 1,000-row annex
    "load": "bench.bench_load",  # 6. Locust against gunicorn
}


# --------------------------------------------------------------------------- the database


def redact(url: str) -> str:
    from bench.generate import redact as _redact

    return _redact(url)


def command_line(argv: list[str]) -> str:
    args = [redact(a) if "://" in a else a for a in argv]
    return shlex.join([".venv/bin/python", "-m", "bench.run", *args])


def connect(url: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.conf import settings

    # Static URLs as with a collected manifest (a dictionary lookup), not by hashing each file on every
    # {% static %} as the manifest storage does when nothing was collected; the tests do the same.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def generated_scale() -> str | None:
    """The scale of the generated province in the database (by its number of dossiers), or None."""
    from bench.generate import SCALES, generated_here
    from bench.generate_world import PROVINCE_CODE
    from dossiers.models import Dossier

    if not generated_here():
        return None
    count = Dossier.objects.filter(unit__province__code=PROVINCE_CODE).count()
    for name, scale in SCALES.items():
        if scale.dossiers == count:
            return name
    return f"{count} dossiers"


def ensure_database(url: str, scale: str, *, out) -> dict:
    """Migrate; generate the scale if the database is empty or holds another generated scale. What was done."""
    from django.core.management import call_command
    from django.db import connection

    from bench import generate

    if connection.vendor == "postgresql":
        generate._create_postgres_database(connection.settings_dict)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    done = {"migrate_seconds": round(time.perf_counter() - started, 1)}
    found = generated_scale()
    if found == scale:
        out.write(f"The database holds the generated {scale} scale.\n")
        reset_sequences()
        return {**done, "generated": False, **analyze(out)}
    if found is None:
        generate.check_empty()  # raises NotEmpty for a database with other data
    else:
        out.write(f"The database holds another generated scale ({found}): dropping it to generate {scale}.\n")
        generate.prepare_database(url, force=True, out=out)
    out.write(f"Generating the {scale} scale (bench.generate)...\n")
    started = time.perf_counter()
    summary = generate.generate(scale=scale, out=out, digest=False)
    reset_sequences()
    return {**done, "generated": True, "generate_seconds": round(time.perf_counter() - started, 1),
            "generate_rows": sum(summary["written"].values()), **analyze(out)}


def reset_sequences() -> None:
    """PostgreSQL: move every sequence past the largest id, the many-to-many tables' too.

    The generator writes explicit ids and moves the sequences of the models it wrote, but not of their
    auto-created many-to-many tables (``viewflow_task_previous``): the first task a submission creates
    would then reuse a link id. Idempotent and quick (one ``max(id)`` per table).
    """
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def analyze(out) -> dict:
    """PostgreSQL: bring a freshly loaded database to the state autovacuum keeps a production one in; what was done.

    The generator writes millions of rows with ``COPY`` and a cloned database starts with empty activity
    counters, so autovacuum may not have analysed anything yet: the planner would then guess every table
    empty and pick plans no production database (where autovacuum has run) would use. Tables never vacuumed
    (the server may run with ``autovacuum = off``) have no visibility map either, so an index-only scan
    still reads a heap page per row: ``VACUUM (ANALYZE)`` them, as autovacuum does after a bulk insert.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    done: dict = {"analyzed": False, "vacuumed": []}
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'public' AND last_vacuum IS NULL "
                       "AND last_autovacuum IS NULL AND n_tup_ins > 10000 ORDER BY relname")
        unvacuumed = [name for (name,) in cursor.fetchall()]
        if unvacuumed:
            out.write(f"{len(unvacuumed)} large tables were never vacuumed: VACUUM (ANALYZE) (as autovacuum would)...\n")
            started = time.perf_counter()
            for name in unvacuumed:
                cursor.execute(f'VACUUM (ANALYZE) "{name}"')
            done.update(vacuumed=unvacuumed, vacuum_seconds=round(time.perf_counter() - started, 1))
        cursor.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples < 0")
        never = cursor.fetchone()[0]
        if never:
            out.write(f"{never} tables were never analysed: ANALYZE (as autovacuum would)...\n")
            started = time.perf_counter()
            cursor.execute("ANALYZE")
            done.update(analyzed=True, analyze_seconds=round(time.perf_counter() - started, 1))
    return done


# --------------------------------------------------------------------------- environment


def git_commit() -> dict:
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=BASE_DIR, capture_output=True, text=True, timeout=10,
                                  check=False).stdout.strip()
        except OSError:
            return ""

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def machine() -> dict:
    import django
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        db_version = f"{version // 10000}.{version % 10000}"
    else:
        import sqlite3

        db_version = sqlite3.sqlite_version
    cpu = ""
    memory_gib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 2**20, 1)
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(), "django": django.get_version(),
        "database": {"vendor": connection.vendor, "version": db_version},
        "cpu_count": os.cpu_count(), "cpu": cpu, "memory_gib": memory_gib,
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


# --------------------------------------------------------------------------- running


def run_all(ctx: BenchContext, names: list[str], *, out) -> list[dict]:
    reports = []
    for name in names:
        module_name = REGISTRY[name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            out.write(f"--- {name}: {module_name} is not there yet, skipped\n")
            reports.append({"name": name, "module": module_name, "skipped": "module not present", "results": []})
            continue
        title = getattr(module, "TITLE", name)
        out.write(f"--- {name}: {title}\n")
        out.flush()
        started = time.perf_counter()
        report = {"name": name, "module": module_name, "title": title}
        try:
            results: list[BenchResult] = module.run(ctx)
            report["results"] = [r.as_dict() for r in results]
        except Exception:  # one benchmark's failure must not lose the others' figures
            report["error"] = traceback.format_exc()
            report["results"] = []
            out.write(report["error"])
        report["seconds"] = round(time.perf_counter() - started, 1)
        out.write(f"    ({report['seconds']} s)\n")
        reports.append(report)
    return reports


# --------------------------------------------------------------------------- the table


def _cell(value) -> str:
    return "" if value is None else str(value)


def markdown(report: dict, other: dict | None = None) -> str:
    """The readable table. ``other``: the report of the other scale (same vendor), for its query counts."""
    env = report["machine"]
    other_queries = {}
    other_scale = None
    if other:
        other_scale = other["scale"]
        other_queries = {r["name"]: r["queries"] for b in other["benchmarks"] for r in b["results"]}
    lines = [
        f"## Scale `{report['scale']}` on {env['database']['vendor']} {env['database']['version']}",
        "",
        f"`{report['command']}`",
        "",
        f"Commit `{report['git']['commit'][:10]}`{' (with local changes)' if report['git']['dirty'] else ''}, "
        f"{report['started_at']}; Python {env['python']}, Django {env['django']}, {env['cpu_count']} CPUs "
        f"({env['cpu'] or env['platform']}), load average at start {env['load_average']}; "
        f"{report['parameters']['repeat']} timed runs after {report['parameters']['warmup']} warm-up runs "
        f"unless a row says otherwise.",
        "",
    ]
    header = ["Benchmark", "median", "p95", "queries"]
    if other_scale:
        header.append(f"queries at {other_scale}")
    header += ["peak MiB", "baseline p95", "baseline queries", "ratio", "target", "met"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join("---" for _ in header) + "|")
    notes = []
    for bench in report["benchmarks"]:
        if bench.get("skipped"):
            continue
        if bench.get("error"):
            last = bench["error"].strip().splitlines()[-1]
            lines.append(f"| **{bench['name']}: failed** ({last[:120]}) |" + " |" * (len(header) - 1))
            continue
        for r in bench["results"]:
            base = r["baseline"] or {}
            queries = _cell(r["queries"]) + ("" if r["queries_constant"] else " (varied)")
            row = [r["title"], ms(r["median_ms"]), ms(r["p95_ms"]), queries]
            if other_scale:
                row.append(_cell(other_queries.get(r["name"])))
            missed = [t["target"] for t in r["targets"] if not t["met"]]
            met = "" if r["met"] is None else ("met" if r["met"] else "**missed**: " + "; ".join(missed))
            row += [_cell(r["peak_mib"]), ms(base.get("p95_ms")), _cell(base.get("queries")),
                    f"{r['ratio_p95']:.2f}×" if r["ratio_p95"] is not None else "",
                    "; ".join(t["target"] for t in r["targets"]), met]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
            if r["notes"]:
                notes.append(f"- {r['title']}: {r['notes']}")
    skipped = [b["name"] for b in report["benchmarks"] if b.get("skipped")]
    if skipped:
        notes.append(f"- Not run (module not present): {', '.join(skipped)}.")
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from bench.generate import SCALES

    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--database-url", default=None, help="default: sqlite:///var/bench/generate_<scale>.sqlite3")
    parser.add_argument("--only", default="", help=f"comma-separated, of: {', '.join(REGISTRY)}")
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "results"), help="directory of the reports")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each measurement (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured runs before them (default 3)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(REGISTRY)
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)} (known: {', '.join(REGISTRY)})")
    url = args.database_url
    if url is None:
        (BASE_DIR / "var" / "bench").mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{BASE_DIR / 'var' / 'bench' / f'generate_{args.scale}.sqlite3'}"
    out = sys.stderr
    connect(url)
    from bench.generate import NotEmpty

    try:
        database = ensure_database(url, args.scale, out=out)
    except NotEmpty as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from django.db import connection

    ctx = BenchContext(scale=args.scale, database_url=url, database_label=redact(url), vendor=connection.vendor,
                       repeat=args.repeat, warmup=args.warmup, seed=args.seed, output_dir=args.output, out=out)
    started_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    report = {
        "command": command_line(argv),
        "started_at": started_at,
        "scale": args.scale,
        "database": {"url": redact(url), **database},
        "machine": machine(),
        "git": git_commit(),
        "parameters": {"repeat": args.repeat, "warmup": args.warmup, "seed": args.seed, "only": names},
    }
    started = time.perf_counter()
    report["benchmarks"] = run_all(ctx, names, out=out)
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    suffix = "" if names == list(REGISTRY) else "_" + "_".join(names)
    stem = f"run_{args.scale}_{vendor}{suffix}"
    (output / f"{stem}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    other = None
    for other_scale in ("small", "large"):
        for path in (output / f"run_{other_scale}_{vendor}{suffix}.json", output / f"run_{other_scale}_{vendor}.json"):
            if other is None and other_scale != args.scale and path.exists():
                other = json.loads(path.read_text(encoding="utf-8"))
    table = markdown(report, other)
    (output / f"{stem}.md").write_text(table, encoding="utf-8")
    print(table)
    out.write(f"Reports: {output / stem}.json and .md ({report['seconds']} s, peak RSS {report['peak_rss_mib']} MiB)\n")
    return 0 if not any(b.get("error") for b in report["benchmarks"]) else 1


if __name__ == "__main__":
    sys.exit(main())

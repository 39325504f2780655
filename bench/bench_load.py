"""Benchmark 6: Locust headless against gunicorn and the generated database: a mixed workload, and a baseline.

Targets of the performance issue: **zero errors**, **p95 under 500 ms**, requests per second reported
against a baseline run of a bare Django JSON view on the same server (the ratio reported), and **each
gunicorn worker's peak memory under 250 MiB**.

What it does, from a database ``bench.generate`` filled (the runner's):

1. Writes the plan of the simulated people (``bench/locustfile.py``): generated accounts of unit clerks
   and heads (the heads of units with drafts their clerk handed over), Home Affairs specialists (each
   with tasks of the queue of their own, so two people never race for one task) and the members present
   in the session with voting open; the dossiers each may open.
2. Copies the database, because the workload writes through the product (new dossiers, submissions,
   tasks taken and given back, ballots) and the benchmarks leave the generated data as they found it:
   PostgreSQL ``CREATE DATABASE ... TEMPLATE`` (nobody else may be connected to the source meanwhile; it
   retries), SQLite the backup API. The copy is dropped at the end, whatever happens.
3. Collects the static files (``collectstatic`` into ``var/bench/static``) and starts gunicorn as
   production runs it (``docs/deployment.md``): ``config.wsgi:application``, 2 workers (the README's
   advice for 2 cores), an access log, DEBUG off, persistent database connections
   (``DATABASE_CONN_MAX_AGE`` 600), on a free port of 127.0.0.1, with ``bench.load_settings``: the
   production settings whose URLs add only ``/bench/bare.json`` (``bench.load_urls``), so the product
   itself has no extra endpoint.
4. Runs Locust headless twice against it: the mixed workload (unit clerks 4, unit heads 2, Home Affairs
   3, council members 1 by weight), then the baseline (the same number of users and think time requesting
   the bare JSON view). Each user signs in first (PBKDF2, about half a second of a worker's CPU each);
   the figures are taken from the moment the last one has signed in to the end, from every request's
   own time (exact percentiles, not Locust's rounded histogram); errors are counted over the whole run.
5. Reads each gunicorn worker's ``VmHWM`` (peak resident memory) from ``/proc`` after each run, then
   stops gunicorn (its process group: SIGTERM, then SIGKILL) and drops the copy.

Duration: ``BENCH_LOAD_SECONDS`` (default 60 at large, 20 at small, 5 at tiny) of measurement after the
sign-ins, for each run; users: ``BENCH_LOAD_USERS`` (default 30; 6 at tiny); think time
``BENCH_LOAD_WAIT`` (default ``0.5,2``: seconds between one person's actions); workers
``BENCH_LOAD_WORKERS`` (default 2). Locust runs on the same 2 cores: its CPU time is reported.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.common import BenchContext, BenchResult, Target, Timing, percentile

TITLE = "Load: Locust against gunicorn, mixed workload and a bare JSON view"
BASE_DIR = Path(__file__).resolve().parent.parent
P95_TARGET_MS = 500
WORKER_MEMORY_TARGET_MIB = 250
DURATION = {"tiny": 5, "small": 20, "large": 60}
USERS = {"tiny": 6}
DEFAULT_USERS = 30
DEFAULT_WAIT = "1,5"  # seconds between one person's actions: people reading pages, not a script
WORKLOAD_CLASSES = ("UnitClerk", "UnitHead", "HomeAffairs", "CouncilMember")
PEOPLE_PER_UNIT = 30
DOSSIERS_PER_ACCOUNT = 40


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def settings_for(ctx: BenchContext) -> dict:
    wait = [float(x) for x in (os.environ.get("BENCH_LOAD_WAIT") or DEFAULT_WAIT).split(",")]
    users = _env_int("BENCH_LOAD_USERS", USERS.get(ctx.scale, DEFAULT_USERS))
    workers = _env_int("BENCH_LOAD_WORKERS", 2)
    seconds = _env_int("BENCH_LOAD_SECONDS", DURATION.get(ctx.scale, 60))
    return {"seconds": seconds, "users": users, "spawn_rate": max(1, min(users, 5)),
            "wait_seconds": wait[:2] if len(wait) > 1 else [wait[0]] * 2, "workers": workers,
            "capacity_seconds": _env_int("BENCH_LOAD_CAPACITY_SECONDS", max(5, seconds // 3)),
            "capacity_users": _env_int("BENCH_LOAD_CAPACITY_USERS", 2 * workers)}


# --------------------------------------------------------------------------- the plan


def build_plan(users: int, *, seed: int = 2026) -> dict:
    """Accounts and the objects each simulated person acts on, from the generated province."""
    from django.db.models import Count

    from bench.bench_council import generated_session
    from bench.generate_world import PASSWORD, PROVINCE_CODE
    from dossiers.models import Dossier, DossierState, Person, Unit, User
    from workflows import selectors

    rng = random.Random(seed)
    need = max(users, 4)
    accounts = {u.username: u for u in User.objects.filter(unit__province__code=PROVINCE_CODE, is_active=True)}

    def dossiers_of(unit_ids, **filters) -> dict[int, list[int]]:
        found = defaultdict(list)
        for pk, unit_id in (Dossier.objects.filter(unit_id__in=unit_ids, **filters).order_by("-pk")
                            .values_list("pk", "unit_id")):
            if len(found[unit_id]) < DOSSIERS_PER_ACCOUNT:
                found[unit_id].append(pk)
        return found

    # Heads: units with drafts their clerk handed over (ready to submit), the most first.
    ready_counts = (Dossier.objects.filter(unit__province__code=PROVINCE_CODE, state=DossierState.DRAFT,
                                           prepared_by__isnull=False)
                    .values("unit_id").annotate(n=Count("pk")).order_by("-n", "unit_id"))
    head_units = [row["unit_id"] for row in ready_counts[:need]]
    ready = dossiers_of(head_units, state=DossierState.DRAFT, prepared_by__isnull=False)
    units = {u.pk: u for u in Unit.objects.filter(province__code=PROVINCE_CODE)}
    # Clerks: units with the most dossiers (their lists are the longest).
    busiest = (Dossier.objects.filter(unit__province__code=PROVINCE_CODE).values("unit_id")
               .annotate(n=Count("pk")).order_by("-n", "unit_id"))
    clerk_units = [row["unit_id"] for row in busiest[:need]]
    unit_dossiers = dossiers_of(set(head_units) | set(clerk_units))
    people = defaultdict(list)
    for pk, unit_id in Person.objects.filter(unit_id__in=clerk_units).order_by("pk").values_list("pk", "unit_id"):
        if len(people[unit_id]) < PEOPLE_PER_UNIT:
            people[unit_id].append(pk)

    clerks = [{"username": f"canbo.{units[u].code.lower()}", "dossiers": unit_dossiers[u], "people": people[u]}
              for u in clerk_units if f"canbo.{units[u].code.lower()}" in accounts and people[u] and unit_dossiers[u]]
    heads = [{"username": f"thutruong.{units[u].code.lower()}", "dossiers": unit_dossiers[u], "ready": ready[u]}
             for u in head_units if f"thutruong.{units[u].code.lower()}" in accounts and unit_dossiers[u]]

    # Home Affairs specialists: the queue shared out, round robin, so nobody takes another's task.
    specialists = sorted((u for name, u in accounts.items() if name.startswith("chuyenvien")),
                         key=lambda u: u.username)[:need]
    home_affairs = []
    if specialists:
        queue = list(selectors.queue_tasks(specialists[0]).values_list("pk", flat=True)[:need * 10])
        reviewed = list(Dossier.objects.filter(unit__province__code=PROVINCE_CODE,
                                               state__in=[DossierState.SUBMITTED, DossierState.UNDER_REVIEW])
                        .order_by("-pk").values_list("pk", flat=True)[:500])
        for index, user in enumerate(specialists):
            tasks = queue[index::len(specialists)]
            if tasks and reviewed:
                home_affairs.append({"username": user.username, "tasks": tasks,
                                     "dossiers": rng.sample(reviewed, min(DOSSIERS_PER_ACCOUNT, len(reviewed)))})

    session = generated_session()
    members, items = [], []
    if session is not None:
        from councils.models import VoterRecord

        voted = set(VoterRecord.objects.filter(session=session, has_voted=True).values_list("member_id", flat=True))
        members = [{"username": m.user.username} for m in session.members.filter(votes=True, present=True)
                   .select_related("user").order_by("role_order", "sort_key", "pk") if m.pk not in voted]
        items = list(session.items.order_by("position").values_list("pk", flat=True))

    from django.utils import timezone

    from dossiers.models import SubjectKind
    from dossiers.services.dossiers import proposable_award_types

    # An individual award a unit proposes to the province for a regular dossier (Bằng khen of the Chairman).
    award = next(a for a in sorted(proposable_award_types(kind="regular"), key=lambda a: (a.forwarded, a.vote_required, a.code))
                 if a.subject == SubjectKind.INDIVIDUAL)
    return {"password": PASSWORD, "year": timezone.localdate().year - 1, "award_code": award.code,
            "clerks": clerks, "heads": heads, "home_affairs": home_affairs, "members": members,
            "session": session.pk if session is not None else None, "items": items}


def workload_classes(plan: dict) -> list[str]:
    present = {"UnitClerk": plan["clerks"], "UnitHead": plan["heads"], "HomeAffairs": plan["home_affairs"],
               "CouncilMember": plan["members"]}
    return [name for name in WORKLOAD_CLASSES if present[name]]


# --------------------------------------------------------------------------- a copy of the database


def _with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextlib.contextmanager
def database_copy(ctx: BenchContext, workdir: Path):
    """A copy of the runner's database (URL), dropped afterwards."""
    from django.db import connection

    settings_dict = dict(connection.settings_dict)
    connection.close()
    if ctx.vendor == "postgresql":
        import psycopg

        source = settings_dict["NAME"]
        copy = f"{source[:40]}_load_{os.getpid()}"
        admin = psycopg.connect(host=settings_dict.get("HOST") or None, port=settings_dict.get("PORT") or None,
                                user=settings_dict.get("USER") or None,
                                password=settings_dict.get("PASSWORD") or None, dbname="postgres", autocommit=True)
        try:
            admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')
            for attempt in range(12):
                try:
                    admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
                    break
                except psycopg.errors.ObjectInUse:
                    if attempt == 11:
                        raise
                    ctx.log(f"{source} is in use by another session; copying again in 10 s")
                    time.sleep(10)
            try:
                yield _with_name(ctx.database_url, copy)
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        finally:
            admin.close()
    else:
        path = workdir / "load.sqlite3"
        source = sqlite3.connect(f"file:{settings_dict['NAME']}?mode=ro", uri=True)
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


# --------------------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, static_root: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_DEBUG", "BENCH_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "bench.load_settings", "DATABASE_URL": database_url,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_STATIC_ROOT": str(static_root),
                "PYTHONPATH": str(BASE_DIR), "PYTHONDONTWRITEBYTECODE": "1"})
    return env


def static_up_to_date(static_root: Path) -> bool:
    """The collected files (their manifest) are newer than every static source file the finders see."""
    from django.contrib.staticfiles import finders

    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        return False
    collected = manifest.stat().st_mtime
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            if storage.get_modified_time(path).timestamp() > collected:
                return False
    return True


def collect_static(env: dict, static_root: Path) -> bool:
    """``collectstatic`` into ``static_root`` (compressed, hashed: as deployed) unless it is up to date."""
    if static_up_to_date(static_root):
        return False
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=BASE_DIR,
                   env=env, check=True, capture_output=True, timeout=1200)
    return True


@contextlib.contextmanager
def gunicorn(env: dict, workdir: Path, *, workers: int):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(workdir / "gunicorn.log", "ab")  # noqa: SIM115 (closed below)
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", str(workers),
               "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--graceful-timeout", "20",
               "--access-logfile", str(workdir / "access.log"), "--error-logfile", "-"]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start:\n{(workdir / 'gunicorn.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/bench/bare.json", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 120 s")
            time.sleep(0.3)
        yield url, process.pid
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _status(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _sep, rest = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            values[name] = int(rest.split()[0])
    return values


def worker_memory(master_pid: int) -> dict[int, dict[str, float]]:
    """Peak and current resident memory (MiB) of each child of gunicorn's master, from /proc."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    memory = {}
    for pid in map(int, children):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            status = _status(pid)
            memory[pid] = {"peak_mib": round(status["VmHWM"] / 1024, 1), "rss_mib": round(status["VmRSS"] / 1024, 1)}
    return memory


# --------------------------------------------------------------------------- Locust


def run_locust(url: str, plan_file: Path, samples_file: Path, *, classes: list[str], users: int, spawn_rate: int,
               run_seconds: int) -> dict:
    env = {**os.environ, "BENCH_LOAD_PLAN": str(plan_file), "BENCH_LOAD_SAMPLES": str(samples_file),
           "PYTHONPATH": str(BASE_DIR)}
    command = [sys.executable, "-m", "locust", "-f", str(BASE_DIR / "bench" / "locustfile.py"), "--headless",
               "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{run_seconds}s",
               "--host", url, "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
               "--exit-code-on-error", "0", *classes]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True,
                               timeout=run_seconds + 180, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0 or not samples_file.exists():
        raise RuntimeError(f"Locust failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    recorded = json.loads(samples_file.read_text(encoding="utf-8"))
    recorded["locust_cpu_seconds"] = round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1)
    return recorded


def summarise(recorded: dict, *, signed_in: bool) -> dict:
    """Figures of one run: the window after the last sign-in (or the spawning), errors over the whole run."""
    samples = recorded["samples"]
    marks = recorded.get("marks", {})
    start = max(marks.get("spawned", 0.0), marks.get("last_login", 0.0) if signed_in else 0.0)
    if not samples:
        return {"window_seconds": 0.0, "requests": 0, "rps": 0.0, "samples_ms": [], "errors": 0,
                "error_examples": [], "by_name": {}, "all_requests": 0}
    window = [s for s in samples if s[0] >= start]
    end = max(s[0] + s[2] / 1000 for s in samples)
    seconds = max(end - start, 1e-9) if window else 0.0
    errors = [s for s in samples if not s[3]]
    by_name: dict[str, dict] = {}
    for name in sorted({s[1] for s in window}):
        times = [s[2] for s in window if s[1] == name]
        by_name[name] = {"requests": len(times), "median_ms": round(percentile(times, 0.5), 1),
                         "p95_ms": round(percentile(times, 0.95), 1), "max_ms": round(max(times), 1),
                         "errors": sum(1 for s in samples if s[1] == name and not s[3])}
    examples = []
    for sample in errors:
        text = f"{sample[1]}: {sample[4]}"
        if text not in examples:
            examples.append(text)
    return {"window_seconds": round(seconds, 1), "requests": len(window),
            "rps": round(len(window) / seconds, 2) if seconds else 0.0,
            "samples_ms": [s[2] for s in window], "errors": len(errors), "error_examples": examples[:10],
            "by_name": by_name, "all_requests": len(samples)}


# --------------------------------------------------------------------------- the benchmark


def _ramp(users: int, spawn_rate: int, workers: int) -> int:
    """Seconds to allow for spawning and signing in (a password check costs a worker a fraction of a second)."""
    return int(users / spawn_rate + users * 0.6 / workers) + 5


def run(ctx: BenchContext) -> list[BenchResult]:
    if not ctx.database_url or ":memory:" in ctx.database_url or "mode=memory" in ctx.database_url:
        ctx.log("the load test needs a database a server process can open: skipped")
        return []
    options = settings_for(ctx)
    plan = build_plan(options["users"], seed=ctx.seed)
    classes = workload_classes(plan)
    if not classes:
        ctx.log("no generated accounts to act with: skipped")
        return []
    users, workers, spawn = options["users"], options["workers"], options["spawn_rate"]
    ramp = _ramp(users, spawn, workers)
    static_root = BASE_DIR / "var" / "bench" / "static"
    runs: dict[str, dict] = {}
    memory: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench_load_") as name:
        workdir = Path(name)
        plan_file, flat_out = workdir / "plan.json", workdir / "capacity_plan.json"
        # The two runs with sign-ins share the heads' drafts out (a draft is submitted once) and take the council
        # members from either end of the list (a member's second process would not have the first's receipt).
        plan_file.write_text(json.dumps({
            **plan, "wait_seconds": options["wait_seconds"],
            "heads": [{**head, "ready": head["ready"][::2]} for head in plan["heads"]],
        }, ensure_ascii=False), encoding="utf-8")
        flat_out.write_text(json.dumps({
            **plan, "wait_seconds": [0, 0], "members": plan["members"][::-1],
            "heads": [{**head, "ready": head["ready"][1::2]} for head in plan["heads"]],
        }, ensure_ascii=False), encoding="utf-8")
        ctx.log(f"{users} users ({', '.join(classes)}), {options['seconds']} s measured after ~{ramp} s of "
                f"sign-ins, think time {options['wait_seconds']} s, {workers} gunicorn workers")
        with database_copy(ctx, workdir) as copy_url:
            env = server_environment(copy_url, static_root)
            started = time.perf_counter()
            if collect_static(env, static_root):
                ctx.log(f"static files collected ({time.perf_counter() - started:.0f} s)")
            with gunicorn(env, workdir, workers=workers) as (url, master):
                phases = [
                    ("workload", plan_file, classes, users, spawn, options["seconds"] + ramp),
                    ("baseline", plan_file, ["BareJson"], users, spawn, options["seconds"] + users // spawn + 2),
                    ("capacity", flat_out, classes, options["capacity_users"], options["capacity_users"],
                     options["capacity_seconds"] + _ramp(options["capacity_users"], options["capacity_users"],
                                                         workers)),
                    ("capacity_baseline", flat_out, ["BareJson"], options["capacity_users"],
                     options["capacity_users"], options["capacity_seconds"] + 2),
                ]
                for phase, phase_plan, phase_classes, phase_users, phase_spawn, seconds in phases:
                    ctx.log(f"{phase} run ({phase_users} users, {seconds} s)")
                    runs[phase] = run_locust(url, phase_plan, workdir / f"{phase}.json", classes=phase_classes,
                                             users=phase_users, spawn_rate=phase_spawn, run_seconds=seconds)
                    memory[phase] = worker_memory(master)
            access_log = workdir / "access.log"
            access_lines = sum(1 for _ in access_log.open("rb")) if access_log.exists() else None
            server_log = (workdir / "gunicorn.log").read_text(errors="replace")[-3000:]
    return results(options, plan, classes, runs, memory, access_lines, server_log)


def results(options, plan, classes, runs, memory, access_lines, server_log) -> list[BenchResult]:
    mixed = summarise(runs["workload"], signed_in=True)
    bare = summarise(runs["baseline"], signed_in=False)
    capacity = summarise(runs["capacity"], signed_in=True)
    capacity_bare = summarise(runs["capacity_baseline"], signed_in=False)
    after_all = memory["capacity_baseline"]
    peaks = [m["peak_mib"] for m in after_all.values()]
    timing = Timing(samples_ms=mixed["samples_ms"], peak_mib=max(peaks) if peaks else None)
    base_timing = Timing(samples_ms=bare["samples_ms"])
    rps_ratio = mixed["rps"] / bare["rps"] if bare["rps"] else None
    capacity_ratio = capacity["rps"] / capacity_bare["rps"] if capacity_bare["rps"] else None
    errors = mixed["errors"] + bare["errors"] + capacity["errors"] + capacity_bare["errors"]
    targets = [Target("zero errors", errors == 0),
               Target(f"p95 < {P95_TARGET_MS} ms", bool(mixed["samples_ms"]) and timing.p95_ms < P95_TARGET_MS),
               Target(f"each worker's peak memory < {WORKER_MEMORY_TARGET_MIB} MiB",
                      bool(peaks) and all(p < WORKER_MEMORY_TARGET_MIB for p in peaks))]
    slowest = sorted(mixed["by_name"].items(), key=lambda kv: -kv[1]["p95_ms"])[:3]

    def ratio(value):
        return f"{value:.2f}" if value is not None else "n/a"

    notes = (f"{mixed['rps']} requests/s over {mixed['window_seconds']} s after the sign-ins (bare JSON view, same "
             f"users and think time: {bare['rps']}/s, ratio {ratio(rps_ratio)}); at full speed (no think time, "
             f"{options['capacity_users']} users) {capacity['rps']}/s against {capacity_bare['rps']}/s for the bare "
             f"view (ratio {ratio(capacity_ratio)}); {errors} errors; workers' peak memory "
             f"{', '.join(f'{p} MiB' for p in peaks)} (the peak MiB column: the largest VmHWM); slowest p95: "
             + "; ".join(f"{name} {row['p95_ms']:.0f} ms" for name, row in slowest)
             + f"; Locust's own CPU {runs['workload']['locust_cpu_seconds']} s on the same cores")

    def without_samples(summary):
        return {key: value for key, value in summary.items() if key != "samples_ms"}

    extra = {
        "users": options["users"], "spawn_rate": options["spawn_rate"], "think_time_seconds": options["wait_seconds"],
        "workers": options["workers"], "measured_seconds": options["seconds"], "classes": classes,
        "accounts": {role: len(plan[role]) for role in ("clerks", "heads", "home_affairs", "members")},
        "session_items": len(plan["items"]), "award_code": plan["award_code"],
        "workload": without_samples(mixed), "baseline": without_samples(bare),
        "rps_ratio": round(rps_ratio, 3) if rps_ratio is not None else None,
        "capacity": {"users": options["capacity_users"], "seconds": options["capacity_seconds"],
                     "workload": without_samples(capacity), "baseline": without_samples(capacity_bare),
                     "rps_ratio": round(capacity_ratio, 3) if capacity_ratio is not None else None},
        "worker_memory": {phase: {str(pid): value for pid, value in found.items()} for phase, found in memory.items()},
        "locust_cpu_seconds": {phase: found["locust_cpu_seconds"] for phase, found in runs.items()},
        "access_log_lines": access_lines,
        "server_log_tail": server_log if errors else "",
    }
    return [BenchResult(name="load.mixed", title=f"Load: mixed workload, {options['users']} users, gunicorn "
                                                 f"{options['workers']} workers", timing=timing,
                        baseline=base_timing, baseline_title="bare Django JSON view, same server, users, think time",
                        targets=targets, notes=notes, extra=extra)]

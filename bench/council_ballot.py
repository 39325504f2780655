"""Council ballot benchmark: one member's full ballot, the full tally and the recount, at scale.

    .venv/bin/python -m bench.council_ballot --items 1000 --members 25 \\
        [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--output bench/results/council_ballot.json]

It never touches a real database. Without ``--database-url`` it works in a
temporary SQLite file (with the project's SQLite settings: WAL, ``BEGIN
IMMEDIATE``); with one, it creates a ``bench_<pid>`` database on that server
with Django's test machinery (``setup_test_environment`` +
``connection.creation.create_test_db``), migrates it, and drops it afterwards.

The set-up uses bulk inserts for the bulk (people, dossiers, nominations) and
the services for the session itself (create, add items, publish, start,
attendance with everyone present, open voting), exactly as the application
does. Then it measures:

(a) ``cast_ballot`` with a choice on every item, once for each member: median
    and p95 wall time, and the number of queries of one ballot (in a secret
    session each cast also rewrites all the ballots and voter records cast so
    far, so later ballots cost more: the p95 is the last ones);
(b) ``close_voting``, which counts every item (and rewrites the secret vote
    tables): wall time and queries;
(c) ``recount``: wall time and queries.

Peak Python memory (tracemalloc) is measured in a second pass (a ballot change,
a re-opened vote closed again, a recount), because tracemalloc slows Python
down and would distort the timings. Timings are reported against the targets
of the product's performance issue (a full ballot under 300 ms, the full tally
under 1 s) as met or missed; nothing here asserts a timing.

``run(items=..., members=...)`` does the set-up and the measurements on the
database Django is already connected to (the smoke test calls it inside a test
database); ``main()`` adds the throwaway database, the table and the JSON file.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import random
import shlex
import statistics
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BALLOT_TARGET_MS = 300
TALLY_TARGET_MS = 1000
SESSION_DAY = datetime.date(2026, 3, 5)
NOMINATIONS_PER_DOSSIER = 10
DOSSIERS_PER_UNIT = 5
# The vote-requiring awards of the current catalogue, by share of the nominations.
AWARD_MIX = (("CSTD_TINH", 0.7), ("HC_LD3_CN", 0.2), ("CO_TINH", 0.1))
REGULATION = "ND152_2025"

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Lò", "Lù", "Giàng", "Quàng", "Tòng")
MIDDLE = ("Văn", "Thị", "Đức", "Thanh", "Minh", "Quốc", "Thu", "Ngọc", "Xuân", "Hữu")
GIVEN = ("An", "Bình", "Chiến", "Dung", "Hà", "Hải", "Hương", "Huyền", "Khánh", "Lan", "Long", "Mai", "Nam",
         "Ơn", "Phương", "Sơn", "Thành", "Thảo", "Tùng", "Ửng", "Vân", "Yến")


# --------------------------------------------------------------------------
# Set-up
# --------------------------------------------------------------------------


@dataclass
class Setup:
    session: object
    secretary: object
    chair: object
    voters: list
    item_ids: list[int]
    seconds: dict[str, float] = field(default_factory=dict)


@contextmanager
def stopwatch(store: dict, name: str):
    start = time.perf_counter()
    yield
    store[name] = round(time.perf_counter() - start, 3)


def _name(rng: random.Random, index: int) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} {index}"


def build(*, items: int, members: int, seed: int = 2026) -> Setup:
    """A council of ``members`` voting members and a session with ``items`` nominations, voting open."""
    from django.contrib.auth.models import Group

    from councils.models import Council, CouncilMembership, MemberRole
    from councils.services import sessions as svc
    from dossiers.models import AwardType, Collective, Dossier, Nomination, Person, Province, Unit, User
    from dossiers.text import fold, person_sort_key, phrase_key

    if members < 2:
        raise ValueError("the council needs at least 2 members (a chair and a secretary)")
    rng = random.Random(seed)
    seconds: dict[str, float] = {}
    with stopwatch(seconds, "data"):
        province, _created = Province.objects.get_or_create(
            code="BENCH", defaults={"name": "Tỉnh Thử nghiệm", "place_name": "Thử nghiệm"})
        office = Unit.objects.create(province=province, code="BENCH-VP", name="Văn phòng UBND tỉnh", kind="department")
        home_affairs = Unit.objects.create(province=province, code="BENCH-SNV", name="Sở Nội vụ", kind="department")

        names = [_name(rng, index).split(" ", 1) for index in range(members)]
        User.objects.bulk_create(
            User(username=f"bench_{seed}_{index}", last_name=family, first_name=given,
                 unit=home_affairs if index == 1 else office, password="!")
            for index, (family, given) in enumerate(names)
        )
        users = list(User.objects.filter(username__startswith=f"bench_{seed}_").order_by("id"))
        groups = {name: Group.objects.get_or_create(name=name)[0]
                  for name in ("council_chair", "council_secretary", "council_member")}
        links = []
        for index, user in enumerate(users):
            roles = ["council_member"] + (["council_chair"] if index == 0 else []) + (
                ["council_secretary"] if index == 1 else [])
            links += [User.groups.through(user_id=user.pk, group_id=groups[role].pk) for role in roles]
        User.groups.through.objects.bulk_create(links)
        council = Council.objects.create(province=province)
        CouncilMembership.objects.bulk_create(
            CouncilMembership(council=council, user=user, starts_on=SESSION_DAY - datetime.timedelta(days=30),
                              role=MemberRole.CHAIR if index == 0 else MemberRole.SECRETARY if index == 1
                              else MemberRole.MEMBER, position="Ủy viên Hội đồng")
            for index, user in enumerate(users)
        )
        chair, secretary = (User.objects.get(pk=users[0].pk), User.objects.get(pk=users[1].pk))

        awards = {code: AwardType.objects.get(regulation__code=REGULATION, code=code) for code, _share in AWARD_MIX}
        plan = []
        for code, share in AWARD_MIX:
            plan += [code] * round(share * items)
        plan = (plan + [AWARD_MIX[0][0]] * items)[:items]
        rng.shuffle(plan)
        dossier_count = math.ceil(items / NOMINATIONS_PER_DOSSIER)
        unit_count = math.ceil(dossier_count / DOSSIERS_PER_UNIT)
        units = [Unit.objects.create(province=province, code=f"BENCH-{index:03d}", name=f"Đơn vị thử nghiệm {index}",
                                     kind="department") for index in range(unit_count)]
        Dossier.objects.bulk_create(
            Dossier(unit=units[index // DOSSIERS_PER_UNIT], kind="regular", year=2025, state="awaiting_council",
                    title=f"Đề nghị khen thưởng năm 2025 số {index}", created_by=secretary)
            for index in range(dossier_count)
        )
        dossiers = list(Dossier.objects.filter(unit__province=province).select_related("unit").order_by("id"))
        people, collectives = [], []
        for index, code in enumerate(plan):
            unit = dossiers[index // NOMINATIONS_PER_DOSSIER].unit
            if awards[code].subject == "collective":
                name = f"Phòng Thử nghiệm {index}"
                collectives.append(Collective(unit=unit, name=name, sort_key=phrase_key(name), search_key=fold(name)))
            else:
                name = _name(rng, index)
                people.append(Person(unit=unit, full_name=name, gender=rng.choice(("male", "female")),
                                     birth_year=1970 + index % 30, position="Chuyên viên",
                                     sort_key=person_sort_key(name), search_key=fold(name)))
        Person.objects.bulk_create(people)
        Collective.objects.bulk_create(collectives)
        people = iter(Person.objects.filter(unit__province=province).order_by("id"))
        collectives = iter(Collective.objects.filter(unit__province=province).order_by("id"))
        Nomination.objects.bulk_create(
            Nomination(dossier=dossiers[index // NOMINATIONS_PER_DOSSIER], award_type=awards[code],
                       achievement_summary="Hoàn thành xuất sắc nhiệm vụ được giao.", outcome="eligible",
                       **({"collective": next(collectives)} if awards[code].subject == "collective"
                          else {"person": next(people)}))
            for index, code in enumerate(plan)
        )
        nominations = list(Nomination.objects.filter(dossier__unit__province=province))

    with stopwatch(seconds, "create_session"):
        session = svc.create_session(actor=secretary, council=council, title="Phiên họp thử nghiệm hiệu năng",
                                     date=SESSION_DAY, place="Phòng họp số 1")
    with stopwatch(seconds, "add_items"):
        svc.add_items(actor=secretary, session=session, nominations=nominations)
    with stopwatch(seconds, "publish_agenda"):
        svc.publish_agenda(actor=secretary, session=session)
    with stopwatch(seconds, "start_session"):
        svc.start_session(actor=secretary, session=session)
    with stopwatch(seconds, "record_attendance"):
        svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in users])
    with stopwatch(seconds, "open_voting"):
        svc.open_voting(actor=secretary, session=session)
    session.refresh_from_db()
    voters = list(User.objects.filter(pk__in=[u.pk for u in users]).order_by("id"))
    item_ids = list(session.items.order_by("position").values_list("pk", flat=True))
    return Setup(session=session, secretary=secretary, chair=chair, voters=voters, item_ids=item_ids,
                 seconds=seconds)


# --------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------


def percentile(samples: list[float], share: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), for small samples too."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = share * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _choices(rng: random.Random, item_ids: list[int]) -> dict[str, str]:
    """Mostly agreeing, as councils do: 85% agree, 10% disagree, 5% abstain."""
    return {str(pk): rng.choices(("agree", "disagree", "abstain"), weights=(85, 10, 5))[0] for pk in item_ids}


def _measure(function, *args, **kwargs):
    """(result, milliseconds, queries) of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        result = function(*args, **kwargs)
        elapsed = (time.perf_counter() - start) * 1000
    return result, elapsed, len(captured)


def _peak_mib(function, *args, **kwargs):
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    result = function(*args, **kwargs)
    return result, round((tracemalloc.get_traced_memory()[1] - before) / 2**20, 2)


def measure(setup: Setup, *, seed: int = 2026) -> dict:
    from councils.models import AgendaItem, ItemResult
    from councils.services import sessions as svc
    from councils.services import voting

    rng = random.Random(seed + 1)
    session = setup.session

    # (a) every member casts a full ballot
    ballots = [(user, _choices(rng, setup.item_ids)) for user in setup.voters]
    samples, queries, receipts = [], [], []
    for user, choices in ballots:
        receipt, elapsed, count = _measure(voting.cast_ballot, actor=user, session=session, choices=choices)
        samples.append(elapsed)
        queries.append(count)
        receipts.append(receipt)
    ballot = {
        "samples_ms": [round(s, 2) for s in samples],
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "min_ms": round(min(samples), 2),
        "max_ms": round(max(samples), 2),
        "queries": queries[0],
        "queries_all_equal": len(set(queries)) == 1,
        "choices_per_ballot": len(setup.item_ids),
    }

    # (b) the full tally: close_voting counts every item (and rewrites the secret vote tables)
    _result, tally_ms, tally_queries = _measure(svc.close_voting, actor=setup.secretary, session=session)
    results = dict.fromkeys(ItemResult.values, 0)
    for result in AgendaItem.objects.filter(session=session).values_list("result", flat=True):
        results[result] += 1

    # (c) recount from the stored ballots
    differences, recount_ms, recount_queries = _measure(svc.recount, session)

    # Peak memory, in a pass of its own: a ballot change, the vote re-opened and closed again, a recount.
    svc.reopen_voting(actor=setup.secretary, session=session)
    user, choices = ballots[0]
    tracemalloc.start()
    try:
        _r, ballot_mib = _peak_mib(voting.cast_ballot, actor=user, session=session, choices=choices,
                                   receipt=receipts[0])
        _r, tally_mib = _peak_mib(svc.close_voting, actor=setup.secretary, session=session)
        _r, recount_mib = _peak_mib(svc.recount, session)
        overall_mib = round(tracemalloc.get_traced_memory()[1] / 2**20, 2)
    finally:
        tracemalloc.stop()

    return {
        "ballot": ballot,
        "tally": {"ms": round(tally_ms, 2), "queries": tally_queries, "results": results},
        "recount": {"ms": round(recount_ms, 2), "queries": recount_queries, "differences": len(differences)},
        "memory_mib": {"ballot_peak": ballot_mib, "tally_peak": tally_mib, "recount_peak": recount_mib,
                       "measurement_pass_peak": overall_mib},
        "targets": {
            "ballot_p95_ms": {"target": BALLOT_TARGET_MS, "value": ballot["p95_ms"],
                              "met": ballot["p95_ms"] < BALLOT_TARGET_MS},
            "tally_ms": {"target": TALLY_TARGET_MS, "value": round(tally_ms, 2), "met": tally_ms < TALLY_TARGET_MS},
        },
    }


def measure_confirm(setup: Setup) -> dict:
    """Extra, without a target: the chair's confirmation (it counts again, then records every nomination's result
    set-based; the workflows receiver then wakes and notifies per dossier)."""
    from councils.services import sessions as svc

    _result, elapsed, queries = _measure(svc.confirm_results, actor=setup.chair, session=setup.session)
    return {"ms": round(elapsed, 2), "queries": queries}


def profile_tally(setup: Setup, *, top: int = 25) -> str:
    """cProfile of a full tally (the vote re-opened and closed again), sorted by cumulative then own time."""
    import cProfile
    import io
    import pstats

    from councils.services import sessions as svc

    svc.reopen_voting(actor=setup.secretary, session=setup.session)
    profiler = cProfile.Profile()
    profiler.runcall(svc.close_voting, actor=setup.secretary, session=setup.session)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def environment() -> dict:
    import django
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        db_version = f"{version // 10000}.{version % 10000}"
    elif connection.vendor == "sqlite":
        import sqlite3

        db_version = sqlite3.sqlite_version
    else:
        db_version = ""
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": {"vendor": connection.vendor, "version": db_version},
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def run(*, items: int, members: int, seed: int = 2026, profile: bool = False) -> dict:
    """Set up and measure on the database Django is connected to; the report as a dict.

    With ``profile``, a last (unmeasured) pass profiles the tally; its text is under ``"profile"``.
    """
    setup = build(items=items, members=members, seed=seed)
    report = {
        "benchmark": "council_ballot",
        "parameters": {"items": items, "members": members, "seed": seed},
        "environment": environment(),
        "setup_seconds": setup.seconds,
    }
    report.update(measure(setup, seed=seed))
    if profile:
        report["profile"] = profile_tally(setup)
    report["confirm"] = measure_confirm(setup)
    return report


# --------------------------------------------------------------------------
# Throwaway database, table, JSON
# --------------------------------------------------------------------------


def redact(database_url: str) -> str:
    parts = urlsplit(database_url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return database_url


def command_line(argv: list[str]) -> str:
    args = list(argv)
    for index, arg in enumerate(args):
        if arg.startswith("--database-url="):
            args[index] = "--database-url=" + redact(arg.split("=", 1)[1])
        elif index and args[index - 1] == "--database-url":
            args[index] = redact(arg)
    return shlex.join([".venv/bin/python", "-m", "bench.council_ballot", *args])


def configure(database_url: str | None, workdir: Path) -> None:
    """Django settings pointing at the given server, or at a SQLite file in ``workdir``; nothing opened yet."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'placeholder.sqlite3'}"
    import django

    django.setup()


@contextmanager
def throwaway_database(workdir: Path):
    """A fresh, migrated database (``bench_<pid>`` on a server, a temporary file for SQLite), dropped afterwards."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(workdir / "bench_council.sqlite3")
    else:
        test["NAME"] = f"bench_council_{os.getpid()}"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    try:
        yield connection.settings_dict["NAME"]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()


def table(report: dict) -> str:
    env, params = report["environment"], report["parameters"]
    ballot, tally, recount = report["ballot"], report["tally"], report["recount"]
    memory, targets = report["memory_mib"], report["targets"]

    def verdict(name):
        return "met" if targets[name]["met"] else "MISSED"

    rows = [
        ("one full ballot, median", f"{ballot['median_ms']:.1f} ms", str(ballot["queries"]), "", ""),
        ("one full ballot, p95", f"{ballot['p95_ms']:.1f} ms", str(ballot["queries"]),
         f"< {BALLOT_TARGET_MS} ms", verdict("ballot_p95_ms")),
        ("one full ballot, max", f"{ballot['max_ms']:.1f} ms", "", "", ""),
        ("full tally (close_voting)", f"{tally['ms']:.1f} ms", str(tally["queries"]), f"< {TALLY_TARGET_MS} ms",
         verdict("tally_ms")),
        ("recount", f"{recount['ms']:.1f} ms", str(recount["queries"]), "", ""),
        ("confirm_results (extra)", f"{report['confirm']['ms']:.1f} ms", str(report["confirm"]["queries"]), "", ""),
        ("peak memory: ballot", f"{memory['ballot_peak']:.2f} MiB", "", "", ""),
        ("peak memory: tally", f"{memory['tally_peak']:.2f} MiB", "", "", ""),
        ("peak memory: recount", f"{memory['recount_peak']:.2f} MiB", "", "", ""),
    ]
    header = ("measure", "value", "queries", "target", "")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    lines = [
        f"Council ballot benchmark: {params['items']} items, {params['members']} members "
        f"({len(ballot['samples_ms'])} ballots of {ballot['choices_per_ballot']} choices)",
        f"{env['database']['vendor']} {env['database']['version']}, Python {env['python']}, "
        f"Django {env['django']}, {env['cpu_count']} CPUs",
        "",
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines += ["", f"tally results: {tally['results']}; recount differences: {recount['differences']}",
              "set-up (s): " + ", ".join(f"{k} {v}" for k, v in report["setup_seconds"].items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.council_ballot", description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1000, help="nominations on the agenda (default 1000)")
    parser.add_argument("--members", type=int, default=25, help="voting members, all present (default 25)")
    parser.add_argument("--database-url", default=None,
                        help="server to create a throwaway bench_ database on (default: a temporary SQLite file)")
    parser.add_argument("--output", default=None, help="write the JSON report to this file")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", default=None, metavar="FILE",
                        help="after measuring, profile one more tally with cProfile and write the listing here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench_council_") as workdir:
        configure(args.database_url, Path(workdir))
        with throwaway_database(Path(workdir)):
            from dossiers.services.catalogue import load_catalogue

            load_catalogue()
            started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
            report = {"command": command_line(argv), "started_at": started,
                      **run(items=args.items, members=args.members, seed=args.seed, profile=bool(args.profile))}
    listing = report.pop("profile", None)
    print(table(report))
    if args.output:
        path = Path(args.output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nJSON report: {path}")
    if listing:
        Path(args.profile).write_text(listing, encoding="utf-8")
        print(f"Profile of the tally: {args.profile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

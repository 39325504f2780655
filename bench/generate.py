"""Fill an empty database with a realistic, reproducible province, at a named scale.

    .venv/bin/python -m bench.generate --scale small|large|tiny [--seed N] [--database-url URL] [--force]

Without ``--database-url`` the database is the SQLite file
``var/bench/generate_<scale>.sqlite3`` (git-ignored); with one, any server
``dj-database-url`` understands (a PostgreSQL database that does not exist
yet is created). The database is migrated, then must be empty: the generator
refuses one that holds units, people, users or dossiers, unless it filled it
itself earlier (its province has the code ``GEN``) and ``--force`` asks to
start again (the SQLite file, or the PostgreSQL schema, is dropped first).

The same seed and "as of" moment give the same rows (compare the ``digest``
of the summary). The run prints a line per stage (rows, seconds), then the
rows per table, and writes the summary as JSON (``--output``, by default
``bench/results/generate_<scale>_<vendor>.json``). ``generate()`` does the
work on the database Django is connected to (the tests call it inside their
test database).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_AS_OF = (2026, 12, 1)  # a Tuesday, days before the year-end proposals are due (10 December)


@dataclass(frozen=True)
class Scale:
    name: str
    dossiers: int
    units: int
    people: int
    specialists: int
    leads: int
    council_members: int
    council_items: int = 1000  # the agenda of the session whose voting is open


SCALES = {
    "tiny": Scale("tiny", dossiers=30, units=8, people=240, specialists=2, leads=2, council_members=5),
    "small": Scale("small", dossiers=1_000, units=60, people=6_000, specialists=6, leads=2, council_members=25),
    "large": Scale("large", dossiers=100_000, units=1_500, people=300_000, specialists=40, leads=6,
                   council_members=25),
}


@dataclass
class Context:
    seed: int
    scale: Scale
    as_of: datetime.datetime
    ids: object
    writer: object
    province_id: int = 0
    province_code: str = ""
    shared_files: dict = field(default_factory=dict)


class NotEmpty(Exception):
    """The database already holds data (and ``--force`` does not apply)."""


# --------------------------------------------------------------------------- the database


def generated_here() -> bool:
    from bench.generate_world import PROVINCE_CODE
    from dossiers.models import Province

    return Province.objects.filter(code=PROVINCE_CODE).exists()


def check_empty() -> None:
    """Refuse a database that holds anything beyond the migrations' seeds and the catalogue."""
    from viewflow.workflow.models import Process

    from dossiers.models import AuditEvent, Dossier, Person, Province, Unit, User

    found = {model.__name__: model.objects.count()
             for model in (Province, Unit, User, Person, Dossier, Process, AuditEvent)}
    found = {name: count for name, count in found.items() if count}
    if found:
        listing = ", ".join(f"{count} {name}" for name, count in found.items())
        if generated_here():
            raise NotEmpty(f"The database already holds a generated province ({listing}). Run again with --force to "
                           f"drop it and generate anew.")
        raise NotEmpty(f"The database is not empty ({listing}): the generator fills only an empty database. "
                       f"Point --database-url at a new one.")


def shared_files(ctx) -> None:
    """A handful of small PDFs stored once, that every generated attachment points at (one per document type)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from dossiers.models import DocumentType
    from workflows.demo import make_pdf

    for doc in DocumentType.objects.order_by("id"):
        content = make_pdf(doc.name, "Tài liệu mẫu dùng chung của dữ liệu thử nghiệm hiệu năng")
        name = f"bench/shared/{doc.code}.pdf"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(content))
        ctx.shared_files[doc.id] = (name, len(content), hashlib.sha256(content).hexdigest(), doc.per_nomination,
                                    doc.code)


# --------------------------------------------------------------------------- the work


def generate(*, scale: str = "small", seed: int = 2026, as_of: datetime.datetime | None = None,
             dossiers: int | None = None, out=None, digest: bool = True) -> dict:
    """Generate the province into the database Django is connected to; the summary as a dict."""
    from django.db import connection, transaction

    from bench import generate_audit, generate_people, generate_world
    from bench.generate_flows import Calendar, FlowWriter
    from bench.generate_io import Ids, Progress, Writer
    from bench.generate_play import Book, Player
    from bench.generate_stages import Stages
    from bench.generate_story import LOCAL, Schedule, target_states
    from dossiers.services.catalogue import load_catalogue

    chosen = SCALES[scale]
    if dossiers is not None:
        chosen = Scale(**{**chosen.__dict__, "dossiers": dossiers})
    as_of = as_of or datetime.datetime(*DEFAULT_AS_OF, 16, 30, tzinfo=LOCAL)
    check_empty()
    _tune(connection)
    progress = Progress(out)
    writer = Writer(out=out)
    ctx = Context(seed=seed, scale=chosen, as_of=as_of, ids=Ids(), writer=writer)
    started = time.perf_counter()

    with progress.stage("catalogue") as stage, transaction.atomic():
        load_catalogue()
        shared_files(ctx)
        catalogue = generate_world.Catalogue()
        stage.add(len(catalogue.by_id))
    with progress.stage("units, accounts, council") as stage, transaction.atomic():
        ctx.province_id = generate_world.build_province(ctx)
        ctx.province_code = generate_world.PROVINCE_CODE
        units = generate_world.build_units(ctx)
        movements = generate_world.build_settings(ctx, units)
        world = generate_world.build_accounts(ctx, units)
        world.movements = movements
        council_id = generate_world.build_council(ctx, world)
        stage.add(sum(writer.counts.values()))
    before = sum(writer.counts.values())
    with progress.stage("people and history") as stage, transaction.atomic():
        generate_people.HistoryBuilder(ctx, world, catalogue).build()
        stage.add(sum(writer.counts.values()) - before)
    schedule = Schedule(as_of, seed)
    book = Book()
    flows = FlowWriter(ctx, world, Calendar())
    before = sum(writer.counts.values())
    with progress.stage("dossiers and processes") as stage, transaction.atomic():
        player = Player(ctx, world, catalogue, schedule, flows, book)
        for index, target in enumerate(target_states(chosen.dossiers, generate_world.rng_for(seed, "states"))):
            player.play(index, target)
        player.flush(force=True)
        flows.flush(force=True)
        stage.add(sum(writer.counts.values()) - before)
    before = sum(writer.counts.values())
    with progress.stage("sessions, decisions, central") as stage, transaction.atomic():
        stages = Stages(ctx, world, catalogue, book, council_id)
        stages.sessions()
        stages.decisions()
        stages.revocation()
        stages.central(schedule)
        stages.finish()
        stage.add(sum(writer.counts.values()) - before)
    with progress.stage("audit chain") as stage, transaction.atomic():
        stage.add(generate_audit.write_chain(ctx, world, book))
    with progress.stage("sequences (PostgreSQL)") as stage:
        from django.apps import apps

        stage.add(writer.reset_sequences(m for m in apps.get_models() if m._meta.db_table in writer.counts))
    seconds = round(time.perf_counter() - started, 2)
    summary = {
        "scale": chosen.__dict__,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "seconds": seconds,
        "stages": progress.stages,
        "dossier_states": dict(sorted(book.states.items())),
        "rows": table_counts(),
        "written": dict(sorted(writer.counts.items())),
    }
    if digest:
        summary["digest"] = data_digest()
    return summary


def _tune(connection) -> None:
    """SQLite: a larger page cache while millions of rows go in (the indexes stay in memory); this connection only."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")


def table_counts() -> dict[str, int]:
    """Rows per table of every model (the catalogue and the migrations' seeds included)."""
    from django.apps import apps
    from django.db import connection

    tables = sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed})
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


DIGEST = {
    "dossiers.Unit": ("id", "code", "name", "kind", "parent_id", "path"),
    "dossiers.User": ("id", "username", "unit_id", "last_name", "first_name"),
    "dossiers.Person": ("id", "unit_id", "full_name", "gender", "birth_year", "collective_id"),
    "dossiers.AwardRecord": ("id", "person_id", "collective_id", "award_code", "year", "decision_number"),
    "dossiers.Dossier": ("id", "unit_id", "kind", "year", "state", "title", "created_at", "submitted_at",
                         "closed_at"),
    "dossiers.Nomination": ("id", "dossier_id", "person_id", "collective_id", "award_type_id", "outcome"),
    "dossiers.Attachment": ("id", "dossier_id", "nomination_id", "document_type_id", "uploaded_at"),
    "dossiers.Decision": ("id", "number", "state", "decision_date"),
    "councils.AgendaItem": ("id", "session_id", "nomination_id", "agree", "result"),
    "viewflow.Task": ("id", "process_id", "flow_task", "status", "owner_id", "created", "finished"),
    "dossiers.AuditChainHead": ("id", "last_event_id", "last_hash"),
}


def data_digest() -> str:
    """SHA-256 over the key columns of the main tables, in id order (the same seed gives the same digest)."""
    from django.apps import apps
    from viewflow.workflow.fields import get_task_ref

    def plain(value):
        """The same text whatever the database: a flow node as its stored reference, a moment in UTC."""
        if hasattr(value, "flow_class"):
            return get_task_ref(value)
        if isinstance(value, datetime.datetime):
            return value.astimezone(datetime.UTC).isoformat()
        return value

    digest = hashlib.sha256()
    for label, columns in DIGEST.items():
        model = apps.get_model(label)
        digest.update(label.encode())
        for row in model.objects.order_by("id").values_list(*columns).iterator(chunk_size=20_000):
            digest.update(repr(tuple(plain(value) for value in row)).encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- command line


def redact(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))
    return url


def command_line(argv: list[str]) -> str:
    args = [redact(a) if "://" in a else a for a in argv]
    return shlex.join([".venv/bin/python", "-m", "bench.generate", *args])


def prepare_database(url: str, *, force: bool, out) -> None:
    """Point Django at ``url``, create the database if need be, drop it first when forced, migrate."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        _create_postgres_database(connection.settings_dict)
    call_command("migrate", verbosity=0)
    try:
        check_empty()
    except NotEmpty:
        if not (force and generated_here()):
            raise
        out.write("--force: dropping the generated data and migrating again\n")
        if connection.vendor == "sqlite":
            path = Path(connection.settings_dict["NAME"])
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE")
                cursor.execute("CREATE SCHEMA public")
        call_command("migrate", verbosity=0)


def _create_postgres_database(settings_dict) -> None:
    import psycopg
    from psycopg import sql

    params = {"host": settings_dict.get("HOST") or None, "port": settings_dict.get("PORT") or None,
              "user": settings_dict.get("USER") or None, "password": settings_dict.get("PASSWORD") or None}
    params = {k: v for k, v in params.items() if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings_dict["NAME"]]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings_dict["NAME"])))


def environment() -> dict:
    import django
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        db_version = f"{version // 10000}.{version % 10000}"
    else:
        import sqlite3

        db_version = sqlite3.sqlite_version
    return {"python": platform.python_version(), "django": django.get_version(),
            "database": {"vendor": connection.vendor, "version": db_version}, "cpu_count": os.cpu_count(),
            "platform": platform.platform()}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=None,
                        help="default: sqlite:///var/bench/generate_<scale>.sqlite3")
    parser.add_argument("--force", action="store_true",
                        help="drop a database this generator filled before and generate again")
    parser.add_argument("--as-of", default=None, metavar="YYYY-MM-DD",
                        help=f"the day the data describes (default {datetime.date(*DEFAULT_AS_OF)}, 16:30 local)")
    parser.add_argument("--dossiers", type=int, default=None, help="override the scale's number of dossiers")
    parser.add_argument("--output", default=None, help="the JSON summary (default bench/results/generate_<scale>_"
                                                       "<vendor>.json)")
    parser.add_argument("--no-digest", action="store_true", help="skip the digest of the data (saves time at scale)")
    args = parser.parse_args(argv)

    url = args.database_url
    if url is None:
        (BASE_DIR / "var" / "bench").mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{BASE_DIR / 'var' / 'bench' / f'generate_{args.scale}.sqlite3'}"
    out = sys.stdout
    try:
        prepare_database(url, force=args.force, out=out)
    except NotEmpty as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from bench.generate_story import LOCAL

    as_of = None
    if args.as_of:
        day = datetime.date.fromisoformat(args.as_of)
        as_of = datetime.datetime(day.year, day.month, day.day, 16, 30, tzinfo=LOCAL)
    out.write(f"Generating the {args.scale} scale (seed {args.seed}) into {redact(url)}\n")
    try:
        summary = generate(scale=args.scale, seed=args.seed, as_of=as_of, dossiers=args.dossiers, out=out,
                           digest=not args.no_digest)
    except NotEmpty as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = {"command": command_line(argv), "database_url": redact(url), "environment": environment(),
              "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), **summary}
    out.write(f"\nDone in {summary['seconds']:.1f} s. Rows per table (non-empty):\n")
    for table, count in summary["rows"].items():
        if count:
            out.write(f"  {table:<40} {count:>11,}\n")
    out.write(f"Dossier states: {summary['dossier_states']}\n")
    if "digest" in summary:
        out.write(f"Digest: {summary['digest']}\n")
    vendor = report["environment"]["database"]["vendor"]
    path = Path(args.output) if args.output else BASE_DIR / "bench" / "results" / f"generate_{args.scale}_{vendor}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    out.write(f"Summary: {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

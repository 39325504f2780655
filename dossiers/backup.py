"""Backups of an installation: the database and the stored files, with a manifest of checksums.

    python manage.py backup /srv/backups/khenthuong-2026-03-05          # writes a new directory
    python manage.py restore --check /srv/backups/khenthuong-2026-03-05 # is the backup whole?
    python manage.py restore /srv/backups/khenthuong-2026-03-05         # into an empty database and media folder

A backup is a directory:

- ``database.sqlite3`` (SQLite: a consistent copy made with SQLite's online
  backup API while users keep working) or ``database.dump`` (PostgreSQL:
  ``pg_dump --format=custom`` of one snapshot);
- ``media/``: the uploaded files and generated PDFs, under their stored names;
- ``manifest.json``: the database kind, the rows of every table and the audit
  chain's head, both read from the very snapshot that was saved, and the
  SHA-256 and size of the database file and of every stored file.

Restoring checks the backup against its manifest first, refuses a database or
media folder that is not empty, and afterwards verifies the result: the rows
of every table, every stored file (present, and equal to the SHA-256 the
database recorded for it), and the audit chain (``verify_chain``, with the
head the manifest recorded). The audit key (``AUDIT_KEY``, or the secret key
it is derived from) is not in the backup: restore with the installation's
environment, or the chain cannot verify.

The database and the files are saved one after the other: a file deleted in
between is reported at backup time (the command fails and says which); a file
uploaded in between is saved without its row, which does no harm.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, models, transaction

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
MEDIA_DIR = "media"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why, in Vietnamese."""


@dataclass
class Report:
    manifest: dict
    problems: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def media_root() -> Path:
    if not isinstance(default_storage, FileSystemStorage):
        raise BackupError("Kho tệp không phải thư mục trên đĩa: hãy sao lưu kho tệp bằng công cụ của kho đó.")
    return Path(default_storage.location)


# ---- what the database holds, read through any DB-API cursor -------------------------------------

def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_tables(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _audit_head(cursor) -> dict | None:
    from dossiers.models import AuditChainHead

    cursor.execute(f"SELECT last_event_id, last_hash FROM {_quote(AuditChainHead._meta.db_table)} WHERE id = 1")
    row = cursor.fetchone()
    return {"last_event_id": row[0], "last_hash": row[1]} if row else None


def file_fields() -> list[tuple[type[models.Model], models.FileField, bool]]:
    """Every stored-file column of the project: (model, field, whether the row records the file's SHA-256)."""
    found = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                found.append((model, model_field, "sha256" in names))
    return found


def _file_references(cursor) -> list[tuple[str, str, str | None]]:
    """(row label, stored name, recorded SHA-256 or None) of every stored file the database refers to."""
    references = []
    for model, model_field, has_sha in file_fields():
        table, pk = model._meta.db_table, model._meta.pk.column
        columns = [pk, model_field.column] + (["sha256"] if has_sha else [])
        cursor.execute(f"SELECT {', '.join(_quote(c) for c in columns)} FROM {_quote(table)} "
                       f"WHERE {_quote(model_field.column)} <> ''")
        for row in cursor.fetchall():
            references.append((f"{model._meta.label_lower}#{row[0]}", row[1], row[2] if has_sha else None))
    return references


def _check_references(references, files: dict[str, dict], label: str) -> list[str]:
    problems = []
    for row, name, sha in references:
        entry = files.get(name)
        if entry is None:
            problems.append(f"{row}: thiếu tệp {name} {label}")
        elif sha and entry["sha256"] != sha:
            problems.append(f"{row}: tệp {name} {label} khác mã băm SHA-256 đã ghi")
    return problems


# ---- backup -------------------------------------------------------------------------------------

def create_backup(target: Path) -> Report:
    """Save the database and the stored files into the new directory ``target``; report what is missing."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"Thư mục {target} đã có dữ liệu: hãy chọn một thư mục mới cho bản sao lưu.")
    source_media = media_root()
    target.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        database, tables, head, references = _backup_sqlite(target / SQLITE_FILE)
    elif connection.vendor == "postgresql":
        database, tables, head, references = _backup_postgresql(target / POSTGRES_FILE)
    else:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {connection.vendor}.")
    files = _copy_tree(source_media, target / MEDIA_DIR)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": database,
        "tables": tables,
        "audit_head": head,
        "media": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8")
    return Report(manifest, _check_references(references, files, "trong bản sao lưu"))


def _describe(path: Path, vendor: str) -> dict:
    return {"vendor": vendor, "file": path.name, "sha256": sha256_of(path), "size": path.stat().st_size}


def _backup_sqlite(path: Path):
    name = str(connection.settings_dict["NAME"])
    if "mode=memory" in name or name == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        # One step: the copy is a single consistent snapshot, taken while others keep writing.
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("Bản sao cơ sở dữ liệu SQLite bị lỗi (integrity_check).")
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = _count_tables(cursor, [row[0] for row in cursor.fetchall()])
        head, references = _audit_head(cursor), _file_references(cursor)
    finally:
        copy.close()
    return _describe(path, "sqlite"), tables, head, references


def pg_environment() -> tuple[dict, list[str]]:
    """The environment and connection arguments of pg_dump / pg_restore for the configured database."""
    settings_dict = connection.settings_dict
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args.append(f"{option}={settings_dict[key]}")
    return env, args


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"Không tìm thấy {name}: hãy cài gói postgresql-client (cùng phiên bản với máy chủ "
                          f"PostgreSQL hoặc mới hơn).")
    return path


def _run(argv: list[str], env: dict) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} thất bại (mã {result.returncode}): {result.stderr.strip()[-2000:]}")


def _backup_postgresql(path: Path):
    pg_dump = _pg_tool("pg_dump")
    env, args = pg_environment()
    connection.ensure_connection()
    with transaction.atomic(), connection.cursor() as cursor:
        # One snapshot for the counts, the head, the file list and pg_dump itself.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = _count_tables(cursor, connection.introspection.table_names(cursor))
        head, references = _audit_head(cursor), _file_references(cursor)
        _run([pg_dump, *args, "--format=custom", f"--snapshot={snapshot}", f"--file={path}",
              f"--dbname={connection.settings_dict['NAME']}"], env)
    return _describe(path, "postgresql"), tables, head, references


def _copy_tree(source: Path, target: Path) -> dict[str, dict]:
    """Copy every file under ``source`` to ``target``; their SHA-256 and size, by path relative to the root."""
    files = {}
    target.mkdir(parents=True, exist_ok=True)
    if not source.exists():
        return files
    for directory, subdirectories, names in os.walk(source):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory) / name
            relative = path.relative_to(source).as_posix()
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(path, destination)
            except FileNotFoundError:
                continue  # deleted while copying: its row, if the snapshot has one, is reported
            files[relative] = {"sha256": sha256_of(destination), "size": destination.stat().st_size}
    return files


# ---- checking and restoring ----------------------------------------------------------------------

def read_manifest(source: Path) -> dict:
    path = Path(source) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"Không đọc được {path}: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: định dạng bản sao lưu {manifest.get('format')!r} không được hỗ trợ.")
    return manifest


def check_backup(source: Path) -> Report:
    """Whether every file of the backup is there, unchanged, and nothing was added."""
    source = Path(source)
    manifest = read_manifest(source)
    problems = []
    database = manifest["database"]
    path = source / database["file"]
    if not path.exists():
        problems.append(f"thiếu tệp cơ sở dữ liệu {database['file']}")
    elif sha256_of(path) != database["sha256"]:
        problems.append(f"tệp cơ sở dữ liệu {database['file']} đã bị thay đổi (mã băm SHA-256 khác)")
    media = source / MEDIA_DIR
    for relative, entry in sorted(manifest["media"].items()):
        stored = media / relative
        if not stored.is_file():
            problems.append(f"thiếu tệp {relative}")
        elif sha256_of(stored) != entry["sha256"]:
            problems.append(f"tệp {relative} đã bị thay đổi (mã băm SHA-256 khác)")
    if media.exists():
        for stored in sorted(p for p in media.rglob("*") if p.is_file()):
            relative = stored.relative_to(media).as_posix()
            if relative not in manifest["media"]:
                problems.append(f"tệp {relative} không có trong bảng kê")
    return Report(manifest, problems)


def restore_backup(source: Path) -> Report:
    """Restore ``source`` into the configured database and media folder, both empty; then verify the result."""
    source = Path(source)
    checked = check_backup(source)
    if checked.problems:
        raise BackupError("Bản sao lưu không nguyên vẹn, không khôi phục:\n" + "\n".join(checked.problems))
    manifest = checked.manifest
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"Bản sao lưu của {vendor} không khôi phục được vào {connection.vendor}.")
    if connection.introspection.table_names():
        raise BackupError("Cơ sở dữ liệu đích không trống: chỉ khôi phục vào một cơ sở dữ liệu mới, trống.")
    target_media = media_root()
    if target_media.exists() and any(p.is_file() for p in target_media.rglob("*")):
        raise BackupError(f"Thư mục tệp {target_media} không trống: chỉ khôi phục vào một thư mục trống.")
    database = source / manifest["database"]["file"]
    if vendor == "sqlite":
        _restore_sqlite(database)
    else:
        _restore_postgresql(database)
    restored = _copy_tree(source / MEDIA_DIR, target_media)
    problems = [f"tệp {name} khôi phục không đúng" for name, entry in manifest["media"].items()
                if restored.get(name, {}).get("sha256") != entry["sha256"]]
    problems += verify_installation(manifest)
    return Report(manifest, problems)


def _restore_sqlite(database: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    if "mode=memory" in name or name == ":memory:":
        raise BackupError("Không khôi phục vào cơ sở dữ liệu SQLite trong bộ nhớ.")
    connection.close()
    copy, target = sqlite3.connect(database), sqlite3.connect(name)
    try:
        copy.backup(target)
    finally:
        copy.close()
        target.close()


def _restore_postgresql(dump: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    env, args = pg_environment()
    connection.close()
    _run([pg_restore, *args, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={connection.settings_dict['NAME']}", str(dump)], env)


def verify_installation(manifest: dict) -> list[str]:
    """The configured database and files against a backup's manifest: rows, stored files, audit chain."""
    from dossiers.services.audit import verify_chain

    problems = []
    with connection.cursor() as cursor:
        tables = _count_tables(cursor, connection.introspection.table_names(cursor))
        head, references = _audit_head(cursor), _file_references(cursor)
    for table in sorted(set(tables) | set(manifest["tables"])):
        if tables.get(table) != manifest["tables"].get(table):
            problems.append(f"bảng {table}: {tables.get(table)} bản ghi, bản sao lưu có {manifest['tables'].get(table)}")
    present = {}
    for _row, name, _sha in references:
        try:
            path = Path(default_storage.path(name))
        except SuspiciousFileOperation:
            continue  # a name outside the media folder: reported as missing
        if path.is_file():
            present[name] = {"sha256": sha256_of(path)}
    problems += _check_references(references, present, "sau khi khôi phục")
    chain = verify_chain()
    if chain and len(chain) >= (head or {}).get("last_event_id", 0):
        problems.append("mọi sự kiện nhật ký đều sai mã băm: khóa nhật ký (AUDIT_KEY, hoặc DJANGO_SECRET_KEY khi "
                        "không đặt AUDIT_KEY) ở nơi khôi phục có lẽ khác nơi đã sao lưu")
    problems += [f"nhật ký {problem}" for problem in chain]
    if head != manifest["audit_head"]:
        problems.append(f"đầu chuỗi nhật ký {head} khác bản sao lưu {manifest['audit_head']}")
    return problems

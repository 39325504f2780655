"""Backup and restore (``manage.py backup`` / ``manage.py restore``, docs/deployment.md "Backups").

The demo province (dossiers with their attachments, signed decisions, a
council, an audit chain of some 160 events) is backed up by the real command
while its installation is configured as in production, restored into an empty
database and an empty media folder, and the restored installation is checked
from outside the command: rows per table, every stored file against the
SHA-256 its row recorded, the audit chain, and a user who signs in and
downloads an attachment. SQLite always; PostgreSQL (pg_dump / pg_restore) when
the suite runs on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from tests.security.faultkit import Site, demo_site
from workflows.demo import PASSWORD


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo installation and its backup, taken once by the real command (backing up only reads)."""
    site = demo_site(tmp_path_factory)
    target = tmp_path_factory.mktemp("backups") / "khenthuong"
    result = site.manage("backup", str(target))
    assert "Đã sao lưu vào" in result.stdout
    return site, target


@pytest.fixture
def empty(demo, tmp_path):
    """A new installation: an empty database (no tables) and an empty media folder."""
    site = Site(tmp_path / "restored", kind=demo[0].kind)
    site.create_empty()
    yield site
    site.drop()


def manifest_of(backup) -> dict:
    return json.loads((backup / "manifest.json").read_text(encoding="utf-8"))


def test_a_backup_restores_into_an_empty_installation(demo, empty):
    source, backup = demo
    original = source.probe_many("counts", "files", "audit")
    assert original["counts"]["dossiers_attachment"] > 0 and original["counts"]["dossiers_decision"] > 0
    assert original["files"]["checked"] == original["counts"]["dossiers_attachment"]
    assert original["audit"]["events"] > 100 and original["audit"]["problems"] == []

    manifest = manifest_of(backup)
    assert manifest["database"]["vendor"] == source.kind
    assert manifest["tables"] == original["counts"]
    assert manifest["audit_head"] == original["audit"]["head"]
    assert len(manifest["media"]) == original["files"]["checked"]

    result = empty.manage("restore", str(backup))
    assert "Đã khôi phục và kiểm tra" in result.stdout

    restored = empty.probe_many("counts", "files", "audit", "consistency")
    assert restored["counts"] == original["counts"]
    assert restored["files"] == {"checked": original["files"]["checked"], "problems": []}
    assert restored["audit"] == original["audit"]
    assert restored["consistency"]["problems"] == []
    # The restored files are the originals, byte for byte.
    for name, entry in manifest["media"].items():
        assert hashlib.sha256((empty.media / name).read_bytes()).hexdigest() == entry["sha256"]
        assert (empty.media / name).read_bytes() == (source.media / name).read_bytes()

    # And the restored installation serves them: a unit's clerk downloads an attachment.
    web = empty.start_web()
    attachment = empty.run("-c", (
        "import django; django.setup();"
        "from dossiers.models import Attachment;"
        "a = Attachment.objects.select_related('dossier__created_by').order_by('pk').first();"
        "print(a.pk, a.dossier.created_by.username, a.sha256)"), env=empty.env()).stdout.split()
    browser = web.browser().login(attachment[1], PASSWORD)
    response = browser.get(f"/attachments/{attachment[0]}/download/")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == attachment[2]
    web.kill()


def test_a_damaged_backup_is_refused_before_anything_is_restored(demo, empty, tmp_path):
    source, original = demo
    assert "nguyên vẹn" in source.manage("restore", "--check", str(original)).stdout
    backup = tmp_path / "damaged"
    shutil.copytree(original, backup)
    manifest = manifest_of(backup)
    name = sorted(manifest["media"])[0]
    stored = backup / "media" / name
    stored.write_bytes(stored.read_bytes() + b"\n")
    (backup / "media" / "them-vao.pdf").write_bytes(b"%PDF-1.4")

    check = source.manage("restore", "--check", str(backup), check=False)
    assert check.returncode != 0
    assert f"tệp {name} đã bị thay đổi" in check.stderr
    assert "tệp them-vao.pdf không có trong bảng kê" in check.stderr
    result = empty.manage("restore", str(backup), check=False)
    assert result.returncode != 0 and "không nguyên vẹn, không khôi phục" in result.stderr
    assert empty.probe("counts") == {}
    assert not any(p.is_file() for p in empty.media.rglob("*"))

    database = backup / manifest["database"]["file"]
    database.write_bytes(database.read_bytes()[:-1024])
    check = source.manage("restore", "--check", str(backup), check=False)
    assert f"tệp cơ sở dữ liệu {database.name} đã bị thay đổi" in check.stderr


def test_restore_refuses_a_database_in_use(demo, tmp_path):
    source, backup = demo
    site = source.clone(tmp_path / "in-use")
    try:
        before = site.probe("fingerprint")
        result = site.manage("restore", str(backup), check=False)
        assert result.returncode != 0 and "Cơ sở dữ liệu đích không trống" in result.stderr
        assert site.probe("fingerprint") == before
    finally:
        site.drop()


def test_restore_needs_the_installations_audit_key(demo, empty):
    """The key is kept apart from the backups: under another key the restored chain does not verify."""
    result = empty.manage("restore", str(demo[1]), check=False, DJANGO_SECRET_KEY="mot-khoa-khac-" * 4)
    assert result.returncode != 0
    assert "khóa nhật ký (AUDIT_KEY" in result.stderr
    # The data itself is whole: with the installation's own key the same chain verifies.
    assert empty.probe("audit")["problems"] == []


def test_backup_into_a_directory_with_data_is_refused(demo, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text("{}")
    result = demo[0].manage("backup", str(tmp_path / "old"), check=False)
    assert result.returncode != 0 and "đã có dữ liệu" in result.stderr
    assert (tmp_path / "old" / "manifest.json").read_text() == "{}"

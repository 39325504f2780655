"""The audit chain detects an edited, deleted or reordered event."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dossiers.exceptions import DomainError
from dossiers.models import AuditEvent
from dossiers.models.audit import AppendOnlyError
from dossiers.services import dossiers as svc
from dossiers.services.audit import verify_chain


@pytest.fixture
def chain(unit, clerk):
    dossier = svc.create_dossier(actor=clerk, unit=unit, kind="regular", year=2025, title="Hồ sơ A")
    for title in ("Hồ sơ B", "Hồ sơ C", "Hồ sơ D"):
        svc.update_dossier(actor=clerk, dossier=dossier, kind="regular", year=2025, title=title)
    assert AuditEvent.objects.count() == 4
    return list(AuditEvent.objects.order_by("id"))


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_intact_chain_verifies(chain, capsys):
    assert verify_chain() == []
    call_command("verify_audit")
    assert "Nhật ký toàn vẹn: 4 sự kiện" in capsys.readouterr().out


def test_event_records_actor_and_before_after(chain, clerk):
    event = chain[1]
    assert event.actor == clerk
    assert event.before == {"title": "Hồ sơ A"} and event.after == {"title": "Hồ sơ B"}
    assert chain[0].prev_hash == "0" * 64 and chain[1].prev_hash == chain[0].hash


def test_models_refuse_update_and_delete(chain):
    event = chain[0]
    event.message = "sửa"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_edited_event_detected(chain):
    raw(f"UPDATE {AuditEvent._meta.db_table} SET message = %s WHERE id = %s", ["Sửa lén", chain[1].id])
    problems = verify_chain()
    assert [p.event_id for p in problems] == [chain[1].id]
    assert "đã bị sửa" in problems[0].problem
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn"):
        call_command("verify_audit")


def test_edited_json_detected(chain):
    raw(f"UPDATE {AuditEvent._meta.db_table} SET after = %s WHERE id = %s", ['{"title": "Hồ sơ Z"}', chain[2].id])
    assert [p.event_id for p in verify_chain()] == [chain[2].id]


def test_deleted_event_detected(chain):
    raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [chain[1].id])
    problems = verify_chain()
    assert problems and problems[0].event_id == chain[2].id
    assert "đã bị xóa" in problems[0].problem


def test_deleted_last_event_detected(chain):
    raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [chain[-1].id])
    assert any("cuối chuỗi" in p.problem for p in verify_chain())


def test_reordered_events_detected(chain):
    """Swap the contents of two events (ids stay in place): both links break."""
    table = AuditEvent._meta.db_table
    first, second = chain[1], chain[2]
    columns = ["occurred_at", "actor_id", "actor_name", "action", "object_type", "object_id", "message",
               "before", "after", "prev_hash", "hash"]
    rows = {}
    with connection.cursor() as cursor:
        for event in (first, second):
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [event.id])
            rows[event.id] = cursor.fetchone()
        # Clear the unique hashes first, then write each row's data into the other's id.
        cursor.execute(f"UPDATE {table} SET hash = %s WHERE id = %s", ["x1", first.id])
        cursor.execute(f"UPDATE {table} SET hash = %s WHERE id = %s", ["x2", second.id])
        assignments = ", ".join(f"{c} = %s" for c in columns)
        for target, source in ((first.id, second.id), (second.id, first.id)):
            values = list(rows[source])
            if connection.vendor == "postgresql":
                import json

                values[7], values[8] = json.dumps(values[7]), json.dumps(values[8])
            cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*values, target])
    problems = verify_chain()
    assert {p.event_id for p in problems} >= {first.id, second.id}


def test_no_event_without_the_change(unit, clerk):
    """A refused change leaves no audit event behind (same transaction)."""
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError):
        svc.create_dossier(actor=clerk, unit=unit, kind="regular", year=1900, title="Sai năm")
    assert AuditEvent.objects.count() == before


# ---- keyed chain ----------------------------------------------------------------------------------

def _fields(event):
    return {
        "event_id": event.id, "occurred_at": event.occurred_at, "actor_id": event.actor_id,
        "actor_name": event.actor_name, "action": event.action, "object_type": event.object_type,
        "object_id": event.object_id, "dossier_id": event.dossier_id_ref, "unit_id": event.unit_id_ref,
        "message": event.message, "before": event.before, "after": event.after, "prev_hash": event.prev_hash,
    }


def rewrite_chain(hash_of, edit=None):
    """What someone with write access to the database does: change an event, recompute every hash and link."""
    from dossiers.models import AuditChainHead

    table = AuditEvent._meta.db_table
    prev = "0" * 64
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET hash = 'x' || id")  # free the unique hashes
        for event in AuditEvent.objects.order_by("id"):
            if edit:
                edit(event)
            event.prev_hash = prev
            new_hash = hash_of(event)
            cursor.execute(f"UPDATE {table} SET message = %s, prev_hash = %s, hash = %s WHERE id = %s",
                           [event.message, prev, new_hash, event.id])
            prev = new_hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)


def plain_sha256(event) -> str:
    import hashlib

    from dossiers.models.audit import event_payload

    return hashlib.sha256(event_payload(**_fields(event))).hexdigest()


def _edit_second(event):
    """Edit the second event by order, whatever ids the database gave the chain."""
    if event.id == AuditEvent.objects.order_by("id")[1].id:
        event.message = "Sửa lén"


def assert_second_edited():
    assert [e.message for e in AuditEvent.objects.order_by("id")][1] == "Sửa lén"


def test_hashes_are_keyed(chain, settings):
    import hashlib
    import hmac

    from dossiers.models.audit import derive_audit_key, event_payload

    event = chain[0]
    assert event.hash != plain_sha256(event)
    key = derive_audit_key(settings.SECRET_KEY)
    assert event.hash == hmac.new(key, event_payload(**_fields(event)), hashlib.sha256).hexdigest()


def test_chain_recomputed_without_the_key_is_detected(chain):
    """Every link is consistent and the head matches, but the hashes are plain SHA-256: nothing verifies."""
    rewrite_chain(plain_sha256, edit=_edit_second)
    assert_second_edited()
    problems = verify_chain()
    assert [p.event_id for p in problems] == [event.id for event in chain]
    assert all("đã bị sửa" in p.problem for p in problems)
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn: 4 lỗi"):
        call_command("verify_audit")


def test_chain_recomputed_with_a_guessed_key_is_detected(chain):
    from dossiers.models.audit import compute_event_hash, derive_audit_key

    guessed = derive_audit_key("django-insecure-khoa-doan")
    rewrite_chain(lambda event: compute_event_hash(key=guessed, **_fields(event)), edit=_edit_second)
    assert_second_edited()
    assert {p.event_id for p in verify_chain()} == {event.id for event in chain}


def test_chain_recomputed_with_the_key_verifies(chain):
    """The control for the two tests above: the rewrite itself is faithful, only the key is missing."""
    rewrite_chain(lambda event: event.compute_hash(), edit=_edit_second)
    assert_second_edited()
    assert verify_chain() == []


def test_dedicated_audit_key_and_rotation(chain, settings, clerk, unit):
    previous_secret = settings.SECRET_KEY
    settings.AUDIT_KEY = "khoa-nhat-ky-rieng-cua-tinh"
    assert {p.event_id for p in verify_chain()} == {event.id for event in chain}  # signed with the old key
    settings.AUDIT_KEY_FALLBACKS = [previous_secret]
    assert verify_chain() == []
    svc.create_dossier(actor=clerk, unit=unit, kind="regular", year=2025, title="Sau khi đổi khóa")
    assert verify_chain() == []
    settings.AUDIT_KEY_FALLBACKS = []
    assert len(verify_chain()) == len(chain)  # only the new event verifies without the fallback


class TestMigrationToKeyedHashes:
    """0013 re-signs an intact plain SHA-256 chain, and refuses to re-sign a broken one."""

    @staticmethod
    def migration():
        from importlib import import_module

        return import_module("dossiers.migrations.0013_audit_chain_keyed")

    def test_plain_chain_is_re_signed(self, chain):
        from django.apps import apps

        from dossiers.models import AuditChainHead

        migration = self.migration()
        migration.back_to_plain(apps, None)
        plain = list(AuditEvent.objects.order_by("id"))
        assert [e.hash for e in plain] == [plain_sha256(e) for e in plain]
        assert len(verify_chain()) == len(chain)
        migration.sign_with_key(apps, None)
        assert verify_chain() == []
        assert [e.hash for e in AuditEvent.objects.order_by("id")] == [e.hash for e in chain]
        assert AuditChainHead.objects.get(pk=1).last_hash == chain[-1].hash

    def test_broken_plain_chain_is_not_re_signed(self, chain):
        from django.apps import apps
        from django.db import transaction

        migration = self.migration()
        migration.back_to_plain(apps, None)
        raw(f"UPDATE {AuditEvent._meta.db_table} SET message = %s WHERE id = %s", ["Sửa lén", chain[2].id])
        before = list(AuditEvent.objects.order_by("id").values_list("hash", flat=True))
        with pytest.raises(RuntimeError, match=f"#{chain[2].id}"), transaction.atomic():
            migration.sign_with_key(apps, None)
        assert list(AuditEvent.objects.order_by("id").values_list("hash", flat=True)) == before

    def test_empty_chain(self, db):
        from django.apps import apps

        self.migration().sign_with_key(apps, None)
        assert verify_chain() == []


# ---- reordering, forging, truncating ----------------------------------------------------------------

def _table():
    return AuditEvent._meta.db_table


def _head():
    from dossiers.models import AuditChainHead

    return AuditChainHead.objects.get(pk=1)


def test_swapped_ids_detected(chain):
    """Reorder by renumbering: two events exchange their ids (their contents stay as written)."""
    second, third = chain[1], chain[2]
    raw(f"UPDATE {_table()} SET id = %s WHERE id = %s", [-1, second.id])
    raw(f"UPDATE {_table()} SET id = %s WHERE id = %s", [second.id, third.id])
    raw(f"UPDATE {_table()} SET id = %s WHERE id = %s", [third.id, -1])
    problems = verify_chain()
    # The hash covers the id: both renumbered events fail, and the links around them break.
    assert {p.event_id for p in problems if "đã bị sửa" in p.problem} == {second.id, third.id}
    assert any("liên kết" in p.problem for p in problems)
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn"):
        call_command("verify_audit")


def _forge(*, event_id, prev_hash, key=None):
    """What someone who writes to the database but lacks the audit key can append: a well-formed event."""
    from django.utils import timezone

    from dossiers.models.audit import compute_event_hash, derive_audit_key

    fields = {"event_id": event_id, "occurred_at": timezone.now(), "actor_id": None, "actor_name": "",
              "action": "dossier.updated", "object_type": "dossiers.dossier", "object_id": "1",
              "dossier_id": None, "unit_id": None, "message": "Sự kiện giả", "before": {}, "after": {},
              "prev_hash": prev_hash}
    forged = AuditEvent(id=event_id, occurred_at=fields["occurred_at"], action=fields["action"],
                        object_type=fields["object_type"], object_id="1", message=fields["message"],
                        prev_hash=prev_hash,
                        hash=compute_event_hash(key=key or derive_audit_key("khoa-doan-mo"), **fields))
    forged.save(force_insert=True)
    return forged


def test_forged_event_inserted_in_the_middle_detected(chain):
    """Events from the third on move up one id; a forged event takes the third place, linked to the second."""
    table = _table()
    raw(f"UPDATE {table} SET id = id + 1000 WHERE id >= %s", [chain[2].id])
    raw(f"UPDATE {table} SET id = id - 999 WHERE id >= %s", [chain[2].id + 1000])
    forged = _forge(event_id=chain[2].id, prev_hash=chain[1].hash)
    head = _head()
    type(head).objects.filter(pk=1).update(last_event_id=head.last_event_id + 1)
    problems = verify_chain()
    broken = {p.event_id for p in problems}
    assert forged.id in broken
    # The genuine events after it no longer sit at the id their hash covers.
    assert {chain[2].id + 1, chain[3].id + 1} <= broken
    assert chain[0].id not in broken and chain[1].id not in broken


def test_forged_event_appended_with_its_head_detected(chain):
    """A forged last event, with the chain head moved to it: only the key is missing, and that is enough."""
    forged = _forge(event_id=chain[-1].id + 1, prev_hash=chain[-1].hash)
    _head().__class__.objects.filter(pk=1).update(last_event_id=forged.id, last_hash=forged.hash)
    problems = verify_chain()
    assert [p.event_id for p in problems] == [forged.id]
    assert "đã bị sửa" in problems[0].problem


def test_forged_event_appended_without_its_head_detected(chain):
    forged = _forge(event_id=chain[-1].id + 1, prev_hash=chain[-1].hash)
    problems = verify_chain()
    assert {p.event_id for p in problems} == {forged.id, chain[-1].id}
    assert any("cuối chuỗi" in p.problem for p in problems)


def test_truncated_tail_detected(chain):
    """The last two events deleted: every remaining link holds, but the head remembers the true end."""
    raw(f"DELETE FROM {_table()} WHERE id >= %s", [chain[2].id])
    problems = verify_chain()
    assert [(p.event_id, p.problem) for p in problems] == [
        (chain[-1].id, "sự kiện cuối chuỗi đã bị xóa hoặc thay đổi")]
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn: 1 lỗi"):
        call_command("verify_audit")


def test_truncated_tail_with_the_head_deleted_detected(chain):
    from dossiers.models import AuditChainHead

    raw(f"DELETE FROM {_table()} WHERE id >= %s", [chain[2].id])
    raw(f"DELETE FROM {AuditChainHead._meta.db_table}")
    problems = verify_chain()
    assert [(p.event_id, p.problem) for p in problems] == [(chain[1].id, "đầu chuỗi nhật ký đã bị xóa")]


def test_truncated_tail_with_the_head_rewritten_needs_a_head_kept_elsewhere(chain, capsys):
    """Cut the tail and point the head at the new last event: the chain is whole again, as far as it can tell.

    The head written down outside the database (the backup log, a backup's manifest) still names the true
    last event: ``verify_audit --known-head`` finds it gone.
    """
    call_command("verify_audit")
    printed = capsys.readouterr().out
    known = f"{chain[-1].id}:{chain[-1].hash}"
    assert f"Đầu chuỗi: {known}" in printed
    raw(f"DELETE FROM {_table()} WHERE id >= %s", [chain[2].id])
    _head().__class__.objects.filter(pk=1).update(last_event_id=chain[1].id, last_hash=chain[1].hash)
    assert verify_chain() == []  # the limit of a chain kept in the same database
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn: 1 lỗi"):
        call_command("verify_audit", "--known-head", known)
    assert "chuỗi bị cắt" in capsys.readouterr().err


def test_known_heads_of_a_chain_that_grew_since_verify(chain, clerk, unit, capsys):
    known = [f"{event.id}:{event.hash}" for event in (chain[1], chain[-1])]
    svc.create_dossier(actor=clerk, unit=unit, kind="regular", year=2025, title="Hồ sơ sau khi sao lưu")
    call_command("verify_audit", *[arg for head in known for arg in ("--known-head", head)])
    assert "Nhật ký toàn vẹn: 5 sự kiện" in capsys.readouterr().out


def test_known_head_of_a_rewritten_chain_detected(chain, capsys):
    """Even a holder of the key who re-signs the whole chain after an edit is caught by a head kept elsewhere."""
    known = f"{chain[-1].id}:{chain[-1].hash}"
    rewrite_chain(lambda event: event.compute_hash(), edit=_edit_second)
    assert verify_chain() == []
    with pytest.raises(CommandError):
        call_command("verify_audit", "--known-head", known)
    assert "chuỗi bị ghi lại" in capsys.readouterr().err

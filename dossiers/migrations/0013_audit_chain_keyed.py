"""Re-sign the audit chain with keyed hashes (HMAC-SHA256) instead of plain SHA-256.

Events written before this migration carry plain SHA-256 hashes, which anyone
with database access could recompute. The migration first verifies the whole
existing chain as it was (plain SHA-256, links, ids, head); only if it is
intact does it replace every hash and link with the keyed ones, in id order,
and the chain head with the last of them. A chain that does not verify is not
re-signed (that would launder the tampering): the migration stops and says
which event is broken. See docs/decisions/0005-hash-chained-audit-with-locked-head.md.
"""

import hashlib

from django.db import migrations

GENESIS_HASH = "0" * 64
BATCH = 1000


def _fields(event):
    return {
        "event_id": event.id, "occurred_at": event.occurred_at, "actor_id": event.actor_id,
        "actor_name": event.actor_name, "action": event.action, "object_type": event.object_type,
        "object_id": event.object_id, "dossier_id": event.dossier_id_ref, "unit_id": event.unit_id_ref,
        "message": event.message, "before": event.before, "after": event.after, "prev_hash": event.prev_hash,
    }


def _plain(event) -> str:
    from dossiers.models.audit import event_payload

    return hashlib.sha256(event_payload(**_fields(event))).hexdigest()


def _keyed(event) -> str:
    from dossiers.models.audit import compute_event_hash

    return compute_event_hash(**_fields(event))


def _rehash(apps, old_hash, new_hash, direction: str):
    AuditEvent = apps.get_model("dossiers", "AuditEvent")
    AuditChainHead = apps.get_model("dossiers", "AuditChainHead")
    expected_prev, new_prev, expected_id, start = GENESIS_HASH, GENESIS_HASH, 1, 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=start).order_by("id")[:BATCH])
        if not batch:
            break
        for event in batch:
            if event.id != expected_id or event.prev_hash != expected_prev or old_hash(event) != event.hash:
                raise RuntimeError(
                    f"Nhật ký không toàn vẹn tại sự kiện #{event.id}: không ký lại chuỗi ({direction}). "
                    "Hãy điều tra (manage.py verify_audit ở phiên bản trước) rồi mới chạy lại migration. "
                    f"The audit chain is broken at event #{event.id}; it was not re-signed."
                )
            expected_prev, expected_id = event.hash, event.id + 1
            event.prev_hash = new_prev
            event.hash = new_hash(event)
            new_prev = event.hash
        AuditEvent.objects.bulk_update(batch, ["prev_hash", "hash"])
        start = batch[-1].id
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None:
        if head.last_event_id != expected_id - 1 or head.last_hash != expected_prev:
            raise RuntimeError("Đầu chuỗi nhật ký không khớp sự kiện cuối: không ký lại chuỗi. "
                               "The audit chain head does not match its last event; it was not re-signed.")
        AuditChainHead.objects.filter(pk=1).update(last_hash=new_prev)


def sign_with_key(apps, schema_editor):
    _rehash(apps, _plain, _keyed, "SHA-256 -> HMAC")


def back_to_plain(apps, schema_editor):
    _rehash(apps, _keyed, _plain, "HMAC -> SHA-256")


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0012_generated_documents"),
    ]

    operations = [
        migrations.RunPython(sign_with_key, back_to_plain),
    ]

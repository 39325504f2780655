"""Writing and verifying the audit chain."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dossiers.models.audit import GENESIS_HASH, AuditChainHead, AuditEvent


def record_event(*, actor, action: str, obj, message: str = "", before: dict | None = None,
                 after: dict | None = None, dossier=None, unit=None) -> AuditEvent:
    """Append one event to the chain. Call inside the transaction that made the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the change's transaction")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    dossier_id = getattr(dossier, "pk", None)
    unit_id = getattr(unit, "pk", None) or getattr(dossier, "unit_id", None)
    event = AuditEvent(
        id=head.last_event_id + 1,
        occurred_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_full_name() or actor.username) if getattr(actor, "pk", None) else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        dossier_id_ref=dossier_id,
        unit_id_ref=unit_id,
        message=str(message),
        before=before or {},
        after=after or {},
        prev_hash=head.last_hash,
    )
    # Round-trip the JSON so the hash covers what the database will return.
    event.before = _roundtrip(event.before)
    event.after = _roundtrip(event.after)
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(last_event_id=event.id, last_hash=event.hash)
    return event


def record_events(*, actor, entries: list[dict]) -> list[AuditEvent]:
    """Append many events to the chain at once (one lock, one INSERT, one head update).

    Each entry has the keyword arguments of ``record_event`` but ``actor``:
    ``action``, ``obj`` and optionally ``message``, ``before``, ``after``,
    ``dossier``, ``unit``. The chain is the same as with one call per entry.
    """
    if not entries:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_events must run inside the change's transaction")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    now = timezone.now()
    named = getattr(actor, "pk", None)
    events, last_id, last_hash = [], head.last_event_id, head.last_hash
    for entry in entries:
        dossier = entry.get("dossier")
        obj = entry["obj"]
        event = AuditEvent(
            id=last_id + 1, occurred_at=now, actor=actor if named else None,
            actor_name=(actor.get_full_name() or actor.username) if named else "",
            action=entry["action"], object_type=obj._meta.label_lower, object_id=str(obj.pk),
            dossier_id_ref=getattr(dossier, "pk", None),
            unit_id_ref=getattr(entry.get("unit"), "pk", None) or getattr(dossier, "unit_id", None),
            message=str(entry.get("message", "")), before=_roundtrip(entry.get("before") or {}),
            after=_roundtrip(entry.get("after") or {}), prev_hash=last_hash,
        )
        event.hash = event.compute_hash()
        events.append(event)
        last_id, last_hash = event.id, event.hash
    AuditEvent.objects.bulk_create(events)
    AuditChainHead.objects.filter(pk=1).update(last_event_id=last_id, last_hash=last_hash)
    return events


def _roundtrip(value: dict) -> dict:
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@dataclass(frozen=True)
class AuditProblem:
    event_id: int
    problem: str

    def __str__(self) -> str:
        return f"#{self.event_id}: {self.problem}"


def verify_chain(batch_size: int = 2000) -> list[AuditProblem]:
    """Walk the chain in id order and report every break.

    Detects an edited event (its keyed hash no longer matches its content,
    including a chain rewritten with hashes recomputed without the key), a
    deleted event (a gap in the ids or a broken link), a reordered one (a link
    that points to the wrong predecessor) and a truncated tail (the chain head
    remembers the last event).
    """
    problems: list[AuditProblem] = []
    expected_prev = GENESIS_HASH
    expected_id = 1
    last_id = 0
    qs = AuditEvent.objects.order_by("id")
    start = 0
    while True:
        batch = list(qs.filter(id__gt=start)[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.id != expected_id:
                problems.append(AuditProblem(event.id, f"thiếu sự kiện #{expected_id}..#{event.id - 1} (đã bị xóa)"))
            if event.prev_hash != expected_prev:
                problems.append(AuditProblem(event.id, "liên kết với sự kiện trước bị sai (bị xóa hoặc đổi thứ tự)"))
            if not event.hash_verifies():
                problems.append(AuditProblem(event.id, "nội dung đã bị sửa (mã băm không khớp)"))
            expected_prev = event.hash
            expected_id = event.id + 1
            last_id = event.id
        start = batch[-1].id
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None and last_id:
        problems.append(AuditProblem(last_id, "đầu chuỗi nhật ký đã bị xóa"))
    elif head is not None and (head.last_event_id != last_id or head.last_hash != expected_prev):
        problems.append(AuditProblem(head.last_event_id, "sự kiện cuối chuỗi đã bị xóa hoặc thay đổi"))
    return problems


def check_known_heads(known: list[tuple[int, str]]) -> list[AuditProblem]:
    """Heads recorded outside the database earlier (backup logs, manifests): each event must still be there.

    The chain alone cannot tell a tail cut off together with a head rewritten
    to match, nor a chain re-signed by someone holding the key; a head written
    down elsewhere can: its event must still carry the hash it had then.
    """
    problems = []
    stored = dict(AuditEvent.objects.filter(id__in=[event_id for event_id, _ in known]).values_list("id", "hash"))
    for event_id, event_hash in known:
        if event_id not in stored:
            problems.append(AuditProblem(event_id, "sự kiện của đầu chuỗi đã ghi lại không còn (chuỗi bị cắt)"))
        elif stored[event_id] != event_hash:
            problems.append(AuditProblem(event_id, "sự kiện của đầu chuỗi đã ghi lại có mã băm khác (chuỗi bị ghi lại)"))
    return problems

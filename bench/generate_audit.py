"""The audit chain of everything generated, hashed with the project's own function.

Events are put in time order, numbered after the chain's current head and
linked and keyed exactly as ``dossiers.services.audit.record_event`` does
(``compute_event_hash`` with the current audit key), so ``manage.py
verify_audit`` accepts them. The supplement requests are written here too:
their ``audit_mark`` is the last event before their return.
"""

from __future__ import annotations

from dossiers.models.audit import audit_keys, compute_event_hash

FIELDS = ["id", "occurred_at", "actor_id", "actor_name", "action", "object_type", "object_id", "dossier_id_ref",
          "unit_id_ref", "message", "before", "after", "prev_hash", "hash"]


def _value(value):
    return value() if callable(value) else value


def write_chain(ctx, world, book) -> int:
    from dossiers.models import AuditChainHead, AuditEvent, SupplementItem, SupplementRequest

    key = audit_keys()[0]
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    last_id, last_hash = head.last_event_id, head.last_hash
    names = world.names
    events = book.events
    order = sorted(range(len(events)), key=lambda i: (events[i][0], i))
    as_of = ctx.as_of

    def rows():
        nonlocal last_id, last_hash
        for index in order:
            event = events[index]
            at, actor, action, object_type, object_id, dossier_id, unit_id, message, before, after = event
            if at > as_of:
                raise RuntimeError(f"event {action} at {at} is after the 'as of' moment {as_of}")
            object_id, message = str(_value(object_id)), str(_value(message))
            before, after = _value(before), _value(after)  # JSON values only: what is hashed is what is stored
            last_id += 1
            event.append(last_id)  # the supplement requests read it
            actor_name = names.get(actor, "") if actor else ""
            digest = compute_event_hash(
                key=key, event_id=last_id, occurred_at=at, actor_id=actor, actor_name=actor_name, action=action,
                object_type=object_type, object_id=object_id, dossier_id=dossier_id, unit_id=unit_id,
                message=message, before=before, after=after, prev_hash=last_hash)
            yield (last_id, at, actor, actor_name, action, object_type, object_id, dossier_id, unit_id, message,
                   before, after, last_hash, digest)
            last_hash = digest

    count = ctx.writer.insert(AuditEvent, FIELDS, rows())
    AuditChainHead.objects.filter(pk=1).update(last_event_id=last_id, last_hash=last_hash)
    requests, items = [], []
    for request, event, item_rows in book.supplements:
        request[8] = event[-1] - 1  # the last event before the return
        requests.append(tuple(request))
        items.extend(item_rows)
    ctx.writer.insert(SupplementRequest, ["id", "dossier_id", "number", "note", "due_on", "created_by_id",
                                          "created_at", "resolved_at", "audit_mark"], requests)
    ctx.writer.insert(SupplementItem, ["id", "request_id", "reason_id", "nomination_id", "document_type_id", "text"],
                      items)
    return count


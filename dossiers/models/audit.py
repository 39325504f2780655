"""Append-only, tamper-evident audit trail.

Every event carries the hash of the event before it; its own hash covers its
id, time, actor, action, object, before/after and that previous hash. Editing
an event breaks its hash, deleting one breaks the next event's link, and
swapping two breaks both. ``manage.py verify_audit`` walks the chain.

The hash is keyed (HMAC-SHA256, see ``audit_keys``): someone who can write to
the database but does not hold the key cannot recompute a rewritten chain that
verifies.

Appending takes a row lock on the single ``AuditChainHead`` row, so two
transactions cannot both link to the same predecessor.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.encoding import force_bytes
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditChainHead(models.Model):
    """Singleton (id=1): the last event's id and hash."""

    last_event_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"#{self.last_event_id} {self.last_hash[:12]}"


class AppendOnlyError(Exception):
    pass


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=200, blank=True)
    action = models.CharField(_("hành động"), max_length=60, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=60)
    object_id = models.CharField(_("mã đối tượng"), max_length=40)
    dossier_id_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    unit_id_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    message = models.TextField(_("nội dung"), blank=True)
    before = models.JSONField(_("trước"), default=dict, encoder=DjangoJSONEncoder, blank=True)
    after = models.JSONField(_("sau"), default=dict, encoder=DjangoJSONEncoder, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def compute_hash(self, key: bytes | None = None) -> str:
        """The event's HMAC under ``key`` (by default the key that signs new events)."""
        return compute_event_hash(
            key=key,
            event_id=self.id,
            occurred_at=self.occurred_at,
            actor_id=self.actor_id,
            actor_name=self.actor_name,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            dossier_id=self.dossier_id_ref,
            unit_id=self.unit_id_ref,
            message=self.message,
            before=self.before,
            after=self.after,
            prev_hash=self.prev_hash,
        )

    def hash_verifies(self) -> bool:
        """Whether the stored hash is this content's HMAC under the current key or a fallback key."""
        return any(hmac.compare_digest(self.compute_hash(key=key), self.hash) for key in audit_keys())


# Domain separation: the audit key is never the raw secret it is derived from.
KEY_CONTEXT = b"dossiers.audit-chain.v1"


def derive_audit_key(secret: str | bytes) -> bytes:
    return hmac.new(force_bytes(secret), KEY_CONTEXT, hashlib.sha256).digest()


def audit_keys() -> list[bytes]:
    """The key that signs new events, then older keys that still verify events they signed.

    ``AUDIT_KEY`` (with ``AUDIT_KEY_FALLBACKS`` after a rotation) when the
    deployment sets one; otherwise derived from ``SECRET_KEY`` (and
    ``SECRET_KEY_FALLBACKS``), so rotating the secret key the Django way keeps
    the old events verifiable as long as the old key stays a fallback.
    """
    if getattr(settings, "AUDIT_KEY", None):
        secrets = [settings.AUDIT_KEY, *getattr(settings, "AUDIT_KEY_FALLBACKS", [])]
    else:
        secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [derive_audit_key(secret) for secret in secrets if secret]


def canonical_json(value) -> str:
    """JSON that reads back to the same text: sorted keys, no spaces, ISO dates."""
    return json.dumps(
        json.loads(json.dumps(value, cls=DjangoJSONEncoder)),
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )


def event_payload(*, event_id, occurred_at, actor_id, actor_name, action, object_type,
                  object_id, dossier_id, unit_id, message, before, after, prev_hash) -> bytes:
    """The canonical bytes an event's hash covers."""
    return canonical_json(
        {
            "id": event_id,
            "at": occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "actor": actor_id,
            "actor_name": actor_name,
            "action": action,
            "object": [object_type, str(object_id)],
            "dossier": dossier_id,
            "unit": unit_id,
            "message": message,
            "before": before,
            "after": after,
            "prev": prev_hash,
        }
    ).encode("utf-8")


def compute_event_hash(*, key: bytes | None = None, **fields) -> str:
    """HMAC-SHA256 of the event's canonical payload under ``key`` (default: the current audit key)."""
    return hmac.new(key or audit_keys()[0], event_payload(**fields), hashlib.sha256).hexdigest()

"""Uploading and removing a dossier's documents.

A file is checked completely (size, type by content, package safety) before
anything is written; it is stored under a random name, never its own; its
SHA-256 is kept. If anything fails after the file reached storage, the file is
removed again, so a refused upload leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from dossiers import permissions
from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.files import EXTENSIONS, FileKind, FileRejected, detect
from dossiers.models import Attachment, DocumentType, Dossier, Nomination
from dossiers.models.dossier import attachment_path
from dossiers.services.audit import record_event
from dossiers.services.dossiers import cancel_handover, lock_dossier

MAX_NAME_LENGTH = 255
_BLANKS = frozenset("\t\n\r\x0b\x0c")  # control characters that separate words: kept as a space


def safe_original_name(name: str) -> str:
    """The uploaded name as shown to people: NFC, no folders, no control or format characters (so no
    right-to-left override that disguises ``fdp.exe`` as ``exe.pdf``), single spaces, at most 255 characters
    with the extension kept. It is only shown and offered as the download's name, never used as a path."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(" " if ch in _BLANKS else ch for ch in name if ch in _BLANKS or unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(" .") or "tai-lieu"
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        ext = ext[:20]
        name = stem[: MAX_NAME_LENGTH - len(ext)].rstrip(" .") + ext
    return name


def name_for_kind(name: str, kind: FileKind) -> str:
    """``name`` ending in an extension of ``kind``: a PDF called ``hoa-don.exe`` is shown as ``hoa-don.exe.pdf``.
    A name without extension stays as it is."""
    stem, ext = os.path.splitext(name)
    if not ext or EXTENSIONS.get(ext.lstrip(".").lower()) == kind:
        return name
    suffix = "." + kind.code
    if len(name) + len(suffix) > MAX_NAME_LENGTH:
        name = stem[: MAX_NAME_LENGTH - len(suffix) - len(ext)].rstrip(" .") + ext
    return name + suffix


def _sha256(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


@dataclass(frozen=True)
class CheckedUpload:
    """What the checks found out about an uploaded file: its shown name, size, type by content and SHA-256."""

    original_name: str
    size: int
    content_type: str
    sha256: str


def check_upload(uploaded_file, *, province) -> CheckedUpload:
    """Check a file completely before anything is stored: not empty, within the province's size limit, of an
    accepted type by its content, not a decompression bomb, and not named as another kind
    (``dossiers.files.detect``). Refusals are ``DomainError``s with a Vietnamese message naming the file."""
    original_name = safe_original_name(getattr(uploaded_file, "name", ""))
    size = uploaded_file.size
    limit = province.attachment_max_bytes
    if not size:
        raise DomainError("file_empty", _("Tệp “%(name)s” rỗng.") % {"name": original_name})
    if size > limit:
        raise DomainError("file_too_large", _("Tệp “%(name)s” nặng %(size)s MB, vượt giới hạn %(limit)d MB.")
                          % {"name": original_name, "size": f"{size / 1048576:.1f}".replace(".", ","),
                             "limit": province.attachment_max_mb})
    try:
        kind = detect(uploaded_file, name=original_name)
    except FileRejected as exc:
        raise DomainError(exc.code, _("Tệp “%(name)s” bị từ chối: %(reason)s") % {"name": original_name,
                                                                                  "reason": exc.message}) from None
    return CheckedUpload(original_name=name_for_kind(original_name, kind), size=size,
                         content_type=kind.content_type, sha256=_sha256(uploaded_file))


T = TypeVar("T")


def store_checked(uploaded_file, path: str, create: Callable[[str], T]) -> T:
    """Save a checked file under ``path`` (a random name) and call ``create(stored_name)``; if that fails, the
    stored file is removed again, so a refused upload leaves nothing behind."""
    stored_name = default_storage.save(path, uploaded_file)
    try:
        return create(stored_name)
    except BaseException:
        default_storage.delete(stored_name)
        raise


def delete_files_on_commit(names: list[str]) -> None:
    def _delete():
        for name in names:
            if name and default_storage.exists(name):
                default_storage.delete(name)

    transaction.on_commit(_delete)


@transaction.atomic
def upload_attachment(*, actor, dossier: Dossier, document_type: DocumentType, uploaded_file,
                      nomination: Nomination | None = None) -> Attachment:
    dossier = lock_dossier(dossier)
    if not permissions.can_edit.test(actor, dossier):
        raise PermissionDeniedError("permission_denied", _("Hồ sơ không còn sửa được hoặc bạn không có quyền sửa."))
    if nomination is not None and nomination.dossier_id != dossier.pk:
        raise DomainError("invalid", _("Đề nghị không thuộc hồ sơ này."))
    if document_type.per_nomination and nomination is None:
        raise DomainError("nomination_required", _("“%(doc)s” phải gắn với một người hoặc tập thể được đề nghị.")
                          % {"doc": document_type.name})
    if not document_type.per_nomination and nomination is not None:
        nomination = None

    checked = check_upload(uploaded_file, province=dossier.unit.province)

    def create(stored_name: str) -> Attachment:
        attachment = Attachment.objects.create(
            dossier=dossier, nomination=nomination, document_type=document_type, file=stored_name,
            original_name=checked.original_name, content_type=checked.content_type, size=checked.size,
            sha256=checked.sha256, uploaded_by=actor,
        )
        record_event(actor=actor, action="attachment.uploaded", obj=attachment, dossier=dossier,
                     after={"document_type": document_type.code, "name": checked.original_name, "size": checked.size,
                            "sha256": checked.sha256, "nomination": getattr(nomination, "pk", None)},
                     message=_("Tải lên tài liệu"))
        cancel_handover(actor=actor, dossier=dossier)
        return attachment

    return store_checked(uploaded_file, attachment_path(None, checked.original_name), create)


@transaction.atomic
def remove_attachment(*, actor, attachment: Attachment) -> None:
    dossier = lock_dossier(attachment.dossier)
    if not permissions.can_edit.test(actor, dossier):
        raise PermissionDeniedError("permission_denied", _("Hồ sơ không còn sửa được hoặc bạn không có quyền sửa."))
    record_event(actor=actor, action="attachment.removed", obj=attachment, dossier=dossier,
                 before={"document_type": attachment.document_type.code, "name": attachment.original_name,
                         "sha256": attachment.sha256},
                 message=_("Xóa tài liệu"))
    name = attachment.file.name
    attachment.delete()
    cancel_handover(actor=actor, dossier=dossier)
    delete_files_on_commit([name])

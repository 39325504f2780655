"""Rendered documents kept by content hash, and rendering large ones in the background.

    prepared = official.prepare("certificates", decision, layout=layout)
    document = store.obtain(prepared, actor=request.user)
    if document.state == GeneratedDocumentState.DONE: serve document.file
    else: show the progress page, which polls the status until the task worker is done

- The key is the SHA-256 of the document's final HTML (and of the renderer's
  version): the same HTML is the same PDF, found here and served without
  rendering; changed data makes new HTML, a new hash and a new file.
- Up to ``settings.DOCUMENT_BACKGROUND_ROWS`` rows (or pages) a document is
  rendered in the request; above that it is queued for the task worker
  (django-tasks, ``dossiers.tasks.render_generated_document``), which lays the
  parts out one after the other and records ``pages_done``/``pages_total``.
- A signed decision is a record: the first file made of it after signing is
  served from then on, even if a later template would lay it out otherwise.
- Permission is checked before anything is prepared: a file is shared between
  users only because they could both read the object it was made from.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from dossiers.documents import render
from dossiers.models import GeneratedDocument, GeneratedDocumentState

logger = logging.getLogger(__name__)

DEFAULT_BACKGROUND_ROWS = 150
# A queued or rendering document older than this is taken as lost (a worker stopped) and queued again.
DEFAULT_STALE_MINUTES = 30
PENDING = (GeneratedDocumentState.QUEUED, GeneratedDocumentState.RENDERING)


def background_threshold() -> int:
    return int(getattr(settings, "DOCUMENT_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS))


def is_stale(document: GeneratedDocument) -> bool:
    minutes = int(getattr(settings, "DOCUMENT_STALE_MINUTES", DEFAULT_STALE_MINUTES))
    since = document.started_at or document.created_at
    return document.state in PENDING and timezone.now() - since > datetime.timedelta(minutes=minutes)


def _file_exists(document: GeneratedDocument) -> bool:
    return bool(document.file) and document.file.storage.exists(document.file.name)


def cached(content_hash: str) -> GeneratedDocument | None:
    """The finished document of this hash whose file is still in storage."""
    document = GeneratedDocument.objects.filter(content_hash=content_hash,
                                                state=GeneratedDocumentState.DONE).first()
    return document if document is not None and _file_exists(document) else None


def _totals(prepared) -> list[int]:
    sizes = list(prepared.part_sizes) or [1] * len(prepared.parts)
    return [max(1, size) for size in sizes]


def frozen(prepared) -> GeneratedDocument | None:
    """The first file made of a record that no longer changes (a signed decision), if there is one."""
    if prepared.frozen_since is None:
        return None
    kept = GeneratedDocument.objects.filter(
        kind=prepared.kind.slug, object_id=prepared.obj.pk, options=prepared.stored_options,
        state=GeneratedDocumentState.DONE, finished_at__gte=prepared.frozen_since,
    ).order_by("finished_at", "id").first()
    return kept if kept is not None and _file_exists(kept) else None


def obtain(prepared, *, actor=None) -> GeneratedDocument:
    """The document's row: finished (from the cache or rendered now), or queued for the worker."""
    kept = frozen(prepared)
    if kept is not None:
        return kept
    document = GeneratedDocument.objects.filter(content_hash=prepared.content_hash).first()
    if document is not None:
        if document.state == GeneratedDocumentState.DONE and _file_exists(document):
            return document
        if document.state in PENDING and not is_stale(document):
            return document
    if prepared.size > background_threshold():
        return queue(prepared, actor=actor)
    return render_now(prepared, actor=actor)


def _fields(prepared, actor) -> dict:
    return {
        "kind": prepared.kind.slug,
        "object_id": prepared.obj.pk,
        "options": prepared.stored_options,
        "filename": prepared.filename,
        "rows": prepared.size,
        "requested_by": actor if getattr(actor, "is_authenticated", False) else None,
    }


def render_now(prepared, *, actor=None) -> GeneratedDocument:
    """Render in this request and keep the file under its hash."""
    pdf = render.pdf_from_parts(prepared.parts)
    total = sum(_totals(prepared))
    values = {**_fields(prepared, actor), "state": GeneratedDocumentState.DONE, "parts": [], "error": "",
              "pages_done": total, "pages_total": total, "size": len(pdf), "finished_at": timezone.now()}
    document = GeneratedDocument.objects.filter(content_hash=prepared.content_hash).first()
    if document is None:
        document = GeneratedDocument(content_hash=prepared.content_hash, **values)
    else:
        for name, value in values.items():
            setattr(document, name, value)
    document.file.save(f"{prepared.content_hash}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # Another request rendered the same document at the same moment: theirs is as good as ours.
        document.file.delete(save=False)
        document = GeneratedDocument.objects.get(content_hash=prepared.content_hash)
        if document.state != GeneratedDocumentState.DONE:
            return render_now(prepared, actor=actor)
    return document


def queue(prepared, *, actor=None) -> GeneratedDocument:
    """Keep the parts' HTML and hand the rendering to the task worker (once the transaction commits)."""
    totals = _totals(prepared)
    values = {**_fields(prepared, actor), "state": GeneratedDocumentState.QUEUED, "parts": prepared.parts,
              "part_sizes": totals, "pages_done": 0, "pages_total": sum(totals), "error": "",
              "started_at": None, "finished_at": None, "created_at": timezone.now()}
    with transaction.atomic():
        document, created = GeneratedDocument.objects.select_for_update().get_or_create(
            content_hash=prepared.content_hash, defaults=values)
        if not created:
            if document.state in PENDING and not is_stale(document):
                return document
            for name, value in values.items():
                setattr(document, name, value)
            document.save()
        transaction.on_commit(lambda: enqueue(document.pk))
    return document


def enqueue(document_id: int) -> None:
    from dossiers.tasks import render_generated_document

    result = render_generated_document.enqueue(document_id)
    GeneratedDocument.objects.filter(pk=document_id).update(task_id=str(result.id))


def run(document_id: int) -> GeneratedDocument:
    """The task worker's side: render the queued parts, recording progress after each."""
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.state not in PENDING:
            return document
        document.state, document.started_at = GeneratedDocumentState.RENDERING, timezone.now()
        document.save(update_fields=["state", "started_at"])
    parts = list(document.parts)
    sizes = list(document.part_sizes) or [1] * len(parts)

    def progress(done_parts: int, total_parts: int) -> None:
        done = sum(sizes[:done_parts])
        GeneratedDocument.objects.filter(pk=document.pk).update(pages_done=done)

    try:
        pdf = render.pdf_from_parts(parts, progress=progress)
    except Exception as error:
        logger.exception("Rendering document %s failed", document.pk)
        GeneratedDocument.objects.filter(pk=document.pk).update(
            state=GeneratedDocumentState.FAILED, error=str(error)[:2000], finished_at=timezone.now())
        document.refresh_from_db()
        return document
    document.refresh_from_db()
    document.file.save(f"{document.content_hash}.pdf", ContentFile(pdf), save=False)
    document.state = GeneratedDocumentState.DONE
    document.size = len(pdf)
    document.parts = []
    document.part_sizes = []
    document.pages_done = document.pages_total
    document.finished_at = timezone.now()
    document.save()
    return document

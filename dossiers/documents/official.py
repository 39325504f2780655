"""The official documents the project issues, by kind: one entry point for views, services and exports.

    from dossiers.documents.official import DOCUMENT_KINDS, render_document, document_html

    pdf = render_document("decision", decision)               # QĐ-UBND with its annex
    pdf = render_document("certificates", decision, layout=layout, test=True)
    html = document_html("ha-submission", decision)           # the final HTML (what is hashed and cached)
    reverse("document_pdf", args=["decision", decision.pk])   # the permission-checked download

Kinds (slug: object, template):

- ``decision``: ``Decision``: the Chairman's QĐ-UBND with its annex (award), or a revocation decision.
- ``ha-submission``: ``Decision``: Home Affairs' TTr-SNV to the Chairman proposing it.
- ``certificates``: ``Decision``: its certificates of merit, one page per awardee; options ``layout``
  (a ``CertificateLayout``, else the province's default) and ``test`` (sample data with field frames).
- ``central-submission``: ``CentralSubmission``: the province's TTr-UBND to the Prime Minister.
- ``public-notice``: ``PublicNotice``: the TB listing the nominations under public notice in the same period.
- ``proposal-letter``: ``Dossier``: the unit's tờ trình (Mẫu 01).
- ``achievement-report``: ``Nomination``: the báo cáo thành tích, by subject and kind of award.

Who may read which: ``dossiers.documents.access``. Rendering in the background
and the cache by content hash: ``dossiers.documents.store``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import weasyprint
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy as _

from dossiers.documents import access, render
from dossiers.documents.builders import certificates
from dossiers.documents.builders.decision import decision_context
from dossiers.documents.builders.submissions import central_submission_context, ha_submission_context
from dossiers.documents.builders.unit import (
    achievement_report_context,
    proposal_letter_context,
    public_notice_context,
)

__all__ = ["DOCUMENT_KINDS", "DocumentKind", "Prepared", "content_hash", "document_html", "document_parts",
           "get_kind", "prepare", "render_document"]

# Part of every content hash: a new renderer or a new layout of the templates makes new files.
RENDERER_VERSION = f"weasyprint-{weasyprint.__version__}/documents-1"


@dataclass(frozen=True)
class DocumentKind:
    slug: str
    label: str
    template: str
    build: Callable[..., dict]                 # (obj, **options) -> context
    scope: Callable                            # (user) -> queryset of the objects the user may read
    filename: Callable[[object, dict], str]    # (obj, context) -> "QD-07-UBND-2024.pdf"
    # Split a big context into contexts of a few pages each (rendered one after the other, with progress).
    split: Callable[[dict], list[dict]] | None = None
    # Options from the query string, checked against the object: (obj, QueryDict) -> dict, or Http404.
    parse_options: Callable[[object, QueryDict], dict] = field(default=lambda obj, query: {})
    # From when the object is a record that must not change (a signed decision): its first PDF made since
    # then is served from then on, whatever later templates would make of it. (obj) -> datetime or None.
    frozen_since: Callable[[object], object] = field(default=lambda obj: None)

    def size(self, context: dict) -> int:
        """Rows (or pages) of the document: what decides whether it renders in the background."""
        return int(context.get("rows") or 0)


def _ascii(value: str) -> str:
    from dossiers.text import fold

    folded = fold(value).upper() if value else ""
    return "".join(ch if ch.isalnum() else "-" for ch in folded).strip("-")


def _symbol_filename(prefix: str, symbol: str, pk: int) -> str:
    return f"{prefix}-{_ascii(symbol) if symbol else f'du-thao-{pk}'}.pdf"


DOCUMENT_KINDS: dict[str, DocumentKind] = {
    kind.slug: kind for kind in (
        DocumentKind(
            slug="decision", label=_("Quyết định"), template="documents/decision.html",
            build=decision_context, scope=access.decisions,
            filename=lambda obj, context: _symbol_filename("QD", obj.number, obj.pk),
            frozen_since=lambda obj: obj.signed_at if obj.state in access.PUBLISHED else None,
        ),
        DocumentKind(
            slug="ha-submission", label=_("Tờ trình của Sở Nội vụ"), template="documents/ha_submission.html",
            build=ha_submission_context, scope=access.award_decisions,
            filename=lambda obj, context: _symbol_filename("TTr", obj.submission_number, obj.pk),
        ),
        DocumentKind(
            slug="certificates", label=_("Bằng khen"), template="documents/certificates.html",
            build=certificates.certificates_context, scope=access.award_decisions,
            filename=lambda obj, context: ("bang-khen-in-thu.pdf" if context["test"] else
                                           _symbol_filename("bang-khen-QD", obj.number, obj.pk)),
            split=certificates.split, parse_options=certificates.parse_options,
        ),
        DocumentKind(
            slug="central-submission", label=_("Tờ trình Thủ tướng Chính phủ"),
            template="documents/central_submission.html", build=central_submission_context,
            scope=access.central_submissions,
            filename=lambda obj, context: _symbol_filename("TTr", obj.number, obj.pk),
        ),
        DocumentKind(
            slug="public-notice", label=_("Thông báo công khai"), template="documents/public_notice.html",
            build=public_notice_context, scope=access.public_notices,
            filename=lambda obj, context: f"thong-bao-cong-khai-{obj.starts_on:%Y%m%d}.pdf",
        ),
        DocumentKind(
            slug="proposal-letter", label=_("Tờ trình đề nghị khen thưởng của đơn vị"),
            template="documents/proposal_letter.html", build=proposal_letter_context, scope=access.dossiers,
            filename=lambda obj, context: f"to-trinh-{obj.reference}.pdf",
        ),
        DocumentKind(
            slug="achievement-report", label=_("Báo cáo thành tích"), template="documents/achievement_report.html",
            build=achievement_report_context, scope=access.nominations,
            filename=lambda obj, context: f"bao-cao-thanh-tich-{_ascii(obj.subject_name).lower()}.pdf",
        ),
    )
}


def get_kind(kind: str) -> DocumentKind:
    try:
        return DOCUMENT_KINDS[kind]
    except KeyError:
        raise Http404(_("Không có loại văn bản này.")) from None


def _contexts(spec: DocumentKind, obj, options: dict) -> tuple[dict, list[dict]]:
    context = spec.build(obj, **options)
    parts = spec.split(context) if spec.split else [context]
    return context, parts


def document_parts(kind: str, obj, **options) -> list[str]:
    """The final HTML of each part (one part, or one per few pages of a certificate batch)."""
    spec = get_kind(kind)
    _context, parts = _contexts(spec, obj, options)
    return [render.html_for(spec.template, part) for part in parts]


def document_html(kind: str, obj, **options) -> str:
    """The document's final HTML as one piece."""
    spec = get_kind(kind)
    return render.html_for(spec.template, spec.build(obj, **options))


def render_document(kind: str, obj, **options) -> bytes:
    """The document as PDF bytes, rendered now (no cache; see ``dossiers.documents.store`` for that)."""
    return render.pdf_from_parts(document_parts(kind, obj, **options))


def content_hash(parts: list[str]) -> str:
    digest = hashlib.sha256(RENDERER_VERSION.encode())
    for part in parts:
        digest.update(b"\x1e")
        digest.update(part.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Prepared:
    """A document ready to render: its parts' HTML and sizes, their hash, its size and file name."""

    kind: DocumentKind
    obj: object
    options: dict
    parts: list[str]
    part_sizes: list[int]
    content_hash: str
    size: int
    filename: str
    frozen_since: object = None

    @property
    def stored_options(self) -> dict:
        """The options as JSON (objects by their primary key)."""
        return {name: getattr(value, "pk", value) for name, value in self.options.items()}


def prepare(kind: str, obj, **options) -> Prepared:
    spec = get_kind(kind)
    context, parts = _contexts(spec, obj, options)
    html = [render.html_for(spec.template, part) for part in parts]
    return Prepared(kind=spec, obj=obj, options=options, parts=html, part_sizes=[spec.size(part) for part in parts],
                    content_hash=content_hash(html), size=spec.size(context), filename=spec.filename(obj, context),
                    frozen_since=spec.frozen_since(obj))

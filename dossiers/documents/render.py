"""Official documents as PDF: a Django template, then WeasyPrint.

    html = html_for("documents/council_minutes.html", context)   # the final HTML
    pdf = render_pdf("documents/council_minutes.html", context)  # = pdf_from_html(html)

Templates live in ``templates/documents/`` and extend ``documents/base.html``
(the Decree 30/2020 layout). They are rendered by a template engine of their
own: the project's template folders, autoescaping on, no request or context
processors, and the formatting filters of ``dossiers.documents.formatting``
built in (``date_text``, ``time_text``, ``two_digits``, ``money``).

Every resource goes through ``DocumentURLFetcher``: bundled static files
(``static:...``) and ``data:`` URIs only. A refused resource is an error, not a
warning: ``DocumentResourceError`` is raised and no PDF is returned, since a
document that silently lost its font, stylesheet or an image is worse than
none.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable

from django.template import Engine, engines
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from dossiers.documents.fetcher import STATIC_SCHEME, DocumentURLFetcher, ResourceRefused

__all__ = ["DocumentRenderError", "DocumentResourceError", "document_engine", "html_for", "pdf_from_html",
           "pdf_from_parts", "render_pdf"]

FORMATTING_LIBRARY = "dossiers.documents.formatting"


class DocumentRenderError(Exception):
    """A document could not be produced."""


class DocumentResourceError(DocumentRenderError):
    """The document asked for a resource the fetcher refuses (network, local file, missing file)."""

    def __init__(self, refused: list[ResourceRefused]):
        self.refused = refused
        urls = "; ".join(f"{refusal.url} ({refusal.reason})" for refusal in refused[:5])
        super().__init__(_("Văn bản dùng tài nguyên không được phép: %(urls)s") % {"urls": urls})


@functools.cache
def document_engine() -> Engine:
    """The template engine for documents: the project's folders, the formatting filters built in."""
    project = engines["django"].engine
    return Engine(
        dirs=list(project.dirs),
        app_dirs=project.app_dirs,
        debug=project.debug,
        autoescape=True,
        builtins=[FORMATTING_LIBRARY],
    )


def html_for(template_name: str, context: dict) -> str:
    """The document's final HTML, exactly as ``render_pdf`` hands it to WeasyPrint (in NFC)."""
    # NFC, so that text typed with combining marks is stored in the PDF as the precomposed
    # letters a reader searches for and copies.
    return unicodedata.normalize("NFC", document_engine().render_to_string(template_name, context))


def pdf_from_html(html: str) -> bytes:
    """WeasyPrint on final HTML, with the document fetcher; raises on any refused resource."""
    fetcher = DocumentURLFetcher(fail_on_errors=True)
    try:
        # The base URL makes relative references ("/static/x.png", "x.png") reach the fetcher,
        # which refuses them, instead of being dropped by WeasyPrint with a log line only.
        pdf = HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as error:
        # A BaseException in WeasyPrint: turn it into an ordinary error the caller can handle.
        refused = fetcher.refused or [ResourceRefused(str(error), _("Không tải được tài nguyên"))]
        raise DocumentResourceError(refused) from error.__cause__
    if fetcher.refused:
        # Places where WeasyPrint swallows even fatal fetch errors (inside SVG images) end here.
        raise DocumentResourceError(fetcher.refused)
    return pdf


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a document template (``documents/....html``) with ``context`` to PDF bytes."""
    return pdf_from_html(html_for(template_name, context))


def pdf_from_parts(parts: list[str], *, progress: Callable[[int, int], None] | None = None) -> bytes:
    """One PDF from several HTML documents laid out one after the other (a batch of certificates).

    ``progress(parts_done, parts_total)`` is called after each part is laid out. One part is
    exactly ``pdf_from_html``.
    """
    if len(parts) == 1 and progress is None:
        return pdf_from_html(parts[0])
    documents = []
    for index, html in enumerate(parts, start=1):
        documents.append(_layout(html))
        if progress is not None:
            progress(index, len(parts))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def _layout(html: str):
    fetcher = DocumentURLFetcher(fail_on_errors=True)
    try:
        document = HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=fetcher).render()
    except FatalURLFetchingError as error:
        refused = fetcher.refused or [ResourceRefused(str(error), _("Không tải được tài nguyên"))]
        raise DocumentResourceError(refused) from error.__cause__
    if fetcher.refused:
        raise DocumentResourceError(fetcher.refused)
    return document

"""Downloading official documents as PDF, after the same scope checks as the rest of the project.

    {% url "document_pdf" "decision" decision.pk %}          -> /van-ban/decision/12.pdf
    {% url "document_pdf" "certificates" decision.pk %}?layout=3&test=1

An object outside the user's scope is "not found" (404); published decisions
need no account. A document already rendered from the same HTML is served from
the cache; a large one is queued for the task worker and the user sees a
progress page (``document_progress``) that polls ``document_status`` and then
offers ``document_file``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from dossiers.documents import access, official, store
from dossiers.documents.builders.certificates import certificates_context
from dossiers.documents.render import html_for, pdf_from_html
from dossiers.models import CertificateLayout, Decision, GeneratedDocument, GeneratedDocumentState
from dossiers.models.users import HA_ROLES
from dossiers.views.attachments import content_disposition

FAILED_MESSAGE = gettext_lazy("Không tạo được văn bản. Hãy thử lại; nếu vẫn không được, hãy báo quản trị hệ thống.")


def _inline(filename: str) -> str:
    return content_disposition(filename).replace("attachment", "inline", 1)


def _secure(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = _inline(filename)
    response["Content-Length"] = str(len(content))
    return _secure(response)


def file_response(document: GeneratedDocument):
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404(_("Tệp không còn trong kho lưu trữ."))
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = _inline(document.filename)
    response["Content-Length"] = str(document.size or document.file.size)
    return _secure(response)


def document_pdf(request, kind: str, pk: int):
    spec = official.get_kind(kind)
    obj = get_object_or_404(spec.scope(request.user), pk=pk)
    options = spec.parse_options(obj, request.GET)
    prepared = official.prepare(kind, obj, **options)
    document = store.obtain(prepared, actor=request.user)
    if document.state == GeneratedDocumentState.DONE:
        return file_response(document)
    return redirect("document_progress", pk=document.pk)


def _readable(request, pk: int) -> GeneratedDocument:
    """The generated document, if the user may read the object it was made from."""
    document = get_object_or_404(GeneratedDocument, pk=pk)
    spec = official.DOCUMENT_KINDS.get(document.kind)
    if spec is None or not spec.scope(request.user).filter(pk=document.object_id).exists():
        raise Http404
    return document


def _source_url(document: GeneratedDocument) -> str:
    url = reverse("document_pdf", args=[document.kind, document.object_id])
    query = {name: ("1" if value is True else value) for name, value in document.options.items()
             if value not in (None, False, "")}
    return f"{url}?{urlencode(query)}" if query else url


def status_of(document: GeneratedDocument) -> dict:
    total = document.pages_total or 0
    done = min(document.pages_done or 0, total)
    percent = 100 if document.state == GeneratedDocumentState.DONE else (done * 100 // total if total else 0)
    messages = {
        GeneratedDocumentState.QUEUED: _("Đang chờ đến lượt tạo văn bản…"),
        GeneratedDocumentState.RENDERING: _("Đang tạo văn bản: %(done)s/%(total)s (%(percent)s%%)…")
        % {"done": done, "total": total, "percent": percent},
        GeneratedDocumentState.DONE: _("Đã tạo xong văn bản."),
        GeneratedDocumentState.FAILED: str(FAILED_MESSAGE),
    }
    status = {
        "state": document.state,
        "state_label": document.get_state_display(),
        "pages_done": done,
        "pages_total": total,
        "percent": percent,
        "message": messages[document.state],
        "file_url": None,
        "retry_url": None,
    }
    if document.state == GeneratedDocumentState.DONE:
        status["file_url"] = reverse("document_file", args=[document.pk])
    if document.state == GeneratedDocumentState.FAILED:
        status["retry_url"] = _source_url(document)
    elif store.is_stale(document):
        # The task worker stopped in the middle (or never took the job): asking again queues it again.
        status["message"] = _("Văn bản chưa được tạo xong sau một thời gian dài (tiến trình tạo văn bản có thể đã "
                              "dừng). Hãy bấm “Tạo lại văn bản”.")
        status["retry_url"] = _source_url(document)
    return status


@never_cache
def document_progress(request, pk: int):
    document = _readable(request, pk)
    return render(request, "documents/web/progress.html", {
        "document": document,
        "status": status_of(document),
        "label": official.DOCUMENT_KINDS[document.kind].label,
    })


@never_cache
def document_status(request, pk: int):
    return JsonResponse(status_of(_readable(request, pk)))


def document_file(request, pk: int):
    document = _readable(request, pk)
    if document.state != GeneratedDocumentState.DONE:
        return redirect("document_progress", pk=document.pk)
    return file_response(document)


def certificate_test_print(request, pk: int):
    """A test print of a certificate layout with sample data and framed fields (linked from the admin).

    Those who reach a test print elsewhere: the admin site's staff and Home Affairs (who print certificates,
    test prints included, from the decision's page), of the layout's province; a superuser."""
    layout = get_object_or_404(CertificateLayout.objects.select_related("province"), pk=pk)
    user = request.user
    prints = getattr(user, "is_staff", False) or bool(getattr(user, "roles", frozenset()) & HA_ROLES)
    if not (getattr(user, "is_superuser", False)
            or (prints and access.reader_province_id(user) == layout.province_id)):
        raise Http404
    sample = Decision(province=layout.province, title=_("In thử bằng khen"))
    context = certificates_context(sample, layout=layout, test=True)
    pdf = pdf_from_html(html_for("documents/certificates.html", context))
    return pdf_response(pdf, f"in-thu-{layout.pk}.pdf")


urlpatterns = [
    path("<slug:kind>/<int:pk>.pdf", document_pdf, name="document_pdf"),
    path("tep/<int:pk>/", document_progress, name="document_progress"),
    path("tep/<int:pk>/trang-thai.json", document_status, name="document_status"),
    path("tep/<int:pk>/tai-ve.pdf", document_file, name="document_file"),
    path("mau-bang-khen/<int:pk>/in-thu.pdf", certificate_test_print, name="certificate_test_print"),
]

"""Uploading, downloading and removing a dossier's documents.

Files are served only here, after the scoped lookup: a file of a dossier the
user may not read is "not found". Nothing is ever served from MEDIA_URL.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers import selectors
from dossiers.exceptions import DomainError
from dossiers.forms import AttachmentForm
from dossiers.services import attachments as attachment_services
from dossiers.views.common import action_error, dossier_or_404
from dossiers.views.dossiers import note_handover_cancelled, render_detail


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name in RFC 5987 form."""
    decomposed = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    ascii_name = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in ascii_name)
    return f"attachment; filename=\"{ascii_name or 'tai-lieu'}\"; filename*=UTF-8''{quote(filename, safe='')}"


@login_required
@require_POST
def attachment_upload(request, pk):
    dossier = dossier_or_404(request, pk)
    form = AttachmentForm(request.POST, request.FILES, dossier=dossier)
    if form.is_valid():
        data = form.cleaned_data
        was_prepared = dossier.is_prepared
        try:
            attachment = attachment_services.upload_attachment(
                actor=request.user, dossier=dossier, document_type=data["document_type"],
                uploaded_file=data["file"], nomination=data.get("nomination"),
            )
        except DomainError as exc:
            return render_detail(request, dossier, status=exc.status_code, upload_form=form,
                                 upload_error=action_error(exc))
        messages.success(request, _("Đã tải lên “%(name)s”.") % {"name": attachment.original_name})
        note_handover_cancelled(request, dossier, was_prepared=was_prepared)
        return redirect(reverse("dossier_detail", args=[dossier.pk]) + "#tai-lieu")
    return render_detail(request, dossier, upload_form=form,
                         upload_error={"message": _("Chưa tải lên được tài liệu: hãy xem các lỗi bên dưới."),
                                       "details": []})


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(selectors.attachment_for_user(user=request.user, pk=pk))
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("Tệp không còn trong kho lưu trữ."))
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def attachment_delete(request, pk):
    """GET or an unconfirmed POST shows the confirmation; a confirmed POST removes."""
    attachment = get_object_or_404(
        selectors.attachment_for_user(user=request.user, pk=pk).select_related("dossier", "document_type")
    )
    dossier = dossier_or_404(request, attachment.dossier_id)
    error = None
    if request.method == "POST" and request.POST.get("confirm"):
        was_prepared = dossier.is_prepared
        try:
            attachment_services.remove_attachment(actor=request.user, attachment=attachment)
        except DomainError as exc:
            error = action_error(exc)
        else:
            messages.success(request, _("Đã xóa tài liệu “%(name)s”.") % {"name": attachment.original_name})
            note_handover_cancelled(request, dossier, was_prepared=was_prepared)
            return redirect(reverse("dossier_detail", args=[dossier.pk]) + "#tai-lieu")
    return render(request, "dossiers/confirm_delete.html", {
        "dossier": dossier,
        "action_error": error,
        "title": _("Xóa tài liệu"),
        "question": _("Xóa tài liệu “%(name)s” (%(type)s) khỏi hồ sơ?")
        % {"name": attachment.original_name, "type": attachment.document_type.name},
    })

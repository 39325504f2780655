"""Files of a session: the agenda's dossier documents and the minutes (PDF).

Documents are served only here, after the session lookup: to the session's
roster, the secretary, the chair and Home Affairs staff of the province, and
only for dossiers on this session's agenda. Anything else is "not found".
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from councils import permissions
from councils.minutes import minutes_context
from councils.models import SessionState
from councils.views.context import COUNTED, reads_documents, roster_member, session_or_404
from dossiers.models import Attachment
from dossiers.views.attachments import content_disposition


def _private(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def agenda_document(request, pk, attachment_id):
    session = session_or_404(request, pk)
    if not reads_documents(request.user, session, roster_member(session, request.user)):
        raise Http404
    if session.state == SessionState.DRAFT and not permissions.can_manage_session.test(request.user, session):
        raise Http404  # members and the chair read the agenda's documents once it is published
    on_agenda = session.items.values("nomination__dossier_id")
    attachment = Attachment.objects.filter(pk=attachment_id, dossier_id__in=on_agenda).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("Tệp không còn trong kho lưu trữ."))
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["Content-Length"] = str(attachment.size)
    return _private(response)


def minutes_filename(session) -> str:
    if session.state == SessionState.FINALISED and session.minutes_number:
        return f"Biên bản {session.minutes_number.replace('/', '-')}.pdf"
    return f"Biên bản phiên họp {session.date:%d-%m-%Y} (dự thảo).pdf"


@login_required
@require_GET
def minutes_pdf(request, pk):
    """The minutes from the counted results on: a draft until the chair signs them."""
    from dossiers.documents.render import render_pdf

    session = session_or_404(request, pk)
    if session.state not in COUNTED:
        raise Http404
    pdf = render_pdf("documents/council_minutes.html", minutes_context(session))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(minutes_filename(session))
    return _private(response)

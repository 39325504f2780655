"""The member's ballot, the live progress, written opinions and paper tallies.

The ballot is cast in two steps (the choices, then a review page and
"Xác nhận gửi phiếu"). The receipt code lives only in the member's browser, in
a signed, HTTP-only cookie: never in the server's session store nor in the
database (the ballot keeps only its hash). With it the member finds and
changes their ballot until voting closes; on another device they type it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from councils import forms, permissions, selectors
from councils.models import Ballot, SessionState, VoterRecord, VotingMode
from councils.services import voting
from councils.views.context import item_or_404, render_session, session_or_404
from dossiers.exceptions import DomainError
from dossiers.views.common import action_error, apply_domain_error

COOKIE_SALT = "ballot"  # bound to the user too (see cookie_salt): a shared browser can't reach another's ballot
COOKIE_AGE = 2 * 24 * 3600  # two days: longer than any session's vote


def cookie_name(session) -> str:
    return f"phieu_{session.pk}"


def cookie_salt(request) -> str:
    return f"{COOKIE_SALT}:{request.user.pk}"


def stored_receipt(request, session) -> str:
    """The receipt this browser was given for ``session`` ("" if none, or if the signature is wrong)."""
    return request.get_signed_cookie(cookie_name(session), default="", salt=cookie_salt(request), max_age=COOKIE_AGE)


def remember_receipt(request, response, session, receipt: str) -> None:
    response.set_signed_cookie(
        cookie_name(session), receipt, salt=cookie_salt(request), max_age=COOKIE_AGE, httponly=True, samesite="Lax",
        secure=request.is_secure(), path=reverse("council_ballot", args=[session.pk]),
    )


class Refusal(Exception):
    """The member cannot use the ballot now: a page that says why."""

    def __init__(self, message, *, status=200, tone="info"):
        super().__init__(str(message))
        self.message = str(message)
        self.status = status
        self.tone = tone


def _voter(request, session):
    """(member, voter record) of the signed-in user, or ``Refusal`` with the reason in Vietnamese."""
    member = session.members.filter(user=request.user).first()
    if member is None or not member.votes:
        raise Refusal(_("Bạn không có quyền biểu quyết trong phiên họp này."), status=403, tone="error")
    if session.mode != VotingMode.ELECTRONIC:
        raise Refusal(_("Phiên họp này bỏ phiếu giấy: thành viên nhận và bỏ phiếu giấy tại phòng họp."))
    if session.state in (SessionState.DRAFT, SessionState.AGENDA_PUBLISHED, SessionState.IN_PROGRESS):
        raise Refusal(_("Chưa mở bỏ phiếu. Khi Thư ký mở bỏ phiếu, phiếu biểu quyết sẽ hiện ở trang này."))
    if session.state != SessionState.VOTING_OPEN:
        raise Refusal(_("Đã kết thúc bỏ phiếu."))
    if not member.present:
        raise Refusal(_("Bạn chưa được điểm danh có mặt nên chưa bỏ phiếu được. Hãy báo Thư ký Hội đồng."),
                      status=403, tone="error")
    record = VoterRecord.objects.filter(session=session, member=member).first()
    if record is None:
        raise Refusal(_("Bạn không có trong danh sách bỏ phiếu của phiên họp."), status=403, tone="error")
    return member, record


def _own_ballot(session, member, receipt: str):
    """The member's ballot: by its receipt in a secret vote, by the member in an open one."""
    if session.secret:
        if not receipt:
            return None
        return Ballot.objects.filter(session=session, receipt_hash=voting.receipt_hash(session, member, receipt)).first()
    return Ballot.objects.filter(session=session, member=member).first()


def _initial(ballot) -> dict:
    return {f"item_{key}": value for key, value in (ballot.choices if ballot else {}).items()}


def _page(request, session, *, status=200, **context):
    context.setdefault("session", session)
    return render(request, "councils/ballot.html", context, status=status)


def _refusal_page(request, session, refusal: Refusal):
    return _page(request, session, status=refusal.status, refusal=refusal)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def ballot(request, pk):
    """The ballot: choose, review, confirm. A secret ballot already cast is found by its receipt."""
    session = session_or_404(request, pk)
    try:
        member, record = _voter(request, session)
    except Refusal as refusal:
        return _refusal_page(request, session, refusal)
    if record.has_voted and not session.allow_ballot_change:
        return _page(request, session, already_voted=True)
    items = selectors.ballot_agenda(session)
    voted = record.has_voted
    cookie = stored_receipt(request, session)
    typed = forms.normal_receipt(request.POST.get("receipt", "")) if request.method == "POST" else ""
    own = _own_ballot(session, member, typed or cookie) if voted else None
    # A secret ballot cast on another device (or with the cookie gone) is found again with the typed receipt.
    need_receipt = voted and session.secret and own is None
    context = {"voted": voted, "items": items}
    if request.method == "GET":
        form = forms.BallotForm(items=items, initial=_initial(own))
        return _page(request, session, form=form, need_receipt=need_receipt, **context)

    action = request.POST.get("action", "review")
    if action == "load" or (need_receipt and action != "confirm"):
        if own is None:
            form = forms.BallotForm({"receipt": typed}, items=items)
            form.is_valid()
            if action == "load":
                form.add_error("receipt", _("Không tìm thấy phiếu với mã biên nhận này. Hãy kiểm tra lại mã."))
            return _page(request, session, form=form, need_receipt=True, status=400 if action == "load" else 200,
                         **context)
        form = forms.BallotForm(items=items, initial={**_initial(own), "receipt": typed})
        return _page(request, session, form=form, loaded=True, **context)
    form = forms.BallotForm(request.POST, items=items)
    if not form.is_valid():
        return _page(request, session, form=form, status=400, **context)
    if action == "edit":
        return _page(request, session, form=form, **context)
    if action != "confirm":
        return _page(request, session, form=form, reviewing=True, review=form.review(), **context)
    try:
        receipt = voting.cast_ballot(actor=request.user, session=session, choices=form.item_choices(),
                                     receipt=(typed or cookie) if voted else "")
    except DomainError as exc:
        if exc.code == "already_voted" and session.secret:
            form = forms.BallotForm(items=items, initial={"receipt": typed})
            return _page(request, session, form=form, need_receipt=True, error=action_error(exc),
                         status=exc.status_code, **context)
        return _page(request, session, form=form, error=action_error(exc), status=exc.status_code, **context)
    response = redirect("council_ballot_done", pk=session.pk)
    if receipt:
        remember_receipt(request, response, session, receipt)
    return response


@never_cache
@login_required
@require_GET
def ballot_done(request, pk):
    session = session_or_404(request, pk)
    member = session.members.filter(user=request.user).first()
    record = VoterRecord.objects.filter(session=session, member=member).first() if member else None
    if record is None or not record.has_voted:
        return redirect("council_ballot", pk=session.pk)
    return render(request, "councils/ballot_done.html", {
        "session": session,
        "receipt": stored_receipt(request, session),
        "voting_open": session.state == SessionState.VOTING_OPEN,
    })


@never_cache
@login_required
@require_GET
def progress(request, pk):
    """How many have voted (never how): for the secretary and the chair, polled by static/js/app.js."""
    session = session_or_404(request, pk)
    if not permissions.can_confirm_results.test(request.user, session):
        raise PermissionDenied
    counts = voting.progress(session)
    return JsonResponse({"voted": counts["voted"], "expected": counts["expected"], "written": counts["written"]})


@login_required
@require_POST
def written_opinion(request, pk):
    session = session_or_404(request, pk)
    members = [m for m in session.members.all() if m.votes and not m.present]
    form = forms.WrittenOpinionForm(request.POST, request.FILES, members=members, items=selectors.agenda(session))
    bound = {"opinion_form": form}
    if not form.is_valid():
        session.refresh_from_db()
        error = {"message": _("Chưa ghi được ý kiến bằng văn bản: hãy xem các lỗi bên dưới."), "details": []}
        return render_session(request, session, status=400, error=error, bound=bound)
    member = form.member_object()
    try:
        voting.enter_written_opinion(actor=request.user, session=session, member=member,
                                     choices=form.item_choices(), scan=form.cleaned_data["scan"])
    except DomainError as exc:
        apply_domain_error(form, exc)
        session.refresh_from_db()
        return render_session(request, session, status=exc.status_code, error=action_error(exc), bound=bound)
    messages.success(request, _("Đã ghi ý kiến bằng văn bản của %(name)s.") % {"name": member.name})
    return redirect(reverse("council_session", args=[session.pk]) + "#y-kien-van-ban")


@login_required
@require_POST
def paper_tally(request, pk, item_pk):
    session = session_or_404(request, pk)
    item = item_or_404(session, item_pk)
    form = forms.PaperTallyForm(request.POST, item=item)
    bound = {"tally_forms": {item.pk: form}}
    if not form.is_valid():
        session.refresh_from_db()
        return render_session(request, session, status=400, bound=bound)
    try:
        voting.enter_paper_tally(actor=request.user, item=item, **form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, exc.message)
        session.refresh_from_db()
        return render_session(request, session, status=exc.status_code, bound=bound)
    messages.success(request, _("Đã ghi kết quả kiểm phiếu nội dung %(n)d: %(name)s.")
                     % {"n": item.position, "name": item.nomination.subject_name})
    return redirect(reverse("council_session", args=[session.pk]) + f"#kiem-phieu-{item.pk}")

"""The session list, the session form, the session page and the secretary's and chair's actions.

Each action calls one service; a refusal (``DomainError``) re-renders the
session page with the reason in Vietnamese and the user's input kept. Sessions
the user may not see are "not found" (404), never "forbidden".
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from councils import forms, permissions, selectors
from councils.models import Council, CouncilSession
from councils.services import sessions as svc
from councils.views.context import (
    LIST_ROLES,
    quorum_text,
    render_session,
    session_or_404,
)
from dossiers.exceptions import DomainError
from dossiers.models import Nomination
from dossiers.views.common import action_error, apply_domain_error, paginate


@login_required
@require_GET
def session_list(request):
    user = request.user
    if not user.roles & LIST_ROLES:
        raise PermissionDenied
    visible = selectors.sessions_for(user).values("pk")
    sessions = (CouncilSession.objects.filter(pk__in=visible).select_related("council")
                .annotate(item_count=Count("items")).order_by("-date", "-id"))
    return render(request, "councils/session_list.html", {
        "page": paginate(request, sessions),
        "can_create": permissions.is_secretary.test(user),
    })


def _council_of(user):
    if not permissions.is_secretary.test(user) or user.province_id is None:
        raise PermissionDenied
    return Council.objects.filter(province_id=user.province_id).order_by("id").first()


@login_required
def session_create(request):
    council = _council_of(request.user)
    form = forms.SessionForm(request.POST or None)
    if council is None:
        return render(request, "councils/session_form.html", {"form": form, "creating": True, "no_council": True})
    if request.method == "POST" and form.is_valid():
        try:
            session = svc.create_session(actor=request.user, council=council, **form.data_for_service())
        except DomainError as exc:
            apply_domain_error(form, exc)
            return render(request, "councils/session_form.html", {"form": form, "creating": True},
                          status=exc.status_code)
        messages.success(request, _("Đã tạo phiên họp “%(title)s”. Hãy đưa các đề nghị vào chương trình.")
                         % {"title": session.title})
        return redirect("council_session", pk=session.pk)
    return render(request, "councils/session_form.html", {"form": form, "creating": True},
                  status=400 if form.is_bound else 200)


@login_required
def session_edit(request, pk):
    session = session_or_404(request, pk)
    if not permissions.can_manage_session.test(request.user, session):
        raise PermissionDenied
    initial = {name: getattr(session, name) for name in forms.SessionForm.base_fields}
    form = forms.SessionForm(request.POST or None, initial=initial)
    context = {"form": form, "creating": False, "session": session}
    if request.method == "POST" and form.is_valid():
        try:
            svc.update_session(actor=request.user, session=session, **form.data_for_service())
        except DomainError as exc:
            apply_domain_error(form, exc)
            return render(request, "councils/session_form.html", context, status=exc.status_code)
        messages.success(request, _("Đã lưu thông tin phiên họp."))
        return redirect("council_session", pk=session.pk)
    return render(request, "councils/session_form.html", context, status=400 if form.is_bound else 200)


@login_required
@require_GET
def session_detail(request, pk):
    return render_session(request, session_or_404(request, pk))


def refused(request, session, exc: DomainError, *, bound=None):
    """The session page read afresh, with the refusal and the user's input."""
    session.refresh_from_db()
    return render_session(request, session, status=exc.status_code, error=action_error(exc), bound=bound)


def _done(request, session, message: str, anchor: str = ""):
    messages.success(request, message)
    return redirect(reverse("council_session", args=[session.pk]) + (f"#{anchor}" if anchor else ""))


# -- the agenda --------------------------------------------------------------------------


@login_required
@require_POST
def agenda_add(request, pk):
    session = session_or_404(request, pk)
    raw = request.POST.getlist("nominations")
    ids = {int(value) for value in raw if value.isdigit()}
    bound = {"pool_selected": ids}
    try:
        if not ids:
            raise DomainError("nothing_selected", _("Hãy chọn ít nhất một đề nghị để đưa vào chương trình."))
        nominations = list(Nomination.objects.filter(pk__in=ids))
        if len(nominations) != len(ids) or any(not value.isdigit() for value in raw):
            raise DomainError("not_waiting", _("Có đề nghị không còn trong danh sách chờ. Hãy tải lại trang."))
        items = svc.add_items(actor=request.user, session=session, nominations=nominations)
    except DomainError as exc:
        return refused(request, session, exc, bound=bound)
    return _done(request, session, _("Đã đưa %(count)d đề nghị vào chương trình.") % {"count": len(items)},
                 "chuong-trinh")


@login_required
@require_POST
def agenda_remove(request, pk, item_pk):
    session = session_or_404(request, pk)
    item = session.items.select_related("nomination__person", "nomination__collective").filter(pk=item_pk).first()
    if item is None:
        raise Http404
    try:
        svc.remove_item(actor=request.user, item=item)
    except DomainError as exc:
        return refused(request, session, exc)
    return _done(request, session, _("Đã để lại %(name)s cho phiên họp sau.")
                 % {"name": item.nomination.subject_name}, "chuong-trinh")


# -- the steps of the session ------------------------------------------------------------------


def _step(service, success):
    """A POST view that calls ``service(actor=, session=)`` and says ``success`` when it worked."""

    @login_required
    @require_POST
    def view(request, pk):
        session = session_or_404(request, pk)
        try:
            service(actor=request.user, session=session)
        except DomainError as exc:
            return refused(request, session, exc)
        return _done(request, session, str(success))

    view.__name__ = service.__name__
    return view


session_publish = _step(svc.publish_agenda, _("Đã gửi chương trình phiên họp đến các thành viên."))
session_start = _step(svc.start_session, _("Đã khai mạc phiên họp. Hãy điểm danh thành viên."))
voting_close = _step(svc.close_voting, _("Đã kết thúc bỏ phiếu. Kết quả đã được kiểm."))
results_confirm = _step(svc.confirm_results, _("Đã xác nhận kết quả biểu quyết."))


@login_required
@require_POST
def voting_open(request, pk):
    session = session_or_404(request, pk)
    reopening = session.state == "voting_closed"
    try:
        if reopening:
            svc.reopen_voting(actor=request.user, session=session)
        else:
            svc.open_voting(actor=request.user, session=session)
    except DomainError as exc:
        return refused(request, session, exc)
    if reopening:
        return _done(request, session, _("Đã mở lại bỏ phiếu. Thành viên sửa phiếu bằng mã biên nhận của mình."))
    return _done(request, session, _("Đã mở bỏ phiếu. Thành viên có mặt vào trang phiếu biểu quyết để bỏ phiếu."))


@login_required
@require_POST
def attendance(request, pk):
    session = session_or_404(request, pk)
    form = forms.AttendanceForm(request.POST, members=session.members.all())
    bound = {"attendance_form": form}
    if not form.is_valid():
        error = DomainError("invalid", _("Danh sách điểm danh không hợp lệ. Hãy tải lại trang."))
        return refused(request, session, error, bound=bound)
    try:
        svc.record_attendance(actor=request.user, session=session, present_user_ids=form.cleaned_data["present"])
    except DomainError as exc:
        return refused(request, session, exc, bound=bound)
    quorum = svc.quorum_status(session)
    message = _("Đã ghi điểm danh. %(quorum)s.") % {"quorum": quorum_text(quorum)}
    (messages.success if quorum["met"] else messages.warning)(request, message)
    return redirect(reverse("council_session", args=[session.pk]) + "#diem-danh")


@login_required
@require_POST
def session_finalise(request, pk):
    session = session_or_404(request, pk)
    form = forms.FinaliseForm(request.POST, session=session)
    bound = {"finalise_form": form}
    if not form.is_valid():
        return refused(request, session, DomainError("invalid", _("Hãy nhập ngày ký biên bản hợp lệ.")), bound=bound)
    try:
        svc.finalise(actor=request.user, session=session, minutes_date=form.cleaned_data["minutes_date"],
                     end_time=form.cleaned_data.get("end_time"))
    except DomainError as exc:
        apply_domain_error(form, exc)
        return refused(request, session, exc, bound=bound)
    session.refresh_from_db()
    return _done(request, session, _("Đã ký biên bản số %(number)s.") % {"number": session.minutes_number})


@login_required
@require_POST
def session_correct(request, pk):
    session = session_or_404(request, pk)
    form = forms.CorrectionForm(request.POST)
    bound = {"correction_form": form}
    if not form.is_valid():
        error = DomainError("invalid", _("Đính chính chưa hợp lệ: hãy xem các ô được đánh dấu."))
        return refused(request, session, error, bound=bound)
    data = form.cleaned_data
    try:
        svc.record_correction(actor=request.user, session=session, note=data["note"],
                              place=data.get("place") or None, end_time=data.get("end_time"))
    except DomainError as exc:
        apply_domain_error(form, exc)
        return refused(request, session, exc, bound=bound)
    return _done(request, session, _("Đã ghi đính chính biên bản."), "dinh-chinh")

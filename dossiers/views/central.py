"""The central stage's pages: submissions to the Prime Minister, their steps, the tracking board.

Each step is a form that calls one service of ``dossiers.services.central``;
a refusal re-renders the submission page with the reason in Vietnamese and
the user's input kept. Province-level roles read; the forms shown follow what
the services allow (the central liaison and Home Affairs record the steps, the
signer signs). A submission of another province is "not found" (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dossiers import forms_central as forms
from dossiers import selectors_central as selectors
from dossiers.exceptions import DomainError
from dossiers.exports.central_board import board_workbook
from dossiers.exports.central_package import package_response
from dossiers.models import CentralItemStatus, CentralState, Nomination
from dossiers.models.central_deadlines import STAGE_WAITS
from dossiers.services import central as svc
from dossiers.services.central_deadlines import CentralClock
from dossiers.views.attachments import content_disposition
from dossiers.views.common import action_error, apply_domain_error, paginate

BOARD_PAGE_SIZE = 50
POOL_PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reader(request):
    if not selectors.reads_central(request.user):
        raise PermissionDenied
    return request.user


def submission_or_404(request, pk):
    """The submission if the user reads the central stage of its province; 404 otherwise, never 403."""
    return get_object_or_404(selectors.submissions_for(request.user), pk=pk)


# --------------------------------------------------------------------------- list and create


@login_required
@require_GET
def submission_list(request):
    user = _reader(request)
    state = request.GET.get("state", "")
    state = state if state in CentralState.values else ""
    page = paginate(request, selectors.submission_list(user, state=state))
    clock = CentralClock(user.unit.province_id)
    rows = [{"submission": s, "due_on": clock.due_on(s), "overdue": clock.is_overdue(s)} for s in page.object_list]
    return render(request, "central/submission_list.html", {
        "page": page, "rows": rows, "state": state, "states": forms.SUBMISSION_STATE_CHOICES,
        "rights": selectors.rights(user),
    })


@login_required
def submission_create(request):
    user = _reader(request)
    if not selectors.rights(user)["create"]:
        raise PermissionDenied
    province = user.unit.province
    everything = selectors.forwardable(province=province)
    choices = selectors.board_choices(province)
    filter_form = forms.ForwardableFilterForm(request.GET or None, awards=choices["awards"], units=choices["units"])
    pool = selectors.forwardable(province=province, **filter_form.filters())
    form = forms.CreateForm(request.POST or None)
    selected: set[int] = set()
    status = 200
    if request.method == "POST":
        raw = request.POST.getlist("nominations")
        selected = {int(value) for value in raw if value.isdigit()}
        if form.is_valid():
            try:
                if not selected:
                    raise DomainError("nothing_selected", _("Hãy chọn ít nhất một đề nghị để đưa vào hồ sơ trình."))
                nominations = list(Nomination.objects.filter(pk__in=selected))
                submission = svc.create_submission(actor=user, province=province, title=form.cleaned_data["title"],
                                                   nominations=nominations)
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Đã lập hồ sơ trình Trung ương với %(count)d đề nghị. Hãy trình Chủ tịch "
                                            "UBND tỉnh ký tờ trình.") % {"count": len(nominations)})
                return redirect("central_submission", pk=submission.pk)
        else:
            status = 400
    return render(request, "central/submission_create.html", {
        "form": form, "filter_form": filter_form, "page": paginate(request, pool, per_page=POOL_PAGE_SIZE),
        "selected": selected, "waiting_count": everything.count(),
        "filtered": any(filter_form.filters().values()),
    }, status=status)


# --------------------------------------------------------------------------- the submission page

# Labels of what the history's events record (the services' ``after`` keys).
EVENT_LABELS = {
    "title": _("Trích yếu"), "items": _("Số đề nghị"), "number": _("Số tờ trình"), "date": _("Ngày ký"),
    "sent_on": _("Ngày gửi"), "channel": _("Hình thức gửi"), "dispatch_number": _("Số công văn, mã hồ sơ gửi"),
    "received_on": _("Ngày tiếp nhận"), "reason": _("Lý do"), "nominee": _("Người, tập thể"),
    "granted": _("Được khen thưởng"), "decision_number": _("Số quyết định"),
    "items_received_on": _("Ngày nhận hiện vật"), "handed_over_on": _("Ngày trao"), "closed_on": _("Ngày kết thúc"),
    "label": _("Tên tài liệu"), "name": _("Tệp"), "supplements": _("Tài liệu đã bổ sung"),
}


def _event_value(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) if value else _("Không có")
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    return str(value)


def history(submission) -> list[dict]:
    rows = []
    for event in selectors.submission_events(submission):
        lines = [{"label": EVENT_LABELS[key], "value": _event_value(value)}
                 for key, value in (event.after or {}).items()
                 if key in EVENT_LABELS and (value not in ("", None) or key == "supplements")]
        rows.append({"event": event, "lines": lines})
    return rows


def detail_context(request, submission, *, bound=None, error=None) -> dict:
    bound = bound or {}
    user = request.user
    allowed = selectors.rights(user)
    state = submission.state
    items = selectors.submission_items(submission)
    clock = CentralClock(submission.province_id)
    pending = [item for item in items if item.status == CentralItemStatus.PENDING]
    steps = selectors.next_steps(user, submission, pending=len(pending))
    step_forms = {
        "sign": lambda: forms.SignForm(),
        "send": lambda: forms.SendForm(initial={"dispatch_number": submission.dispatch_number}
                                       if submission.dispatch_number else None),
        "receive": lambda: forms.ReceiveForm(),
        "return": lambda: forms.ReturnForm(),
        "items_received": lambda: forms.DayForm(label=_("Ngày nhận hiện vật khen thưởng")),
        "hand_over": lambda: forms.DayForm(label=_("Ngày trao")),
        "close": lambda: forms.DayForm(label=_("Ngày kết thúc theo dõi")),
        "attach": lambda: forms.CentralAttachmentForm(items=items),
    }
    forms_ = {step: bound.get(step) or step_forms[step]() for step in steps if step in step_forms}
    if "decide" in steps:
        decisions = bound.get("decisions", {})
        for item in pending:
            item.decision_form = decisions.get(item.pk) or forms.ItemDecisionForm(item=item)
    due_on = clock.due_on(submission)
    attachments = selectors.submission_attachments(submission)
    return {
        "submission": submission,
        "items": items,
        "attachments": attachments,
        "attachment_rounds": attachment_rounds(attachments),
        "added_since_return": selectors.added_since_return(submission, attachments),
        "current_round": svc.current_round(submission),
        "pending_count": len(pending),
        "granted_count": sum(1 for item in items if item.status == CentralItemStatus.GRANTED),
        "declined_count": sum(1 for item in items if item.status == CentralItemStatus.DECLINED),
        "rights": allowed,
        "forms": forms_,
        "action_error": error,
        "S": CentralState,
        "due_on": due_on,
        "overdue": due_on is not None and due_on < clock.today,
        "waiting_for": STAGE_WAITS.get(state),
        "allowance": clock.allowance(state),
        "history": history(submission),
        "pdf_url": reverse("document_pdf", args=["central-submission", submission.pk]),
        "package_url": reverse("central_package", args=[submission.pk]),
    }


def attachment_rounds(attachments) -> list[dict]:
    """The submission's own documents grouped by the sending they went (or go) with."""
    rounds: dict[int, list] = {}
    for attachment in attachments:
        rounds.setdefault(attachment.return_round, []).append(attachment)
    return [{"round": number, "attachments": rows} for number, rows in sorted(rounds.items())]


def render_detail(request, submission, *, status=200, bound=None, error=None):
    return render(request, "central/submission_detail.html",
                  detail_context(request, submission, bound=bound, error=error), status=status)


@login_required
@require_GET
def submission_detail(request, pk):
    return render_detail(request, submission_or_404(request, pk))


def _refused(request, submission, exc: DomainError, *, bound=None):
    submission.refresh_from_db()
    return render_detail(request, submission, status=exc.status_code, error=action_error(exc), bound=bound)


def _done(request, submission, message: str, anchor: str = ""):
    messages.success(request, message)
    return redirect(reverse("central_submission", args=[submission.pk]) + (f"#{anchor}" if anchor else ""))


def _invalid(request, submission, key: str, form):
    error = DomainError("invalid", _("Chưa ghi nhận được: hãy xem các ô được đánh dấu."))
    return _refused(request, submission, error, bound={key: form})


def _form_step(key: str, form_class, call, success, *, label=None):
    """A POST view: validate ``form_class``, call ``call(user, submission, cleaned_data)``, say ``success``."""

    @login_required
    @require_POST
    def view(request, pk):
        submission = submission_or_404(request, pk)
        form = form_class(request.POST, label=label) if label else form_class(request.POST)
        if not form.is_valid():
            return _invalid(request, submission, key, form)
        try:
            result = call(request.user, submission, form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
            return _refused(request, submission, exc, bound={key: form})
        return _done(request, submission, success(result) if callable(success) else str(success))

    view.__name__ = f"submission_{key}"
    return view


submission_sign = _form_step(
    "sign", forms.SignForm,
    lambda user, s, data: svc.sign_submission(actor=user, submission=s, signed_on=data["signed_on"]),
    lambda s: _("Đã ký Tờ trình số %(number)s. Cán bộ liên hệ Trung ương gửi hồ sơ đến Bộ Nội vụ.")
    % {"number": s.number})
submission_send = _form_step(
    "send", forms.SendForm,
    lambda user, s, data: svc.record_sent(actor=user, submission=s, sent_on=data["sent_on"],
                                          channel=data["channel"], dispatch_number=data["dispatch_number"]),
    _("Đã ghi nhận gửi hồ sơ đến Bộ Nội vụ."))
submission_receive = _form_step(
    "receive", forms.ReceiveForm,
    lambda user, s, data: svc.record_received(actor=user, submission=s, received_on=data["received_on"]),
    _("Đã ghi nhận Bộ Nội vụ tiếp nhận hồ sơ."))
submission_return = _form_step(
    "return", forms.ReturnForm,
    lambda user, s, data: svc.record_returned(actor=user, submission=s, returned_on=data["returned_on"],
                                              reason=data["reason"]),
    _("Đã ghi nhận Bộ Nội vụ trả lại hồ sơ. Bổ sung theo yêu cầu rồi ghi nhận gửi lại."))
submission_items_received = _form_step(
    "items_received", forms.DayForm,
    lambda user, s, data: svc.record_items_received(actor=user, submission=s, received_on=data["day"]),
    _("Đã ghi nhận nhận hiện vật khen thưởng."), label=_("Ngày nhận hiện vật khen thưởng"))
submission_hand_over = _form_step(
    "hand_over", forms.DayForm,
    lambda user, s, data: svc.record_handed_over(actor=user, submission=s, handed_over_on=data["day"]),
    _("Đã ghi nhận trao khen thưởng cho người, tập thể được khen."), label=_("Ngày trao"))
submission_close = _form_step(
    "close", forms.DayForm,
    lambda user, s, data: svc.close_submission(actor=user, submission=s, closed_on=data["day"]),
    _("Đã kết thúc theo dõi hồ sơ trình Trung ương."), label=_("Ngày kết thúc theo dõi"))


@login_required
@require_POST
def item_decision(request, pk, item_pk):
    submission = submission_or_404(request, pk)
    item = submission.items.select_related("nomination__award_type", "nomination__person",
                                           "nomination__collective").filter(pk=item_pk).first()
    if item is None:
        raise Http404
    form = forms.ItemDecisionForm(request.POST, item=item)
    if not form.is_valid():
        return _invalid(request, submission, "decisions", {item.pk: form})
    try:
        svc.record_item_decision(actor=request.user, item=item, **form.data_for_service())
    except DomainError as exc:
        apply_domain_error(form, exc)
        return _refused(request, submission, exc, bound={"decisions": {item.pk: form}})
    name = item.nomination.subject_name
    if form.cleaned_data["result"] == forms.GRANTED:
        message = _("Đã ghi kết quả: %(name)s được khen thưởng (Quyết định số %(number)s).") % {
            "name": name, "number": form.cleaned_data["decision_number"]}
    else:
        message = _("Đã ghi kết quả: %(name)s không được khen thưởng.") % {"name": name}
    return _done(request, submission, message, "de-nghi")


# --------------------------------------------------------------------------- the submission's own documents


def _attachment_or_404(submission, attachment_pk):
    attachment = submission.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return attachment


@login_required
@require_POST
def attachment_upload(request, pk):
    submission = submission_or_404(request, pk)
    items = selectors.submission_items(submission)
    form = forms.CentralAttachmentForm(request.POST, request.FILES, items=items)
    if not form.is_valid():
        return _invalid(request, submission, "attach", form)
    nomination = next((item.nomination for item in items if item.nomination_id == form.cleaned_data["nomination"]),
                      None)
    try:
        attachment = svc.add_central_attachment(actor=request.user, submission=submission,
                                                label=form.cleaned_data["label"], nomination=nomination,
                                                uploaded_file=form.cleaned_data["file"])
    except DomainError as exc:
        apply_domain_error(form, exc)
        return _refused(request, submission, exc, bound={"attach": form})
    return _done(request, submission, _("Đã thêm “%(name)s” vào hồ sơ trình.") % {"name": attachment.original_name},
                 "tai-lieu")


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    """A document of the submission, to those who read the submission (404 for anyone else)."""
    attachment = _attachment_or_404(submission_or_404(request, pk), attachment_pk)
    return file_response(attachment)


def file_response(attachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("Tệp không còn trong kho lưu trữ.")) from None
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def attachment_remove(request, pk, attachment_pk):
    submission = submission_or_404(request, pk)
    attachment = _attachment_or_404(submission, attachment_pk)
    try:
        svc.remove_central_attachment(actor=request.user, attachment=attachment)
    except DomainError as exc:
        return _refused(request, submission, exc)
    return _done(request, submission, _("Đã xóa “%(name)s” khỏi hồ sơ trình.") % {"name": attachment.original_name},
                 "tai-lieu")


@login_required
@require_GET
def submission_package(request, pk):
    submission = submission_or_404(request, pk)
    try:
        return package_response(submission)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("central_submission", args=[submission.pk]) + "#tai-ve")


# --------------------------------------------------------------------------- the tracking board


def board_filters(form: forms.BoardFilterForm) -> selectors.BoardFilters:
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return selectors.BoardFilters(status=data.get("status") or "", authority=data.get("authority") or "",
                                  award=data.get("award") or "", year=data.get("year"), unit_id=data.get("unit"),
                                  overdue=bool(data.get("overdue")), min_age=data.get("min_age"),
                                  sort=data.get("sort") or "")


def _board(request):
    user = _reader(request)
    province = user.unit.province
    choices = selectors.board_choices(province)
    form = forms.BoardFilterForm(request.GET or None, awards=choices["awards"], units=choices["units"])
    filters = board_filters(form)
    clock = CentralClock(province)
    return form, filters, clock, selectors.board_rows(province, filters, clock)


@login_required
@require_GET
def board(request):
    form, filters, clock, rows = _board(request)
    page = paginate(request, rows, per_page=BOARD_PAGE_SIZE)
    return render(request, "central/board.html", {
        "form": form, "filtered": filters.any(), "page": page,
        "rows": [selectors.board_row(n, clock) for n in page.object_list],
        "export_query": request.GET.urlencode(),
    })


@login_required
@require_GET
def board_export(request):
    form, filters, clock, rows = _board(request)
    content = board_workbook((selectors.board_row(n, clock) for n in rows.iterator(chunk_size=500)), clock=clock)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(f"theo-doi-trinh-trung-uong-{clock.today:%Y%m%d}.xlsx")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""Award decisions: Home Affairs drafts from the pool, the HA lead checks and puts it up, the signer signs.

Each action calls one service of ``dossiers.services.decisions``; a refusal
(``DomainError``, ``ConflictError`` when someone else acted first) re-renders
the page with the reason in Vietnamese and the user's input kept, with the
refusal's status (400, 403, 409). A decision the user may not read is "not
found" (404), never "forbidden"; list pages refuse other roles with 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers import selectors_decisions as sel
from dossiers.exceptions import ConflictError, DomainError
from dossiers.forms_decisions import CheckForm, DecisionTextForm, PoolFilterForm, SendBackForm, SignForm
from dossiers.models import AuditEvent, DecisionKind, DecisionState, Nomination
from dossiers.services import decisions as svc
from dossiers.views.common import action_error, apply_domain_error, paginate

POOL_PAGE_SIZE = 100
STATE_PARAM = "trang-thai"


def decision_or_404(request, pk):
    return get_object_or_404(sel.decision_for(request.user, pk))


def seen_token(decision) -> str:
    """What the page showed: a state and when it was put up for signature. Changed since: a conflict."""
    checked = decision.checked_at.isoformat() if decision.checked_at else ""
    return f"{decision.state}|{checked}"


def require_seen(decision, seen: str) -> None:
    if seen and seen != seen_token(decision):
        raise ConflictError("conflict", _("Quyết định vừa được người khác thay đổi sau khi bạn mở trang. "
                                          "Hãy xem lại nội dung trước khi thao tác."))


# -- lists -----------------------------------------------------------------------------------------


def _list(request, *, state: str, tab: str):
    user = request.user
    if not sel.reads_decisions(user):
        raise PermissionDenied
    if state not in DecisionState.values:
        state = ""
    counts = sel.state_counts(user)
    return render(request, "decisions/list.html", {
        "page": paginate(request, sel.decision_rows(user, state=state)),
        "state": state,
        "tab": tab,
        "counts": counts,
        "total": sum(counts.values()),
        "states": [(value, label, counts[value]) for value, label in DecisionState.choices],
        "can_draft": sel.is_ha(user),
        "state_param": STATE_PARAM,
    })


@login_required
@require_GET
def decision_list(request):
    return _list(request, state=request.GET.get(STATE_PARAM, ""), tab="all")


@login_required
@require_GET
def decision_to_sign(request):
    """Chờ ký: what the HA lead has put up for signature."""
    if not sel.is_signer(request.user):
        raise PermissionDenied
    return _list(request, state=DecisionState.CHECKED, tab="to_sign")


# -- the pool and a new draft ----------------------------------------------------------------------


def pool_context(request, province, *, data, selected=frozenset(), groups_selected=frozenset()) -> dict:
    choices = sel.pool_choices(province)
    filter_form = PoolFilterForm(data or None, choices=choices)
    filters = filter_form.filters()
    queryset = sel.pool(province=province, **filters)
    page = paginate(request, queryset, per_page=POOL_PAGE_SIZE)
    return {
        "pool_filter": filter_form,
        "pool_filtered": any(filters.values()),
        "pool_page": page,
        "pool_groups": sel.pool_groups(queryset, list(page.object_list)),
        "pool_selected": selected,
        "pool_groups_selected": groups_selected,
    }


def chosen_nominations(request, province) -> tuple[list, set, set]:
    """The ticked rows plus every row of each ticked group (under the filters the page had)."""
    raw = request.POST.getlist("nominations")
    ids = {int(value) for value in raw if value.isdigit()}
    groups = {code for code in request.POST.getlist("award_all") if code}
    if groups:
        filters = PoolFilterForm(request.POST, choices=sel.pool_choices(province)).filters()
        filters.pop("award_code")
        ids |= set(sel.pool(province=province, **filters).filter(award_type__code__in=groups)
                   .values_list("pk", flat=True))
    if not ids:
        raise DomainError("nothing_selected", _("Hãy chọn ít nhất một đề nghị."))
    nominations = list(Nomination.objects.filter(pk__in=ids, dossier__unit__province=province))
    if len(nominations) != len(ids):
        raise DomainError("not_ready", _("Có đề nghị không còn trong danh sách chờ quyết định. Hãy tải lại trang."))
    return nominations, ids, groups


def _require_ha(user):
    if not sel.is_ha(user):
        raise PermissionDenied
    return user.unit.province


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def decision_create(request):
    """Lập dự thảo: choose nominations from the pool, write the title, bases and recipients."""
    province = _require_ha(request.user)
    text_form = DecisionTextForm(request.POST or None, initial={"title": _("Về việc tặng thưởng danh hiệu thi đua "
                                                                            "và hình thức khen thưởng")})
    selected, groups, error, status = set(), set(), None, 200
    if request.method == "POST":
        try:
            nominations, selected, groups = chosen_nominations(request, province)
            if not text_form.is_valid():
                raise DomainError("invalid", _("Thông tin chưa hợp lệ: hãy xem các ô được đánh dấu bên dưới."))
            decision = svc.create_decision(actor=request.user, province=province, nominations=nominations,
                                           **text_form.data_for_service())
        except DomainError as exc:
            error, status = action_error(exc), exc.status_code
            selected = selected or {int(v) for v in request.POST.getlist("nominations") if v.isdigit()}
            groups = groups or set(request.POST.getlist("award_all"))
        else:
            messages.success(request, _("Đã lập dự thảo với %(count)d đề nghị. Kiểm tra nội dung rồi chuyển lãnh "
                                        "đạo Sở kiểm tra, trình ký.") % {"count": len(nominations)})
            return redirect("decision_detail", pk=decision.pk)
    data = request.POST if request.method == "POST" else request.GET
    context = {"text_form": text_form, "action_error": error,
               **pool_context(request, province, data=data, selected=selected, groups_selected=groups)}
    return render(request, "decisions/create.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def decision_add_items(request, pk):
    """Thêm đề nghị into a draft, from the pool."""
    decision = decision_or_404(request, pk)
    province = _require_ha(request.user)
    if decision.kind != DecisionKind.AWARD:
        raise Http404
    selected, groups, error, status = set(), set(), None, 200
    if request.method == "POST":
        try:
            nominations, selected, groups = chosen_nominations(request, province)
            items = svc.add_items(actor=request.user, decision=decision, nominations=nominations)
        except DomainError as exc:
            error, status = action_error(exc), exc.status_code
            selected = selected or {int(v) for v in request.POST.getlist("nominations") if v.isdigit()}
        else:
            messages.success(request, _("Đã thêm %(count)d đề nghị vào dự thảo.") % {"count": len(items)})
            return redirect(reverse("decision_detail", args=[decision.pk]) + "#danh-sach")
    data = request.POST if request.method == "POST" else request.GET
    context = {"decision": decision, "action_error": error,
               **pool_context(request, province, data=data, selected=selected, groups_selected=groups)}
    return render(request, "decisions/add_items.html", context, status=status)


# -- a decision's page ---------------------------------------------------------------------------


def rights(user, decision) -> dict:
    ha, lead, signer = sel.is_ha(user), sel.is_ha_lead(user), sel.is_signer(user)
    draft, checked = decision.state == DecisionState.DRAFT, decision.state == DecisionState.CHECKED
    return {
        "edit": ha and draft,
        "edit_items": ha and draft and decision.kind == DecisionKind.AWARD,
        "check": lead and draft,
        "send_back": (lead or signer) and checked,
        "sign": signer and checked,
        "revoke": ha and decision.state == DecisionState.SIGNED and decision.kind == DecisionKind.AWARD,
        "internal_documents": ha or signer or bool(user.roles & sel.ISSUED_READERS),
    }


def history(decision) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="dossiers.decision", object_id=str(decision.pk))
                .order_by("id"))


def decision_context(request, decision, *, bound=None, error=None) -> dict:
    bound = bound or {}
    user = request.user
    allowed = rights(user, decision)
    events = history(decision)
    steps = [e for e in events if e.action in ("decision.checked", "decision.sent_back")]
    context = {"decision": decision, "rights": allowed, "action_error": error, "S": DecisionState,
               "history": events, "seen": seen_token(decision),
               "is_revocation": decision.kind == DecisionKind.REVOCATION,
               "last_send_back": steps[-1] if steps and steps[-1].action == "decision.sent_back"
               and decision.state == DecisionState.DRAFT else None}
    if decision.kind == DecisionKind.REVOCATION:
        context["revocations"] = sel.revocation_items(decision)
    else:
        items = sel.decision_items(decision)
        context["items"] = items
        context["provincial"] = [i for i in items if not i.forwarded]
        context["forwarded"] = [i for i in items if i.forwarded]
        if decision.state in sel.ISSUED:
            sel.award_records_of_items(decision, items)
            context["revoked_by"] = sel.revoking_decision_list(item.record for item in items)
            context["cash_total"] = sum(i.cash_amount for i in items)
            if allowed["revoke"]:
                for item in items:
                    if item.record is not None and item.record.award_type_id == item.award_type_id:
                        item.record.award_type = item.award_type  # read with the item: no query per row
                for item in items:
                    item.can_revoke = item.record is not None and sel.revocable(item.record)
        else:
            context["preview"] = sel.preview_cash(items)
    if allowed["edit"]:
        context["text_form"] = bound.get("text_form") or DecisionTextForm(initial={
            "title": decision.title, "legal_bases": decision.legal_bases, "recipients": decision.recipients})
    if allowed["check"]:
        context["check_form"] = bound.get("check_form") or CheckForm()
    if allowed["send_back"]:
        context["send_back_form"] = bound.get("send_back_form") or SendBackForm()
    return context


def render_decision(request, decision, *, status=200, bound=None, error=None):
    return render(request, "decisions/detail.html", decision_context(request, decision, bound=bound, error=error),
                  status=status)


def refused(request, decision, exc: DomainError, *, bound=None):
    decision.refresh_from_db()
    return render_decision(request, decision, status=exc.status_code, bound=bound, error=action_error(exc))


def _done(request, decision, message: str, anchor: str = ""):
    messages.success(request, message)
    return redirect(reverse("decision_detail", args=[decision.pk]) + (f"#{anchor}" if anchor else ""))


@login_required
@require_GET
def decision_detail(request, pk):
    return render_decision(request, decision_or_404(request, pk))


@login_required
@require_POST
def decision_edit(request, pk):
    decision = decision_or_404(request, pk)
    form = DecisionTextForm(request.POST)
    bound = {"text_form": form}
    if not form.is_valid():
        return refused(request, decision, DomainError("invalid", _("Thông tin chưa hợp lệ: hãy xem các ô được "
                                                                   "đánh dấu bên dưới.")), bound=bound)
    try:
        svc.update_draft(actor=request.user, decision=decision, **form.data_for_service())
    except DomainError as exc:
        apply_domain_error(form, exc)
        return refused(request, decision, exc, bound=bound)
    return _done(request, decision, _("Đã lưu trích yếu, căn cứ và nơi nhận của dự thảo."))


@login_required
@require_POST
def decision_remove_item(request, pk, item_pk):
    decision = decision_or_404(request, pk)
    item = decision.items.select_related("nomination__person", "nomination__collective").filter(pk=item_pk).first()
    if item is None:
        raise Http404
    try:
        svc.remove_item(actor=request.user, item=item)
    except DomainError as exc:
        return refused(request, decision, exc)
    return _done(request, decision, _("Đã bỏ %(name)s khỏi dự thảo; đề nghị trở lại danh sách chờ quyết định.")
                 % {"name": item.nomination.subject_name}, "danh-sach")


@login_required
@require_POST
def decision_check(request, pk):
    decision = decision_or_404(request, pk)
    form = CheckForm(request.POST)
    bound = {"check_form": form}
    try:
        require_seen(decision, request.POST.get("seen", ""))
        if not form.is_valid():
            raise DomainError("invalid", _("Hãy nhập ngày tờ trình hợp lệ."))
        decision = svc.check_decision(actor=request.user, decision=decision,
                                      submission_date=form.cleaned_data["submission_date"])
    except DomainError as exc:
        return refused(request, decision, exc, bound=bound)
    return _done(request, decision, _("Đã kiểm tra và trình ký: Tờ trình số %(number)s.")
                 % {"number": decision.submission_number})


@login_required
@require_POST
def decision_send_back(request, pk):
    decision = decision_or_404(request, pk)
    form = SendBackForm(request.POST)
    bound = {"send_back_form": form}
    try:
        require_seen(decision, request.POST.get("seen", ""))
        note = form.cleaned_data["note"] if form.is_valid() else ""
        svc.send_back(actor=request.user, decision=decision, note=note)
    except DomainError as exc:
        apply_domain_error(form, exc)
        return refused(request, decision, exc, bound=bound)
    if sel.is_ha(request.user):
        return _done(request, decision, _("Đã trả lại dự thảo để sửa."))
    messages.success(request, _("Đã trả lại dự thảo cho Sở Nội vụ để sửa."))
    return redirect("decision_to_sign")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def decision_sign(request, pk):
    """The signer's page: the submission and the draft (PDF), his capacity (his account's), the date; then sign."""
    decision = decision_or_404(request, pk)
    if not sel.is_signer(request.user):
        raise PermissionDenied
    if decision.state != DecisionState.CHECKED:
        messages.info(request, _("Quyết định này không ở trạng thái chờ ký."))
        return redirect("decision_detail", pk=decision.pk)
    form = SignForm(request.POST or None, initial={"decision_date": timezone.localdate(),
                                                   "seen": seen_token(decision)})
    error, status = None, 200
    if request.method == "POST":
        try:
            require_seen(decision, request.POST.get("seen", ""))
            if not form.is_valid():
                raise DomainError("invalid", _("Thông tin chưa hợp lệ: hãy xem các ô được đánh dấu bên dưới."))
            decision = svc.sign_decision(actor=request.user, decision=decision,
                                         decision_date=form.cleaned_data["decision_date"])
        except DomainError as exc:
            error, status = action_error(exc), exc.status_code
            decision.refresh_from_db()
        else:
            return _done(request, decision, _("Đã ký ban hành Quyết định số %(number)s.")
                         % {"number": decision.number})
    context = decision_context(request, decision, error=error)
    context.update({"sign_form": form, "send_back_form": SendBackForm()})
    return render(request, "decisions/sign.html", context, status=status)

"""Dossier list, header forms, the detail page and the state-changing actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers import permissions, selectors
from dossiers.exceptions import DomainError
from dossiers.forms import AttachmentForm, DossierFilterForm, DossierForm, ReasonForm
from dossiers.labels import choice_labels
from dossiers.models import Dossier, DossierState, Unit
from dossiers.models.dossier import UNIT_EDITABLE_STATES
from dossiers.requirements import dossier_requirements
from dossiers.services import dossiers as dossier_services
from dossiers.views.common import action_error, apply_domain_error, dossier_or_404, paginate
from dossiers.views.timeline import dossier_timeline


@login_required
def dossier_list(request):
    form = DossierFilterForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    queryset = selectors.dossier_list(
        user=request.user, query=data.get("q") or "", state=data.get("state") or "", year=data.get("year"),
    )
    page = paginate(request, queryset)
    page.object_list = with_labels(page.object_list)
    return render(request, "dossiers/dossier_list.html", {"form": form, "page": page})


def with_labels(dossiers) -> list[Dossier]:
    """The rows, each with ``state_label`` and ``kind_label``, every label translated once for the page.

    ``get_state_display`` rebuilds the field's whole choice list for each call,
    hashing (so translating) every label: two such calls per row were a fifth
    of the list page's time (docs/performance.md).
    """
    states, kinds = choice_labels(Dossier, "state"), choice_labels(Dossier, "kind")
    rows = list(dossiers)
    for dossier in rows:
        dossier.state_label = states.get(dossier.state, dossier.state)
        dossier.kind_label = kinds.get(dossier.kind, dossier.kind)
    return rows


def _acting_units(user):
    return Unit.objects.filter(pk__in=permissions.acting_unit_ids(user), successor__isnull=True)


@login_required
def dossier_create(request):
    user = request.user
    if not permissions.has_unit_role.test(user):
        raise PermissionDenied
    units = _acting_units(user)
    form = DossierForm(request.POST or None, units=units, province_id=user.province_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = dossier_services.create_dossier(
                actor=user, unit=data["unit"], kind=data["kind"], year=data["year"], title=data["title"],
                movement=data.get("movement"),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lập hồ sơ %(ref)s.") % {"ref": dossier.reference})
            return redirect("dossier_detail", pk=dossier.pk)
    return render(request, "dossiers/dossier_form.html", {"form": form, "creating": True})


@login_required
def dossier_edit(request, pk):
    dossier = dossier_or_404(request, pk)
    user = request.user
    if not permissions.can_edit.test(user, dossier):
        messages.error(request, _("Hồ sơ không còn sửa được hoặc bạn không có quyền sửa."))
        return redirect("dossier_detail", pk=dossier.pk)
    initial = {"kind": dossier.kind, "year": dossier.year, "title": dossier.title, "movement": dossier.movement_id}
    form = DossierForm(request.POST or None, initial=initial, province_id=dossier.unit.province_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        was_prepared = dossier.is_prepared
        try:
            dossier_services.update_dossier(
                actor=user, dossier=dossier, kind=data["kind"], year=data["year"], title=data["title"],
                movement=data.get("movement"),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin hồ sơ."))
            note_handover_cancelled(request, dossier, was_prepared=was_prepared)
            return redirect("dossier_detail", pk=dossier.pk)
    return render(request, "dossiers/dossier_form.html", {"form": form, "dossier": dossier, "creating": False})


def note_handover_cancelled(request, dossier, *, was_prepared: bool) -> None:
    """Tell whoever changed a handed-over dossier that the change cancelled the hand-over."""
    if was_prepared and not Dossier.objects.filter(pk=dossier.pk, prepared_at__isnull=False).exists():
        messages.warning(request, _("Hồ sơ đã chuyển thủ trưởng nên thay đổi này hủy lần chuyển đó: cán bộ TĐKT "
                                    "cần kiểm tra và chuyển lại thì thủ trưởng mới trình được."))


def _submit_blocked_reason(user, dossier) -> str:
    """Why a unit head sees no submit button, so they know whom to ask."""
    if not (permissions.is_unit_head.test(user) and permissions.acts_for_dossier_unit.test(user, dossier)):
        return ""
    if dossier.state not in UNIT_EDITABLE_STATES or permissions.separation_respected.test(user, dossier):
        return ""
    return dossier_services.separation_message(dossier)


def detail_context(request, dossier, **extra) -> dict:
    user = request.user
    nominations = selectors.nominations_of(dossier)
    requirements = dossier_requirements(dossier, nominations)
    attachments = list(
        dossier.attachments.select_related(
            "document_type", "uploaded_by", "nomination__person", "nomination__collective"
        )
    )
    can_edit = permissions.can_edit.test(user, dossier)
    allowed = permissions.allowed_actions(user, dossier)
    # Home Affairs returns a dossier only through its review tasks (workflows), never from this page.
    actions = {name: name in allowed for name in ("send_to_head", "submit", "withdraw")}
    context = {
        "dossier": dossier,
        "nominations": nominations,
        "requirements": requirements,
        "missing_count": sum(1 for r in requirements if not r.satisfied),
        "attachments": attachments,
        "timeline": dossier_timeline(dossier),
        "can_edit": can_edit,
        "actions": actions,
        "any_action": any(actions.values()),
        "submit_blocked_reason": _submit_blocked_reason(user, dossier),
        "upload_form": AttachmentForm(dossier=dossier) if can_edit else None,
        "withdraw_form": ReasonForm(
            prefix="withdraw", label=_("Lý do rút hồ sơ"), required_attr=dossier.state != DossierState.DRAFT
        ),
    }
    context.update(extra)
    return context


def render_detail(request, dossier, *, status=200, **extra):
    return render(request, "dossiers/dossier_detail.html", detail_context(request, dossier, **extra), status=status)


@login_required
def dossier_detail(request, pk):
    return render_detail(request, dossier_or_404(request, pk))


@login_required
@require_POST
def dossier_send_to_head(request, pk):
    dossier = dossier_or_404(request, pk)
    try:
        dossier_services.send_to_head(actor=request.user, dossier=dossier)
    except DomainError as exc:
        return render_detail(request, dossier, status=exc.status_code, action_error=action_error(exc))
    messages.success(request, _("Đã chuyển hồ sơ cho thủ trưởng đơn vị xem xét, trình."))
    return redirect("dossier_detail", pk=dossier.pk)


@login_required
@require_POST
def dossier_submit(request, pk):
    dossier = dossier_or_404(request, pk)
    resubmission = dossier.state == DossierState.RETURNED
    try:
        dossier_services.submit_dossier(actor=request.user, dossier=dossier)
    except DomainError as exc:
        return render_detail(request, dossier, status=exc.status_code, action_error=action_error(exc))
    if resubmission:
        messages.success(request, _("Đã trình lại hồ sơ sau khi bổ sung."))
    else:
        messages.success(request, _("Đã trình hồ sơ lên Sở Nội vụ."))
    return redirect("dossier_detail", pk=dossier.pk)


@login_required
@require_POST
def dossier_withdraw(request, pk):
    dossier = dossier_or_404(request, pk)
    form = ReasonForm(request.POST, prefix="withdraw", label=_("Lý do rút hồ sơ"),
                      required_attr=dossier.state != DossierState.DRAFT)
    form.is_valid()
    try:
        dossier_services.withdraw_dossier(
            actor=request.user, dossier=dossier, reason=form.cleaned_data.get("reason", "")
        )
    except DomainError as exc:
        apply_domain_error(form, exc)
        return render_detail(request, dossier, status=exc.status_code, withdraw_form=form,
                             action_error=action_error(exc))
    messages.success(request, _("Đã rút hồ sơ."))
    return redirect("dossier_detail", pk=dossier.pk)

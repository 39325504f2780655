"""The task page's actions: conclude intake, appraisal and approval; check eligibility; overrides.

Each action calls one service; a refusal (``DomainError``) re-renders the task
page with the message in Vietnamese and the user's input kept. A concluded
task sends the user back to their work list with a success message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers.exceptions import ConflictError, DomainError, PermissionDeniedError
from dossiers.models import EligibilityOverride, EligibilityVerdict, VerdictResult
from dossiers.views.common import apply_domain_error
from workflows import forms, services
from workflows.views.context import item_choices, render_task, reviewable, rights, task_or_404
from workflows.views.tasks import refused


class Invalid(Exception):
    """The submitted forms did not validate: re-render them (400)."""

    def __init__(self, bound: dict):
        super().__init__("invalid")
        self.bound = bound


def _done(request, message: str):
    messages.success(request, message)
    return redirect("tasks")


# -- shared pieces of intake and appraisal ---------------------------------------


def _return_input(request, task):
    from dossiers import selectors as dossier_selectors

    nominations = dossier_selectors.nominations_of(task.dossier)
    form = forms.ReturnForm(request.POST)
    items = forms.item_formset(request.POST, **item_choices(task.dossier, nominations))
    bound = {"return_form": form, "items": items}
    if not (form.is_valid() & items.is_valid()):
        raise Invalid(bound)
    return form, items, bound


def _returned(request, task, complete):
    form, items, bound = _return_input(request, task)
    try:
        request_ = complete(actor=request.user, task=task, decision="return", items=items.items(),
                            note=form.cleaned_data["note"], due_on=form.cleaned_data["due_on"])
    except DomainError as exc:
        apply_domain_error(form, exc)
        return refused(request, task.pk, exc, bound=bound)
    return _done(request, _("Đã trả lại hồ sơ %(ref)s để đơn vị bổ sung (lần %(n)d), hạn %(due)s.")
                 % {"ref": task.dossier.reference, "n": request_.number, "due": request_.due_on.strftime("%d/%m/%Y")})


def _rejected(request, task, complete):
    form = forms.reject_form(request.POST)
    if not form.is_valid():
        raise Invalid({"reject_form": form})
    try:
        complete(actor=request.user, task=task, decision="reject", reason=form.cleaned_data["reason"])
    except DomainError as exc:
        apply_domain_error(form, exc)
        return refused(request, task.pk, exc, bound={"reject_form": form})
    return _done(request, _("Đã không chấp nhận hồ sơ %(ref)s; đơn vị được báo lý do.")
                 % {"ref": task.dossier.reference})


# -- intake ------------------------------------------------------------------------


def _intake(request, task, decision):
    if decision == "accept":
        try:
            services.complete_intake(actor=request.user, task=task, decision="accept")
        except DomainError as exc:
            return refused(request, task.pk, exc)
        return _done(request, _("Đã tiếp nhận hồ sơ %(ref)s, chuyển thẩm định.") % {"ref": task.dossier.reference})
    if decision == "return":
        return _returned(request, task, services.complete_intake)
    if decision == "reject":
        return _rejected(request, task, services.complete_intake)
    return None


# -- appraisal -----------------------------------------------------------------------


def _appraisal(request, task, decision):
    if decision == "submit":
        from dossiers import selectors as dossier_selectors

        nominations = reviewable(dossier_selectors.nominations_of(task.dossier))
        appraisal_forms = {n.pk: forms.AppraisalForm(request.POST, nomination=n) for n in nominations}
        bound = {"appraisal_forms": appraisal_forms}
        valid = [form.is_valid() for form in appraisal_forms.values()]  # every form, so each shows its errors
        if not all(valid):
            raise Invalid(bound)
        try:
            services.complete_appraisal(actor=request.user, task=task, decision="submit",
                                        appraisals=[form.decision() for form in appraisal_forms.values()])
        except DomainError as exc:
            return refused(request, task.pk, exc, bound=bound)
        return _done(request, _("Đã thẩm định hồ sơ %(ref)s, chuyển lãnh đạo Sở duyệt.")
                     % {"ref": task.dossier.reference})
    if decision == "return":
        return _returned(request, task, services.complete_appraisal)
    if decision == "reject":
        return _rejected(request, task, services.complete_appraisal)
    return None


# -- approval ---------------------------------------------------------------------------


def _approval(request, task, decision):
    if decision == "approve":
        try:
            services.complete_approval(actor=request.user, task=task, decision="approve")
        except DomainError as exc:
            return refused(request, task.pk, exc)
        task.dossier.refresh_from_db(fields=["state"])
        return _done(request, _("Đã duyệt hồ sơ %(ref)s: %(state)s.")
                     % {"ref": task.dossier.reference, "state": task.dossier.get_state_display()})
    if decision == "send_back":
        form = forms.send_back_form(request.POST)
        if not form.is_valid():
            raise Invalid({"send_back_form": form})
        try:
            services.complete_approval(actor=request.user, task=task, decision="send_back",
                                       note=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_error(form, exc)
            return refused(request, task.pk, exc, bound={"send_back_form": form})
        return _done(request, _("Đã yêu cầu thẩm định lại hồ sơ %(ref)s.") % {"ref": task.dossier.reference})
    if decision == "reject":
        return _rejected(request, task, services.complete_approval)
    return None


# -- public feedback -----------------------------------------------------------------------


def _resolve_feedback(request, task, decision):
    form = forms.FeedbackResolveForm(request.POST)
    if not form.is_valid():
        raise Invalid({"feedback_form": form})
    decision = form.cleaned_data["decision"]
    try:
        services.complete_feedback(actor=request.user, task=task, decision=decision, note=form.cleaned_data["note"])
    except DomainError as exc:
        apply_domain_error(form, exc)
        return refused(request, task.pk, exc, bound={"feedback_form": form})
    values = {"name": task.feedback.nomination.subject_name, "ref": task.dossier.reference}
    if decision == "uphold":
        return _done(request, _("Đã ghi nhận góp ý về %(name)s (hồ sơ %(ref)s) có cơ sở; đề nghị chuyển sang "
                                "không đủ điều kiện.") % values)
    return _done(request, _("Đã ghi nhận góp ý về %(name)s (hồ sơ %(ref)s) không có cơ sở.") % values)


NODES = {"intake": _intake, "appraisal": _appraisal, "approval": _approval, "resolve_feedback": _resolve_feedback}


@login_required
@require_POST
def task_complete(request, pk):
    task = task_or_404(request, pk)
    handler = NODES.get(task.flow_task.name)
    try:
        response = handler(request, task, request.POST.get("decision", "")) if handler else None
    except Invalid as invalid:
        return render_task(request, task, status=400, bound=invalid.bound)
    if response is None:
        return refused(request, pk, DomainError("invalid", _("Thao tác không hợp lệ với việc này.")))
    return response


# -- eligibility (appraisal task) ------------------------------------------------------------


def _require_appraiser(request, task) -> None:
    """Eligibility work belongs to whoever does (or may take) the appraisal task."""
    if task.flow_task.name != "appraisal":
        raise DomainError("wrong_task", _("Chỉ kiểm tra điều kiện trong việc thẩm định hồ sơ."))
    allowed = rights(request.user, task)
    if not allowed["active"]:
        raise DomainError("task_closed", _("Việc này đã được xử lý hoặc đã hủy. Hãy tải lại trang."))
    if not allowed["can_act"]:
        if task.owner_id:
            raise ConflictError("task_taken", _("Việc này do %(name)s đảm nhận.") % {"name": task.owner})
        raise PermissionDeniedError("permission_denied", _("Bạn không được làm việc này."))


def _back_to(task, anchor: str = ""):
    url = reverse("task_detail", args=[task.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
@require_POST
def task_check_eligibility(request, pk):
    from dossiers.services.eligibility import check_eligibility

    task = task_or_404(request, pk)
    try:
        _require_appraiser(request, task)
        results = check_eligibility(actor=request.user, dossier=task.dossier)
    except DomainError as exc:
        return refused(request, pk, exc)
    counts = {key: sum(1 for v in results.values() if v.result == key) for key in VerdictResult.values}
    messages.success(request, _("Đã kiểm tra điều kiện %(count)d đề nghị: %(passed)d đạt, %(failed)d không đạt, "
                                "%(unknown)d chưa đủ dữ liệu.")
                     % {"count": len(results), "passed": counts[VerdictResult.PASS],
                        "failed": counts[VerdictResult.FAIL], "unknown": counts[VerdictResult.UNKNOWN]})
    return _back_to(task, "dieu-kien")


@login_required
@require_POST
def task_override(request, pk, verdict_pk):
    from dossiers.services.eligibility import override_verdict

    task = task_or_404(request, pk)
    verdict = get_object_or_404(EligibilityVerdict, pk=verdict_pk, nomination__dossier=task.dossier)
    form = forms.override_form(verdict.pk, request.POST)
    bound = {"override_forms": {verdict.pk: form}}
    try:
        _require_appraiser(request, task)
    except DomainError as exc:
        return refused(request, pk, exc, bound=bound)
    if not form.is_valid():
        return render_task(request, task, status=400, bound=bound)
    try:
        override_verdict(actor=request.user, verdict=verdict, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        apply_domain_error(form, exc)
        return refused(request, pk, exc, bound=bound)
    messages.success(request, _("Đã chấp nhận tiêu chuẩn “%(criterion)s”.") % {"criterion": verdict.description})
    return _back_to(task, f"de-nghi-{verdict.nomination_id}")


@login_required
@require_POST
def task_override_remove(request, pk, override_pk):
    from dossiers.services.eligibility import remove_override

    task = task_or_404(request, pk)
    override = get_object_or_404(EligibilityOverride.objects.select_related("verdict"), pk=override_pk,
                                 verdict__nomination__dossier=task.dossier)
    try:
        _require_appraiser(request, task)
        remove_override(actor=request.user, override=override)
    except DomainError as exc:
        return refused(request, pk, exc)
    messages.success(request, _("Đã bỏ chấp nhận tiêu chuẩn “%(criterion)s”.")
                     % {"criterion": override.verdict.description})
    return _back_to(task, f"de-nghi-{override.verdict.nomination_id}")

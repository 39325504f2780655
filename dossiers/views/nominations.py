"""Adding, changing and removing the people and collectives a dossier proposes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dossiers import permissions
from dossiers.exceptions import DomainError
from dossiers.forms import INDIVIDUAL, NominationEditForm, NominationForm
from dossiers.services import dossiers as dossier_services
from dossiers.views.common import action_error, apply_domain_error, dossier_or_404
from dossiers.views.dossiers import note_handover_cancelled


def _editable_or_redirect(request, dossier):
    if permissions.can_edit.test(request.user, dossier):
        return None
    messages.error(request, _("Hồ sơ không còn sửa được hoặc bạn không có quyền sửa."))
    return redirect("dossier_detail", pk=dossier.pk)


def _awards(request, dossier):
    """Awards the dossier's kind allows today, or a refusal to show."""
    try:
        return dossier_services.proposable_award_types(kind=dossier.kind), None
    except DomainError as exc:
        return [], action_error(exc)


def _nomination_or_404(dossier, nomination_pk):
    return get_object_or_404(
        dossier.nominations.select_related("person", "collective", "award_type"), pk=nomination_pk
    )


@login_required
def nomination_create(request, pk):
    dossier = dossier_or_404(request, pk)
    refused = _editable_or_redirect(request, dossier)
    if refused:
        return refused
    awards, error = _awards(request, dossier)
    form = NominationForm(request.POST or None, awards=awards)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        was_prepared = dossier.is_prepared
        try:
            with transaction.atomic():
                person = collective = None
                if data["subject_type"] == INDIVIDUAL:
                    person = dossier_services.find_or_create_person(
                        unit=dossier.unit, full_name=data["full_name"], birth_year=data.get("birth_year"),
                        gender=data.get("gender") or "", position=data.get("position") or "",
                    )
                else:
                    collective = dossier_services.find_or_create_collective(
                        unit=dossier.unit, name=data["collective_name"],
                        kind=data.get("collective_kind") or "collective",
                    )
                nomination = dossier_services.add_nomination(
                    actor=request.user, dossier=dossier, award_type=data["award_type"],
                    achievement_summary=data["achievement_summary"], person=person, collective=collective,
                )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm đề nghị cho %(name)s.") % {"name": nomination.subject_name})
            note_handover_cancelled(request, dossier, was_prepared=was_prepared)
            if "add_another" in request.POST:
                return redirect("nomination_create", pk=dossier.pk)
            return redirect("dossier_detail", pk=dossier.pk)
    return render(request, "dossiers/nomination_form.html",
                  {"dossier": dossier, "form": form, "creating": True, "action_error": error})


@login_required
def nomination_edit(request, pk, nomination_pk):
    dossier = dossier_or_404(request, pk)
    nomination = _nomination_or_404(dossier, nomination_pk)
    refused = _editable_or_redirect(request, dossier)
    if refused:
        return refused
    awards, error = _awards(request, dossier)
    subject = "individual" if nomination.person_id else "collective"
    initial = {"award_type": str(nomination.award_type_id), "achievement_summary": nomination.achievement_summary}
    form = NominationEditForm(request.POST or None, initial=initial, awards=awards, subject=subject)
    if request.method == "POST" and form.is_valid():
        was_prepared = dossier.is_prepared
        try:
            dossier_services.update_nomination(
                actor=request.user, nomination=nomination, award_type=form.cleaned_data["award_type"],
                achievement_summary=form.cleaned_data["achievement_summary"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu đề nghị của %(name)s.") % {"name": nomination.subject_name})
            note_handover_cancelled(request, dossier, was_prepared=was_prepared)
            return redirect("dossier_detail", pk=dossier.pk)
    return render(request, "dossiers/nomination_form.html", {
        "dossier": dossier, "nomination": nomination, "form": form, "creating": False, "action_error": error,
    })


@login_required
def nomination_delete(request, pk, nomination_pk):
    """GET or an unconfirmed POST shows the confirmation; a confirmed POST removes."""
    dossier = dossier_or_404(request, pk)
    nomination = _nomination_or_404(dossier, nomination_pk)
    refused = _editable_or_redirect(request, dossier)
    if refused:
        return refused
    error = None
    if request.method == "POST" and request.POST.get("confirm"):
        was_prepared = dossier.is_prepared
        try:
            dossier_services.remove_nomination(actor=request.user, nomination=nomination)
        except DomainError as exc:
            error = action_error(exc)
        else:
            messages.success(request, _("Đã xóa đề nghị của %(name)s.") % {"name": nomination.subject_name})
            note_handover_cancelled(request, dossier, was_prepared=was_prepared)
            return redirect("dossier_detail", pk=dossier.pk)
    return render(request, "dossiers/confirm_delete.html", {
        "dossier": dossier,
        "action_error": error,
        "title": _("Xóa đề nghị"),
        "question": _("Xóa đề nghị %(award)s cho %(name)s? Các tài liệu gắn với đề nghị này cũng bị xóa.")
        % {"award": nomination.award_type.name, "name": nomination.subject_name},
    })

"""What the task page shows: the dossier, the task's people and due date, and each node's part.

``render_task`` builds the whole page; a view that refused an action passes its
bound forms in ``bound`` so the user's input comes back with the refusal.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from dossiers import selectors as dossier_selectors
from dossiers.models import (
    DocumentType,
    DossierState,
    NominationOutcome,
    ReturnReason,
    VerdictResult,
)
from dossiers.requirements import dossier_requirements
from dossiers.services.review import changes_since_return, route_for
from dossiers.views.timeline import change_lines, code_names
from workflows import forms, selectors
from workflows.selectors import assign_candidates, rights

OVERRIDABLE = (VerdictResult.FAIL, VerdictResult.UNKNOWN)


def task_or_404(request, pk):
    """The task if the user may open it (HA staff of the dossier's province); 404 otherwise."""
    if not selectors.is_ha(request.user):
        raise Http404
    task = get_object_or_404(selectors.task_for_user(user=request.user, pk=pk))
    task.dossier = get_object_or_404(
        dossier_selectors.dossier_for_user(user=request.user, pk=selectors.dossier_of_row(task).pk)
        .select_related("appraised_by", "approved_by")
    )
    task.feedback = selectors.feedback_of_row(task)
    return task


def event_rows(events) -> list[dict]:
    """Audit events told like the dossier's history."""
    names = code_names(events)
    return [{"event": event, "changes": change_lines(event.before, event.after, names)} for event in events]


def item_choices(dossier, nominations) -> dict:
    return {
        "reasons": list(ReturnReason.objects.values_list("code", "name")),
        "nominations": [(str(n.pk), f"{n.subject_name} — {n.award_type.name}") for n in nominations],
        "document_types": list(DocumentType.objects.order_by("order", "code").values_list("code", "name")),
    }


def return_forms(task, nominations, bound) -> dict:
    from workflows.services import supplement_due_on

    return {
        "return_form": bound.get("return_form")
        or forms.ReturnForm(initial={"due_on": supplement_due_on(task.dossier)}),
        "items": bound.get("items") or forms.item_formset(**item_choices(task.dossier, nominations)),
        "reject_form": bound.get("reject_form") or forms.reject_form(),
    }


# -- per node -------------------------------------------------------------------


def intake_context(task, nominations, bound) -> dict:
    dossier = task.dossier
    requirements = dossier_requirements(dossier, nominations)
    context = {
        "requirements": requirements,
        "missing_count": sum(1 for r in requirements if not r.satisfied),
        "attachments": attachments_of(dossier),
        "last_request": selectors.latest_supplement_request(dossier) if dossier.return_count else None,
        "changes": event_rows(changes_since_return(dossier)) if dossier.return_count else [],
    }
    context.update(return_forms(task, nominations, bound))
    return context


def attachments_of(dossier) -> list:
    return list(dossier.attachments.select_related("document_type", "uploaded_by", "nomination__person",
                                                   "nomination__collective"))


def override_of(verdict):
    return getattr(verdict, "override", None)


def verdict_rows(roots, *, with_forms: bool, bound_overrides: dict) -> list[dict]:
    """The verdict tree, flattened depth first, with an override form where one may be given."""
    rows: list[dict] = []

    def walk(verdict, depth, covered):
        override = override_of(verdict)
        overridable = verdict.result in OVERRIDABLE and override is None and not covered
        form = None
        if with_forms and overridable:
            form = bound_overrides.get(verdict.pk) or forms.override_form(verdict.pk)
        rows.append({"verdict": verdict, "depth": depth, "override": override, "form": form,
                     "overridable": overridable})
        for child in verdict.children.all():
            walk(child, depth + 1, covered or override is not None)

    for root in roots:
        walk(root, 0, False)
    return rows


def eligibility_summary(dossier, nominations, *, with_forms=False, bound_overrides=None) -> list[dict]:
    """Per nomination: the stored verdict tree, its effective result and when it was checked."""
    from dossiers.services.eligibility import effective_result, stored_verdicts

    verdicts = stored_verdicts(dossier)
    summary = []
    for nomination in nominations:
        roots = verdicts.get(nomination.pk, [])
        rows = verdict_rows(roots, with_forms=with_forms, bound_overrides=bound_overrides or {})
        summary.append({
            "nomination": nomination,
            "rows": rows,
            "result": effective_result(roots) if roots else "",
            "checked_at": max((r["verdict"].evaluated_at for r in rows), default=None),
            "overrides": [r for r in rows if r["override"] is not None],
        })
    return summary


def _initial_conclusion(nomination, result: str) -> dict:
    if nomination.outcome == NominationOutcome.ELIGIBLE:
        return {"conclusion": forms.ELIGIBLE, "note": nomination.appraisal_note}
    if nomination.outcome == NominationOutcome.INELIGIBLE:
        return {"conclusion": forms.INELIGIBLE, "note": nomination.appraisal_note}
    if result == VerdictResult.PASS:
        return {"conclusion": forms.ELIGIBLE}
    if result in OVERRIDABLE:
        return {"conclusion": forms.INELIGIBLE}
    return {}


def reviewable(nominations) -> list:
    return [n for n in nominations if n.outcome != NominationOutcome.WITHDRAWN]


def appraisal_context(task, nominations, bound, can_act) -> dict:
    dossier = task.dossier
    current = reviewable(nominations)
    summary = eligibility_summary(dossier, current, with_forms=can_act,
                                  bound_overrides=bound.get("override_forms", {}))
    bound_appraisals = bound.get("appraisal_forms", {})
    for entry in summary:
        nomination = entry["nomination"]
        entry["form"] = bound_appraisals.get(nomination.pk) or forms.AppraisalForm(
            nomination=nomination, initial=_initial_conclusion(nomination, entry["result"]))
    context = {
        "eligibility": summary,
        "checked": any(entry["rows"] for entry in summary),
        "attachments": attachments_of(dossier),
    }
    context.update(return_forms(task, nominations, bound))
    return context


def approval_context(task, nominations, bound) -> dict:
    dossier = task.dossier
    summary = eligibility_summary(dossier, reviewable(nominations))
    route = route_for(dossier) if dossier.state == DossierState.UNDER_REVIEW else ""
    return {
        "eligibility": summary,
        "route": route,
        "route_label": DossierState(route).label if route else "",
        "eligible_count": sum(1 for e in summary if e["nomination"].outcome == NominationOutcome.ELIGIBLE),
        "send_back_form": bound.get("send_back_form") or forms.send_back_form(),
        "reject_form": bound.get("reject_form") or forms.reject_form(),
    }


def waiting_context(task) -> dict:
    dossier = task.dossier
    context = {}
    name = task.flow_task.name
    if name == "await_supplement":
        context["last_request"] = selectors.latest_supplement_request(dossier)
    if name in ("notice_period", "await_feedback"):
        from dossiers.models import PublicNotice
        from dossiers.services.notice import open_feedback_count

        context["notice"] = PublicNotice.objects.filter(dossier=dossier).first()
        context["open_feedback"] = open_feedback_count(dossier)
    return context


def feedback_context(task, bound) -> dict:
    """The feedback the task is about, its nominee and the notice, and the form to conclude."""
    from dossiers.models import PublicNotice

    return {
        "feedback": task.feedback,
        "notice": PublicNotice.objects.filter(dossier=task.dossier).first(),
        "feedback_form": bound.get("feedback_form") or forms.FeedbackResolveForm(),
    }


def task_context(request, task, *, bound=None) -> dict:
    bound = bound or {}
    user = request.user
    dossier = task.dossier
    name = task.flow_task.name
    allowed = rights(user, task)
    nominations = dossier_selectors.nominations_of(dossier)
    deadline = task.deadline if selectors.has_deadline(task) else None
    today = timezone.localdate()
    context = {
        "task": task,
        "dossier": dossier,
        "feedback": task.feedback,
        "node": name,
        "deadline": deadline,
        "due_status": selectors.due_status(deadline.due_on if deadline else None, today, selectors.soon_limit(today)),
        "nominations": nominations,
        "rights": allowed,
        "is_waiting": name in selectors.WAITING_TASKS,
    }
    if allowed["can_reassign"]:
        context["assign_form"] = bound.get("assign_form") or forms.AssignForm(candidates=assign_candidates(task))
    if not allowed["active"]:
        return context
    if name == "intake":
        context.update(intake_context(task, nominations, bound))
    elif name == "appraisal":
        context.update(appraisal_context(task, nominations, bound, allowed["can_act"]))
    elif name == "approval":
        context.update(approval_context(task, nominations, bound))
    elif name in selectors.FEEDBACK_TASKS:
        context.update(feedback_context(task, bound))
    else:
        context.update(waiting_context(task))
    return context


def render_task(request, task, *, status=200, error=None, bound=None):
    context = task_context(request, task, bound=bound)
    context["action_error"] = error
    return render(request, "workflows/task_detail.html", context, status=status)

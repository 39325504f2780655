"""Template tags that show the review process on pages of the ``dossiers`` app.

``dossiers`` never imports ``workflows`` (dependencies point one way); its
templates load this library instead:

    {% load workflow_tags %}
    {% dossier_process_panel dossier %}      the current steps, the return or rejection, the notice
    {% dossier_eligibility_panel dossier %}  the stored eligibility verdicts, read-only
    {% ha_work_summary %}                    Home Affairs' work list counts (home page)
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from dossiers import permissions
from dossiers.models import DossierState, PublicNotice, Role
from workflows import selectors
from workflows.models import DossierProcess

register = template.Library()

QUEUE_ROLE = {"intake": Role.HA_SPECIALIST, "appraisal": Role.HA_SPECIALIST, "approval": Role.HA_LEAD,
              "resolve_feedback": Role.HA_SPECIALIST}


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


def _ha_of(user, dossier) -> bool:
    return selectors.is_ha(user) and user.province_id == dossier.unit.province_id


def _may_work_on(user, task, dossier) -> bool:
    """Whether ``user`` (HA staff of the province) may work on the task: theirs, takeable, or a lead's to hand over."""
    name = task.flow_task.name
    if name not in selectors.HUMAN_TASKS:
        return True  # waiting points: an informative page
    if task.owner_id == user.pk:
        return True
    if user.has_role(Role.HA_LEAD):
        return True
    if task.owner_id:
        return False
    if name == "approval" and dossier.appraised_by_id == user.pk:
        return False
    return user.has_role(QUEUE_ROLE[name])


@register.inclusion_tag("workflows/includes/process_panel.html", takes_context=True)
def dossier_process_panel(context, dossier):
    user = _user(context)
    process = DossierProcess.objects.filter(dossier=dossier).first()
    tasks = selectors.active_tasks_of(dossier) if process is not None else []
    is_ha = _ha_of(user, dossier)
    for task in tasks:
        task.url = reverse("task_detail", args=[task.pk]) if is_ha and _may_work_on(user, task, dossier) else ""
    supplement = None
    if dossier.state == DossierState.RETURNED:
        supplement = selectors.latest_supplement_request(dossier)
    notice = None
    if dossier.state == DossierState.PUBLIC_NOTICE:
        notice = PublicNotice.objects.filter(dossier=dossier).first()
    return {
        "dossier": dossier,
        "process": process,
        "tasks": tasks,
        "is_ha": is_ha,
        "supplement": supplement,
        "notice": notice,
        "can_edit": permissions.can_edit.test(user, dossier) if user is not None else False,
    }


@register.inclusion_tag("workflows/includes/eligibility_panel.html", takes_context=True)
def dossier_eligibility_panel(context, dossier):
    """Shown to Home Affairs and to the unit alike: knowing why a criterion failed helps the unit supplement."""
    from dossiers import selectors as dossier_selectors
    from workflows.views.context import eligibility_summary, reviewable

    user = _user(context)
    if dossier.state == DossierState.DRAFT:
        return {"eligibility": []}
    nominations = context.get("nominations")
    if nominations is None:
        nominations = dossier_selectors.nominations_of(dossier)
    summary = [entry for entry in eligibility_summary(dossier, reviewable(nominations)) if entry["rows"]]
    appraisal_url = ""
    if summary and _ha_of(user, dossier):
        from workflows.services import active_task

        task = active_task(dossier, "appraisal")
        appraisal_url = reverse("task_detail", args=[task.pk]) if task is not None else ""
    return {"eligibility": summary, "is_ha": _ha_of(user, dossier), "appraisal_url": appraisal_url}


@register.inclusion_tag("workflows/includes/work_summary.html", takes_context=True)
def ha_work_summary(context):
    user = _user(context)
    if not selectors.is_ha(user):
        return {"show": False}
    return {"show": True, "counts": selectors.task_counts(user), "feedback": selectors.open_feedback_count(user)}

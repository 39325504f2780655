"""Reactions to what happens to dossiers: start, wake or stop their review process."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from councils import signals as council_signals
from dossiers import signals
from dossiers.models import Dossier


@receiver(signals.dossier_submitted, sender=Dossier)
def on_submitted(sender, *, dossier, actor, resubmission, **kwargs):
    from workflows import services
    from workflows.notify_steps import notify_specialists

    if resubmission and services.process_of(dossier) is not None:
        services.wake(dossier=dossier, node="await_supplement")
        notify_specialists(dossier, "dossier.resubmitted", _("%(unit)s đã trình lại hồ sơ %(ref)s sau khi bổ sung.")
                           % {"unit": dossier.unit, "ref": dossier.reference})
    else:
        services.start_review_process(dossier=dossier)
        notify_specialists(dossier, "dossier.submitted", _("%(unit)s đã trình hồ sơ %(ref)s: %(title)s")
                           % {"unit": dossier.unit, "ref": dossier.reference, "title": dossier.title})


@receiver(signals.dossier_withdrawn, sender=Dossier)
def on_withdrawn(sender, *, dossier, actor, **kwargs):
    from viewflow.workflow.status import PROCESS

    from workflows.flows import DossierFlow
    from workflows.services import process_of

    process = process_of(dossier)
    if process is not None and process.status not in (PROCESS.DONE, PROCESS.CANCELED):
        DossierFlow.instance.cancel(process)
    from workflows.flows import FeedbackFlow
    from workflows.models import FeedbackProcess

    for feedback_process in FeedbackProcess.objects.filter(dossier=dossier).exclude(
            status__in=[PROCESS.DONE, PROCESS.CANCELED]):
        FeedbackFlow.instance.cancel(feedback_process)


@receiver(signals.feedback_received)
def on_feedback(sender, *, feedback, **kwargs):
    """Each feedback becomes a task in the HA specialists' queue, with a due date; they are told."""
    from workflows.notify_steps import notify_specialists
    from workflows.services import feedback_task, start_feedback_process

    start_feedback_process(feedback=feedback)
    dossier = feedback.nomination.dossier
    notify_specialists(dossier, "feedback.received", _("Có góp ý mới của người dân về %(name)s (hồ sơ %(ref)s).")
                       % {"name": feedback.nomination.subject_name, "ref": dossier.reference},
                       task=feedback_task(feedback))


@receiver(signals.feedback_resolved)
def on_feedback_resolved(sender, *, feedback, actor=None, **kwargs):
    from dossiers.services.notice import open_feedback_count
    from workflows.services import finish_feedback_task, wake

    if actor is not None:
        finish_feedback_task(feedback=feedback, actor=actor)
    dossier = feedback.nomination.dossier
    if open_feedback_count(dossier) == 0:
        wake(dossier=dossier, node="await_feedback")


@receiver(signals.council_result_final)
def on_council_result(sender, *, dossier=None, dossiers=None, **kwargs):
    """The council's results are final for ``dossier`` (or for each of ``dossiers``, a whole session's at once):
    their processes leave ``await_council`` and their units are told, in queries that do not grow with them."""
    from workflows.council_results import wake_after_council, with_session_peers

    wake_after_council(with_session_peers(dossier) if dossier is not None else list(dossiers or ()))


@receiver(council_signals.agenda_published)
def on_agenda_published(sender, *, session, **kwargs):
    from django.urls import NoReverseMatch, reverse

    from workflows.notifications import notify

    try:
        url = reverse("council_session", args=[session.pk])
    except NoReverseMatch:
        url = ""
    notify(recipients=[m.user for m in session.members.select_related("user")], kind="council.agenda",
           message=_("Chương trình %(session)s đã được gửi: mời xem hồ sơ và chuẩn bị biểu quyết.")
           % {"session": session}, url=url)


@receiver(signals.decision_signed)
def on_decision(sender, *, dossier, **kwargs):
    from workflows.services import wake

    wake(dossier=dossier, node="await_decision")


@receiver(signals.central_decided)
def on_central(sender, *, dossier, **kwargs):
    from workflows.services import wake

    wake(dossier=dossier, node="await_central")


@receiver(signals.central_overdue)
def on_central_overdue(sender, *, submission, state, due_on, **kwargs):
    """Tell the province's central liaisons, once per overdue stage (the sender keeps count)."""
    from django.urls import reverse

    from dossiers.models import Role
    from dossiers.models.central_deadlines import STAGE_WAITS
    from workflows.notifications import notify, users_with_role

    notify(recipients=users_with_role(Role.CENTRAL_LIAISON, province=submission.province_id),
           kind="central.overdue",
           message=_("Hồ sơ trình Trung ương %(name)s quá hạn %(due)s: đang chờ %(wait)s.")
           % {"name": submission.number or submission.title, "due": due_on.strftime("%d/%m/%Y"),
              "wait": STAGE_WAITS[state]},
           url=reverse("central_submission", args=[submission.pk]))

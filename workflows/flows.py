"""The review process of a dossier, as a viewflow flow.

The dossier's django-fsm state is the single source of truth: task actions
call the ``dossiers.services.review`` functions, which perform the legal
transitions, and the gateways below only *read* the state to choose the next
node. The process starts inside the transaction that submits the dossier.

    start -> intake -> (returned: await_supplement -> intake)
                    -> (rejected: end)
                    -> appraisal -> approval -> (sent back: appraisal)
                                             -> public notice period -> feedback resolved
                                             -> await_council -> await_decision -> await_central -> end

Every human task and the unit's supplement carry a due date in working days
(``TaskDeadline``); two non-interrupting timers per task send a reminder
before it and tell the HA lead once it is overdue. Timers fire through
``manage.py workflow_timers``.

Each feedback the public sends about a listed nominee starts a small flow of
its own (``FeedbackFlow``): one task in the HA specialists' queue, claimable,
with a due date, resolved through ``dossiers.services.notice.resolve_feedback``.
The dossier's flow waits at ``await_feedback`` until every feedback on the
dossier is resolved (ADR 0009).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from dossiers.models import Dossier, DossierState
from workflows.locks import waiting_select_for_update_lock
from workflows.models import DossierProcess, FeedbackProcess


def task_view(request, **kwargs):
    """Task pages are ours (``workflows.views.tasks``); viewflow's URLs are not mounted."""
    from workflows.views.tasks import task_page

    return task_page(request, **kwargs)


def dossier_id_of(process) -> int:
    """The id of the dossier a process (a dossier's review or one feedback's handling) is about."""
    if isinstance(process, (DossierProcess, FeedbackProcess)):
        return process.dossier_id
    dossier_id = DossierProcess.objects.filter(pk=process.pk).values_list("dossier_id", flat=True).first()
    if dossier_id is None:
        dossier_id = FeedbackProcess.objects.values_list("dossier_id", flat=True).get(pk=process.pk)
    return dossier_id


def dossier_of(process) -> Dossier:
    """The dossier of a process, read afresh (its state may have just changed)."""
    return Dossier.objects.select_related("unit", "unit__province").get(pk=dossier_id_of(process))


def _state_is(*states):
    def condition(activation):
        return dossier_of(activation.process).state in states

    return condition


class DeadlineCallbacks:
    """The moments and actions of the reminder and escalation timers that watch a task with a due date."""

    def reminder_moment(self, activation) -> datetime.datetime:
        from workflows.deadlines import deadline_of_host

        return _local_start_of(deadline_of_host(activation.task).remind_on, hour=8)

    def overdue_moment(self, activation) -> datetime.datetime:
        from workflows.deadlines import deadline_of_host

        return _local_start_of(deadline_of_host(activation.task).due_on + datetime.timedelta(days=1), hour=8)

    def send_reminder(self, activation):
        """Runs after the reminder timer: its task's previous is the timer, whose previous is the host."""
        from workflows.deadlines import remind

        remind(activation.task.previous.get())

    def send_escalation(self, activation):
        from workflows.deadlines import escalate

        escalate(activation.task.previous.get())


class DossierFlow(DeadlineCallbacks, flow.Flow):
    """Xử lý hồ sơ đề nghị khen thưởng

    Sở Nội vụ tiếp nhận, kiểm tra, thẩm định và chuyển hồ sơ đi tiếp.
    """

    process_class = DossierProcess
    lock_impl = waiting_select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.intake)

    intake = (
        flow.View(task_view)
        .Annotation(title=_("Kiểm tra, tiếp nhận hồ sơ"))
        .Permission("workflows.specialist_task", obj=lambda process: process)
        .OnTimeout(this.reminder_moment, this.remind, interrupting=False)
        .OnTimeout(this.overdue_moment, this.escalate, interrupting=False)
        .Next(this.after_intake)
    )
    after_intake = (
        flow.Switch()
        .Case(this.await_supplement, _state_is(DossierState.RETURNED))
        .Case(this.end, _state_is(DossierState.REJECTED))
        .Default(this.appraisal)
    )
    await_supplement = (
        flow.Handle(this.supplement_received)
        .Annotation(title=_("Đơn vị bổ sung hồ sơ"))
        .OnTimeout(this.reminder_moment, this.remind, interrupting=False)
        .OnTimeout(this.overdue_moment, this.escalate, interrupting=False)
        .Next(this.intake)
    )
    appraisal = (
        flow.View(task_view)
        .Annotation(title=_("Thẩm định hồ sơ"))
        .Permission("workflows.specialist_task", obj=lambda process: process)
        .OnTimeout(this.reminder_moment, this.remind, interrupting=False)
        .OnTimeout(this.overdue_moment, this.escalate, interrupting=False)
        .Next(this.after_appraisal)
    )
    after_appraisal = (
        flow.Switch()
        .Case(this.await_supplement, _state_is(DossierState.RETURNED))
        .Case(this.end, _state_is(DossierState.REJECTED))
        .Default(this.approval)
    )
    approval = (
        flow.View(task_view)
        .Annotation(title=_("Lãnh đạo Sở duyệt"))
        .Permission("workflows.lead_task", obj=lambda process: process)
        .OnTimeout(this.reminder_moment, this.remind, interrupting=False)
        .OnTimeout(this.overdue_moment, this.escalate, interrupting=False)
        .Next(this.after_approval)
    )
    after_approval = (
        flow.Switch()
        .Case(this.appraisal, _state_is(DossierState.UNDER_REVIEW))
        .Case(this.end, _state_is(DossierState.REJECTED, DossierState.CLOSED))
        .Case(this.notice_period, _state_is(DossierState.PUBLIC_NOTICE))
        .Case(this.await_council, _state_is(DossierState.AWAITING_COUNCIL))
        .Default(this.await_decision)
    )

    notice_period = (
        flow.Timer(this.notice_end_moment)
        .Annotation(title=_("Công khai"))
        .Next(this.after_notice_period)
    )
    after_notice_period = (
        flow.If(this.feedback_open)
        .Then(this.await_feedback)
        .Else(this.finish_notice)
    )
    # A waiting point: each feedback is a task of its own (FeedbackFlow), with its own due date.
    await_feedback = (
        flow.Handle(this.feedback_settled)
        .Annotation(title=_("Chờ xử lý xong góp ý của người dân"))
        .Next(this.finish_notice)
    )
    finish_notice = flow.Function(this.close_notice).Next(this.after_notice)
    after_notice = (
        flow.Switch()
        .Case(this.await_council, _state_is(DossierState.AWAITING_COUNCIL))
        .Case(this.await_decision, _state_is(DossierState.AWAITING_DECISION))
        .Default(this.end)
    )

    # Waiting points: woken by the council, the decision and the central level.
    await_council = (
        flow.Handle(this.council_done)
        .Annotation(title=_("Chờ Hội đồng Thi đua - Khen thưởng"))
        .Next(this.after_council)
    )
    after_council = (
        flow.Switch()
        .Case(this.await_decision, _state_is(DossierState.AWAITING_DECISION))
        .Default(this.end)
    )
    await_decision = (
        flow.Handle(this.decision_done)
        .Annotation(title=_("Chờ quyết định khen thưởng"))
        .Next(this.after_decision)
    )
    after_decision = (
        flow.Switch()
        .Case(this.await_central, _state_is(DossierState.FORWARDED))
        .Default(this.end)
    )
    await_central = (
        flow.Handle(this.central_done)
        .Annotation(title=_("Chờ Trung ương quyết định"))
        .Next(this.end)
    )

    # Reminders and escalations run beside the task they watch.
    remind = flow.Function(this.send_reminder).Next(this.timer_end)
    escalate = flow.Function(this.send_escalation).Next(this.timer_end)
    timer_end = flow.End()
    end = flow.End()

    # -- node callbacks ---------------------------------------------------

    def start_process(self, activation, dossier):
        activation.process.dossier = dossier
        return activation.process

    def supplement_received(self, activation):
        """The unit resubmitted: intake checks the dossier again."""

    def feedback_settled(self, activation):
        """The last open feedback on the notice was resolved."""

    def council_done(self, activation):
        """The council's results for the dossier are final."""

    def decision_done(self, activation):
        """The decision covering the dossier was signed."""

    def central_done(self, activation):
        """The central level decided the forwarded nominations."""

    def feedback_open(self, activation):
        from dossiers.services.notice import open_feedback_count

        return open_feedback_count(dossier_of(activation.process)) > 0

    def close_notice(self, activation):
        from dossiers.services.review import finish_public_notice

        finish_public_notice(actor=None, dossier=dossier_of(activation.process))

    def notice_end_moment(self, activation) -> datetime.datetime:
        """The notice runs to the end of its last day (local time)."""
        notice = dossier_of(activation.process).public_notice
        return _local_start_of(notice.ends_on + datetime.timedelta(days=1))



class FeedbackFlow(DeadlineCallbacks, flow.Flow):
    """Xử lý góp ý của người dân

    Mỗi góp ý về một đề nghị đang công khai là một việc của chuyên viên Sở Nội vụ.
    """

    process_class = FeedbackProcess
    lock_impl = waiting_select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.resolve_feedback)
    resolve_feedback = (
        flow.View(task_view)
        .Annotation(title=_("Xử lý góp ý của người dân"))
        .Permission("workflows.specialist_task", obj=lambda process: process)
        .OnTimeout(this.reminder_moment, this.remind, interrupting=False)
        .OnTimeout(this.overdue_moment, this.escalate, interrupting=False)
        .Next(this.end)
    )
    remind = flow.Function(this.send_reminder).Next(this.timer_end)
    escalate = flow.Function(this.send_escalation).Next(this.timer_end)
    timer_end = flow.End()
    end = flow.End()

    def start_process(self, activation, feedback):
        activation.process.feedback = feedback
        activation.process.dossier_id = feedback.nomination.dossier_id
        return activation.process


def _local_start_of(day: datetime.date, hour: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour=hour)))

"""Task actions: take, release, hand over and complete the review tasks.

Each action runs in one transaction that holds the process lock: the legal
change (``dossiers.services.review``) and the process's progress commit
together or not at all. Every action is audited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.exceptions import ConflictError, DomainError, PermissionDeniedError
from dossiers.models import Dossier, Role
from dossiers.services import review
from dossiers.services.audit import record_event
from workflows.calendar import WorkingCalendar, settings_for
from workflows.flows import DossierFlow, FeedbackFlow, dossier_of
from workflows.models import DossierProcess
from workflows.selectors import ACTIVE, HUMAN_TASKS


def task_model():
    return DossierFlow.task_class


def process_of(dossier: Dossier) -> DossierProcess | None:
    return DossierProcess.objects.filter(dossier=dossier).first()


def active_task(dossier: Dossier, name: str):
    return (
        task_model().objects.filter(process__dossierprocess__dossier=dossier, flow_task=getattr(DossierFlow, name),
                                    status__in=ACTIVE)
        .order_by("-created")
        .first()
    )


def start_review_process(*, dossier: Dossier) -> DossierProcess:
    """Start the review of a freshly submitted dossier (inside its transaction)."""
    if process_of(dossier) is not None:
        raise ConflictError("process_exists", _("Hồ sơ đã có quy trình xử lý."))
    return DossierFlow.start.run(dossier=dossier)


def feedback_task(feedback):
    """The open task of resolving ``feedback`` (``None`` once it is done)."""
    return (
        task_model().objects.filter(process__feedbackprocess__feedback=feedback, flow_task=FeedbackFlow.resolve_feedback,
                                    status__in=ACTIVE)
        .order_by("-created")
        .first()
    )


def start_feedback_process(*, feedback):
    """Put a newly received public feedback in the HA specialists' queue as a task (inside its transaction)."""
    return FeedbackFlow.start.run(feedback=feedback)


def wake(*, dossier: Dossier, node: str) -> bool:
    """Complete the waiting task ``node`` of the dossier's process, if it waits there."""
    task = active_task(dossier, node)
    if task is None:
        return False
    getattr(DossierFlow, node).run(task)
    return True


# -- taking and handing over ------------------------------------------------


def _can_take(user, task) -> bool:
    return task.flow_task.can_assign(user, task) if not task.owner_id else False


def _separation(user, task, dossier: Dossier) -> None:
    if task.flow_task.name == "approval" and dossier.appraised_by_id == user.pk:
        raise PermissionDeniedError("separation_of_duties",
                                    _("Người đã thẩm định hồ sơ không được nhận việc duyệt hồ sơ đó."))


def _locked(task):
    """Enter the process lock and re-read the task."""
    return task.activation()


def _check_active(task) -> None:
    if task.status not in ACTIVE:
        raise ConflictError("task_closed", _("Việc này đã được xử lý hoặc đã hủy. Hãy tải lại trang."))


def _check_human(task) -> None:
    if task.flow_task.name not in HUMAN_TASKS:
        raise DomainError("wrong_task", _("Đây là bước chờ, không có người nhận việc."))


@transaction.atomic
def claim_task(*, actor, task):
    with _locked(task) as activation:
        task = activation.task
        _check_human(task)
        _check_active(task)
        dossier = dossier_of(task.process)
        if task.owner_id == actor.pk:
            return task
        if task.owner_id:
            raise ConflictError("task_taken", _("Việc này đã có người nhận: %(name)s.") % {"name": task.owner})
        if not task.flow_task.can_assign(actor, task):
            raise PermissionDeniedError("permission_denied", _("Bạn không được nhận việc này."))
        _separation(actor, task, dossier)
        activation.assign(actor)
        record_event(actor=actor, action="task.claimed", obj=dossier, dossier=dossier,
                     after={"task": task.flow_task.name, "owner": actor.pk},
                     message=_("Nhận việc “%(task)s”") % {"task": task.flow_task.task_title})
        return task


@transaction.atomic
def release_task(*, actor, task):
    with _locked(task) as activation:
        task = activation.task
        _check_human(task)
        _check_active(task)
        dossier = dossier_of(task.process)
        if not task.owner_id:
            raise DomainError("task_free", _("Việc này chưa có ai nhận."))
        if not task.flow_task.can_unassign(actor, task):
            raise PermissionDeniedError("permission_denied", _("Chỉ người đã nhận hoặc lãnh đạo được trả lại việc này."))
        previous = task.owner
        activation.unassign()
        record_event(actor=actor, action="task.released", obj=dossier, dossier=dossier,
                     before={"owner": previous.pk}, after={"task": task.flow_task.name, "owner": None},
                     message=_("Trả lại việc “%(task)s” vào hàng chờ") % {"task": task.flow_task.task_title})
        return task


@transaction.atomic
def reassign_task(*, actor, task, to_user):
    """The HA lead hands a task to someone else who may do it."""
    from workflows.notifications import notify

    with _locked(task) as activation:
        task = activation.task
        _check_human(task)
        _check_active(task)
        dossier = dossier_of(task.process)
        if not actor.has_role(Role.HA_LEAD) or not task.flow_task.flow_class.instance.has_manage_permission(actor):
            raise PermissionDeniedError("permission_denied", _("Chỉ lãnh đạo Sở Nội vụ được giao lại việc."))
        permission = task.owner_permission
        if permission and not to_user.has_perm(permission, obj=task.process):
            raise DomainError("not_eligible_owner", _("%(name)s không có vai trò để làm việc này.") % {"name": to_user})
        _separation(to_user, task, dossier)
        previous = task.owner_id
        if task.owner_id:
            activation.reassign(to_user)
        else:
            activation.assign(to_user)
        record_event(actor=actor, action="task.reassigned", obj=dossier, dossier=dossier,
                     before={"owner": previous}, after={"task": task.flow_task.name, "owner": to_user.pk},
                     message=_("Giao việc “%(task)s” cho %(name)s") % {"task": task.flow_task.task_title,
                                                                       "name": to_user})
        notify(recipients=[to_user], kind="task.assigned",
               message=_("Bạn được giao việc “%(task)s” của hồ sơ %(ref)s.") % {"task": task.flow_task.task_title,
                                                                                 "ref": dossier.reference},
               url=_task_url(task), dossier=dossier)
        return task


def _task_url(task) -> str:
    from workflows.deadlines import task_url

    return task_url(task, dossier_of(task.process))


# -- completing -------------------------------------------------------------


def _begin(actor, task, expected: str):
    """Common checks before completing ``task`` (inside the lock): returns (activation, dossier)."""
    if task.flow_task.name != expected:
        raise DomainError("wrong_task", _("Đây không phải việc “%(task)s”.") % {"task": expected})
    _check_active(task)
    dossier = dossier_of(task.process)
    if task.owner_id and task.owner_id != actor.pk:
        raise ConflictError("task_taken", _("Việc này do %(name)s đảm nhận.") % {"name": task.owner})
    _separation(actor, task, dossier)
    return dossier


def _run(task, actor, work, expected: str):
    """Take the task if free, do ``work(dossier)``, then let the process move on."""
    with _locked(task) as activation:
        task = activation.task
        dossier = _begin(actor, task, expected)
        if not task.owner_id:
            if not task.flow_task.can_assign(actor, task):
                raise PermissionDeniedError("permission_denied", _("Bạn không được làm việc này."))
            activation.assign(actor)
        activation.start(None)
        # Stored now, so that what ``work`` sets off sees the task under way (see ``finish_feedback_task``).
        task.save(update_fields=["status", "started"])
        result = work(dossier)
        activation.execute()
        return result


def supplement_due_on(dossier: Dossier, days: int | None = None):
    limits = settings_for(dossier.unit.province)
    return WorkingCalendar().add_working_days(timezone.localdate(), days or limits.supplement_days)


def _return(actor, dossier, *, items, note, due_on):
    from workflows.notify_steps import notify_unit

    request = review.return_for_supplement(actor=actor, dossier=dossier, items=list(items), note=note,
                                           due_on=due_on or supplement_due_on(dossier))
    notify_unit(dossier, "dossier.returned", _("Hồ sơ %(ref)s được trả lại để bổ sung, hạn %(due)s.")
                % {"ref": dossier.reference, "due": request.due_on.strftime("%d/%m/%Y")})
    return request


def _reject(actor, dossier, *, reason):
    from workflows.notify_steps import notify_unit

    result = review.reject_dossier(actor=actor, dossier=dossier, reason=reason)
    notify_unit(dossier, "dossier.rejected", _("Hồ sơ %(ref)s không được chấp nhận: %(reason)s")
                % {"ref": dossier.reference, "reason": reason})
    return result


@transaction.atomic
def complete_intake(*, actor, task, decision: str, items=(), note: str = "", reason: str = "",
                    due_on=None):
    """Intake: accept the dossier for appraisal, return it for supplement, or reject it."""

    def work(dossier):
        if decision == "accept":
            return review.accept_for_review(actor=actor, dossier=dossier)
        if decision == "return":
            return _return(actor, dossier, items=items, note=note, due_on=due_on)
        if decision == "reject":
            return _reject(actor, dossier, reason=reason)
        raise DomainError("invalid", _("Kết quả kiểm tra không hợp lệ."))

    return _run(task, actor, work, "intake")


@transaction.atomic
def complete_appraisal(*, actor, task, decision: str, appraisals=(), items=(), note: str = "",
                       reason: str = "", due_on=None):
    """Appraisal: conclude on every nomination and pass to the lead, or return, or reject."""
    from workflows.notify_steps import notify_leads

    def work(dossier):
        if decision == "submit":
            result = review.record_appraisal(actor=actor, dossier=dossier, decisions=list(appraisals))
            notify_leads(dossier, "task.approval", _("Hồ sơ %(ref)s đã thẩm định xong, chờ lãnh đạo duyệt.")
                         % {"ref": dossier.reference})
            return result
        if decision == "return":
            return _return(actor, dossier, items=items, note=note, due_on=due_on)
        if decision == "reject":
            return _reject(actor, dossier, reason=reason)
        raise DomainError("invalid", _("Kết quả thẩm định không hợp lệ."))

    return _run(task, actor, work, "appraisal")


@transaction.atomic
def complete_approval(*, actor, task, decision: str, note: str = "", reason: str = ""):
    """The HA lead approves (the dossier moves on), sends back to appraisal, or rejects."""
    from workflows.notify_steps import notify_unit

    def work(dossier):
        if decision == "approve":
            starts_on = timezone.localdate()
            limits = settings_for(dossier.unit.province)
            ends_on = WorkingCalendar().add_working_days(starts_on, limits.notice_days)
            result = review.approve(actor=actor, dossier=dossier, notice_starts_on=starts_on, notice_ends_on=ends_on)
            notify_unit(dossier, "dossier.progress", _("Hồ sơ %(ref)s đã được Sở Nội vụ duyệt: %(state)s.")
                        % {"ref": dossier.reference, "state": result.get_state_display()})
            return result
        if decision == "send_back":
            return review.send_back_to_appraisal(actor=actor, dossier=dossier, note=note)
        if decision == "reject":
            return _reject(actor, dossier, reason=reason)
        raise DomainError("invalid", _("Kết quả duyệt không hợp lệ."))

    return _run(task, actor, work, "approval")


# -- public feedback ----------------------------------------------------------

FEEDBACK_DECISIONS = ("dismiss", "uphold")


def _feedback_of(task):
    from dossiers.models import PublicFeedback

    return PublicFeedback.objects.get(process__pk=task.process_id)


@transaction.atomic
def complete_feedback(*, actor, task, decision: str, note: str = ""):
    """Resolve the feedback of the task: dismissed, or upheld (the nomination becomes ineligible), with a note."""
    from dossiers.services.notice import resolve_feedback

    if decision not in FEEDBACK_DECISIONS:
        raise DomainError("invalid", _("Kết quả xử lý góp ý không hợp lệ."))

    def work(dossier):
        return resolve_feedback(actor=actor, feedback=_feedback_of(task), upheld=decision == "uphold", note=note)

    return _run(task, actor, work, "resolve_feedback")


def finish_feedback_task(*, feedback, actor) -> bool:
    """The feedback was resolved outside its task (the feedback list, the API): its task is done, by ``actor``.

    A task under way (its own action resolved the feedback) is left to finish itself.
    """
    from viewflow.workflow.status import STATUS

    task = feedback_task(feedback)
    if task is None or task.status == STATUS.STARTED:
        return False
    with _locked(task) as activation:
        task = activation.task
        if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            return False
        if task.status == STATUS.NEW:
            activation.assign(actor)
        elif task.owner_id != actor.pk:
            activation.reassign(actor)
        activation.start(None)
        activation.execute()
    return True

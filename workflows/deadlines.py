"""Due dates of tasks in working days, reminders before them, escalation after them."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from dossiers.models import Role
from workflows.calendar import WorkingCalendar, settings_for
from workflows.models import TaskDeadline

# Which limit of WorkflowSettings applies to which task of the flow.
LIMITS = {
    "intake": "intake_days",
    "appraisal": "appraisal_days",
    "approval": "approval_days",
    "await_supplement": "supplement_days",
    "await_feedback": "feedback_days",  # processes started before each feedback became a task of its own
    "resolve_feedback": "feedback_days",
}
# Who works on a task that nobody has taken yet.
QUEUE_ROLES = {
    "intake": Role.HA_SPECIALIST,
    "appraisal": Role.HA_SPECIALIST,
    "approval": Role.HA_LEAD,
    "await_feedback": Role.HA_SPECIALIST,
    "resolve_feedback": Role.HA_SPECIALIST,
    "await_supplement": None,  # the unit
}
ACTIVE = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def deadline_for_task(task: Task) -> TaskDeadline:
    """The task's deadline, created on first use from the province's limits."""
    existing = TaskDeadline.objects.filter(task=task).first()
    if existing is not None:
        return existing
    from workflows.flows import dossier_of

    dossier = dossier_of(task.process)
    limits = settings_for(dossier.unit.province)
    days = getattr(limits, LIMITS[task.flow_task.name])
    calendar = WorkingCalendar()
    start = timezone.localdate(task.created)
    if task.flow_task.name == "await_supplement":
        request = dossier.supplement_requests.order_by("-number").first()
        due_on = request.due_on if request else calendar.add_working_days(start, days)
        days = calendar.working_days_between(start, due_on)
    else:
        due_on = calendar.add_working_days(start, days)
    remind_on = calendar.subtract_working_days(due_on, limits.remind_days_before)
    if remind_on < start:
        remind_on = start
    deadline, _ = TaskDeadline.objects.get_or_create(
        task=task, defaults={"working_days": days, "due_on": due_on, "remind_on": remind_on}
    )
    return deadline


def host_of(boundary_task: Task) -> Task:
    return boundary_task.previous.get()


def deadline_of_host(boundary_task: Task) -> TaskDeadline:
    return deadline_for_task(host_of(boundary_task))


def _people_for(task: Task, dossier) -> list:
    from workflows.notifications import users_with_role

    if task.owner_id:
        return [task.owner]
    role = QUEUE_ROLES.get(task.flow_task.name)
    if role is None:
        return list(users_with_role(Role.UNIT_CLERK, unit=dossier.unit)) + list(
            users_with_role(Role.UNIT_HEAD, unit=dossier.unit)
        )
    return list(users_with_role(role, province=dossier.unit.province))


def remind(boundary_task: Task) -> None:
    """Before the due date: tell whoever has (or may take) the task."""
    from workflows.flows import dossier_of
    from workflows.notifications import notify

    host = host_of(boundary_task)
    if host.status not in ACTIVE:
        return
    deadline = deadline_for_task(host)
    dossier = dossier_of(host.process)
    notify(
        recipients=_people_for(host, dossier),
        kind="task.reminder",
        message=_("Sắp đến hạn: “%(task)s” của hồ sơ %(ref)s phải xong trước hết ngày %(due)s.")
        % {"task": host.flow_task.task_title, "ref": dossier.reference, "due": deadline.due_on.strftime("%d/%m/%Y")},
        url=task_url(host, dossier),
        dossier=dossier,
    )
    TaskDeadline.objects.filter(pk=deadline.pk).update(reminded_at=timezone.now())


def escalate(boundary_task: Task) -> None:
    """Once overdue: tell the HA leads (and the one who has the task)."""
    from workflows.flows import dossier_of
    from workflows.notifications import notify, users_with_role

    host = host_of(boundary_task)
    if host.status not in ACTIVE:
        return
    deadline = deadline_for_task(host)
    dossier = dossier_of(host.process)
    recipients = list(users_with_role(Role.HA_LEAD, province=dossier.unit.province)) + _people_for(host, dossier)
    notify(
        recipients=recipients,
        kind="task.overdue",
        message=_("Quá hạn: “%(task)s” của hồ sơ %(ref)s đã quá hạn ngày %(due)s.")
        % {"task": host.flow_task.task_title, "ref": dossier.reference, "due": deadline.due_on.strftime("%d/%m/%Y")},
        url=task_url(host, dossier),
        dossier=dossier,
    )
    TaskDeadline.objects.filter(pk=deadline.pk).update(escalated_at=timezone.now())


def task_url(task: Task, dossier) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        if task.flow_task.name == "await_supplement":
            return reverse("dossier_detail", args=[dossier.pk])
        return reverse("task_detail", args=[task.pk])
    except NoReverseMatch:
        return ""

"""Scoped reads of the review tasks: the work lists, one task, and counts.

Home Affairs staff see the tasks of their own province only; everybody else
sees none (the views answer 403 on lists and 404 on a task). Every list is a
constant number of queries whatever its length: the dossier, its unit, the
owner and the due date come by join, and ``decorate`` adds what a row shows
without touching the database again (one calendar query per page).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, F, OrderBy, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import LessThan
from django.utils import timezone
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.status import STATUS

from dossiers.models import Role
from dossiers.models.users import HA_ROLES
from workflows.calendar import WorkingCalendar
from workflows.deadlines import QUEUE_ROLES
from workflows.flows import DossierFlow, FeedbackFlow

ACTIVE = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
# Open: active, or a timer waiting for its moment (the public notice period).
OPEN = [*ACTIVE, STATUS.SCHEDULED]
# People's tasks of the dossier's flow, and the one task of each feedback's flow (FeedbackFlow).
FEEDBACK_TASKS = ("resolve_feedback",)
HUMAN_TASKS = ("intake", "appraisal", "approval", *FEEDBACK_TASKS)
WAITING_TASKS = ("await_supplement", "notice_period", "await_feedback", "await_council", "await_decision",
                 "await_central")
# Tasks that carry a due date and may therefore be overdue.
TIMED_TASKS = (*HUMAN_TASKS, "await_supplement")
# Amber when the due date is at most this many working days away.
SOON_WORKING_DAYS = 2

# A task belongs to a dossier's review process, or to the process of one feedback about the dossier.
DOSSIER = "process__dossierprocess__dossier"
FEEDBACK_DOSSIER = "process__feedbackprocess__dossier"
FEEDBACK = "process__feedbackprocess__feedback"
ROW_RELATED = (f"{DOSSIER}__unit", f"{FEEDBACK_DOSSIER}__unit", f"{FEEDBACK}__nomination__person",
               f"{FEEDBACK}__nomination__collective", "owner", "deadline")


def task_model():
    return DossierFlow.task_class


def flow_of(name: str):
    return FeedbackFlow if name in FEEDBACK_TASKS else DossierFlow


def refs(*names: str) -> list[str]:
    """The stored references of the flows' nodes ``names`` (what ``Task.flow_task`` holds)."""
    return [get_task_ref(getattr(flow_of(name), name)) for name in names]


def on_dossier(lookup: str, value) -> Q:
    """Tasks whose dossier matches ``lookup`` (e.g. ``"__unit__province_id"``), whichever process they are in."""
    return Q(**{f"{DOSSIER}{lookup}": value}) | Q(**{f"{FEEDBACK_DOSSIER}{lookup}": value})


def dossier_of_row(task):
    """The dossier of a task read with ``ROW_RELATED`` (no query)."""
    process = task.process
    try:
        return process.dossierprocess.dossier
    except ObjectDoesNotExist:
        return process.feedbackprocess.dossier


def feedback_of_row(task):
    """The feedback a task is about (``None`` for the dossier's own tasks), from the joined rows."""
    if task.flow_task.name not in FEEDBACK_TASKS:
        return None
    return task.process.feedbackprocess.feedback


def is_ha(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.roles & HA_ROLES and user.unit_id)


def sole_province(user) -> bool:
    """Whether the user's province is the only one in this deployment (one query, remembered on the user).

    Then every dossier, and so every review task, is of that province and the
    province filter can go: at the large scale it joined each of ~10,000 open
    tasks to its process, dossier and unit, twice over (the dossier's own and
    its feedback's), which no index can serve. With several provinces the
    filter stays.
    """
    from dossiers.models import Province

    known = getattr(user, "_sole_province", None)
    if known is None:
        known = user._sole_province = not Province.objects.exclude(pk=user.province_id).exists()
    return known


def _province_tasks(user) -> QuerySet:
    if not is_ha(user):
        return task_model().objects.none()
    if sole_province(user):
        return task_model().objects.all()
    return task_model().objects.filter(on_dossier("__unit__province_id", user.province_id))


def _due_on():
    """A task's due date, looked up by its id (the deadline's unique ``task_id`` index).

    The lists order by it. Joined instead, PostgreSQL hashed the few thousand
    tasks of the queue and read the whole deadline table (one row for every
    timed task ever, ~275,000 at the large scale) to find their dates.
    """
    from workflows.models import TaskDeadline

    return Subquery(TaskDeadline.objects.filter(task_id=OuterRef("pk")).values("due_on"))


def _ordered(queryset: QuerySet, due_on=None) -> QuerySet:
    """By due date (none last), then age; ``due_on`` is the due date's expression when the list joins it."""
    return queryset.select_related(*ROW_RELATED).order_by(
        OrderBy(due_on if due_on is not None else _due_on(), nulls_last=True), "created", "pk"
    )


def queue_q(user) -> Q:
    """Unassigned tasks ``user`` may take: intake, appraisal and public feedback for specialists, approval
    for leads, never the approval of a dossier the user appraised.

    The separation of duties is tested against the processes of the dossiers the user appraised (a small
    set, by the dossier's ``appraised_by`` index), not by joining every open approval to its process and
    dossier: at the large scale that join read ~2,000 approvals' processes and dossiers on each page.
    """
    from workflows.models import DossierProcess

    roles = user.roles
    condition = Q(pk__in=[])
    if Role.HA_SPECIALIST in roles:
        condition |= Q(flow_task__in=refs("intake", "appraisal", *FEEDBACK_TASKS))
    if Role.HA_LEAD in roles:
        appraised = DossierProcess.objects.filter(dossier__appraised_by=user).values("pk")
        condition |= Q(flow_task__in=refs("approval")) & ~Q(process_id__in=appraised)
    return condition & Q(owner__isnull=True)


def mine_q(user) -> Q:
    """Tasks assigned to ``user`` (people's tasks only)."""
    return Q(owner=user, flow_task__in=refs(*HUMAN_TASKS))


def overdue_scope_q(user) -> Q:
    """Tasks whose lateness ``user`` follows: a lead all of them (the unit's supplement too), a specialist
    their own and those in their queue."""
    condition = Q(flow_task__in=refs(*TIMED_TASKS))
    if Role.HA_LEAD not in user.roles:
        condition &= Q(owner=user) | queue_q(user)
    return condition


def my_tasks(user) -> QuerySet:
    """Active tasks assigned to ``user``, by due date."""
    return _ordered(_province_tasks(user).filter(mine_q(user), status__in=ACTIVE))


def queue_tasks(user) -> QuerySet:
    """Active unassigned tasks ``user`` may take, by due date."""
    if not is_ha(user):
        return task_model().objects.none()
    return _ordered(_province_tasks(user).filter(queue_q(user), status__in=ACTIVE))


def overdue_tasks(user, today: datetime.date | None = None) -> QuerySet:
    """Active tasks of the province past their due date.

    A lead sees all of them (the unit's supplement too); a specialist sees
    their own and those in their queue.
    """
    if not is_ha(user):
        return task_model().objects.none()
    today = today or timezone.localdate()
    return _ordered(_province_tasks(user).filter(overdue_scope_q(user), status__in=ACTIVE,
                                                 deadline__due_on__lt=today), due_on=F("deadline__due_on"))


@dataclass(frozen=True)
class TaskCounts:
    mine: int
    queue: int
    overdue: int


def task_counts(user, today: datetime.date | None = None) -> TaskCounts:
    """The three work list sizes, in one query.

    Each list is a few thousand open tasks at the large scale, read from
    scattered pages of viewflow's task table: counting the three lists (and
    the page's own list again for the paginator) read them three or four
    times per page. One pass over the tasks of any of the lists counts each
    list by its own condition; the due date is looked up by task for the
    overdue one (``_due_on``).
    """
    if not is_ha(user):
        return TaskCounts(0, 0, 0)
    today = today or timezone.localdate()
    mine, queue, followed = mine_q(user), queue_q(user), overdue_scope_q(user)
    # The tasks followed for lateness hold the user's own and their queue (people's tasks are timed).
    counts = (
        _province_tasks(user).filter(followed, status__in=ACTIVE).order_by()
        .aggregate(mine=Count("pk", filter=mine), queue=Count("pk", filter=queue),
                   overdue=Count("pk", filter=followed & Q(LessThan(_due_on(), today))))
    )
    return TaskCounts(**counts)


class PagedTasks:
    """A work list as the paginator sees it: counted and sliced lean, the rows of one page loaded whole.

    ``count()`` and the page's ids come from the list's own query (the task,
    its due date for the order, the province filter); only the ids of the page
    shown are then read with every joined table a row displays. Sorting a few
    thousand open tasks with a dozen tables joined to each, to show 25, was the
    cost of the queue at scale (docs/performance.md). A ``count`` already known
    (``task_counts``) is not counted again.
    """

    ordered = True

    def __init__(self, queryset: QuerySet, count: int | None = None):
        self.queryset = queryset
        self._count = count

    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key:key + 1][0]
        ids = list(self.queryset.values_list("pk", flat=True)[key])
        rows = task_model().objects.filter(pk__in=ids).select_related(*ROW_RELATED).in_bulk()
        return [rows[pk] for pk in ids if pk in rows]


def task_for_user(*, user, pk) -> QuerySet:
    """A one-row queryset of a task of the review flow that ``user`` may open (404 otherwise)."""
    return _province_tasks(user).filter(pk=pk, flow_task__in=refs(*HUMAN_TASKS, *WAITING_TASKS)).select_related(
        f"{DOSSIER}__unit__province", f"{FEEDBACK_DOSSIER}__unit__province", f"{FEEDBACK}__nomination__person",
        f"{FEEDBACK}__nomination__collective", f"{FEEDBACK}__nomination__award_type", "owner", "deadline"
    )


def due_status(due_on: datetime.date | None, today: datetime.date, soon_until: datetime.date) -> str:
    """"overdue", "soon" (within two working days) or "" for a due date."""
    if due_on is None:
        return ""
    if due_on < today:
        return "overdue"
    if due_on <= soon_until:
        return "soon"
    return ""


def soon_limit(today: datetime.date, calendar: WorkingCalendar | None = None) -> datetime.date:
    return (calendar or WorkingCalendar(today)).add_working_days(today, SOON_WORKING_DAYS)


def decorate(tasks, today: datetime.date | None = None) -> list:
    """Attach ``dossier``, ``feedback``, ``due_on`` and ``due_status`` to each task of a page (no query per row)."""
    tasks = list(tasks)
    today = today or timezone.localdate()
    until = soon_limit(today)
    for task in tasks:
        task.dossier = dossier_of_row(task)
        task.feedback = feedback_of_row(task)
        deadline = task.deadline if has_deadline(task) else None
        task.due_on = deadline.due_on if deadline else None
        task.due_status = due_status(task.due_on, today, until)
    return tasks


def has_deadline(task) -> bool:
    """Whether the task has a due date (read from the joined row: no query after ``select_related``)."""
    from workflows.models import TaskDeadline

    try:
        return task.deadline is not None
    except TaskDeadline.DoesNotExist:
        return False


def active_tasks_of(dossier) -> list:
    """The dossier's active tasks (human and waiting, its public feedback's too), oldest first, with owner and
    deadline."""
    from workflows.models import DossierProcess, FeedbackProcess

    # The dossier's processes first (its review and its feedbacks': two indexed lookups), then their tasks by
    # ``process_id``: one filter over both joined paths ("this dossier's or this feedback's dossier") could use
    # no index and read every open task of the province.
    process_ids = list(DossierProcess.objects.filter(dossier=dossier).order_by().values_list("pk", flat=True).union(
        FeedbackProcess.objects.filter(dossier=dossier).order_by().values_list("pk", flat=True), all=True))
    tasks = list(
        task_model().objects.filter(process_id__in=process_ids, status__in=OPEN,
                                    flow_task__in=refs(*HUMAN_TASKS, *WAITING_TASKS))
        .select_related("owner", "deadline", f"{FEEDBACK}__nomination__person", f"{FEEDBACK}__nomination__collective")
        .order_by("created", "pk")
    )
    today = timezone.localdate()
    until = soon_limit(today) if tasks else today
    for task in tasks:
        task.feedback = feedback_of_row(task)
        deadline = task.deadline if has_deadline(task) else None
        task.due_on = deadline.due_on if deadline else None
        task.due_status = due_status(task.due_on, today, until)
    return tasks


def open_feedback_count(user) -> int | None:
    """Open public feedback about the dossiers of the user's province (None for non-HA users)."""
    from dossiers.selectors_public import feedback_queue

    if not is_ha(user):
        return None
    return feedback_queue(province_id=user.province_id).count()


def latest_supplement_request(dossier):
    """The dossier's latest return for supplement with its items (what, which nomination, which document)."""
    from dossiers.models import SupplementRequest

    return (
        SupplementRequest.objects.filter(dossier=dossier)
        .select_related("created_by")
        .prefetch_related("items__reason", "items__document_type", "items__nomination__person",
                          "items__nomination__collective")
        .order_by("-number").first()
    )


# -- what a user may do with a task (the UI's buttons, the API's allowed actions) --


def rights(user, task) -> dict:
    """What ``user`` may do with ``task`` now."""
    name = task.flow_task.name
    dossier = task.dossier
    active = task.status in OPEN
    human = name in HUMAN_TASKS
    appraised_by_me = name == "approval" and dossier.appraised_by_id == user.pk
    mine = task.owner_id == user.pk
    may_take = human and active and not task.owner_id and task.flow_task.can_assign(user, task)
    is_lead = user.has_role(Role.HA_LEAD)
    return {
        "active": active,
        "human": human,
        "mine": mine,
        "appraised_by_me": appraised_by_me,
        "can_claim": may_take and not appraised_by_me,
        "can_act": human and active and (mine or may_take) and not appraised_by_me,
        "can_release": human and active and bool(task.owner_id) and task.flow_task.can_unassign(user, task),
        "can_reassign": human and active and is_lead and task.flow_task.flow_class.instance.has_manage_permission(user),
    }


def assign_candidates(task):
    from workflows.notifications import users_with_role

    """HA users of the dossier's province who may do the task (never the appraiser for the approval)."""
    name = task.flow_task.name
    role = QUEUE_ROLES.get(name)
    if role is None:
        from dossiers.models import User

        return User.objects.none()
    users = users_with_role(role, province=task.dossier.unit.province_id)
    if task.owner_id:
        users = users.exclude(pk=task.owner_id)
    if name == "approval" and task.dossier.appraised_by_id:
        users = users.exclude(pk=task.dossier.appraised_by_id)
    return users.order_by("last_name", "first_name", "pk")

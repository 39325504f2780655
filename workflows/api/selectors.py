"""The API's reads of tasks: the web UI's scoping and rules (``workflows.selectors``, the task page's rights).

Home Affairs works on the dossiers of its own province only: every lookup is
filtered by the province of the caller's unit, so a task, verdict or feedback
of another province is "not found" (404), never "forbidden". Which actions a
user may take on a task is the task page's rule set, so the API offers
exactly the buttons the UI shows; the services check again.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone

from dossiers.models import Dossier
from dossiers.selectors import dossier_scope
from workflows import selectors as work
from workflows.selectors import assign_candidates, rights

SCOPES = ("mine", "queue", "overdue")
WORK_LISTS = {"mine": work.my_tasks, "queue": work.queue_tasks, "overdue": work.overdue_tasks}
TASK_ACTIONS = ("claim", "release", "reassign", "complete")
is_ha = work.is_ha


def province_id_of(user) -> int | None:
    return user.unit.province_id if getattr(user, "unit_id", None) else None


def work_list(user, scope: str) -> QuerySet:
    """The UI's work lists: my tasks, the queue I may take from, what is overdue (most urgent first)."""
    return WORK_LISTS[scope](user)


def paged(tasks: QuerySet) -> work.PagedTasks:
    """A work list for the paginator: counted and sliced lean, the page's rows read whole by their ids."""
    return work.PagedTasks(tasks)


def task_for_user(user, pk) -> QuerySet:
    """A one-row queryset of a task of the user's province (people's tasks and waiting points)."""
    return work.task_for_user(user=user, pk=pk)


def with_dossiers(tasks, dossier: Dossier | None = None) -> list:
    """The tasks, each with ``dossier`` attached (from the join, or the one given)."""
    tasks = list(tasks)
    for task in tasks:
        task.dossier = dossier or work.dossier_of_row(task)
    return tasks


def active_tasks_of(dossier: Dossier) -> list:
    """The dossier's open tasks (people's and waiting points), oldest first."""
    return with_dossiers(work.active_tasks_of(dossier), dossier)


def dossier_of_task(task) -> Dossier:
    dossier = getattr(task, "dossier", None)
    if not isinstance(dossier, Dossier):
        dossier = task.dossier = work.dossier_of_row(task)
    return dossier


def deadline_of(task):
    try:
        return task.deadline
    except ObjectDoesNotExist:
        return None


def is_overdue(task, today=None) -> bool:
    deadline = deadline_of(task)
    return bool(deadline and task.status in work.ACTIVE and deadline.due_on < (today or timezone.localdate()))


def allowed_task_actions(user, task) -> list[str]:
    """What ``user`` may do with ``task`` now: the task page's buttons."""
    dossier_of_task(task)
    allowed = rights(user, task)
    granted = {"claim": allowed["can_claim"], "release": allowed["can_release"],
               "reassign": allowed["can_reassign"], "complete": allowed["can_act"]}
    return [name for name in TASK_ACTIONS if granted[name]]


def reassign_candidates(user, task) -> list:
    """Who a lead may hand ``task`` to (nobody, for whoever may not reassign)."""
    dossier_of_task(task)
    if not rights(user, task)["can_reassign"]:
        return []
    return list(assign_candidates(task))


def dossiers_in_scope(user) -> QuerySet[Dossier]:
    return Dossier.objects.filter(dossier_scope(user))

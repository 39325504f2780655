"""The council's final results wake the dossiers' review processes: one session's dossiers in one pass.

Each dossier whose results are final waits at ``await_council`` (a viewflow
``Handle``). Running viewflow's engine for each one costs about thirteen
queries a dossier (the task's lookup, the process lock, the task's re-read,
its completion, the ``after_council`` switch reading the dossier, the next
task and its links, then the counts and the unit's people for the
notification): 3,000 for a session of 250 dossiers. Here the same rows are
written for all of them at once:

- ``await_council`` is done (started and finished now),
- the ``after_council`` switch task is done, after it,
- then ``await_decision`` waits (the dossier awaits its decision), or the
  ``end`` task is done and the process finishes when nothing else of it is
  open (the dossier was closed),
- each task is linked to the one before (``previous``),

exactly as ``DossierFlow.await_council.run(task)`` leaves them (a test compares
both, row by row); the unit's clerks and head are told with one notification
each, written together. A dossier whose process does not wait at
``await_council`` is left alone, as ``services.wake`` does.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from dossiers.models import DossierState, NominationOutcome, Role
from workflows.flows import DossierFlow
from workflows.models import DossierProcess
from workflows.selectors import ACTIVE


def _new_task(process_id: int, node, *, status: str, now, started=None, finished=None):
    return DossierFlow.task_class(process_id=process_id, flow_task=node, flow_task_type=node.task_type,
                                  status=status, created=now, started=started, finished=finished,
                                  token=Token("start"), data={})


def wake_after_council(dossiers) -> list[int]:
    """Move on the review processes of ``dossiers`` (their council results final); the ids of those woken.

    A bounded number of queries whatever the number of dossiers: the waiting
    tasks (one), the processes locked (one), the tasks written (a few bulk
    statements), the results counted (one), the units' people (one), the
    notifications (one).
    """
    dossiers = {d.pk: d for d in dossiers}
    if not dossiers:
        return []
    Task = DossierFlow.task_class
    waiting = list(Task.objects.filter(process__dossierprocess__dossier_id__in=list(dossiers),
                                       flow_task=DossierFlow.await_council, status__in=ACTIVE)
                   .values_list("pk", "process_id", "process__dossierprocess__dossier_id")
                   .order_by("process_id", "-created"))
    tasks: dict[int, tuple[int, int]] = {}   # dossier -> (task, process): the newest waiting task, as wake()
    for task_id, process_id, dossier_id in waiting:
        tasks.setdefault(dossier_id, (task_id, process_id))
    if not tasks:
        return []
    with transaction.atomic():
        return _wake(dossiers, tasks)


def _wake(dossiers: dict, tasks: dict[int, tuple[int, int]]) -> list[int]:
    Task = DossierFlow.task_class
    process_ids = sorted(process_id for _t, process_id in tasks.values())
    # The lock viewflow takes on each process (workflows.locks), for all of them in one statement.
    list(DossierProcess.objects.filter(pk__in=process_ids).select_for_update().order_by("pk").values_list("pk"))
    # The switch after the council reads the dossier's state as it is now (this transaction's changes included).
    states = dict(DossierProcess.objects.filter(pk__in=process_ids).values_list("pk", "dossier__state"))
    now = timezone.now()
    task_ids = [task_id for task_id, _p in tasks.values()]
    if Task.objects.filter(pk__in=task_ids, status__in=ACTIVE).update(status=STATUS.DONE, started=now,
                                                                       finished=now) != len(task_ids):
        from dossiers.exceptions import ConflictError

        raise ConflictError("conflict", _("Quy trình của hồ sơ vừa được người khác thay đổi. Hãy thử lại."))
    order = sorted(tasks.items(), key=lambda item: item[1][1])
    switches = Task.objects.bulk_create([
        _new_task(process_id, DossierFlow.after_council, status=STATUS.DONE, now=now, finished=now)
        for _d, (_t, process_id) in order
    ])
    following, ending = [], []
    for _d, (_t, process_id) in order:
        if states[process_id] == DossierState.AWAITING_DECISION:
            following.append(_new_task(process_id, DossierFlow.await_decision, status=STATUS.NEW, now=now))
        else:
            ending.append(_new_task(process_id, DossierFlow.end, status=STATUS.DONE, now=now, started=now,
                                    finished=now))
    created = Task.objects.bulk_create(following + ending)
    switch_of = {switch.process_id: switch.pk for switch in switches}
    Link = Task.previous.through
    waited = {process_id: task_id for task_id, process_id in tasks.values()}
    Link.objects.bulk_create(
        [Link(from_task_id=switch.pk, to_task_id=waited[switch.process_id]) for switch in switches]
        + [Link(from_task_id=task.pk, to_task_id=switch_of[task.process_id]) for task in created]
    )
    if ending:
        # The end finishes its process only when nothing else of it is still open (viewflow's End).
        ended = [task.process_id for task in ending]
        open_left = set(Task.objects.filter(process_id__in=ended, finished__isnull=True).values("process_id")
                        .annotate(n=Count("pk")).values_list("process_id", flat=True))
        finished = [pk for pk in ended if pk not in open_left]
        if finished:
            DossierProcess.objects.filter(pk__in=finished).update(status=PROCESS.DONE, finished=now)
    woken = [dossier_id for dossier_id, _v in order]
    _tell_units([dossiers[pk] for pk in woken])
    return woken


FINAL_STATES = (DossierState.AWAITING_DECISION, DossierState.CLOSED)


def with_session_peers(dossier) -> list:
    """``dossier`` and the other dossiers of its just-confirmed session(s) whose results are final too.

    ``council_result_final`` is sent once per dossier, inside the transaction
    that confirms the whole session; the first signal wakes every dossier of
    the session that is already past the council (decision or closed) and whose
    process still waits at ``await_council``, i.e. exactly those whose signal is
    still to come. Their own signals then find nothing waiting (one query each).
    Outside a confirmation no process waits at ``await_council`` for a dossier
    past the council, so this is only ever ``dossier`` itself and its peers.
    """
    from councils.models import AgendaItem, SessionState
    from dossiers.models import Dossier

    sessions = AgendaItem.objects.filter(nomination__dossier_id=dossier.pk,
                                         session__state=SessionState.RESULTS_CONFIRMED).values("session_id")
    peers = (Dossier.objects.filter(nominations__agenda_items__session_id__in=sessions, state__in=FINAL_STATES)
             .exclude(pk=dossier.pk).distinct().select_related("unit").order_by("pk"))
    return [dossier, *peers]


def _tell_units(dossiers) -> None:
    from dossiers.models import Nomination
    from workflows.notify_steps import notify_units

    counts = {row["dossier_id"]: row for row in Nomination.objects.filter(dossier_id__in=[d.pk for d in dossiers])
              .values("dossier_id").order_by("dossier_id")
              .annotate(passed=Count("pk", filter=Q(outcome=NominationOutcome.COUNCIL_PASSED)),
                        failed=Count("pk", filter=Q(outcome=NominationOutcome.COUNCIL_FAILED)))}
    empty = {"passed": 0, "failed": 0}
    notify_units([
        (dossier, "dossier.council_result",
         _("Hội đồng đã xét hồ sơ %(ref)s: %(passed)d đề nghị đạt, %(failed)d đề nghị không đạt.")
         % {"ref": dossier.reference, "passed": counts.get(dossier.pk, empty)["passed"],
            "failed": counts.get(dossier.pk, empty)["failed"]})
        for dossier in dossiers
    ], roles=(Role.UNIT_CLERK, Role.UNIT_HEAD))


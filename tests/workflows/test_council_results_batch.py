"""A session's final results wake the dossiers' processes in one pass (workflows.council_results): the same tasks,
links, process ends and notifications as viewflow's own run of ``await_council``, in queries that do not grow with
the dossiers (docs/performance.md)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.status import PROCESS

from councils.services import sessions as svc
from councils.services import voting
from dossiers import signals
from dossiers.models import Dossier, DossierState
from tests.councils import conftest as council_fixtures
from tests.factories import DossierFactory, UserFactory
from tests.workflows.test_flow import accept, appraise, approve, lead, submitted_dossier  # noqa: F401 (fixture)
from workflows import services as wf
from workflows.council_results import wake_after_council
from workflows.flows import DossierFlow
from workflows.models import Notification

office = council_fixtures.office
council = council_fixtures.council
chair = council_fixtures.chair
secretary = council_fixtures.secretary
members = council_fixtures.members

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(unit, clerk, head, ha_specialist, lead):  # noqa: F811 (the fixture imported above)
    """``waiting(n)``: n dossiers of one CSTĐ cấp tỉnh nomination each, their processes at ``await_council``."""
    def make(count, start=0):
        made = []
        for number in range(start, start + count):
            dossier = submitted_dossier(DossierFactory(unit=unit, created_by=clerk, title=f"Hồ sơ xét {number}"),
                                        clerk, head, "CSTD_TINH")
            accept(dossier, ha_specialist)
            appraise(dossier, ha_specialist)
            approve(dossier, lead)
            made.append(Dossier.objects.select_related("unit").get(pk=dossier.pk))
        assert all(wf.active_task(d, "await_council") is not None for d in made)
        return made
    return make


def process_rows(dossier) -> dict:
    """What the process holds after the wake-up, without ids and moments."""
    process = wf.process_of(dossier)
    tasks = list(DossierFlow.task_class.objects.filter(process=process).order_by("pk"))
    names = {task.pk: task.flow_task.name for task in tasks}
    return {
        "process": (process.status, process.finished is None),
        "tasks": [(task.flow_task.name, task.flow_task_type, task.status, str(task.token), task.owner_id, task.data,
                   task.started is None, task.finished is None,
                   sorted(names[p] for p in task.previous.values_list("pk", flat=True)))
                  for task in tasks],
    }


@pytest.mark.parametrize("state", [DossierState.AWAITING_DECISION, DossierState.CLOSED])
def test_the_batch_leaves_the_same_rows_as_viewflow(waiting, state):
    by_viewflow, by_batch = waiting(2)
    Dossier.objects.filter(pk__in=[by_viewflow.pk, by_batch.pk]).update(state=state)
    assert wf.wake(dossier=by_viewflow, node="await_council")
    assert wake_after_council([by_batch]) == [by_batch.pk]
    expected = process_rows(by_viewflow)
    assert process_rows(by_batch) == expected
    if state == DossierState.CLOSED:
        assert expected["process"] == (PROCESS.DONE, False)
        assert expected["tasks"][-1][0] == "end"
    else:
        assert wf.active_task(by_batch, "await_decision") is not None
    # Not waiting any more: nothing happens a second time.
    assert wake_after_council([by_batch]) == []


def test_many_dossiers_in_the_same_queries_as_two(waiting, clerk, head, django_assert_max_num_queries):
    first = waiting(2)
    Dossier.objects.filter(pk=first[0].pk).update(state=DossierState.CLOSED)
    Dossier.objects.filter(pk=first[1].pk).update(state=DossierState.AWAITING_DECISION)
    with CaptureQueriesContext(connection) as few:
        signals.council_result_final.send(sender=Dossier, dossiers=first)
    more = waiting(6, start=2)
    Dossier.objects.filter(pk=more[0].pk).update(state=DossierState.CLOSED)
    Dossier.objects.filter(pk__in=[d.pk for d in more[1:]]).update(state=DossierState.AWAITING_DECISION)
    with django_assert_max_num_queries(len(few)):
        signals.council_result_final.send(sender=Dossier, dossiers=more)
    assert wf.process_of(more[0]).status == PROCESS.DONE
    assert all(wf.active_task(d, "await_decision") is not None for d in more[1:])
    told = Notification.objects.filter(kind="dossier.council_result", dossier_id_ref__in=[d.pk for d in more])
    assert sorted((n.dossier_id_ref, n.recipient_id) for n in told) == sorted(
        (d.pk, user.pk) for d in more for user in (clerk, head))


def test_a_confirmed_session_of_several_dossiers(council, secretary, chair, members, waiting, clerk, head, unit):
    dossiers = waiting(3)
    inactive = UserFactory(unit=unit, roles=["unit_clerk"], is_active=False)
    nominations = [d.nominations.get() for d in dossiers]
    session = council_fixtures.make_session(council, secretary, nominations)
    svc.publish_agenda(actor=secretary, session=session)
    svc.start_session(actor=secretary, session=session)
    svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members])
    svc.open_voting(actor=secretary, session=session)
    items = {item.nomination_id: item.pk for item in session.items.all()}
    for index, user in enumerate(members):
        # The first two pass (all agree), the last fails (two disagree: 13 of 15 is under 90 %).
        choices = {str(items[n.pk]): "agree" for n in nominations[:2]}
        choices[str(items[nominations[2].pk])] = "agree" if index >= 2 else "disagree"
        voting.cast_ballot(actor=user, session=session, choices=choices)
    svc.close_voting(actor=secretary, session=session)
    svc.confirm_results(actor=chair, session=session)

    for dossier in dossiers[:2]:
        assert Dossier.objects.get(pk=dossier.pk).state == DossierState.AWAITING_DECISION
        assert wf.active_task(dossier, "await_council") is None
        assert wf.active_task(dossier, "await_decision") is not None
    assert Dossier.objects.get(pk=dossiers[2].pk).state == DossierState.CLOSED
    assert wf.process_of(dossiers[2]).status == PROCESS.DONE
    told = Notification.objects.filter(kind="dossier.council_result")
    assert inactive.pk not in {n.recipient_id for n in told}
    for dossier, verdict in zip(dossiers, ("1 đề nghị đạt, 0 đề nghị không đạt",) * 2
                                + ("0 đề nghị đạt, 1 đề nghị không đạt",), strict=True):
        notes = told.filter(dossier_id_ref=dossier.pk)
        assert sorted(n.recipient_id for n in notes) == sorted([clerk.pk, head.pk])
        assert all(f"{dossier.reference}: {verdict}" in n.message for n in notes)


def confirm_queries(council, secretary, chair, members, dossiers) -> int:
    nominations = [d.nominations.get() for d in dossiers]
    session = council_fixtures.open_session(council, secretary, nominations, members)
    items = [str(pk) for pk in session.items.values_list("pk", flat=True)]
    for user in members:
        voting.cast_ballot(actor=user, session=session, choices=dict.fromkeys(items, "agree"))
    svc.close_voting(actor=secretary, session=session)
    with CaptureQueriesContext(connection) as context:
        svc.confirm_results(actor=chair, session=session)
    assert all(wf.active_task(d, "await_decision") is not None for d in dossiers)
    return len(context)


def test_confirming_a_session_wakes_its_dossiers_in_a_few_queries_each(council, secretary, chair, members, waiting):
    two = confirm_queries(council, secretary, chair, members, waiting(2))
    six = confirm_queries(council, secretary, chair, members, waiting(6, start=2))
    # The first dossier's signal wakes the whole session; each later one only finds its process moved on.
    assert six - two <= 2 * 4

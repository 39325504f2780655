"""The data generator at its tiny scale, in the test database: what a user of the generated data relies on.

Every dossier state is there, nominations have the outcomes their dossier's
state allows, every open task is the one the dossier's state calls for, the
same seed gives the same data, the audit chain verifies, and Home Affairs'
queue lists the submitted dossiers in a number of queries that does not grow
with the data. Timings are never asserted here (they are the benchmark's).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.status import STATUS

from bench.generate import NotEmpty, check_empty, generate
from councils.models import AgendaItem, CouncilSession, VoterRecord
from dossiers.models import AwardRecord, DecisionItem, Dossier, DossierState, Nomination, User
from dossiers.requirements import missing_documents
from dossiers.services.audit import verify_chain
from workflows.flows import DossierFlow
from workflows.models import DossierProcess, TaskDeadline

pytestmark = pytest.mark.django_db

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED)
# The only open (non-timer) task of a dossier's review process, per state; None: no open task.
OPEN_TASKS = {
    "submitted": [{"intake"}], "returned": [{"await_supplement"}], "under_review": [{"appraisal"}, {"approval"}],
    "public_notice": [{"notice_period"}, {"await_feedback"}], "awaiting_council": [{"await_council"}],
    "in_council": [{"await_council"}], "awaiting_decision": [{"await_decision"}], "forwarded": [{"await_central"}],
    "decided": [set()], "closed": [set()], "rejected": [set()], "withdrawn": [set()],
}
OUTCOMES = {
    "draft": {"proposed"}, "submitted": {"proposed"}, "returned": {"proposed"},
    "under_review": {"proposed", "eligible", "ineligible"},
    "public_notice": {"eligible", "ineligible"}, "awaiting_council": {"eligible", "ineligible"},
    "in_council": {"eligible", "ineligible"},
    "awaiting_decision": {"council_passed", "council_failed", "eligible", "ineligible"},
    "decided": {"awarded", "council_failed", "ineligible"},
    "forwarded": {"forwarded", "awarded", "granted", "declined", "council_failed", "ineligible"},
    "closed": {"awarded", "granted", "declined", "council_failed", "ineligible", "revoked"},
    "rejected": {"ineligible"}, "withdrawn": {"withdrawn"},
}


class Rollback(Exception):
    pass


def generated(**kwargs) -> dict:
    """Generate, keep the summary, roll the data back (so the next generation starts from an empty database)."""
    result = {}
    try:
        with transaction.atomic():
            result.update(generate(**kwargs))
            result["queue_page"] = _queue_page()
            raise Rollback
    except Rollback:
        pass
    return result


def _queue_page() -> dict:
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="chuyenvien01.snv"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("tasks_queue"))
    assert response.status_code == 200
    task = DossierFlow.task_class
    waiting = task.objects.filter(flow_task__in=[DossierFlow.intake, DossierFlow.appraisal], status=STATUS.NEW,
                                  owner__isnull=True)
    references = sorted({t.process.dossierprocess.dossier.reference for t in waiting})
    return {"queries": len(queries), "content": response.content.decode(), "references": references}


@pytest.fixture
def tiny(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    return generate(scale="tiny", seed=7)


def test_every_state_of_the_dossier_is_present(tiny):
    states = set(Dossier.objects.values_list("state", flat=True))
    assert states == set(DossierState.values)
    assert tiny["dossier_states"] == {state: Dossier.objects.filter(state=state).count() for state in states}
    assert tiny["rows"]["dossiers_dossier"] == 30


def test_nominations_have_the_outcomes_their_dossier_allows(tiny):
    for dossier in Dossier.objects.prefetch_related("nominations__award_type"):
        outcomes = {n.outcome for n in dossier.nominations.all()}
        assert outcomes, dossier.reference
        assert outcomes <= OUTCOMES[dossier.state], (dossier.reference, dossier.state, outcomes)
    # What each waiting state is waiting for is there.
    for dossier in Dossier.objects.filter(state__in=["awaiting_council", "in_council"]):
        assert dossier.nominations.filter(outcome="eligible", award_type__vote_required=True).exists()
    for dossier in Dossier.objects.filter(state="forwarded"):
        assert dossier.nominations.filter(outcome="forwarded").exists()
    # Nominations on the council's open agenda belong to dossiers in council, and every such one is on it.
    on_agenda = set(AgendaItem.objects.exclude(session__state="finalised").values_list("nomination_id", flat=True))
    waiting = set(Nomination.objects.filter(dossier__state="in_council", outcome="eligible",
                                            award_type__vote_required=True).values_list("id", flat=True))
    assert on_agenda == waiting
    # Awards come from signed decisions, with their award records.
    awarded = Nomination.objects.filter(outcome__in=["awarded", "revoked"])
    assert awarded.exists()
    for nomination in awarded:
        assert DecisionItem.objects.filter(nomination=nomination, decision__state="signed").exists()
        record = AwardRecord.objects.get(nomination=nomination)
        assert record.revoked == (nomination.outcome == "revoked")


def test_every_open_task_is_the_one_its_dossier_state_calls_for(tiny):
    task = DossierFlow.task_class
    for dossier in Dossier.objects.all():
        process = DossierProcess.objects.filter(dossier=dossier).first()
        if dossier.state == "draft":
            assert process is None
            continue
        if process is None:
            assert dossier.state == "withdrawn" and not dossier.submitted_at
            continue
        tasks = list(task.objects.filter(process=process))
        open_names = {t.flow_task.name for t in tasks if t.status in OPEN and "__timeout" not in t.flow_task.name}
        assert open_names in OPEN_TASKS[dossier.state], (dossier.reference, dossier.state, open_names)
        expected = {"closed": "DONE", "rejected": "DONE", "decided": "DONE", "withdrawn": "CANCELED"}
        assert process.status == expected.get(dossier.state, "NEW"), dossier.reference
        for t in tasks:
            name = t.flow_task.name
            if name in ("intake", "appraisal", "approval", "await_supplement"):
                assert TaskDeadline.objects.filter(task=t).exists()
                timers = [x for x in tasks if x.flow_task.name.startswith(f"{name}__timeout")
                          and t in x.previous.all()]
                assert len(timers) == 2
                if t.status not in OPEN:  # a task done or cancelled leaves no timer waiting
                    assert all(x.status not in OPEN for x in timers)


def test_submitted_dossiers_carry_every_required_document(tiny):
    for dossier in Dossier.objects.exclude(state__in=["draft", "withdrawn"]).filter(state="submitted"):
        assert missing_documents(dossier) == []
    assert Dossier.objects.filter(state="submitted").exists()


def test_the_audit_chain_verifies_and_the_sessions_recount(tiny):
    assert verify_chain() == []
    call_command("verify_audit")
    call_command("recount_sessions", "--all")
    assert tiny["rows"]["dossiers_auditevent"] > tiny["rows"]["dossiers_dossier"]


def test_the_open_session_is_ready_for_the_council_benchmark(tiny):
    session = CouncilSession.objects.get(state="voting_open")
    assert session.items.count() == AgendaItem.objects.filter(session=session).count() > 0
    present = session.members.filter(present=True, votes=True).count()
    assert present == session.members.count() == 5
    assert VoterRecord.objects.filter(session=session, has_voted=False).count() == present


def test_a_database_with_data_is_refused(tiny):
    with pytest.raises(NotEmpty, match="--force"):
        check_empty()


def test_a_foreign_database_is_refused(province):
    with pytest.raises(NotEmpty, match="not empty"):
        generate(scale="tiny")


def test_the_same_seed_gives_the_same_data(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    first = generated(scale="tiny", seed=7)
    again = generated(scale="tiny", seed=7)
    other = generated(scale="tiny", seed=8)
    assert first["digest"] == again["digest"]
    assert first["digest"] != other["digest"]
    assert first["rows"] == again["rows"]


def test_the_queue_lists_the_dossiers_waiting_for_a_specialist_in_constant_queries(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    small = generated(scale="tiny", seed=7)
    bigger = generated(scale="tiny", seed=7, dossiers=90)
    for run in (small, bigger):
        page = run["queue_page"]
        assert page["references"]
        for reference in page["references"]:
            assert reference in page["content"]
    assert len(bigger["queue_page"]["references"]) > len(small["queue_page"]["references"])
    assert small["queue_page"]["queries"] == bigger["queue_page"]["queries"]

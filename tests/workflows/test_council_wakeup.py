"""A council session seen from the dossier's process: members notified, results wake the waiting flow, unit told.

The dossier goes through the real review (submission, intake, appraisal,
approval) to the council pool, where its process waits at ``await_council``;
a real session then takes it, votes and confirms. No signal is sent by hand.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from viewflow.workflow.status import PROCESS

from councils.services import sessions as svc
from councils.services import voting
from dossiers.models import Dossier
from tests.councils import conftest as council_fixtures
from tests.workflows.test_flow import accept, appraise, approve, lead, submitted_dossier  # noqa: F401 (fixture)
from workflows import services as wf
from workflows.models import Notification

office = council_fixtures.office
council = council_fixtures.council
chair = council_fixtures.chair
secretary = council_fixtures.secretary
members = council_fixtures.members

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_dossier(dossier, clerk, head, ha_specialist, lead):  # noqa: F811 (the fixture imported above)
    """A CSTĐ cấp tỉnh nomination through review to the council pool; its process waits for the council."""
    dossier = submitted_dossier(dossier, clerk, head, "CSTD_TINH")
    accept(dossier, ha_specialist)
    appraise(dossier, ha_specialist)
    approve(dossier, lead)
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == "awaiting_council"
    assert wf.active_task(dossier, "await_council") is not None
    return dossier


def vote(session, secretary, members, *, agree: int):
    svc.start_session(actor=secretary, session=session)
    svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members])
    svc.open_voting(actor=secretary, session=session)
    item = session.items.get()
    for index, user in enumerate(members):
        voting.cast_ballot(actor=user, session=session,
                           choices={str(item.pk): "agree" if index < agree else "disagree"})
    svc.close_voting(actor=secretary, session=session)


def test_publishing_the_agenda_notifies_every_member(council, secretary, members, waiting_dossier):
    session = council_fixtures.make_session(council, secretary, list(waiting_dossier.nominations.all()))
    assert not Notification.objects.filter(kind="council.agenda").exists()
    svc.publish_agenda(actor=secretary, session=session)
    notes = Notification.objects.filter(kind="council.agenda")
    assert sorted(n.recipient_id for n in notes) == sorted(u.pk for u in members)
    note = notes.get(recipient=members[7])
    assert note.url == reverse("council_session", args=[session.pk])
    assert "Phiên họp thứ nhất năm 2026" in note.message and "chuẩn bị biểu quyết" in note.message


def test_confirmed_results_wake_the_process_towards_the_decision_and_tell_the_unit(
        council, secretary, chair, members, waiting_dossier, clerk, head):
    session = council_fixtures.make_session(council, secretary, list(waiting_dossier.nominations.all()))
    assert Dossier.objects.get(pk=waiting_dossier.pk).state == "in_council"
    assert wf.active_task(waiting_dossier, "await_council") is not None   # still waiting while in council
    svc.publish_agenda(actor=secretary, session=session)
    vote(session, secretary, members, agree=14)   # 14 of 15: 93.3% passes the 90% CSTĐ cấp tỉnh needs
    assert wf.active_task(waiting_dossier, "await_council") is not None   # closing the vote decides nothing yet
    assert not Notification.objects.filter(kind="dossier.council_result").exists()

    svc.confirm_results(actor=secretary, session=session)   # the secretary confirms
    assert Dossier.objects.get(pk=waiting_dossier.pk).state == "awaiting_decision"
    assert wf.active_task(waiting_dossier, "await_council") is None
    assert wf.active_task(waiting_dossier, "await_decision") is not None
    told = Notification.objects.filter(kind="dossier.council_result")
    assert sorted(n.recipient_id for n in told) == sorted([clerk.pk, head.pk])
    assert all(f"{waiting_dossier.reference}: 1 đề nghị đạt, 0 đề nghị không đạt" in n.message for n in told)


def test_a_failed_vote_closes_the_dossier_and_ends_its_process(council, secretary, chair, members,
                                                                waiting_dossier, clerk):
    session = council_fixtures.make_session(council, secretary, list(waiting_dossier.nominations.all()))
    svc.publish_agenda(actor=secretary, session=session)
    vote(session, secretary, members, agree=13)   # 13 of 15: 86.7% fails
    svc.confirm_results(actor=chair, session=session)
    assert Dossier.objects.get(pk=waiting_dossier.pk).state == "closed"
    assert wf.active_task(waiting_dossier, "await_council") is None
    assert wf.process_of(waiting_dossier).status == PROCESS.DONE
    note = Notification.objects.get(kind="dossier.council_result", recipient=clerk)
    assert "0 đề nghị đạt, 1 đề nghị không đạt" in note.message

"""Confirming results: set-based, every nomination and dossier moves on, the audit chain holds."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from councils.services import sessions as svc
from councils.services import voting
from dossiers.models import AuditEvent, Dossier, Nomination
from dossiers.services.audit import verify_chain
from tests.councils.conftest import open_session
from tests.factories import DossierFactory, NominationFactory, PersonFactory, UnitFactory, award


def nominations(province, *, dossiers: int, per_dossier: int, tag: str) -> list[Nomination]:
    made = []
    for d in range(dossiers):
        unit = UnitFactory(province=province, name=f"Sở {tag} {d}")
        dossier = DossierFactory(unit=unit, state="awaiting_council", year=2025)
        made += [NominationFactory(dossier=dossier, award_type=award("CSTD_TINH"), outcome="eligible",
                                   person=PersonFactory(unit=unit, full_name=f"Lò Văn {tag} {d} {n}"))
                 for n in range(per_dossier)]
    return made


def confirm_queries(council, secretary, chair, members, nominations_) -> int:
    session = open_session(council, secretary, nominations_, members, present=15)
    items = list(session.items.order_by("position"))
    for number, user in enumerate(members):
        # the first half of the items pass (15 of 15 agree), the others fail (13 of 15 < 90%)
        voting.cast_ballot(actor=user, session=session, choices={
            str(item.pk): "disagree" if index >= len(items) // 2 and number < 2 else "agree"
            for index, item in enumerate(items)})
    svc.close_voting(actor=secretary, session=session)
    chair = type(chair).objects.get(pk=chair.pk)  # as a fresh request would have it (roles not cached)
    with CaptureQueriesContext(connection) as captured:
        svc.confirm_results(actor=chair, session=session)
    return len(captured)


def test_query_count_does_not_grow_with_items(province, council, secretary, chair, members):
    few = confirm_queries(council, secretary, chair, members, nominations(province, dossiers=2, per_dossier=2,
                                                                          tag="A"))
    many = confirm_queries(council, secretary, chair, members, nominations(province, dossiers=2, per_dossier=10,
                                                                           tag="B"))
    assert many == few


def test_every_nomination_and_dossier_moves_on_with_one_event_each(province, council, secretary, chair, members):
    made = nominations(province, dossiers=3, per_dossier=4, tag="C")
    session = open_session(council, secretary, made, members, present=15)
    items = {i.nomination_id: i for i in session.items.all()}
    failing_dossier = made[0].dossier_id
    for index, user in enumerate(members):
        voting.cast_ballot(actor=user, session=session, choices={
            str(item.pk): "disagree" if item.nomination.dossier_id == failing_dossier and index < 3 else "agree"
            for item in items.values()})
    svc.close_voting(actor=secretary, session=session)
    svc.confirm_results(actor=chair, session=session)
    outcomes = dict(Nomination.objects.filter(pk__in=[n.pk for n in made]).values_list("pk", "outcome"))
    assert {outcomes[n.pk] for n in made if n.dossier_id == failing_dossier} == {"council_failed"}
    assert {outcomes[n.pk] for n in made if n.dossier_id != failing_dossier} == {"council_passed"}
    states = dict(Dossier.objects.filter(pk__in={n.dossier_id for n in made}).values_list("pk", "state"))
    assert states.pop(failing_dossier) == "closed"
    assert set(states.values()) == {"awaiting_decision"}
    assert Dossier.objects.get(pk=failing_dossier).closed_at is not None
    events = AuditEvent.objects.filter(action="dossier.council_results").order_by("id")
    assert sorted(e.dossier_id_ref for e in events) == sorted({n.dossier_id for n in made})
    assert all("Phiên họp thứ nhất năm 2026" in e.message for e in events)
    assert verify_chain() == []

"""Withdrawing a dossier: allowed until the council takes it up, refused from then on, in every state."""

from __future__ import annotations

import pytest

from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import AuditEvent, Dossier, DossierState, NominationOutcome
from dossiers.models.dossier import WITHDRAWABLE_STATES
from dossiers.services import dossiers as svc
from tests.factories import DossierFactory, NominationFactory, PersonFactory

ALLOWED_AFTER_SUBMISSION = [
    DossierState.SUBMITTED,
    DossierState.RETURNED,
    DossierState.UNDER_REVIEW,
    DossierState.PUBLIC_NOTICE,
    DossierState.AWAITING_COUNCIL,
]
REFUSED = [
    DossierState.IN_COUNCIL,
    DossierState.AWAITING_DECISION,
    DossierState.DECIDED,
    DossierState.CLOSED,
    DossierState.FORWARDED,
    DossierState.REJECTED,
    DossierState.WITHDRAWN,
]


def test_the_lists_cover_every_state():
    assert {DossierState.DRAFT, *ALLOWED_AFTER_SUBMISSION} == set(WITHDRAWABLE_STATES)
    assert {DossierState.DRAFT, *ALLOWED_AFTER_SUBMISSION, *REFUSED} == set(DossierState)


@pytest.mark.parametrize("state", ALLOWED_AFTER_SUBMISSION)
def test_head_withdraws_before_the_council(state, unit, head):
    dossier = DossierFactory(unit=unit, state=state)
    nomination = NominationFactory(dossier=dossier, person=PersonFactory(unit=unit),
                                   outcome=NominationOutcome.ELIGIBLE if state != "submitted" else "proposed")
    result = svc.withdraw_dossier(actor=head, dossier=dossier, reason="Đơn vị rà soát lại thành tích")
    assert result.state == DossierState.WITHDRAWN
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.state == DossierState.WITHDRAWN
    assert stored.withdrawn_reason == "Đơn vị rà soát lại thành tích"
    nomination.refresh_from_db()
    assert nomination.outcome == NominationOutcome.WITHDRAWN
    event = AuditEvent.objects.filter(dossier_id_ref=dossier.pk).latest("id")
    assert event.action == "dossier.withdrawn"
    assert event.before == {"state": state} and event.after["state"] == "withdrawn"


@pytest.mark.parametrize("state", ALLOWED_AFTER_SUBMISSION)
def test_clerk_cannot_withdraw_after_submission(state, unit, clerk):
    dossier = DossierFactory(unit=unit, state=state)
    with pytest.raises(PermissionDeniedError, match="Chỉ thủ trưởng đơn vị được rút hồ sơ"):
        svc.withdraw_dossier(actor=clerk, dossier=dossier, reason="x")
    assert Dossier.objects.get(pk=dossier.pk).state == state


@pytest.mark.parametrize("state", REFUSED)
def test_refused_once_the_council_has_it(state, unit, head):
    dossier = DossierFactory(unit=unit, state=state)
    nomination = NominationFactory(dossier=dossier, person=PersonFactory(unit=unit),
                                   outcome=NominationOutcome.COUNCIL_PASSED)
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        svc.withdraw_dossier(actor=head, dossier=dossier, reason="Đơn vị rà soát lại thành tích")
    assert refused.value.code == "invalid_state"
    assert "không rút được" in refused.value.message
    assert str(DossierState(state).label) in refused.value.message
    assert Dossier.objects.get(pk=dossier.pk).state == state
    nomination.refresh_from_db()
    assert nomination.outcome == NominationOutcome.COUNCIL_PASSED
    assert AuditEvent.objects.count() == events

"""The dossier's FSM guards itself: conditions and permissions on the transitions, not only in the services.

A caller that skips the service (a shell, a future admin action, a careless
flow node) still cannot submit a dossier without nominations or with a
required document missing, and ``has_transition_perm`` answers with the same
rules the services apply.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from dossiers import permissions
from dossiers.exceptions import DomainError
from dossiers.models import Dossier, DossierState
from dossiers.models.dossier import UNIT_EDITABLE_STATES, WITHDRAWABLE_STATES
from dossiers.services import dossiers as svc
from dossiers.services.attachments import upload_attachment
from tests.factories import DossierFactory, NominationFactory, PersonFactory, UserFactory, document_type, pdf_upload

DOSSIER_DOCS = ("to_trinh", "bien_ban_hop")


def attach_all(dossier, actor, nomination):
    for code in DOSSIER_DOCS:
        upload_attachment(actor=actor, dossier=dossier, document_type=document_type(code), uploaded_file=pdf_upload())
    upload_attachment(actor=actor, dossier=dossier, document_type=document_type("bao_cao_ca_nhan"),
                      uploaded_file=pdf_upload(), nomination=nomination)


def fresh(dossier) -> Dossier:
    return Dossier.objects.select_related("unit").get(pk=dossier.pk)


class TestSubmissionConditions:
    def test_transition_refuses_a_dossier_without_nominations(self, dossier, head):
        dossier = fresh(dossier)
        assert not can_proceed(dossier.submit)
        with pytest.raises(TransitionNotAllowed):
            dossier.submit(by=head, at=timezone.now())
        assert fresh(dossier).state == DossierState.DRAFT

    def test_transition_refuses_while_a_required_document_is_missing(self, dossier, clerk, head):
        nomination = NominationFactory(dossier=dossier, person=PersonFactory(unit=dossier.unit))
        upload_attachment(actor=clerk, dossier=dossier, document_type=document_type("to_trinh"),
                          uploaded_file=pdf_upload())
        upload_attachment(actor=clerk, dossier=dossier, document_type=document_type("bao_cao_ca_nhan"),
                          uploaded_file=pdf_upload(), nomination=nomination)
        dossier = fresh(dossier)  # the minutes of the unit's meeting (bien_ban_hop) are missing
        assert not can_proceed(dossier.submit)
        with pytest.raises(TransitionNotAllowed):
            dossier.submit(by=head, at=timezone.now())

    def test_transition_proceeds_once_complete(self, dossier, clerk, head):
        nomination = NominationFactory(dossier=dossier, person=PersonFactory(unit=dossier.unit))
        attach_all(dossier, clerk, nomination)
        dossier = fresh(dossier)
        assert can_proceed(dossier.submit)
        dossier.submit(by=head, at=timezone.now())
        assert dossier.state == DossierState.SUBMITTED

    def test_resubmission_has_the_same_conditions(self, unit, clerk, head):
        returned = DossierFactory(unit=unit, state=DossierState.RETURNED)
        nomination = NominationFactory(dossier=returned, person=PersonFactory(unit=unit))
        returned = fresh(returned)
        with pytest.raises(TransitionNotAllowed):
            returned.resubmit(by=head, at=timezone.now())
        attach_all(returned, clerk, nomination)
        returned = fresh(returned)
        returned.resubmit(by=head, at=timezone.now())
        assert returned.state == DossierState.SUBMITTED

    def test_resubmission_without_nominations_refused(self, unit, head):
        returned = fresh(DossierFactory(unit=unit, state=DossierState.RETURNED))
        with pytest.raises(TransitionNotAllowed):
            returned.resubmit(by=head, at=timezone.now())

    def test_service_still_names_what_is_missing(self, dossier, clerk, head):
        """The conditions refuse; the service says why, in Vietnamese, first."""
        dossier.unit.allow_self_submit = True
        dossier.unit.save()
        with pytest.raises(DomainError) as refused:
            svc.submit_dossier(actor=head, dossier=dossier)
        assert refused.value.code == "no_nominations"
        assert "chưa có người hoặc tập thể" in refused.value.message
        NominationFactory(dossier=dossier, person=PersonFactory(unit=dossier.unit, full_name="Giàng A Páo"))
        with pytest.raises(DomainError) as refused:
            svc.submit_dossier(actor=head, dossier=dossier)
        assert refused.value.code == "missing_documents"
        assert "Báo cáo thành tích cá nhân: Giàng A Páo" in refused.value.message
        assert "Tờ trình đề nghị khen thưởng" in refused.value.message


class TestTransitionPermissions:
    """``permission=`` on the transitions: a test here fails if the argument is removed."""

    @pytest.fixture
    def complete(self, dossier, clerk):
        nomination = NominationFactory(dossier=dossier, person=PersonFactory(unit=dossier.unit))
        attach_all(dossier, clerk, nomination)
        svc.send_to_head(actor=clerk, dossier=dossier)
        return fresh(dossier)

    def test_only_the_units_head_may_submit(self, complete, clerk, head, other_unit):
        stranger = UserFactory(unit=other_unit, roles=["unit_head"])
        specialist = UserFactory(unit=other_unit, roles=["ha_specialist"])
        assert can_proceed(complete.submit)  # the conditions hold: only the permission decides below
        assert has_transition_perm(complete.submit, head)
        assert not has_transition_perm(complete.submit, clerk)
        assert not has_transition_perm(complete.submit, stranger)
        assert not has_transition_perm(complete.submit, specialist)

    def test_the_preparer_may_not_submit(self, dossier, unit):
        both = UserFactory(unit=unit, roles=["unit_clerk", "unit_head"])
        nomination = NominationFactory(dossier=dossier, person=PersonFactory(unit=unit))
        attach_all(dossier, both, nomination)
        svc.send_to_head(actor=both, dossier=dossier)
        dossier = fresh(dossier)
        assert can_proceed(dossier.submit)
        assert not has_transition_perm(dossier.submit, both)

    def test_resubmit_permission(self, unit, clerk, head):
        returned = DossierFactory(unit=unit, state=DossierState.RETURNED)
        nomination = NominationFactory(dossier=returned, person=PersonFactory(unit=unit))
        attach_all(returned, clerk, nomination)
        svc.send_to_head(actor=clerk, dossier=returned)
        returned = fresh(returned)
        assert can_proceed(returned.resubmit)
        assert has_transition_perm(returned.resubmit, head)
        assert not has_transition_perm(returned.resubmit, clerk)

    def test_withdraw_permission(self, unit, clerk, head):
        submitted = fresh(DossierFactory(unit=unit, state=DossierState.SUBMITTED))
        assert can_proceed(submitted.withdraw)
        assert has_transition_perm(submitted.withdraw, head)
        assert not has_transition_perm(submitted.withdraw, clerk)  # a clerk only discards drafts

    def test_review_transitions_need_home_affairs(self, unit, head, ha_specialist):
        submitted = fresh(DossierFactory(unit=unit, state=DossierState.SUBMITTED))
        assert has_transition_perm(submitted.start_review, ha_specialist)
        assert not has_transition_perm(submitted.start_review, head)
        assert has_transition_perm(submitted.return_for_supplement, ha_specialist)
        assert not has_transition_perm(submitted.return_for_supplement, head)


@pytest.mark.parametrize("state", DossierState.values)
def test_state_sets_have_one_source(state, unit):
    """The model's transitions and the permission predicates agree on every state."""
    dossier = Dossier(unit=unit, state=state)
    assert (state in WITHDRAWABLE_STATES) == permissions.is_withdrawable.test(None, dossier) == can_proceed(
        dossier.withdraw
    )
    assert (state in UNIT_EDITABLE_STATES) == permissions.is_unit_editable.test(None, dossier)
    assert permissions.is_returnable.test(None, dossier) == can_proceed(dossier.return_for_supplement)

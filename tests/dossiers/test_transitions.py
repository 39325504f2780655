"""Every transition the unit drives, and each of its refusals."""

from __future__ import annotations

import datetime

import pytest
from django_fsm import TransitionNotAllowed

from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import AuditEvent, Dossier, Nomination
from dossiers.services import dossiers as svc
from dossiers.services.attachments import upload_attachment
from tests.factories import (
    DossierFactory,
    NominationFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    award,
    document_type,
    pdf_upload,
)


def complete(dossier, actor):
    """Give ``dossier`` one BK_TINH_CN nomination and every document it needs."""
    person = PersonFactory(unit=dossier.unit, full_name="Nguyễn Văn An")
    nomination = svc.add_nomination(actor=actor, dossier=dossier, award_type=award("BK_TINH_CN"),
                                    achievement_summary="Hoàn thành xuất sắc nhiệm vụ.", person=person)
    for code, target in (("to_trinh", None), ("bien_ban_hop", None), ("bao_cao_ca_nhan", nomination)):
        upload_attachment(actor=actor, dossier=dossier, document_type=document_type(code),
                          uploaded_file=pdf_upload(), nomination=target)
    return nomination


def actions(dossier):
    return list(AuditEvent.objects.filter(dossier_id_ref=dossier.pk).values_list("action", flat=True))


@pytest.fixture
def ready(dossier, clerk):
    complete(dossier, clerk)
    return dossier


class TestCreate:
    def test_clerk_creates_a_draft(self, unit, clerk):
        dossier = svc.create_dossier(actor=clerk, unit=unit, kind="regular", year=2025,
                                     title="  Đề nghị  khen thưởng năm 2025 ")
        assert dossier.state == "draft"
        assert dossier.title == "Đề nghị khen thưởng năm 2025"
        assert actions(dossier) == ["dossier.created"]

    def test_other_unit_cannot_create(self, unit, other_clerk):
        with pytest.raises(PermissionDeniedError, match="không được lập hồ sơ cho đơn vị này"):
            svc.create_dossier(actor=other_clerk, unit=unit, kind="regular", year=2025, title="X")

    def test_thematic_needs_a_movement(self, unit, clerk):
        with pytest.raises(DomainError, match="phải chọn phong trào"):
            svc.create_dossier(actor=clerk, unit=unit, kind="thematic", year=2025, title="Chuyên đề")

    def test_merged_unit_cannot_open_new_dossiers(self, unit, province):
        successor = UnitFactory(province=province)
        unit.successor, unit.merged_on = successor, datetime.date(2025, 3, 1)
        unit.save()
        clerk = UserFactory(unit=unit, roles=["unit_clerk"])
        with pytest.raises(DomainError, match="đã hợp nhất"):
            svc.create_dossier(actor=clerk, unit=unit, kind="regular", year=2025, title="X")


class TestNominations:
    def test_award_must_fit_kind_and_subject(self, dossier, clerk):
        person = PersonFactory(unit=dossier.unit)
        with pytest.raises(DomainError, match="dành cho tập thể"):
            svc.add_nomination(actor=clerk, dossier=dossier, award_type=award("TTLDXS"),
                               achievement_summary="x", person=person)
        with pytest.raises(DomainError, match="không áp dụng cho loại hình"):
            svc.add_nomination(actor=clerk, dossier=dossier, award_type=award("HC_CC1_CN"),
                               achievement_summary="x", person=person)

    def test_unit_head_awards_are_not_proposed_upward(self, dossier, clerk):
        with pytest.raises(DomainError, match="không áp dụng"):
            svc.add_nomination(actor=clerk, dossier=dossier, award_type=award("LDTT"),
                               achievement_summary="x", person=PersonFactory(unit=dossier.unit))

    def test_duplicate_nominee_refused(self, dossier, clerk):
        person = PersonFactory(unit=dossier.unit, full_name="Lò Thị Mai")
        svc.add_nomination(actor=clerk, dossier=dossier, award_type=award("BK_TINH_CN"),
                           achievement_summary="x", person=person)
        with pytest.raises(DomainError, match="Lò Thị Mai đã được đề nghị"):
            svc.add_nomination(actor=clerk, dossier=dossier, award_type=award("BK_TINH_CN"),
                               achievement_summary="y", person=person)
        assert dossier.nominations.count() == 1

    def test_nominee_of_another_unit_refused(self, dossier, clerk, other_unit):
        with pytest.raises(PermissionDeniedError, match="không thuộc đơn vị"):
            svc.add_nomination(actor=clerk, dossier=dossier, award_type=award("BK_TINH_CN"),
                               achievement_summary="x", person=PersonFactory(unit=other_unit))

    def test_empty_summary_refused(self, dossier, clerk):
        with pytest.raises(DomainError, match="Tóm tắt thành tích không được để trống"):
            svc.add_nomination(actor=clerk, dossier=dossier, award_type=award("BK_TINH_CN"),
                               achievement_summary="   ", person=PersonFactory(unit=dossier.unit))

    def test_find_or_create_person_reuses_by_name_and_year(self, unit):
        first = svc.find_or_create_person(unit=unit, full_name="Nguye\u0302\u0303n Văn An", birth_year=1980)
        again = svc.find_or_create_person(unit=unit, full_name="Nguyễn  Văn An", birth_year=1980)
        other = svc.find_or_create_person(unit=unit, full_name="Nguyễn Văn An", birth_year=1990)
        assert first.pk == again.pk != other.pk
        assert first.full_name == "Nguyễn Văn An"

    def test_remove_and_update_are_audited(self, dossier, clerk):
        nomination = NominationFactory(dossier=dossier)
        svc.update_nomination(actor=clerk, nomination=nomination, award_type=award("CSTD_TINH"),
                              achievement_summary="Sáng kiến cấp tỉnh")
        svc.remove_nomination(actor=clerk, nomination=nomination)
        assert not Nomination.objects.filter(pk=nomination.pk).exists()
        assert actions(dossier)[-2:] == ["nomination.updated", "nomination.removed"]


class TestSendToHead:
    def test_refused_while_documents_missing(self, dossier, clerk):
        svc.add_nomination(actor=clerk, dossier=dossier, award_type=award("BK_TINH_CN"),
                           achievement_summary="x", person=PersonFactory(unit=dossier.unit, full_name="Hà Văn Sơn"))
        with pytest.raises(DomainError) as refused:
            svc.send_to_head(actor=clerk, dossier=dossier)
        assert refused.value.code == "missing_documents"
        assert "Tờ trình đề nghị khen thưởng" in refused.value.message
        assert "Báo cáo thành tích cá nhân: Hà Văn Sơn" in refused.value.message
        assert len(refused.value.details) == 3

    def test_refused_without_nominations(self, dossier, clerk):
        with pytest.raises(DomainError, match="chưa có người hoặc tập thể"):
            svc.send_to_head(actor=clerk, dossier=dossier)

    def test_head_cannot_send_to_head(self, ready, head):
        with pytest.raises(PermissionDeniedError, match="Chỉ cán bộ TĐKT"):
            svc.send_to_head(actor=head, dossier=ready)

    def test_clerk_sends(self, ready, clerk):
        svc.send_to_head(actor=clerk, dossier=ready)
        ready.refresh_from_db()
        assert ready.prepared_by == clerk and ready.state == "draft"


class TestSubmit:
    def test_head_submits_after_clerk_prepared(self, ready, clerk, head):
        svc.send_to_head(actor=clerk, dossier=ready)
        dossier = svc.submit_dossier(actor=head, dossier=ready)
        dossier.refresh_from_db()
        assert dossier.state == "submitted"
        assert dossier.submitted_by == head
        assert dossier.regulation.code == "ND152_2025"
        assert actions(dossier)[-1] == "dossier.submitted"

    def test_refused_before_clerk_sends(self, ready, head):
        with pytest.raises(PermissionDeniedError, match="chưa được cán bộ TĐKT chuyển"):
            svc.submit_dossier(actor=head, dossier=ready)

    def test_clerk_cannot_submit(self, ready, clerk):
        svc.send_to_head(actor=clerk, dossier=ready)
        with pytest.raises(PermissionDeniedError, match="Chỉ thủ trưởng"):
            svc.submit_dossier(actor=clerk, dossier=ready)

    def test_same_person_cannot_prepare_and_submit(self, ready, unit):
        both = UserFactory(unit=unit, roles=["unit_clerk", "unit_head"])
        svc.send_to_head(actor=both, dossier=ready)
        with pytest.raises(PermissionDeniedError) as refused:
            svc.submit_dossier(actor=both, dossier=ready)
        assert refused.value.code == "separation_of_duties"
        assert Dossier.objects.get(pk=ready.pk).state == "draft"

    def test_unit_may_allow_one_person_to_prepare_and_submit(self, ready, unit):
        unit.allow_self_submit = True
        unit.save()
        both = UserFactory(unit=unit, roles=["unit_clerk", "unit_head"])
        assert svc.submit_dossier(actor=both, dossier=ready).state == "submitted"

    def test_refused_with_missing_list(self, dossier, clerk, head):
        svc.add_nomination(actor=clerk, dossier=dossier, award_type=award("BK_TINH_CN"),
                           achievement_summary="x", person=PersonFactory(unit=dossier.unit))
        dossier.unit.allow_self_submit = True
        dossier.unit.save()
        with pytest.raises(DomainError) as refused:
            svc.submit_dossier(actor=head, dossier=dossier)
        assert refused.value.code == "missing_documents"
        assert Dossier.objects.get(pk=dossier.pk).state == "draft"

    def test_head_of_other_unit_cannot_submit(self, ready, clerk, other_unit):
        svc.send_to_head(actor=clerk, dossier=ready)
        stranger = UserFactory(unit=other_unit, roles=["unit_head"])
        with pytest.raises(PermissionDeniedError):
            svc.submit_dossier(actor=stranger, dossier=ready)

    def test_cannot_submit_twice(self, ready, clerk, head):
        svc.send_to_head(actor=clerk, dossier=ready)
        svc.submit_dossier(actor=head, dossier=ready)
        with pytest.raises(DomainError, match="không trình được"):
            svc.submit_dossier(actor=head, dossier=ready)

    def test_state_cannot_be_assigned_directly(self, ready):
        with pytest.raises(AttributeError):
            ready.state = "submitted"

    def test_fsm_refuses_illegal_transition(self, ready):
        with pytest.raises(TransitionNotAllowed):
            ready.return_for_supplement(reason="x")

    def test_draft_under_older_regulation_moves_to_current(self, dossier, clerk, head):
        person = PersonFactory(unit=dossier.unit)
        nomination = NominationFactory(dossier=dossier, person=person, award_type=award("BK_TINH_CN", "ND98_2023"))
        for code, target in (("to_trinh", None), ("bien_ban_hop", None), ("bao_cao_ca_nhan", nomination)):
            upload_attachment(actor=clerk, dossier=dossier, document_type=document_type(code),
                              uploaded_file=pdf_upload(), nomination=target)
        svc.send_to_head(actor=clerk, dossier=dossier)
        svc.submit_dossier(actor=head, dossier=dossier)
        nomination.refresh_from_db()
        assert nomination.award_type.regulation.code == "ND152_2025"
        assert "nomination.regulation_aligned" in actions(dossier)


def return_dossier(*, actor, dossier, reason):
    """Home Affairs returns the dossier (the legal change only; the workflow tests drive the tasks)."""
    from dossiers.services.review import ItemInput, return_for_supplement

    items = [ItemInput(reason="other", text=reason)] if reason.strip() else []
    return_for_supplement(actor=actor, dossier=dossier, items=items, note="",
                          due_on=datetime.date.today() + datetime.timedelta(days=14))
    return Dossier.objects.get(pk=dossier.pk)


class TestReturnAndResubmit:
    @pytest.fixture
    def submitted(self, ready, clerk, head):
        svc.send_to_head(actor=clerk, dossier=ready)
        return svc.submit_dossier(actor=head, dossier=ready)

    def test_ha_returns_with_reason(self, submitted, ha_specialist):
        dossier = return_dossier(actor=ha_specialist, dossier=submitted, reason="Thiếu xác nhận sáng kiến")
        assert dossier.state == "returned"
        assert dossier.return_count == 1
        assert "Thiếu xác nhận sáng kiến" in dossier.return_reason
        assert dossier.supplement_requests.get().items.get().text == "Thiếu xác nhận sáng kiến"

    def test_return_needs_reason_and_ha_role(self, submitted, ha_specialist, head):
        with pytest.raises(DomainError, match="ít nhất một nội dung cần bổ sung"):
            return_dossier(actor=ha_specialist, dossier=submitted, reason="  ")
        with pytest.raises(PermissionDeniedError, match="Chỉ chuyên viên, lãnh đạo Sở Nội vụ"):
            return_dossier(actor=head, dossier=submitted, reason="x")

    def test_draft_cannot_be_returned(self, ready, ha_specialist):
        with pytest.raises(DomainError, match="không trả lại được"):
            return_dossier(actor=ha_specialist, dossier=ready, reason="x")

    def test_unit_edits_returned_dossier_and_resubmits(self, submitted, ha_specialist, clerk, head):
        return_dossier(actor=ha_specialist, dossier=submitted, reason="Bổ sung người")
        dossier = Dossier.objects.get(pk=submitted.pk)
        assert dossier.is_editable_by_unit
        svc.update_dossier(actor=clerk, dossier=dossier, kind="regular", year=2025, title="Đã bổ sung")
        svc.send_to_head(actor=clerk, dossier=dossier)
        dossier = svc.submit_dossier(actor=head, dossier=dossier)
        assert dossier.state == "submitted"
        assert dossier.return_count == 1
        assert actions(dossier)[-1] == "dossier.resubmitted"

    def test_submitted_dossier_is_not_editable(self, submitted, clerk):
        with pytest.raises(PermissionDeniedError, match="không còn sửa được"):
            svc.update_dossier(actor=clerk, dossier=submitted, kind="regular", year=2025, title="Sửa lén")
        with pytest.raises(PermissionDeniedError):
            upload_attachment(actor=clerk, dossier=submitted, document_type=document_type("khac"),
                              uploaded_file=pdf_upload())

    def test_repeated_returns_are_counted(self, submitted, ha_specialist, clerk, head):
        for expected in (1, 2):
            return_dossier(actor=ha_specialist, dossier=submitted, reason=f"Lần {expected}")
            svc.send_to_head(actor=clerk, dossier=submitted)
            svc.submit_dossier(actor=head, dossier=submitted)
            assert Dossier.objects.get(pk=submitted.pk).return_count == expected


class TestWithdraw:
    def test_clerk_may_discard_a_draft(self, dossier, clerk):
        assert svc.withdraw_dossier(actor=clerk, dossier=dossier, reason="").state == "withdrawn"

    def test_submitted_needs_head_and_reason(self, ready, clerk, head):
        svc.send_to_head(actor=clerk, dossier=ready)
        svc.submit_dossier(actor=head, dossier=ready)
        with pytest.raises(PermissionDeniedError, match="Chỉ thủ trưởng"):
            svc.withdraw_dossier(actor=clerk, dossier=ready, reason="x")
        with pytest.raises(DomainError, match="lý do rút"):
            svc.withdraw_dossier(actor=head, dossier=ready, reason="")
        dossier = svc.withdraw_dossier(actor=head, dossier=ready, reason="Đơn vị xét lại")
        assert dossier.state == "withdrawn"
        assert set(dossier.nominations.values_list("outcome", flat=True)) == {"withdrawn"}

    def test_withdrawn_cannot_be_withdrawn_again(self, dossier, clerk):
        svc.withdraw_dossier(actor=clerk, dossier=dossier, reason="")
        with pytest.raises(DomainError, match="không rút được"):
            svc.withdraw_dossier(actor=clerk, dossier=dossier, reason="")

    def test_other_unit_cannot_withdraw(self, dossier, other_clerk):
        with pytest.raises(PermissionDeniedError):
            svc.withdraw_dossier(actor=other_clerk, dossier=dossier, reason="")


def test_stale_copy_loses_to_the_first_writer(ready, clerk, head, ha_specialist):
    """The service re-reads under lock, so a stale in-memory copy cannot undo a transition."""
    stale = Dossier.objects.get(pk=ready.pk)
    svc.send_to_head(actor=clerk, dossier=ready)
    svc.submit_dossier(actor=head, dossier=ready)
    with pytest.raises(DomainError):
        svc.submit_dossier(actor=head, dossier=stale)
    assert Dossier.objects.get(pk=ready.pk).state == "submitted"


def test_concurrent_save_of_stale_instance_is_refused(ready, clerk, head):
    from django_fsm import ConcurrentTransition

    stale = Dossier.objects.get(pk=ready.pk)
    svc.send_to_head(actor=clerk, dossier=ready)
    svc.submit_dossier(actor=head, dossier=ready)
    stale.withdraw(reason="x")
    with pytest.raises(ConcurrentTransition):
        stale.save()


def test_dossier_factory_in_other_states(unit):
    assert DossierFactory(unit=unit, state="awaiting_council").state == "awaiting_council"

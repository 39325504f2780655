"""Award decisions: drafting, checking, signing in one transaction, cash, numbering, revocation."""

from __future__ import annotations

import datetime

import pytest

from dossiers.eligibility.evaluator import evaluate
from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import (
    AuditEvent,
    AwardRecord,
    BaseSalary,
    Decision,
    Dossier,
    Initiative,
    Nomination,
    cash_amount,
)
from dossiers.services import decisions as svc
from dossiers.services.audit import verify_chain
from tests.factories import DossierFactory, NominationFactory, PersonFactory, UnitFactory, UserFactory, award

DAY = datetime.date(2026, 3, 5)


def signed(province, ha_specialist, lead, chairman, nominations, *, capacity=None, day=DAY):
    decision = svc.create_decision(actor=ha_specialist, province=province, title="Về việc tặng danh hiệu thi đua",
                                   nominations=nominations)
    svc.check_decision(actor=lead, decision=decision, submission_date=day)
    return svc.sign_decision(actor=chairman, decision=decision, capacity=capacity, decision_date=day)


class TestCash:
    @pytest.mark.parametrize(("multiple", "salary", "amount"), [
        ("0.3", 2_340_000, 710_000),     # 702,000 -> 710,000 (domain.md's example)
        ("1.0", 2_340_000, 2_340_000),   # already a multiple of 10,000
        ("1.5", 2_340_000, 3_510_000),
        ("3.0", 1_490_000, 4_470_000),
        ("4.5", 1_800_000, 8_100_000),
        ("0.3", 1_490_000, 450_000),     # 447,000 -> 450,000
    ])
    def test_rounded_up_to_the_next_10000(self, multiple, salary, amount):
        assert cash_amount(multiple, salary) == amount

    @pytest.mark.django_db
    def test_base_salary_in_force_by_date(self):
        assert BaseSalary.in_force_on(datetime.date(2024, 6, 30)).amount == 1_800_000
        assert BaseSalary.in_force_on(datetime.date(2024, 7, 1)).amount == 2_340_000
        assert BaseSalary.in_force_on(datetime.date(2019, 6, 30)) is None


class TestDecision:
    def test_pool_lists_what_is_ready(self, province, ready):
        assert set(svc.ready_for_decision(province=province)) == set(ready)

    def test_draft_check_sign(self, province, ready, ha_specialist, lead, chairman):
        decision = signed(province, ha_specialist, lead, chairman, ready)
        assert decision.state == "signed"
        assert decision.number == "01/QĐ-UBND" and decision.decision_date == DAY
        assert decision.submission_number == "01/TTr-SNV"
        assert decision.signed_by == chairman and decision.signer_capacity == "chairman"
        assert decision.base_salary == 2_340_000
        outcomes = dict(Nomination.objects.values_list("person__full_name", "outcome"))
        assert outcomes == {"Nguyễn Thị Thu Hà": "awarded", "Lê Văn Minh": "awarded", "Đặng Văn Tùng": "forwarded"}
        amounts = {i.nomination.subject_name: i.cash_amount for i in decision.items.select_related(
            "nomination__person")}
        assert amounts == {"Nguyễn Thị Thu Hà": 7_020_000, "Lê Văn Minh": 2_340_000, "Đặng Văn Tùng": 0}
        records = AwardRecord.objects.filter(source="system")
        assert {(r.award_code, r.decision_number, r.year) for r in records} == {
            ("CSTD_TINH", "01/QĐ-UBND", 2025), ("BK_TINH_CN", "01/QĐ-UBND", 2025)}
        # the dossier has an item for the President: forwarded
        assert Dossier.objects.get().state == "forwarded"
        assert verify_chain() == []

    def test_vice_chairman_signs_for_the_chairman(self, province, ready, ha_specialist, lead, office):
        vice = UserFactory(unit=office, roles=["signer"], username="pct", signer_capacity="vice_chairman")
        decision = signed(province, ha_specialist, lead, vice, ready[:1])
        assert decision.signer_capacity == "vice_chairman"
        event = AuditEvent.objects.get(action="decision.signed")
        assert event.after["capacity"] == "vice_chairman"


class TestSignerCapacity:
    """Who signs as what is the account's, set by the administrator: not a choice made when signing."""

    def test_a_vice_chairman_cannot_sign_as_the_chairman(self, province, ready, ha_specialist, lead, office):
        vice = UserFactory(unit=office, roles=["signer"], username="pct", signer_capacity="vice_chairman")
        with pytest.raises(DomainError, match="Phó Chủ tịch ký thay.*không ký được với thẩm quyền “Chủ tịch UBND "
                                              "tỉnh ký”") as refused:
            signed(province, ha_specialist, lead, vice, ready[:1], capacity="chairman")
        assert refused.value.code == "capacity_mismatch"
        decision = Decision.objects.get()
        assert decision.state == "checked" and decision.number == ""
        assert not AwardRecord.objects.exists()

    def test_the_chairman_cannot_sign_for_himself_as_a_vice_chairman(self, province, ready, ha_specialist, lead,
                                                                     chairman):
        with pytest.raises(DomainError, match="không ký được") as refused:
            signed(province, ha_specialist, lead, chairman, ready[:1], capacity="vice_chairman")
        assert refused.value.code == "capacity_mismatch"
        assert Decision.objects.get().state == "checked"

    def test_a_signer_without_a_capacity_is_told_to_ask_the_administrator(self, province, ready, ha_specialist,
                                                                         lead, office):
        unset = UserFactory(unit=office, roles=["signer"], username="ky", last_name="Bùi", first_name="Đức Thịnh",
                            signer_capacity="")
        with pytest.raises(DomainError, match="Bùi Đức Thịnh chưa được khai báo thẩm quyền ký.*quản trị hệ thống "
                                              "khai báo") as refused:
            signed(province, ha_specialist, lead, unset, ready[:1])
        assert refused.value.code == "signer_capacity_missing"
        assert Decision.objects.get().state == "checked"
        assert not Nomination.objects.filter(outcome="awarded").exists()

    def test_the_accounts_capacity_is_used_when_none_is_given(self, province, ready, ha_specialist, lead, office):
        vice = UserFactory(unit=office, roles=["signer"], username="pct", signer_capacity="vice_chairman")
        decision = svc.create_decision(actor=ha_specialist, province=province, title="X", nominations=ready[:1])
        svc.check_decision(actor=lead, decision=decision, submission_date=DAY)
        decision = svc.sign_decision(actor=vice, decision=decision, decision_date=DAY)
        assert decision.signer_capacity == "vice_chairman"

    def test_only_provincial_items_close_the_dossier(self, province, ready, ha_specialist, lead, chairman):
        Nomination.objects.filter(pk=ready[2].pk).delete()
        signed(province, ha_specialist, lead, chairman, ready[:2])
        assert Dossier.objects.get().state == "closed"

    def test_dossier_waits_while_a_nomination_is_still_undecided(self, province, ready, ha_specialist, lead,
                                                                 chairman):
        signed(province, ha_specialist, lead, chairman, ready[:1])
        assert Dossier.objects.get().state == "awaiting_decision"

    def test_roles_and_states(self, province, ready, ha_specialist, lead, chairman, clerk):
        with pytest.raises(PermissionDeniedError):
            svc.create_decision(actor=clerk, province=province, title="X", nominations=ready)
        decision = svc.create_decision(actor=ha_specialist, province=province, title="X", nominations=ready)
        with pytest.raises(DomainError, match="chưa được lãnh đạo"):
            svc.sign_decision(actor=chairman, decision=decision)
        with pytest.raises(PermissionDeniedError):
            svc.check_decision(actor=ha_specialist, decision=decision)
        svc.check_decision(actor=lead, decision=decision)
        with pytest.raises(PermissionDeniedError):
            svc.sign_decision(actor=lead, decision=decision)
        with pytest.raises(DomainError, match="không sẵn sàng|chưa sẵn sàng"):
            svc.create_decision(actor=ha_specialist, province=province, title="Y", nominations=ready[:1])

    def test_send_back_for_changes(self, province, ready, ha_specialist, lead, chairman):
        decision = svc.create_decision(actor=ha_specialist, province=province, title="X", nominations=ready)
        svc.check_decision(actor=lead, decision=decision)
        with pytest.raises(DomainError, match="nội dung cần sửa"):
            svc.send_back(actor=chairman, decision=decision, note="")
        svc.send_back(actor=chairman, decision=decision, note="Bổ sung danh sách")
        decision.refresh_from_db()
        assert decision.state == "draft" and decision.submission_number == "01/TTr-SNV"
        svc.remove_item(actor=ha_specialist, item=decision.items.first())
        assert decision.items.count() == 2

    def test_initiatives_counted_are_marked_used(self, province, ha_specialist, lead, chairman):
        unit = UnitFactory(province=province)
        person = PersonFactory(unit=unit, full_name="Hoàng Thị Thanh Huyền")
        dossier = DossierFactory(unit=unit, state="awaiting_decision", year=2025)
        nomination = NominationFactory(dossier=dossier, person=person, award_type=award("CSTD_TINH"),
                                       outcome="council_passed")
        initiative = Initiative.objects.create(person=person, title="Sáng kiến", year=2025, level="province")
        assert initiative.pk in evaluate([nomination])[nomination.pk].initiative_ids
        signed(province, ha_specialist, lead, chairman, [nomination])
        initiative.refresh_from_db()
        assert initiative.used_by.decision_number == "01/QĐ-UBND"


class TestNumbering:
    def test_numbers_follow_each_other_and_restart_each_year(self, province, ready, ha_specialist, lead, chairman):
        first = signed(province, ha_specialist, lead, chairman, ready[:1], day=datetime.date(2025, 12, 31))
        second = signed(province, ha_specialist, lead, chairman, ready[1:2], day=datetime.date(2026, 1, 2))
        assert (first.number, second.number) == ("01/QĐ-UBND", "01/QĐ-UBND")
        third = signed(province, ha_specialist, lead, chairman, ready[2:], day=datetime.date(2026, 1, 3))
        assert third.number == "02/QĐ-UBND"

    def test_a_failed_issue_leaves_no_gap(self, province, ready, ha_specialist, lead, chairman):
        decision = svc.create_decision(actor=ha_specialist, province=province, title="X", nominations=ready[:1])
        svc.check_decision(actor=lead, decision=decision)
        # no base salary in force on that date: signing fails after the number was taken, and rolls back
        with pytest.raises(DomainError, match="lương cơ sở"):
            svc.sign_decision(actor=chairman, decision=decision, decision_date=datetime.date(2019, 1, 10))
        decision.refresh_from_db()
        assert decision.state == "checked" and decision.number == ""
        BaseSalary.objects.create(amount=1_390_000, effective_from=datetime.date(2018, 7, 1))
        decision = svc.sign_decision(actor=chairman, decision=decision, decision_date=datetime.date(2019, 1, 10))
        assert decision.number == "01/QĐ-UBND"


class TestRevocation:
    def test_revoking_keeps_history_and_stops_counting(self, province, ready, ha_specialist, lead, chairman):
        signed(province, ha_specialist, lead, chairman, ready[:1])
        record = AwardRecord.objects.get(award_code="CSTD_TINH")
        with pytest.raises(DomainError, match="lý do hủy bỏ"):
            svc.draft_revocation(actor=ha_specialist, province=province, title="Hủy bỏ", records=[(record, " ")])
        revocation = svc.draft_revocation(actor=ha_specialist, province=province,
                                          title="Về việc hủy bỏ danh hiệu Chiến sĩ thi đua cấp tỉnh",
                                          records=[(record, "Kê khai thành tích không trung thực")])
        svc.check_decision(actor=lead, decision=revocation)
        revocation = svc.sign_decision(actor=chairman, decision=revocation, decision_date=DAY)
        assert revocation.number == "02/QĐ-UBND"
        record.refresh_from_db()
        assert record.revoked and "Kê khai thành tích không trung thực" in record.revoked_reason
        assert "02/QĐ-UBND" in record.revoked_reason
        assert Nomination.objects.get(pk=ready[0].pk).outcome == "revoked"
        assert AwardRecord.objects.filter(pk=record.pk).exists()  # history keeps it
        assert AuditEvent.objects.filter(action="decision.revocation_signed").exists()
        with pytest.raises(DomainError, match="đã bị hủy bỏ"):
            svc.draft_revocation(actor=ha_specialist, province=province, title="Lần nữa",
                                 records=[(record, "Lý do")])


def revoke(province, ha_specialist, lead, chairman, records, *, day=DAY):
    revocation = svc.draft_revocation(actor=ha_specialist, province=province, title="Về việc hủy bỏ khen thưởng",
                                      records=[(record, "Kê khai thành tích không trung thực") for record in records])
    svc.check_decision(actor=lead, decision=revocation, submission_date=day)
    return svc.sign_decision(actor=chairman, decision=revocation, decision_date=day)


class TestRevokedDecision:
    """An award decision none of whose awards still stands is revoked itself; one with awards standing is not."""

    def test_revoking_the_last_standing_award_revokes_the_decision(self, province, ready, ha_specialist, lead,
                                                                   chairman):
        decision = signed(province, ha_specialist, lead, chairman, ready[:2])
        first, second = AwardRecord.objects.filter(decision_number=decision.number).order_by("award_code")
        partial = revoke(province, ha_specialist, lead, chairman, [first])
        decision.refresh_from_db()
        assert decision.state == "signed"  # the other award still stands
        assert not AuditEvent.objects.filter(action="decision.revoked").exists()
        last = revoke(province, ha_specialist, lead, chairman, [second], day=datetime.date(2026, 3, 9))
        decision.refresh_from_db()
        assert decision.state == "revoked" and decision.get_state_display() == "Đã bị hủy bỏ"
        assert partial.state == last.state == "signed"  # revocation decisions themselves stand
        event = AuditEvent.objects.get(action="decision.revoked")
        assert event.object_id == str(decision.pk)
        assert (event.before, event.after["state"], event.after["revoked_by"]) == (
            {"state": "signed"}, "revoked", "03/QĐ-UBND")
        assert "Quyết định số 03/QĐ-UBND" in event.message
        assert verify_chain() == []
        # A revoked decision stays published, marked revoked.
        assert list(svc.public_decisions(province)) == [decision]

    def test_one_revocation_of_every_award_revokes_the_decision(self, province, ready, ha_specialist, lead,
                                                                chairman):
        decision = signed(province, ha_specialist, lead, chairman, ready[:2])
        other = signed(province, ha_specialist, lead, chairman, more(province, 1))
        revoke(province, ha_specialist, lead, chairman, list(AwardRecord.objects.filter(
            decision_number=decision.number)))
        decision.refresh_from_db()
        other.refresh_from_db()
        assert (decision.state, other.state) == ("revoked", "signed")

    def test_a_decision_that_also_proposed_awards_upward_stays_signed(self, province, ready, ha_specialist, lead,
                                                                      chairman):
        decision = signed(province, ha_specialist, lead, chairman, ready)  # two provincial, one forwarded
        revoke(province, ha_specialist, lead, chairman, list(AwardRecord.objects.filter(
            decision_number=decision.number)))
        decision.refresh_from_db()
        assert decision.state == "signed"
        assert Nomination.objects.get(pk=ready[2].pk).outcome == "forwarded"


def more(province, count):
    unit = UnitFactory(province=province, name="Sở Y tế")
    dossier = DossierFactory(unit=unit, state="awaiting_decision", year=2025)
    return [NominationFactory(dossier=dossier, award_type=award("BK_TINH_CN"), outcome="eligible",
                              person=PersonFactory(unit=unit, full_name=f"Lò Văn Thắng {index}"))
            for index in range(count)]


def test_public_list_shows_signed_award_decisions(province, ready, ha_specialist, lead, chairman):
    draft = svc.create_decision(actor=ha_specialist, province=province, title="Dự thảo", nominations=ready[2:])
    decision = signed(province, ha_specialist, lead, chairman, ready[:2])
    assert list(svc.public_decisions(province)) == [decision]
    assert draft not in svc.public_decisions(province)
    assert Decision.objects.count() == 2

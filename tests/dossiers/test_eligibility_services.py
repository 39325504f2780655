"""Home Affairs' eligibility services: stored verdicts, overrides, audit."""

from __future__ import annotations

import pytest

from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import AuditEvent, Dossier, EligibilityOverride, EligibilityVerdict
from dossiers.services import eligibility as svc
from dossiers.services.audit import verify_chain
from tests.dossiers.test_eligibility_rules import initiative, rate, title
from tests.factories import NominationFactory, PersonFactory, UserFactory, award

pytestmark = pytest.mark.django_db


def _set_state(dossier, state):
    Dossier.objects.filter(pk=dossier.pk).update(state=state)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def reviewing(dossier):
    Dossier.objects.filter(pk=dossier.pk).update(year=2026)
    return _set_state(dossier, "under_review")


@pytest.fixture
def fighter(reviewing):
    """A CSTĐ cấp tỉnh nomination missing one year of CSTĐ cơ sở: its consecutive_titles check fails."""
    person = PersonFactory(unit=reviewing.unit, full_name="Lê Văn Minh")
    rate(person, y2024="httnv")
    title(person, "CSTD_CS", 2025, "12/QĐ-STC")
    title(person, "CSTD_CS", 2026, "09/QĐ-STC")
    initiative(person, 2025, "Số hóa hồ sơ thi đua", level="province")
    return NominationFactory(dossier=reviewing, person=person, award_type=award("CSTD_TINH"))


@pytest.fixture
def worker(reviewing):
    person = PersonFactory(unit=reviewing.unit, full_name="Nguyễn Thị Thu Hà")
    for year in (2024, 2025, 2026):
        title(person, "CSTD_CS", year)
    return NominationFactory(dossier=reviewing, person=person, award_type=award("BK_TINH_CN"))


def _failing(nomination) -> EligibilityVerdict:
    return EligibilityVerdict.objects.get(nomination=nomination, key="consecutive_titles", parent=None)


def actions(dossier):
    return list(AuditEvent.objects.filter(dossier_id_ref=dossier.pk).order_by("id").values_list("action", flat=True))


class TestCheck:
    def test_stores_the_verdict_trees_and_audits(self, reviewing, fighter, worker, ha_specialist):
        results = svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        assert {pk: v.result for pk, v in results.items()} == {fighter.pk: "fail", worker.pk: "pass"}
        stored = svc.stored_verdicts(reviewing)
        assert [v.key for v in stored[worker.pk]] == ["not_disciplined", "any_of"]
        any_of = stored[worker.pk][1]
        assert [c.key for c in any_of.children.all()] == ["consecutive_titles", "all_of"]
        assert [c.key for c in any_of.children.all()[1].children.all()] == ["ratings_in_window",
                                                                             "initiative_at_level"]
        failing = _failing(fighter)
        assert failing.result == "fail"
        assert failing.explanation == ("Chỉ đạt Chiến sĩ thi đua cơ sở các năm 2025, 2026; năm 2024 không đạt, "
                                       "chưa đủ 3 năm liên tục.")
        assert failing.regulation.code == "ND152_2025"
        assert failing.description == award("CSTD_TINH").criteria.get(key="consecutive_titles").description
        event = AuditEvent.objects.get(action="eligibility.checked")
        assert event.after["results"] == {str(fighter.pk): "fail", str(worker.pk): "pass"}
        assert event.after["counts"] == {"pass": 1, "fail": 1, "unknown": 0}
        assert event.message == "Kiểm tra điều kiện khen thưởng: 1 đạt, 1 không đạt, 0 chưa đủ dữ liệu."
        assert verify_chain() == []

    def test_withdrawn_nominations_are_skipped(self, reviewing, fighter, worker, ha_specialist):
        from dossiers.models import Nomination

        Nomination.objects.filter(pk=worker.pk).update(outcome="withdrawn")
        assert list(svc.check_eligibility(actor=ha_specialist, dossier=reviewing)) == [fighter.pk]

    def test_a_recheck_replaces_the_rows(self, reviewing, fighter, worker, ha_specialist):
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        first_ids = set(EligibilityVerdict.objects.values_list("pk", flat=True))
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        second_ids = set(EligibilityVerdict.objects.values_list("pk", flat=True))
        assert len(first_ids) == len(second_ids) and not first_ids & second_ids
        assert actions(reviewing) == ["eligibility.checked", "eligibility.checked"]

    def test_unit_users_cannot_check(self, reviewing, fighter, clerk, head):
        for user in (clerk, head):
            with pytest.raises(PermissionDeniedError, match="Chỉ Sở Nội vụ của tỉnh"):
                svc.check_eligibility(actor=user, dossier=reviewing)
        assert not EligibilityVerdict.objects.exists()

    def test_a_draft_is_not_checked(self, dossier, ha_specialist):
        with pytest.raises(DomainError, match="chưa được trình"):
            svc.check_eligibility(actor=ha_specialist, dossier=dossier)


class TestOverride:
    def test_override_a_failed_criterion(self, reviewing, fighter, ha_specialist):
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        assert svc.effective_result(svc.stored_verdicts(reviewing)[fighter.pk]) == "fail"
        override = svc.override_verdict(actor=ha_specialist, verdict=_failing(fighter),
                                        reason="  Năm 2024 đi học tập trung, được tính theo Điều 5.  ")
        assert override.reason == "Năm 2024 đi học tập trung, được tính theo Điều 5."
        assert svc.effective_result(svc.stored_verdicts(reviewing)[fighter.pk]) == "pass"
        event = AuditEvent.objects.get(action="eligibility.overridden")
        assert event.before["result"] == "fail" and event.before["nomination_result"] == "fail"
        assert event.after["reason"] == override.reason and event.after["nomination_result"] == "pass"
        assert verify_chain() == []

    def test_the_lead_may_override_too(self, reviewing, fighter, ha_specialist, ha_unit):
        lead = UserFactory(unit=ha_unit, roles=["ha_lead"])
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        assert svc.override_verdict(actor=lead, verdict=_failing(fighter), reason="Đã xác minh hồ sơ giấy.")

    def test_a_reason_is_required(self, reviewing, fighter, ha_specialist):
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        for reason in ("", "   ", None):
            with pytest.raises(DomainError, match="Hãy ghi lý do bằng văn bản"):
                svc.override_verdict(actor=ha_specialist, verdict=_failing(fighter), reason=reason)
        assert not EligibilityOverride.objects.exists()

    def test_a_passed_criterion_is_not_overridden(self, reviewing, fighter, ha_specialist):
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        passed = EligibilityVerdict.objects.get(nomination=fighter, key="initiative_at_level")
        with pytest.raises(DomainError, match="đã đạt, không cần chấp nhận ngoại lệ"):
            svc.override_verdict(actor=ha_specialist, verdict=passed, reason="Không cần.")

    def test_unit_users_cannot_override(self, reviewing, fighter, ha_specialist, clerk, head):
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        for user in (clerk, head):
            with pytest.raises(PermissionDeniedError, match="Chỉ chuyên viên, lãnh đạo Sở Nội vụ"):
                svc.override_verdict(actor=user, verdict=_failing(fighter), reason="Tự chấp nhận.")

    def test_another_provinces_specialist_cannot_override(self, reviewing, fighter, ha_specialist):
        from tests.factories import ProvinceFactory, UnitFactory

        elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
        stranger = UserFactory(unit=elsewhere, roles=["ha_specialist"])
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        with pytest.raises(PermissionDeniedError):
            svc.override_verdict(actor=stranger, verdict=_failing(fighter), reason="Lý do.")

    def test_only_while_under_review(self, reviewing, fighter, ha_specialist):
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        _set_state(reviewing, "awaiting_council")
        with pytest.raises(DomainError, match="khi hồ sơ đang thẩm định"):
            svc.override_verdict(actor=ha_specialist, verdict=_failing(fighter), reason="Lý do.")

    def test_twice_is_refused(self, reviewing, fighter, ha_specialist):
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        svc.override_verdict(actor=ha_specialist, verdict=_failing(fighter), reason="Lý do.")
        with pytest.raises(DomainError, match="đã được chấp nhận ngoại lệ"):
            svc.override_verdict(actor=ha_specialist, verdict=_failing(fighter), reason="Lý do khác.")

    def test_an_unknown_criterion_may_be_overridden(self, reviewing, ha_specialist):
        person = PersonFactory(unit=reviewing.unit)
        nomination = NominationFactory(dossier=reviewing, person=person, award_type=award("LDTT"))
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        unknown = EligibilityVerdict.objects.get(nomination=nomination, key="rating_at_least")
        assert unknown.result == "unknown"
        svc.override_verdict(actor=ha_specialist, verdict=unknown, reason="Đã đối chiếu bản xếp loại giấy.")
        assert svc.effective_result(svc.stored_verdicts(reviewing)[nomination.pk]) == "pass"

    def test_an_override_inside_an_any_of_counts(self, reviewing, ha_specialist):
        person = PersonFactory(unit=reviewing.unit)
        rate(person, y2025="httnv", y2026="httnv")
        title(person, "CSTD_CS", 2026)
        nomination = NominationFactory(dossier=reviewing, person=person, award_type=award("BK_TINH_CN"))
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        child = EligibilityVerdict.objects.get(nomination=nomination, key="consecutive_titles")
        assert child.parent.key == "any_of"
        assert svc.effective_result(svc.stored_verdicts(reviewing)[nomination.pk]) == "fail"
        svc.override_verdict(actor=ha_specialist, verdict=child, reason="Năm 2025 đạt CSTĐ cơ sở ở đơn vị cũ.")
        assert svc.effective_result(svc.stored_verdicts(reviewing)[nomination.pk]) == "pass"


class TestOverridesAcrossRechecks:
    def test_kept_while_the_criterion_still_fails(self, reviewing, fighter, ha_specialist):
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        override = svc.override_verdict(actor=ha_specialist, verdict=_failing(fighter), reason="Lý do.")
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        override.refresh_from_db()
        assert override.verdict == _failing(fighter)
        assert override.verdict.result == "fail"
        assert svc.effective_result(svc.stored_verdicts(reviewing)[fighter.pk]) == "pass"
        event = AuditEvent.objects.filter(action="eligibility.checked").last()
        assert event.after["overrides_kept"] == [override.pk]
        assert event.after["overrides_dropped"] == []
        assert verify_chain() == []

    def test_dropped_when_the_criterion_now_passes(self, reviewing, fighter, ha_specialist):
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        override = svc.override_verdict(actor=ha_specialist, verdict=_failing(fighter), reason="Lý do.")
        title(fighter.person, "CSTD_CS", 2024, "15/QĐ-STC")  # the missing year is entered
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        assert not EligibilityOverride.objects.exists()
        assert _failing(fighter).result == "pass"
        event = AuditEvent.objects.filter(action="eligibility.checked").last()
        assert event.after["overrides_dropped"] == [{
            "override": override.pk, "nomination": fighter.pk, "criterion": _failing(fighter).criterion_id,
            "result_before": "fail", "result_now": "pass", "reason": "Lý do.",
        }]


class TestRemoveOverride:
    def test_remove(self, reviewing, fighter, ha_specialist):
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        override = svc.override_verdict(actor=ha_specialist, verdict=_failing(fighter), reason="Lý do.")
        svc.remove_override(actor=ha_specialist, override=override)
        assert not EligibilityOverride.objects.exists()
        assert svc.effective_result(svc.stored_verdicts(reviewing)[fighter.pk]) == "fail"
        event = AuditEvent.objects.get(action="eligibility.override_removed")
        assert event.before["reason"] == "Lý do." and event.after["accepted"] is False
        assert actions(reviewing) == ["eligibility.checked", "eligibility.overridden",
                                      "eligibility.override_removed"]
        assert verify_chain() == []

    def test_unit_users_cannot_remove(self, reviewing, fighter, ha_specialist, clerk):
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        override = svc.override_verdict(actor=ha_specialist, verdict=_failing(fighter), reason="Lý do.")
        with pytest.raises(PermissionDeniedError):
            svc.remove_override(actor=clerk, override=override)
        assert EligibilityOverride.objects.filter(pk=override.pk).exists()


class TestStoredVerdicts:
    def test_one_query_whatever_the_tree(self, reviewing, fighter, worker, ha_specialist,
                                         django_assert_num_queries):
        svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        svc.override_verdict(actor=ha_specialist, verdict=_failing(fighter), reason="Lý do.")
        with django_assert_num_queries(1):
            stored = svc.stored_verdicts(reviewing)
            results = {pk: svc.effective_result(roots) for pk, roots in stored.items()}
            texts = [(c.key, getattr(c, "override", None) and c.override.created_by.username)
                     for roots in stored.values() for v in roots for c in [v, *v.children.all()]]
        assert results == {fighter.pk: "pass", worker.pk: "pass"}
        assert ("consecutive_titles", ha_specialist.username) in texts

    def test_no_verdict_means_not_checked(self):
        assert svc.effective_result([]) == "unknown"

    def test_effective_result_of_fresh_verdicts(self, reviewing, fighter, ha_specialist):
        results = svc.check_eligibility(actor=ha_specialist, dossier=reviewing)
        assert svc.effective_result(results[fighter.pk].criteria) == "fail"

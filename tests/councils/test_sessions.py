"""Council sessions: agenda, quorum, thresholds at their edges, written opinions, paper totals, results."""

from __future__ import annotations

from fractions import Fraction

import pytest

from councils import tally
from councils.models import AgendaItem, SessionState, VoterRecord
from councils.selectors import council_pool
from councils.services import sessions as svc
from councils.services import voting
from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import AuditEvent, Dossier, Nomination
from dossiers.services.audit import verify_chain
from tests.councils.conftest import make_session, open_session
from tests.factories import pdf_upload


class TestAgenda:
    def test_pool_lists_what_waits_for_a_vote(self, province, waiting):
        assert set(council_pool(province=province)) == set(waiting)
        assert set(council_pool(province=province, award_code="CSTD_TINH")) == {waiting[0], waiting[2]}

    def test_collecting_moves_dossiers_in_council_and_orders_the_agenda(self, council, secretary, waiting, members):
        session = make_session(council, secretary, waiting)
        order = [i.nomination.subject_name for i in session.items.order_by("position")]
        # award rank first (order, then CSTĐ tỉnh, then Cờ tỉnh), then unit, then nominee
        assert order == ["Đặng Văn Tùng", "Hoàng Thị Thanh Huyền", "Nguyễn Thị Thu Hà", "Ban Thời sự"]
        assert set(Dossier.objects.values_list("state", flat=True)) == {"in_council"}
        with pytest.raises(DomainError, match="đã có trong một phiên họp khác"):
            make_session(council, secretary, [waiting[0]])

    def test_leaving_an_item_for_later(self, council, secretary, waiting, members):
        session = make_session(council, secretary, waiting[2:])
        item = session.items.get(nomination=waiting[3])
        svc.remove_item(actor=secretary, item=item)
        assert Dossier.objects.get(pk=waiting[2].dossier_id).state == "in_council"
        svc.remove_item(actor=secretary, item=session.items.get())
        assert Dossier.objects.get(pk=waiting[2].dossier_id).state == "awaiting_council"

    def test_only_the_secretary_prepares(self, council, chair, waiting, members):
        with pytest.raises(PermissionDeniedError):
            make_session(council, chair, waiting)

    def test_roster_comes_from_terms_on_the_session_date(self, council, secretary, waiting, members):
        ended = members[-1].council_memberships.get()
        ended.ends_on = ended.starts_on
        ended.save()
        session = make_session(council, secretary, waiting)
        svc.publish_agenda(actor=secretary, session=session)
        assert session.members.count() == 14


class TestQuorum:
    @pytest.mark.parametrize(("present", "met"), [(12, True), (11, False)])
    def test_80_percent_of_15(self, council, secretary, waiting, members, present, met):
        session = make_session(council, secretary, waiting)
        svc.publish_agenda(actor=secretary, session=session)
        svc.start_session(actor=secretary, session=session)
        svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members[:present]])
        if met:
            svc.open_voting(actor=secretary, session=session)
            assert VoterRecord.objects.filter(session=session).count() == present
        else:
            with pytest.raises(DomainError, match="có mặt 11/15, cần ít nhất 12"):
                svc.open_voting(actor=secretary, session=session)

    def test_required_present_is_exact(self):
        assert tally.required_present(members=15, required=Fraction(4, 5)) == 12
        assert tally.required_present(members=16, required=Fraction(4, 5)) == 13
        assert tally.required_present(members=15, required=Fraction(2, 3)) == 10


class TestThresholdEdges:
    @pytest.mark.parametrize(
        ("threshold", "strict", "agree", "passed"),
        [
            (Fraction(9, 10), False, 14, True), (Fraction(9, 10), False, 13, False),  # 13/15 = 86.7%
            (Fraction(4, 5), False, 12, True), (Fraction(4, 5), False, 11, False),
            (Fraction(1, 2), True, 8, True), (Fraction(1, 2), True, 7, False),
        ],
    )
    def test_all_members_base(self, threshold, strict, agree, passed):
        assert tally.passes(agree=agree, base=15, threshold=threshold, strict=strict) is passed

    def test_majority_of_an_even_base_needs_more_than_half(self):
        assert not tally.passes(agree=7, base=14, threshold=Fraction(1, 2), strict=True)
        assert tally.passes(agree=8, base=14, threshold=Fraction(1, 2), strict=True)

    def test_present_members_base(self):
        base = tally.base_for("present_members", members=15, present=12, written=0)
        assert base == 12
        assert tally.passes(agree=11, base=base, threshold=Fraction(9, 10), strict=False)  # 91.7%
        assert not tally.passes(agree=10, base=base, threshold=Fraction(9, 10), strict=False)


def paper(item, agree, *, issued=13, valid=13, disagree=None, abstain=0, actor):
    disagree = valid - agree - abstain if disagree is None else disagree
    return voting.enter_paper_tally(actor=actor, item=item, issued=issued, valid=valid, agree=agree,
                                    disagree=disagree, abstain=abstain)


class TestPaperBallots:
    @pytest.fixture
    def session(self, council, secretary, waiting, members):
        return open_session(council, secretary, waiting, members, present=13, mode="paper")

    def test_totals_are_checked(self, session, secretary):
        item = session.items.first()
        with pytest.raises(DomainError, match=r"phải bằng số phiếu hợp lệ \(13\)"):
            voting.enter_paper_tally(actor=secretary, item=item, issued=13, valid=13, agree=10, disagree=1, abstain=1)
        with pytest.raises(DomainError, match="không được nhiều hơn số phiếu phát ra"):
            voting.enter_paper_tally(actor=secretary, item=item, issued=12, valid=13, agree=13, disagree=0, abstain=0)
        with pytest.raises(DomainError, match="nhiều hơn số thành viên có mặt"):
            voting.enter_paper_tally(actor=secretary, item=item, issued=14, valid=13, agree=13, disagree=0, abstain=0)
        with pytest.raises(DomainError, match="số nguyên không âm"):
            voting.enter_paper_tally(actor=secretary, item=item, issued=13, valid=13, agree=-1, disagree=14, abstain=0)

    def test_close_refused_until_every_item_is_counted(self, session, secretary):
        with pytest.raises(DomainError, match="chưa nhập kết quả kiểm phiếu"):
            svc.close_voting(actor=secretary, session=session)

    def test_results_from_paper_totals(self, session, secretary, chair):
        items = list(session.items.select_related("nomination__award_type").order_by("position"))
        # 1: HC_LD3 majority of 15 -> 8 passes; 2: CSTĐ tỉnh 90% of 15 -> 13 fails; 3: 14 passes... only 13 present
        paper(items[0], 8, actor=secretary)
        paper(items[1], 13, actor=secretary)
        paper(items[2], 12, actor=secretary)
        paper(items[3], 12, actor=secretary)  # Cờ tỉnh 80% of 15 -> 12 passes
        svc.close_voting(actor=secretary, session=session)
        results = dict(AgendaItem.objects.filter(session=session).values_list("position", "result"))
        assert results == {1: "passed", 2: "failed", 3: "failed", 4: "passed"}
        svc.confirm_results(actor=chair, session=session)
        outcomes = {n.subject_name: n.outcome for n in Nomination.objects.select_related("person", "collective")}
        assert outcomes == {"Đặng Văn Tùng": "council_passed", "Hoàng Thị Thanh Huyền": "council_failed",
                            "Nguyễn Thị Thu Hà": "council_failed", "Ban Thời sự": "council_passed"}
        # both dossiers have a passed nomination: on to the decision
        assert set(Dossier.objects.values_list("state", flat=True)) == {"awaiting_decision"}
        assert verify_chain() == []


class TestWrittenOpinions:
    def test_written_opinions_count_toward_the_total(self, council, secretary, waiting, members, chair):
        session = open_session(council, secretary, waiting[:1], members, present=13, mode="paper")
        item = session.items.get()
        for absent in session.members.filter(present=False):
            voting.enter_written_opinion(actor=secretary, session=session, member=absent,
                                         choices={str(item.pk): "agree"}, scan=pdf_upload("y-kien.pdf"))
        paper(item, 12, actor=secretary)  # 12 + 2 written = 14 of 15 -> 93.3% passes 90%
        svc.close_voting(actor=secretary, session=session)
        item.refresh_from_db()
        assert (item.agree, item.written_agree, item.total_agree, item.base, item.result) == (12, 2, 14, 15, "passed")
        events = AuditEvent.objects.filter(action="session.written_opinion")
        assert events.count() == 2 and all(e.after["member"] for e in events)

    def test_written_opinion_refusals(self, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        present = session.members.filter(present=True).first()
        absent = session.members.filter(present=False).first()
        with pytest.raises(DomainError, match="có mặt tại phiên họp"):
            voting.enter_written_opinion(actor=secretary, session=session, member=present,
                                         choices={str(item.pk): "agree"}, scan=pdf_upload())
        with pytest.raises(DomainError, match="bản chụp"):
            voting.enter_written_opinion(actor=secretary, session=session, member=absent,
                                         choices={str(item.pk): "agree"}, scan=None)
        with pytest.raises(DomainError, match="mọi nội dung"):
            voting.enter_written_opinion(actor=secretary, session=session, member=absent, choices={},
                                         scan=pdf_upload())


class TestLifecycle:
    def test_errors_before_confirmation_can_be_corrected_by_voting_again(self, council, secretary, waiting,
                                                                         members, chair):
        session = open_session(council, secretary, waiting[:1], members, present=13, mode="paper")
        item = session.items.get()
        paper(item, 12, actor=secretary)
        svc.close_voting(actor=secretary, session=session)
        svc.reopen_voting(actor=secretary, session=session)
        paper(item, 13, actor=secretary)  # corrected count
        svc.close_voting(actor=secretary, session=session)
        item.refresh_from_db()
        assert item.agree == 13

    def test_after_confirmation_results_cannot_change(self, council, secretary, waiting, members, chair):
        session = open_session(council, secretary, waiting[:1], members, present=13, mode="paper")
        paper(session.items.get(), 13, actor=secretary)
        svc.close_voting(actor=secretary, session=session)
        svc.confirm_results(actor=chair, session=session)
        with pytest.raises(DomainError):
            svc.reopen_voting(actor=secretary, session=session)
        with pytest.raises(DomainError):
            paper(session.items.get(), 14, actor=secretary)

    def test_only_chair_or_secretary_confirms_and_only_chair_signs(self, council, secretary, waiting, members,
                                                                   chair):
        session = open_session(council, secretary, waiting[:1], members, present=13, mode="paper")
        paper(session.items.get(), 13, actor=secretary)
        svc.close_voting(actor=secretary, session=session)
        with pytest.raises(PermissionDeniedError):
            svc.confirm_results(actor=members[5], session=session)
        svc.confirm_results(actor=secretary, session=session)
        with pytest.raises(PermissionDeniedError):
            svc.finalise(actor=secretary, session=session)

    def test_finalised_session_changes_only_by_audited_correction(self, council, secretary, waiting, members,
                                                                  chair):
        session = open_session(council, secretary, waiting[:1], members, present=13, mode="paper")
        paper(session.items.get(), 13, actor=secretary)
        svc.close_voting(actor=secretary, session=session)
        svc.confirm_results(actor=chair, session=session)
        session = svc.finalise(actor=chair, session=session)
        assert session.state == SessionState.FINALISED
        assert session.minutes_number == "01/BB-HĐTĐKT"
        with pytest.raises(DomainError, match="nội dung đính chính"):
            svc.record_correction(actor=secretary, session=session, note=" ")
        svc.record_correction(actor=secretary, session=session, note="Sửa địa điểm họp", place="Hội trường tầng 3")
        session.refresh_from_db()
        assert session.place == "Hội trường tầng 3"
        event = AuditEvent.objects.get(action="session.corrected")
        assert event.before == {"place": "Phòng họp số 1, UBND tỉnh"}

    def test_failed_everything_closes_the_dossier(self, council, secretary, waiting, members, chair):
        session = open_session(council, secretary, waiting[:1], members, present=13, mode="paper")
        paper(session.items.get(), 2, actor=secretary)
        svc.close_voting(actor=secretary, session=session)
        svc.confirm_results(actor=chair, session=session)
        # the other nomination of that dossier (the order) still waits for a vote: back to the pool
        assert Dossier.objects.get(pk=waiting[0].dossier_id).state == "awaiting_council"

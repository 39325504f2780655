"""Errors put right before the results are confirmed: attendance, written opinions; refused afterwards."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from councils.models import AgendaItem, Ballot, SessionState, VoterRecord, WrittenOpinion
from councils.services import sessions as svc
from councils.services import voting
from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import AuditEvent
from tests.councils.conftest import open_session
from tests.councils.test_views_sessions import html_of, text_of
from tests.factories import pdf_upload

pytestmark = pytest.mark.django_db


def agree_all(session, users):
    items = list(session.items.all())
    return [voting.cast_ballot(actor=u, session=session, choices={str(i.pk): "agree" for i in items}) for u in users]


class TestAttendanceCorrection:
    def test_a_member_wrongly_marked_absent_is_added_and_votes(self, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        agree_all(session, members[:13])
        late = members[13]
        with pytest.raises(PermissionDeniedError, match="chưa được điểm danh"):
            agree_all(session, [late])
        svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members[:14]])
        assert VoterRecord.objects.filter(session=session).count() == 14
        agree_all(session, [late])
        assert voting.progress(session) == {"expected": 14, "voted": 14, "written": 0}
        event = AuditEvent.objects.get(action="session.attendance_corrected")
        assert event.after["present"] == [session.members.get(user=late).name]
        assert event.after["quorum"] == {"members": 15, "present": 14, "required": 12, "met": True}
        svc.close_voting(actor=secretary, session=session)
        item = session.items.get()
        assert (item.issued, item.agree, item.result) == (14, 14, "passed")   # 14/15 = 93.3% >= 90%

    def test_a_member_wrongly_marked_present_is_removed_unless_they_voted(self, council, secretary, waiting,
                                                                          members):
        session = open_session(council, secretary, waiting[:1], members, present=14)
        agree_all(session, members[:12])
        # members[13] did not vote: they were never there
        svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members[:13]])
        assert VoterRecord.objects.filter(session=session).count() == 13
        with pytest.raises(PermissionDeniedError, match="chưa được điểm danh"):
            agree_all(session, [members[13]])
        # members[0] voted: a secret ballot cannot be taken out, so they cannot be marked absent
        with pytest.raises(DomainError, match="đã bỏ phiếu nên không đánh dấu vắng mặt được"):
            svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members[1:13]])
        assert session.members.filter(present=True).count() == 13
        assert Ballot.objects.filter(session=session).count() == 12

    def test_after_close_quorum_and_counts_are_recomputed(self, council, secretary, chair, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=12, mode="paper")
        item = session.items.get()
        voting.enter_paper_tally(actor=secretary, item=item, issued=12, valid=12, agree=12, disagree=0, abstain=0)
        svc.close_voting(actor=secretary, session=session)
        # one of the twelve was in fact absent: 11 present is under the 80% quorum (12 of 15)
        with pytest.raises(DomainError, match="nhiều hơn số thành viên có mặt sau khi sửa"):
            svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members[:11]])
        svc.reopen_voting(actor=secretary, session=session)
        voting.enter_paper_tally(actor=secretary, item=item, issued=11, valid=11, agree=11, disagree=0, abstain=0)
        svc.close_voting(actor=secretary, session=session)
        svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members[:11]])
        event = AuditEvent.objects.filter(action="session.attendance_corrected").get()
        assert event.after["quorum"]["met"] is False
        with pytest.raises(DomainError, match="số thành viên có mặt chưa đủ: 11/15, cần ít nhất 12"):
            svc.confirm_results(actor=chair, session=session)
        assert session.__class__.objects.get(pk=session.pk).state == SessionState.VOTING_CLOSED

    def test_present_members_base_follows_the_correction_after_close(self, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        AgendaItem.objects.filter(session=session).update(threshold_base="present_members")
        agree_all(session, members[:12])  # the 13th present member does not vote
        svc.close_voting(actor=secretary, session=session)
        item = session.items.get()
        assert (item.base, item.result) == (13, "passed")   # 12/13 = 92.3%
        svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members[:14]])
        item.refresh_from_db()
        assert (item.issued, item.base, item.agree, item.result) == (14, 14, 12, "failed")   # 12/14 = 85.7%

    def test_refused_after_confirmation(self, council, secretary, chair, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        agree_all(session, members[:13])
        svc.close_voting(actor=secretary, session=session)
        svc.confirm_results(actor=chair, session=session)
        with pytest.raises(DomainError, match="Kết quả đã được xác nhận: không sửa điểm danh được nữa."):
            svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members[:14]])
        absent = session.members.filter(present=False).first()
        with pytest.raises(DomainError, match="Kết quả đã được xác nhận: không nhập hoặc sửa ý kiến bằng văn bản"):
            voting.enter_written_opinion(actor=secretary, session=session, member=absent,
                                         choices={str(session.items.get().pk): "agree"}, scan=pdf_upload())


class TestWrittenOpinionCorrection:
    def test_entered_and_corrected_after_close_with_the_result_recounted(self, council, secretary, chair, waiting,
                                                                         members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        item = session.items.get()
        agree_all(session, members[:13])
        svc.close_voting(actor=secretary, session=session)
        item.refresh_from_db()
        assert (item.total_agree, item.result) == (13, "failed")   # CSTĐ tỉnh: 13/15 = 86.7% < 90%
        absent = session.members.get(user=members[13])
        voting.enter_written_opinion(actor=secretary, session=session, member=absent,
                                     choices={str(item.pk): "agree"}, scan=pdf_upload("y-kien.pdf"))
        item.refresh_from_db()
        assert (item.written_agree, item.total_agree, item.result) == (1, 14, "passed")   # 14/15 = 93.3%
        # the scan was misread: the member disagreed
        voting.enter_written_opinion(actor=secretary, session=session, member=absent,
                                     choices={str(item.pk): "disagree"}, scan=pdf_upload("y-kien-dung.pdf"))
        item.refresh_from_db()
        assert (item.written_agree, item.written_other, item.result) == (0, 1, "failed")
        assert WrittenOpinion.objects.filter(session=session).count() == 1
        corrected = AuditEvent.objects.get(action="session.written_opinion_corrected")
        assert corrected.before["choices"] == {str(item.pk): "agree"}
        assert corrected.after["choices"] == {str(item.pk): "disagree"}
        svc.confirm_results(actor=chair, session=session)
        item.refresh_from_db()
        assert item.result == "failed"

    def test_a_member_with_a_written_opinion_cannot_be_marked_present(self, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        absent = session.members.get(user=members[13])
        voting.enter_written_opinion(actor=secretary, session=session, member=absent,
                                     choices={str(session.items.get().pk): "agree"}, scan=pdf_upload())
        with pytest.raises(DomainError, match="đã có ý kiến bằng văn bản nên không đánh dấu có mặt"):
            svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members[:14]])


class TestCorrectionPages:
    def test_secretary_corrects_attendance_while_voting_is_open(self, client, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=12)
        client.force_login(secretary)
        page = client.get(reverse("council_session", args=[session.pk]))
        assert "Sửa điểm danh" in text_of(page) and "Ghi điểm danh đã sửa" in text_of(page)
        response = client.post(reverse("council_attendance", args=[session.pk]),
                               {"present": [u.pk for u in members[:13]]}, follow=True)
        assert "Đã ghi điểm danh. Có mặt 13/15, cần ít nhất 12: đủ điều kiện." in text_of(response)
        assert re.search(rf'name="present" value="{members[12].pk}" checked', html_of(response))
        assert VoterRecord.objects.filter(session=session).count() == 13

    def test_refusal_is_shown_next_to_the_form(self, client, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        agree_all(session, members[:1])
        client.force_login(secretary)
        response = client.post(reverse("council_attendance", args=[session.pk]),
                               {"present": [u.pk for u in members[1:13]]})
        assert response.status_code == 400
        assert "đã bỏ phiếu nên không đánh dấu vắng mặt được" in text_of(response)

    def test_no_correction_form_after_confirmation(self, client, council, secretary, chair, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        agree_all(session, members[:13])
        svc.close_voting(actor=secretary, session=session)
        svc.confirm_results(actor=chair, session=session)
        client.force_login(secretary)
        text = text_of(client.get(reverse("council_session", args=[session.pk])))
        assert "Sửa điểm danh" not in text
        response = client.post(reverse("council_attendance", args=[session.pk]),
                               {"present": [u.pk for u in members[:14]]})
        assert "Kết quả đã được xác nhận: không sửa điểm danh được nữa." in text_of(response)

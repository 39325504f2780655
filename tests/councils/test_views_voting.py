"""Votes through the pages: the member's ballot (review, confirm, receipt), progress, written opinions, paper.

The receipt is kept only by the member's browser (a signed, HTTP-only cookie):
never in the server's session store, never in the database (only its hash).
"""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signing import BadSignature
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import Ballot, SessionState, VoterRecord, WrittenOpinion
from councils.services import sessions as svc
from councils.services import voting
from councils.views.voting import COOKIE_AGE
from tests.councils.conftest import make_session, open_session
from tests.councils.test_views_sessions import html_of, text_of
from tests.factories import JPEG_BYTES, PDF_BYTES, docx_bytes

pytestmark = pytest.mark.django_db


def choices_for(session, choice) -> dict:
    return {f"item_{item.pk}": choice for item in session.items.all()}


def cast_through_pages(client, session, data: dict, receipt: str = ""):
    """Review, then confirm: the two steps a member goes through."""
    url = reverse("council_ballot", args=[session.pk])
    extra = {"receipt": receipt} if receipt else {}
    review = client.post(url, {**data, **extra, "action": "review"})
    assert review.status_code == 200
    return client.post(url, {**data, **extra, "action": "confirm"})


def receipt_in(response) -> str:
    match = re.search(r'data-receipt>([A-Z0-9-]+)<', html_of(response))
    return match.group(1) if match else ""


def ballot_choices(session) -> list[dict]:
    return list(Ballot.objects.filter(session=session).values_list("choices", flat=True))


@pytest.fixture
def session(council, secretary, waiting, members):
    """Voting open, 13 of 15 present; two items (CSTĐ tỉnh, Huân chương Lao động hạng Ba)."""
    return open_session(council, secretary, waiting[:2], members, present=13)


class TestBallot:
    def test_member_votes_through_review_and_confirmation(self, client, session, members):
        member = members[4]
        client.force_login(member)
        url = reverse("council_ballot", args=[session.pk])
        first, second = session.items.order_by("position")
        page = client.get(url)
        assert page.status_code == 200
        html = html_of(page)
        assert session.title in html
        assert "Phiếu trắng hoặc không chọn được tính là không đồng ý." in html
        assert "Bỏ phiếu kín:" in html
        assert "Nguyễn Thị Thu Hà" in html and "Đặng Văn Tùng" in html
        assert "Tóm tắt thành tích" in html
        assert html.count('value="agree"') == 2 and html.count('value="disagree"') == 2
        assert "data-agree-all hidden" in html and "Đồng ý tất cả" in html
        assert "Gửi phiếu" in html
        assert "<script>" not in html and " style=" not in html

        data = {f"item_{first.pk}": "agree", f"item_{second.pk}": "disagree"}
        review = client.post(url, {**data, "action": "review"})
        text = text_of(review)
        assert "Xem lại phiếu trước khi gửi" in text and "Xác nhận gửi phiếu" in text
        first_name, second_name = first.nomination.subject_name, second.nomination.subject_name
        assert re.search(rf"1\. {first_name} .* Đồng ý 2\. {second_name} .* Không đồng ý", text)
        assert not Ballot.objects.filter(session=session).exists()   # nothing recorded before confirmation
        # "Sửa lại" goes back to the form with the choices kept.
        back = html_of(client.post(url, {**data, "action": "edit"}))
        assert re.search(rf'name="item_{second.pk}" value="disagree"[^>]*checked', back)

        response = client.post(url, {**data, "action": "confirm"})
        assert response.status_code == 302 and response["Location"] == reverse("council_ballot_done",
                                                                               args=[session.pk])
        cookie = response.cookies[f"phieu_{session.pk}"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) == COOKIE_AGE
        request = RequestFactory().get("/", HTTP_COOKIE=f"{cookie.key}={cookie.value}")
        receipt = request.get_signed_cookie(cookie.key, salt=f"ballot:{member.pk}", max_age=COOKIE_AGE)
        with pytest.raises(BadSignature):   # signed: a cookie edited in the browser is refused
            RequestFactory().get("/", HTTP_COOKIE=f"{cookie.key}=AAAA{cookie.value[4:]}").get_signed_cookie(
                cookie.key, salt=f"ballot:{member.pk}")
        with pytest.raises(BadSignature):   # bound to the member: another user of the same browser can't use it
            request.get_signed_cookie(cookie.key, salt=f"ballot:{members[5].pk}")
        assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", receipt)
        # Only the hash is stored; the server's session store never holds the code.
        ballot = Ballot.objects.get(session=session)
        assert ballot.receipt_hash == voting.receipt_hash(session, session.members.get(user=member), receipt) and ballot.member_id is None
        assert ballot.choices == {str(first.pk): "agree", str(second.pk): "disagree"}
        stored = json.dumps(dict(client.session.items()), default=str)
        assert receipt not in stored and receipt.replace("-", "") not in stored
        assert VoterRecord.objects.get(session=session, member__user=member).has_voted

        done = client.get(response["Location"])
        assert "Phiếu của bạn đã được ghi nhận" in text_of(done)
        assert receipt_in(done) == receipt
        assert "giữ kín" in text_of(done)

    def test_changing_the_vote_with_the_cookie_and_from_another_device(self, client, session, members):
        member = members[4]
        client.force_login(member)
        url = reverse("council_ballot", args=[session.pk])
        response = cast_through_pages(client, session, choices_for(session, "agree"))
        receipt = receipt_in(client.get(response["Location"]))
        assert receipt

        # Same browser: the form comes pre-filled from the ballot the cookie finds.
        html = html_of(client.get(url))
        assert "Bạn đã bỏ phiếu. Phiếu dưới đây là lựa chọn hiện tại của bạn" in html
        assert len(re.findall(r'value="agree"[^>]*checked', html)) == 2
        assert receipt not in html   # the code is never written into the page
        response = cast_through_pages(client, session, choices_for(session, "disagree"))
        assert response.status_code == 302
        assert ballot_choices(session) == [{str(i.pk): "disagree" for i in session.items.all()}]

        # Another device (no cookie): the member types the receipt to open and change the ballot.
        phone = Client()
        phone.force_login(member)
        page = text_of(phone.get(url))
        assert "Bạn đã bỏ phiếu" in page and "Mở phiếu đã bỏ" in page and "Gửi phiếu" not in page
        wrong = phone.post(url, {"receipt": "AAAA-BBBB-CCCC-DDDD", "action": "load"})
        assert wrong.status_code == 400
        assert "Không tìm thấy phiếu với mã biên nhận này." in html_of(wrong)
        opened = html_of(phone.post(url, {"receipt": receipt.lower(), "action": "load"}))
        assert "Đã mở phiếu bạn đã bỏ" in opened
        assert len(re.findall(r'value="disagree"[^>]*checked', opened)) == 2
        response = cast_through_pages(phone, session, choices_for(session, "abstain"), receipt=receipt.lower())
        assert response.status_code == 302
        assert ballot_choices(session) == [{str(i.pk): "abstain" for i in session.items.all()}]
        # The phone now remembers the receipt too.
        assert receipt_in(phone.get(response["Location"])) == receipt
        assert Ballot.objects.filter(session=session).count() == 1

    def test_double_vote_without_the_receipt_is_refused(self, client, session, members):
        member = members[4]
        client.force_login(member)
        cast_through_pages(client, session, choices_for(session, "agree"))
        other = Client()
        other.force_login(member)
        response = other.post(reverse("council_ballot", args=[session.pk]),
                              {**choices_for(session, "disagree"), "action": "confirm"})
        assert response.status_code == 409
        assert "Bạn đã bỏ phiếu. Muốn sửa phiếu, hãy nhập mã biên nhận đã nhận khi bỏ phiếu." in html_of(response)
        assert ballot_choices(session) == [{str(i.pk): "agree" for i in session.items.all()}]
        assert f"phieu_{session.pk}" not in response.cookies

    def test_no_change_when_the_session_forbids_it(self, client, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13, allow_change=False)
        client.force_login(members[3])
        cast_through_pages(client, session, choices_for(session, "agree"))
        response = client.get(reverse("council_ballot", args=[session.pk]))
        text = text_of(response)
        assert "Bạn đã bỏ phiếu" in text and "không cho phép sửa phiếu" in text
        assert "Gửi phiếu" not in text and 'type="radio"' not in html_of(response)
        response = client.post(reverse("council_ballot", args=[session.pk]),
                               {**choices_for(session, "disagree"), "action": "confirm"})
        assert "Gửi phiếu" not in text_of(response)
        assert ballot_choices(session) == [{str(i.pk): "agree" for i in session.items.all()}]

    def test_open_vote_is_changed_without_a_receipt(self, client, council, secretary, waiting, members):
        session = open_session(council, secretary, waiting[:1], members, present=13, secret=False)
        client.force_login(members[3])
        cast_through_pages(client, session, choices_for(session, "agree"))
        other = Client()
        other.force_login(members[3])
        html = html_of(other.get(reverse("council_ballot", args=[session.pk])))
        assert "Biểu quyết công khai:" in html
        assert re.search(r'value="agree"[^>]*checked', html) and "Mở phiếu đã bỏ" not in html
        response = cast_through_pages(other, session, choices_for(session, "disagree"))
        assert response.status_code == 302
        assert Ballot.objects.get(session=session).choices == {str(session.items.get().pk): "disagree"}

    def test_refusals(self, client, council, secretary, waiting, members, clerk, session):
        url = reverse("council_ballot", args=[session.pk])
        client.force_login(members[14])   # on the roster, absent
        response = client.get(url)
        assert response.status_code == 403
        assert "Bạn chưa được điểm danh có mặt nên chưa bỏ phiếu được." in html_of(response)
        assert client.post(url, {**choices_for(session, "agree"), "action": "confirm"}).status_code == 403
        client.force_login(clerk)
        assert client.get(url).status_code == 404
        # Not yet open; then closed.
        later = make_session(council, secretary, waiting[2:3])
        svc.publish_agenda(actor=secretary, session=later)
        client.force_login(members[3])
        response = client.get(reverse("council_ballot", args=[later.pk]))
        assert "Chưa mở bỏ phiếu." in html_of(response) and 'type="radio"' not in html_of(response)
        svc.close_voting(actor=secretary, session=session)
        response = client.post(url, {**choices_for(session, "agree"), "action": "confirm"})
        assert "Đã kết thúc bỏ phiếu." in html_of(response)
        assert not Ballot.objects.filter(session=session).exists()


class TestProgress:
    def test_progress_counts_never_choices(self, client, session, members, secretary, chair):
        vote_for = members[2:5]
        for user in vote_for:
            voting.cast_ballot(actor=user, session=session,
                               choices={str(i.pk): "disagree" for i in session.items.all()})
        client.force_login(secretary)
        response = client.get(reverse("council_progress", args=[session.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        assert response.json() == {"voted": 3, "expected": 13, "written": 0}
        body = response.content.decode()
        assert "disagree" not in body and "agree" not in body
        assert "no-store" in response["Cache-Control"]
        page = client.get(reverse("council_session", args=[session.pk]))
        assert "Đã bỏ phiếu: 3/13" in text_of(page)
        assert f'data-progress-url="{reverse("council_progress", args=[session.pk])}"' in html_of(page)
        assert "Kết thúc bỏ phiếu" in html_of(page)
        client.force_login(chair)
        assert client.get(reverse("council_progress", args=[session.pk])).json()["voted"] == 3

    def test_progress_is_for_the_secretary_and_the_chair(self, client, session, members, clerk):
        url = reverse("council_progress", args=[session.pk])
        assert client.get(url).status_code == 302     # sign in first
        client.force_login(members[6])
        assert client.get(url).status_code == 403
        page = html_of(client.get(reverse("council_session", args=[session.pk])))
        assert "data-progress-url" not in page and "Vào phiếu biểu quyết" in page
        client.force_login(clerk)
        assert client.get(url).status_code == 404


class TestWrittenOpinions:
    @pytest.fixture
    def meeting(self, council, secretary, waiting, members):
        session = make_session(council, secretary, waiting[:2])
        svc.publish_agenda(actor=secretary, session=session)
        svc.start_session(actor=secretary, session=session)
        svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members[:13]])
        return session

    def test_secretary_enters_an_absent_members_opinion(self, client, meeting, secretary, members):
        absent = meeting.members.get(user=members[14])
        first, second = meeting.items.order_by("position")
        client.force_login(secretary)
        html = html_of(client.get(reverse("council_session", args=[meeting.pk])))
        assert "Ý kiến bằng văn bản của thành viên vắng mặt" in html
        assert f'<option value="{absent.pk}">{absent.name}</option>' in html
        assert f'<option value="{meeting.members.get(user=members[0]).pk}"' not in html   # present: not offered
        response = client.post(reverse("council_written_opinion", args=[meeting.pk]), {
            "opinion-member": absent.pk, f"opinion-item_{first.pk}": "agree",
            f"opinion-item_{second.pk}": "disagree",
            "opinion-scan": SimpleUploadedFile("ý kiến.jpg", JPEG_BYTES, content_type="image/jpeg"),
        }, follow=True)
        assert f"Đã ghi ý kiến bằng văn bản của {absent.name}." in text_of(response)
        opinion = WrittenOpinion.objects.get(session=meeting)
        assert opinion.member == absent and opinion.choices == {str(first.pk): "agree", str(second.pk): "disagree"}
        assert opinion.original_name == "ý kiến.jpg"

    def test_refusals_keep_the_input(self, client, meeting, secretary, members):
        absent = meeting.members.get(user=members[13])
        first, second = meeting.items.order_by("position")
        client.force_login(secretary)
        url = reverse("council_written_opinion", args=[meeting.pk])
        response = client.post(url, {
            "opinion-member": absent.pk, f"opinion-item_{first.pk}": "agree",
            "opinion-scan": SimpleUploadedFile("y-kien.pdf", PDF_BYTES, content_type="application/pdf"),
        })
        assert response.status_code == 400
        html = html_of(response)
        assert "Hãy chọn ý kiến cho nội dung này." in html
        assert f'<option value="{absent.pk}" selected>' in html
        assert re.search(rf'name="opinion-item_{first.pk}" value="agree"[^>]*checked', html)
        response = client.post(url, {
            "opinion-member": absent.pk, f"opinion-item_{first.pk}": "agree", f"opinion-item_{second.pk}": "agree",
            "opinion-scan": SimpleUploadedFile("y-kien.docx", docx_bytes()),
        })
        assert response.status_code == 400
        assert "Bản chụp phải là tệp PDF, JPEG hoặc PNG." in html_of(response)
        assert not WrittenOpinion.objects.exists()


class TestPaperTally:
    @pytest.fixture
    def paper(self, council, secretary, waiting, members):
        return open_session(council, secretary, waiting[:2], members, present=13, mode="paper")

    def test_tally_checked_per_item_and_closing(self, client, paper, secretary):
        first, second = paper.items.order_by("position")
        client.force_login(secretary)
        html = html_of(client.get(reverse("council_session", args=[paper.pk])))
        assert "Kết quả kiểm phiếu giấy" in html and "Còn 2 nội dung chưa nhập kết quả kiểm phiếu." in html
        assert "Đã bỏ phiếu:" not in html
        response = client.post(reverse("council_paper_tally", args=[paper.pk, first.pk]), {
            f"tally{first.pk}-issued": 13, f"tally{first.pk}-valid": 13, f"tally{first.pk}-agree": 12,
            f"tally{first.pk}-disagree": 0, f"tally{first.pk}-abstain": 0,
        })
        assert response.status_code == 400
        html = html_of(response)
        assert ("Đồng ý + không đồng ý + không biểu quyết (12) phải bằng số phiếu hợp lệ (13)." in html)
        assert f'name="tally{first.pk}-agree" value="12"' in html
        for item in (first, second):
            response = client.post(reverse("council_paper_tally", args=[paper.pk, item.pk]), {
                f"tally{item.pk}-issued": 13, f"tally{item.pk}-valid": 13, f"tally{item.pk}-agree": 13,
                f"tally{item.pk}-disagree": 0, f"tally{item.pk}-abstain": 0,
            })
            assert response.status_code == 302
        response = client.post(reverse("council_close_voting", args=[paper.pk]), follow=True)
        paper.refresh_from_db()
        assert paper.state == SessionState.VOTING_CLOSED
        assert "86,7%" in text_of(response)   # 13 of 15


class TestHomeHint:
    def test_members_home_shows_the_open_vote(self, client, session, members, council, secretary, waiting,
                                              django_assert_max_num_queries):
        client.force_login(members[4])
        html = html_of(client.get(reverse("home")))
        assert "Hội đồng đang bỏ phiếu: mời bạn biểu quyết" in html
        assert reverse("council_ballot", args=[session.pk]) in html
        voting.cast_ballot(actor=members[4], session=session, choices={})
        assert "Hội đồng đang bỏ phiếu: bạn đã bỏ phiếu" in html_of(client.get(reverse("home")))
        with CaptureQueriesContext(connection) as one:
            client.get(reverse("home"))
        open_session(council, secretary, waiting[2:3], members, present=13)
        open_session(council, secretary, waiting[3:], members, present=13)
        with django_assert_max_num_queries(len(one.captured_queries)):
            html = html_of(client.get(reverse("home")))
        assert html.count("Hội đồng đang bỏ phiếu") == 3
        # An absent member learns why they cannot vote; a unit clerk sees nothing.
        client.force_login(members[14])
        assert "Bạn chưa được điểm danh có mặt" in html_of(client.get(reverse("home")))

"""The council pages: the session list, the session form, the agenda, attendance, results, signing.

Every page is checked for who may see it (a member sees only the sessions they
are on, once the agenda is sent; a unit clerk sees none) and for the refusals
the services make, shown in Vietnamese with the user's input kept.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils.models import AgendaItem, Council, CouncilMembership, CouncilSession, MemberRole, SessionState
from councils.services import sessions as svc
from councils.services import voting
from dossiers.models import Dossier
from tests.councils.conftest import SESSION_DAY, make_session, open_session
from tests.factories import ProvinceFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    """The page's text without tags, spaces collapsed (what a reader sees)."""
    text = re.sub(r"<[^>]+>", "", html_of(response))
    return re.sub(r"\s+", " ", text)


def published(council, secretary, nominations, **kwargs):
    session = make_session(council, secretary, nominations, **kwargs)
    svc.publish_agenda(actor=secretary, session=session)
    return session


def vote_all(session, users, choice="agree"):
    items = list(session.items.order_by("position"))
    return [voting.cast_ballot(actor=user, session=session, choices={str(i.pk): choice for i in items})
            for user in users]


@pytest.fixture
def outsider(council, office):
    """A council member by role whose term had ended before the session: not on its roster."""
    user = UserFactory(unit=office, roles=["council_member"], username="uyviencu", last_name="Vũ",
                       first_name="Văn Cũ")
    CouncilMembership.objects.create(council=council, user=user, role=MemberRole.MEMBER,
                                     starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2025, 12, 31))
    return user


@pytest.fixture
def far_secretary(db):
    """The secretary of another province's council."""
    province = ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên")
    Council.objects.create(province=province)
    return UserFactory(unit=UnitFactory(province=province, name="Sở Nội vụ Điện Biên"),
                       roles=["council_secretary", "council_member"], username="thuky_db")


class TestSessionList:
    def test_secretary_sees_every_session_of_the_province_newest_first(self, client, council, secretary, members,
                                                                       waiting):
        older = make_session(council, secretary, waiting[:2])
        newer = svc.create_session(actor=secretary, council=council, title="Phiên họp chuyên đề tháng 9",
                                   date=datetime.date(2026, 9, 10), place="Hội trường tầng 3", kind="thematic")
        client.force_login(secretary)
        response = client.get(reverse("council_sessions"))
        assert response.status_code == 200
        html = html_of(response)
        assert html.index(newer.title) < html.index(older.title)
        assert "05/03/2026" in html and "10/09/2026" in html
        assert "Phòng họp số 1, UBND tỉnh" in html
        assert '<span class="badge council-state-draft">Đang chuẩn bị</span>' in html
        assert re.search(r'<td class="num">2</td>', html)
        assert "Tạo phiên họp" in html
        assert reverse("council_session", args=[older.pk]) in html
        # The navigation offers the council pages.
        assert f'href="{reverse("council_sessions")}" aria-current="page">Hội đồng<' in html

    def test_member_sees_only_sessions_they_are_on_after_publication(self, client, council, secretary, members,
                                                                     waiting, outsider):
        session = make_session(council, secretary, waiting[:2])
        member = members[5]
        client.force_login(member)
        html = html_of(client.get(reverse("council_sessions")))
        assert session.title not in html
        assert "Tạo phiên họp" not in html
        assert client.get(reverse("council_session", args=[session.pk])).status_code == 404
        svc.publish_agenda(actor=secretary, session=session)
        html = html_of(client.get(reverse("council_sessions")))
        assert session.title in html
        assert '<span class="badge council-state-agenda_published">Đã gửi chương trình</span>' in html
        assert client.get(reverse("council_session", args=[session.pk])).status_code == 200
        # A council member whose term ended before the session date is not on its roster: nothing to see.
        client.force_login(outsider)
        response = client.get(reverse("council_sessions"))
        assert response.status_code == 200 and session.title not in html_of(response)
        assert client.get(reverse("council_session", args=[session.pk])).status_code == 404

    def test_unit_clerk_is_refused(self, client, council, secretary, members, waiting, clerk):
        session = published(council, secretary, waiting[:1])
        client.force_login(clerk)
        assert client.get(reverse("council_sessions")).status_code == 403
        assert client.get(reverse("council_session", args=[session.pk])).status_code == 404
        assert client.post(reverse("council_start", args=[session.pk])).status_code == 404
        home = html_of(client.get(reverse("home")))
        assert reverse("council_sessions") not in home

    def test_another_provinces_session_is_not_found(self, client, council, secretary, members, waiting,
                                                    far_secretary):
        session = published(council, secretary, waiting[:1])
        client.force_login(far_secretary)
        assert session.title not in html_of(client.get(reverse("council_sessions")))
        assert client.get(reverse("council_session", args=[session.pk])).status_code == 404
        assert client.post(reverse("council_start", args=[session.pk])).status_code == 404
        assert client.get(reverse("council_progress", args=[session.pk])).status_code == 404

    def test_home_affairs_staff_read_the_province_sessions(self, client, council, secretary, members, waiting,
                                                           ha_specialist):
        session = published(council, secretary, waiting[:1])
        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("council_sessions")))
        assert session.title in html and "Tạo phiên họp" not in html
        page = html_of(client.get(reverse("council_session", args=[session.pk])))
        assert "Khai mạc phiên họp" not in page and "Đưa vào chương trình" not in page

    def test_query_count_does_not_grow_with_sessions(self, client, council, secretary, members, waiting):
        def add_sessions(count):
            for index in range(count):
                session = svc.create_session(actor=secretary, council=council, title=f"Phiên họp số {index}",
                                             date=SESSION_DAY, place="Phòng họp")
                AgendaItem.objects.create(session=session, nomination=waiting[index % 4])

        client.force_login(secretary)
        add_sessions(3)
        with CaptureQueriesContext(connection) as few:
            assert client.get(reverse("council_sessions")).status_code == 200
        add_sessions(27)
        with CaptureQueriesContext(connection) as many:
            response = client.get(reverse("council_sessions"))
        assert len(many.captured_queries) == len(few.captured_queries)
        assert "Trang 1/2" in html_of(response)


class TestSessionForm:
    def test_secretary_creates_a_session(self, client, council, secretary):
        client.force_login(secretary)
        page = html_of(client.get(reverse("council_session_create")))
        assert 'placeholder="dd/mm/yyyy"' in page
        assert re.search(r'name="secret"[^>]* checked', page) and re.search(r'name="allow_ballot_change"[^>]* checked',
                                                                            page)
        response = client.post(reverse("council_session_create"), {
            "title": "Phiên họp thứ hai năm 2026", "date": "12/03/2026", "start_time": "08:00",
            "place": "Phòng họp số 2", "kind": "regular", "mode": "paper", "secret": "on",
        })
        session = CouncilSession.objects.get(title="Phiên họp thứ hai năm 2026")
        assert response.status_code == 302 and response["Location"] == reverse("council_session", args=[session.pk])
        assert session.date == datetime.date(2026, 3, 12) and session.start_time == datetime.time(8, 0)
        assert (session.mode, session.secret, session.allow_ballot_change) == ("paper", True, False)
        assert session.council == council and session.state == SessionState.DRAFT

    def test_invalid_input_is_refused_and_kept(self, client, council, secretary):
        client.force_login(secretary)
        response = client.post(reverse("council_session_create"), {
            "title": "Phiên họp tháng 3", "date": "2026/31/03", "place": "", "kind": "regular", "mode": "electronic",
        })
        assert response.status_code == 400
        html = html_of(response)
        assert "Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy." in html
        assert "Hãy nhập địa điểm họp." in html
        assert 'value="Phiên họp tháng 3"' in html and 'value="2026/31/03"' in html
        assert not CouncilSession.objects.exists()

    def test_only_the_secretary_creates(self, client, council, members, chair):
        client.force_login(chair)
        assert client.get(reverse("council_session_create")).status_code == 403
        assert "Tạo phiên họp" not in html_of(client.get(reverse("council_sessions")))

    def test_secretary_edits_the_session(self, client, council, secretary, waiting):
        session = make_session(council, secretary, waiting[:1])
        client.force_login(secretary)
        page = html_of(client.get(reverse("council_session_edit", args=[session.pk])))
        assert 'value="05/03/2026"' in page
        response = client.post(reverse("council_session_edit", args=[session.pk]), {
            "title": "Phiên họp thứ nhất (điều chỉnh)", "date": "06/03/2026", "place": "Phòng họp số 3",
            "kind": "regular", "mode": "electronic", "secret": "on", "allow_ballot_change": "on",
        })
        assert response.status_code == 302
        session.refresh_from_db()
        assert (session.title, session.date) == ("Phiên họp thứ nhất (điều chỉnh)", datetime.date(2026, 3, 6))


class TestAgenda:
    def test_secretary_builds_the_agenda_from_the_pool_and_publishes(self, client, council, secretary, members,
                                                                     waiting):
        session = svc.create_session(actor=secretary, council=council, title="Phiên họp thứ nhất năm 2026",
                                     date=SESSION_DAY, place="Phòng họp số 1")
        client.force_login(secretary)
        url = reverse("council_session", args=[session.pk])
        html = html_of(client.get(url))
        for nomination in waiting:
            assert nomination.subject_name in html
        assert "Chương trình chưa có đề nghị nào" in html
        # Filters: by award, by unit, by year.
        html = html_of(client.get(url, {"award": "CSTD_TINH"}))
        assert "Nguyễn Thị Thu Hà" in html and "Hoàng Thị Thanh Huyền" in html
        assert "Đặng Văn Tùng" not in html and "Ban Thời sự" not in html
        press = waiting[2].dossier.unit
        html = html_of(client.get(url, {"unit": press.pk}))
        assert "Hoàng Thị Thanh Huyền" in html and "Ban Thời sự" in html and "Nguyễn Thị Thu Hà" not in html
        assert "Không có đề nghị nào khớp bộ lọc." in html_of(client.get(url, {"year": 2024}))
        assert client.get(url, {"year": "abc", "unit": "x"}).status_code == 200

        response = client.post(reverse("council_agenda_add", args=[session.pk]),
                               {"nominations": [waiting[0].pk, waiting[2].pk, waiting[3].pk]})
        assert response.status_code == 302
        assert session.items.count() == 3
        assert Dossier.objects.get(pk=waiting[0].dossier_id).state == "in_council"
        html = html_of(client.get(url))
        assert "Đã đưa 3 đề nghị vào chương trình." in html
        assert "từ 90% tổng số thành viên" in html   # CSTĐ cấp tỉnh
        assert "từ 80% tổng số thành viên" in html   # Cờ thi đua tỉnh
        assert "Để lại phiên sau" in html

        # Leave one for a later session: it goes back to the pool.
        item = session.items.get(nomination=waiting[3])
        response = client.post(reverse("council_agenda_remove", args=[session.pk, item.pk]))
        assert response.status_code == 302
        assert "Đã để lại Ban Thời sự cho phiên họp sau." in html_of(client.get(url))
        assert session.items.count() == 2

        response = client.post(reverse("council_publish", args=[session.pk]))
        assert response.status_code == 302
        session.refresh_from_db()
        assert session.state == SessionState.AGENDA_PUBLISHED and session.members.count() == 15
        html = html_of(client.get(url))
        assert "Đã gửi chương trình phiên họp đến các thành viên." in html
        assert "Khai mạc phiên họp" in html

    def test_refusals_keep_the_choice(self, client, council, secretary, members, waiting, far_secretary):
        session = svc.create_session(actor=secretary, council=council, title="Phiên họp thứ nhất năm 2026",
                                     date=SESSION_DAY, place="Phòng họp số 1")
        client.force_login(secretary)
        response = client.post(reverse("council_agenda_add", args=[session.pk]), {})
        assert response.status_code == 400
        assert "Hãy chọn ít nhất một đề nghị để đưa vào chương trình." in html_of(response)
        response = client.post(reverse("council_publish", args=[session.pk]))
        assert response.status_code == 400
        assert "Chương trình chưa có đề nghị nào." in html_of(response)
        # Already on another session's agenda: refused, the ticks kept.
        other = make_session(council, secretary, waiting[:1])
        response = client.post(reverse("council_agenda_add", args=[session.pk]),
                               {"nominations": [waiting[0].pk, waiting[1].pk]})
        assert response.status_code == 400
        html = html_of(response)
        assert "Nguyễn Thị Thu Hà đã có trong một phiên họp khác." in html
        assert f'value="{waiting[1].pk}" id="de-nghi-{waiting[1].pk}" checked' in html
        assert not session.items.exists() and other.items.count() == 1

    def test_members_read_the_agenda_with_summary_and_verdicts(self, client, council, secretary, members, waiting):
        from dossiers.models import EligibilityOverride, EligibilityVerdict, Regulation

        regulation = Regulation.objects.get(code="ND152_2025")
        failed = EligibilityVerdict.objects.create(
            nomination=waiting[0], key="ratings_in_window", description="Hoàn thành xuất sắc nhiệm vụ 5 năm liền",
            result="fail", explanation="Năm 2022 chỉ hoàn thành tốt nhiệm vụ.", regulation=regulation)
        EligibilityOverride.objects.create(verdict=failed, reason="Năm 2022 nghỉ thai sản theo chế độ.",
                                           created_by=secretary)
        EligibilityVerdict.objects.create(
            nomination=waiting[0], key="not_disciplined", description="Không bị kỷ luật", result="pass",
            explanation="Không có kỷ luật trong thời gian xét.", regulation=regulation, order=1)
        waiting[0].achievement_summary = "Chủ trì sáng kiến quản lý ngân sách được áp dụng toàn tỉnh."
        waiting[0].save(update_fields=["achievement_summary"])
        session = published(council, secretary, waiting[:2])
        client.force_login(members[7])
        html = html_of(client.get(reverse("council_session", args=[session.pk])))
        assert "Chủ trì sáng kiến quản lý ngân sách được áp dụng toàn tỉnh." in html
        assert "Hoàn thành xuất sắc nhiệm vụ 5 năm liền" in html and "Năm 2022 chỉ hoàn thành tốt nhiệm vụ." in html
        assert "Không bị kỷ luật" in html
        assert "Năm 2022 nghỉ thai sản theo chế độ." in html
        assert "Đưa vào chương trình" not in html and "Để lại phiên sau" not in html
        assert "Khai mạc phiên họp" not in html


class TestAttendanceAndQuorum:
    def test_attendance_quorum_message_and_open_voting(self, client, council, secretary, members, waiting):
        session = published(council, secretary, waiting[:1])
        client.force_login(secretary)
        assert client.post(reverse("council_start", args=[session.pk])).status_code == 302
        url = reverse("council_session", args=[session.pk])
        html = html_of(client.get(url))
        assert "Điểm danh thành viên" in html and members[14].get_full_name() in html

        response = client.post(reverse("council_attendance", args=[session.pk]),
                               {"present": [u.pk for u in members[:11]]}, follow=True)
        text = text_of(response)
        assert "Đã ghi điểm danh. Có mặt 11/15, cần ít nhất 12: chưa đủ điều kiện." in text
        response = client.post(reverse("council_open_voting", args=[session.pk]))
        assert response.status_code == 400
        assert "Chưa đủ số thành viên dự họp: có mặt 11/15, cần ít nhất 12." in html_of(response)
        session.refresh_from_db()
        assert session.state == SessionState.IN_PROGRESS

        response = client.post(reverse("council_attendance", args=[session.pk]),
                               {"present": [u.pk for u in members[:13]]}, follow=True)
        assert "Có mặt 13/15, cần ít nhất 12: đủ điều kiện" in text_of(response)
        assert re.search(rf'name="present" value="{members[12].pk}" checked', html_of(response))
        assert not re.search(rf'name="present" value="{members[13].pk}" checked', html_of(response))
        response = client.post(reverse("council_open_voting", args=[session.pk]), follow=True)
        assert "Đã mở bỏ phiếu." in text_of(response)
        session.refresh_from_db()
        assert session.state == SessionState.VOTING_OPEN

    def test_only_the_secretary_takes_attendance(self, client, council, secretary, chair, members, waiting):
        session = published(council, secretary, waiting[:1])
        svc.start_session(actor=secretary, session=session)
        client.force_login(chair)
        html = html_of(client.get(reverse("council_session", args=[session.pk])))
        assert "Ghi điểm danh" not in html and "Mở bỏ phiếu" not in html
        response = client.post(reverse("council_attendance", args=[session.pk]), {"present": [chair.pk]})
        assert response.status_code == 403
        assert "Chỉ Thư ký Hội đồng được điểm danh." in html_of(response)


class TestResults:
    def test_close_results_table_and_confirmation_by_the_chair(self, client, council, secretary, chair, members,
                                                               waiting):
        session = open_session(council, secretary, waiting, members, present=14)
        items = {i.position: i for i in session.items.all()}
        # 14 agree on everything, except one who disagrees on item 2.
        for index, user in enumerate(members[:14]):
            voting.cast_ballot(actor=user, session=session, choices={
                str(item.pk): "disagree" if index == 0 and pos == 2 else "agree" for pos, item in items.items()})
        client.force_login(secretary)
        url = reverse("council_session", args=[session.pk])
        assert "Đã bỏ phiếu: 14/14" in text_of(client.get(url))
        response = client.post(reverse("council_close_voting", args=[session.pk]), follow=True)
        text = text_of(response)
        assert "Đã kết thúc bỏ phiếu." in text
        assert "Kết quả biểu quyết" in text
        assert "93,3%" in text and "86,7%" in text          # 14/15 and 13/15
        assert "Đạt" in text and "Không đạt" in text
        assert "Mở lại bỏ phiếu" in text and "Xác nhận kết quả" in text
        assert "Biên bản hiện là bản dự thảo" in text
        assert reverse("council_minutes", args=[session.pk]) in html_of(response)

        # An ordinary member reads the results but cannot confirm them.
        client.force_login(members[5])
        html = html_of(client.get(url))
        assert "93,3%" in html and "Xác nhận kết quả" not in html
        response = client.post(reverse("council_confirm", args=[session.pk]))
        assert response.status_code == 403
        assert "Chỉ Chủ tịch hoặc Thư ký Hội đồng được xác nhận kết quả." in html_of(response)

        client.force_login(chair)
        response = client.post(reverse("council_confirm", args=[session.pk]), follow=True)
        assert "Đã xác nhận kết quả biểu quyết." in text_of(response)
        session.refresh_from_db()
        assert session.state == SessionState.RESULTS_CONFIRMED
        assert "Ký biên bản" in html_of(response)

    def test_reopening_before_confirmation(self, client, council, secretary, members, waiting):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        vote_all(session, members[:13])
        svc.close_voting(actor=secretary, session=session)
        client.force_login(secretary)
        response = client.post(reverse("council_open_voting", args=[session.pk]), follow=True)
        assert "Đã mở lại bỏ phiếu." in text_of(response)
        session.refresh_from_db()
        assert session.state == SessionState.VOTING_OPEN

    def test_chair_signs_and_corrections_follow(self, client, council, secretary, chair, members, waiting):
        pytest.importorskip("dossiers.documents.numbering", reason="the numbering register is not in the core yet")
        session = open_session(council, secretary, waiting[:1], members, present=13)
        vote_all(session, members[:13])
        svc.close_voting(actor=secretary, session=session)
        svc.confirm_results(actor=chair, session=session)
        client.force_login(secretary)
        assert "Ký biên bản" not in html_of(client.get(reverse("council_session", args=[session.pk])))
        client.force_login(chair)
        response = client.post(reverse("council_finalise", args=[session.pk]),
                               {"minutes_date": "05/03/2026", "end_time": "11:30"}, follow=True)
        session.refresh_from_db()
        assert session.state == SessionState.FINALISED
        assert session.minutes_date == datetime.date(2026, 3, 5) and session.end_time == datetime.time(11, 30)
        text = text_of(response)
        assert f"Đã ký biên bản số {session.minutes_number}." in text
        assert f"Số {session.minutes_number}, ngày 05/03/2026" in text
        assert "bản dự thảo" not in text

        client.force_login(secretary)
        response = client.post(reverse("council_correct", args=[session.pk]), {"note": "", "place": "Phòng họp 5"})
        assert response.status_code == 400
        html = html_of(response)
        assert "Hãy ghi nội dung đính chính." in html and 'value="Phòng họp 5"' in html
        response = client.post(reverse("council_correct", args=[session.pk]),
                               {"note": "Sửa địa điểm họp cho đúng thực tế.", "place": "Phòng họp số 5"}, follow=True)
        assert "Đã ghi đính chính biên bản." in text_of(response)
        assert "Sửa địa điểm họp cho đúng thực tế." in html_of(response)
        session.refresh_from_db()
        assert session.place == "Phòng họp số 5"

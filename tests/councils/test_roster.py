"""Agenda order and filters, the roster frozen when voting opens, the default secretary."""

from __future__ import annotations

import datetime

import pytest

from councils.minutes import minutes_context
from councils.models import CouncilMembership, MemberRole, SessionMember, WrittenOpinion
from councils.selectors import council_pool
from councils.services import sessions as svc
from councils.services import voting
from dossiers.models import AuditEvent
from tests.api.helpers import url
from tests.councils.conftest import SESSION_DAY, make_session, open_session
from tests.factories import (
    DossierFactory,
    NominationFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    award,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


class TestAgendaOrder:
    def test_nominees_of_one_award_and_unit_in_vietnamese_name_order(self, province, council, secretary, members):
        unit = UnitFactory(province=province, name="Sở Giáo dục và Đào tạo")
        dossier = DossierFactory(unit=unit, state="awaiting_council", year=2025)
        names = ["Trần Minh Đức", "Lê Thị Em", "Hoàng Văn Ánh", "Trần Văn An", "Nguyễn Văn Dũng", "Phạm Thị Anh",
                 "Lê Thị An"]
        nominations = [NominationFactory(dossier=dossier, award_type=award("CSTD_TINH"), outcome="eligible",
                                         person=PersonFactory(unit=unit, full_name=name)) for name in names]
        session = make_session(council, secretary, nominations)
        order = [i.nomination.subject_name for i in session.items.order_by("position")]
        # given name first (An < Anh < Ánh < Dũng < Đức < Em: đ after d, tones after the bare letter),
        # then family name (Lê before Trần); a code-point sort would put Đức after Em
        assert order == ["Lê Thị An", "Trần Văn An", "Phạm Thị Anh", "Hoàng Văn Ánh", "Nguyễn Văn Dũng",
                         "Trần Minh Đức", "Lê Thị Em"]
        assert sorted(names) != order


class TestPoolFilters:
    @pytest.fixture
    def kinds(self, province):
        unit = UnitFactory(province=province, name="Sở Văn hóa")
        regular = DossierFactory(unit=unit, state="awaiting_council", year=2025, kind="regular")
        thematic = DossierFactory(unit=unit, state="awaiting_council", year=2025, kind="thematic")
        return {
            "regular": NominationFactory(dossier=regular, award_type=award("CSTD_TINH"), outcome="eligible",
                                         person=PersonFactory(unit=unit, full_name="Lò Văn Thường")),
            "thematic": NominationFactory(dossier=thematic, award_type=award("CSTD_TINH"), outcome="eligible",
                                          person=PersonFactory(unit=unit, full_name="Lò Thị Chuyên")),
        }

    def test_kind_filter(self, province, kinds):
        assert list(council_pool(province=province, kind="thematic")) == [kinds["thematic"]]
        assert list(council_pool(province=province, kind="regular")) == [kinds["regular"]]
        assert set(council_pool(province=province)) == set(kinds.values())

    def test_kind_filter_through_the_api(self, council, secretary, kinds):
        from rest_framework.test import APIClient

        session = svc.create_session(actor=secretary, council=council, title="Phiên chuyên đề", date=SESSION_DAY,
                                     place="Phòng họp số 2", kind="thematic")
        client = APIClient()
        client.force_authenticate(secretary)
        response = client.get(url(f"council-sessions/{session.pk}/pool/"), {"kind": "thematic"})
        assert [row["id"] for row in response.json()["results"]] == [kinds["thematic"].pk]
        response = client.get(url(f"council-sessions/{session.pk}/pool/"), {"kind": "không-có"})
        assert response.status_code == 400


def term(council, office, username, *, role=MemberRole.MEMBER, **dates):
    user = UserFactory(unit=office, roles=["council_member"], username=username, last_name="Quàng",
                       first_name=f"Văn {username}")
    return user, CouncilMembership.objects.create(council=council, user=user, role=role,
                                                  starts_on=dates.get("starts_on", SESSION_DAY.replace(day=1)),
                                                  ends_on=dates.get("ends_on"), position="Ủy viên")


class TestRosterFreeze:
    def test_terms_count_until_voting_opens_then_the_roster_is_frozen(self, council, office, secretary, members,
                                                                      waiting):
        session = make_session(council, secretary, waiting[:1])
        svc.publish_agenda(actor=secretary, session=session)
        svc.start_session(actor=secretary, session=session)
        svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members[:14]])
        leaving = members[14]
        absent = session.members.get(user=leaving)
        voting.enter_written_opinion(actor=secretary, session=session, member=absent,
                                     choices={str(session.items.get().pk): "agree"}, scan=pdf_upload())
        # after the session opened, before the vote: a new term starts, one ends before the session date
        newcomer, _membership = term(council, office, "moi")
        CouncilMembership.objects.filter(user=leaving).update(ends_on=SESSION_DAY - datetime.timedelta(days=1))
        kept = {m.user_id: m.pk for m in session.members.all()}
        svc.open_voting(actor=secretary, session=session)
        roster = {m.user_id: m for m in session.members.all()}
        assert newcomer.pk in roster and not roster[newcomer.pk].present
        assert leaving.pk not in roster and not WrittenOpinion.objects.filter(session=session).exists()
        assert all(roster[u.pk].pk == kept[u.pk] and roster[u.pk].present for u in members[:14])   # rows kept
        event = AuditEvent.objects.get(action="session.voting_opened")
        assert event.after["roster"] == {"joined": [roster[newcomer.pk].name], "left": [absent.name]}
        assert (event.after["members"], event.after["present"]) == (15, 14)

        # once voting is open, nothing about the terms changes the roster, not even re-opening the vote
        frozen = sorted(session.members.values_list("user_id", "role", "votes", "present"))
        later, _later_term = term(council, office, "muon")
        CouncilMembership.objects.filter(user=members[3]).update(ends_on=SESSION_DAY - datetime.timedelta(days=1))
        CouncilMembership.objects.filter(user=members[4]).update(role=MemberRole.VICE_CHAIR, votes=False)
        svc.close_voting(actor=secretary, session=session)
        svc.reopen_voting(actor=secretary, session=session)
        svc.close_voting(actor=secretary, session=session)
        session.refresh_from_db()
        assert session.roster_frozen
        assert sorted(session.members.values_list("user_id", "role", "votes", "present")) == frozen
        assert not SessionMember.objects.filter(session=session, user=later).exists()

    def test_the_quorum_at_opening_counts_a_member_who_joined_late(self, council, office, secretary, members,
                                                                    waiting):
        session = make_session(council, secretary, waiting[:1])
        svc.publish_agenda(actor=secretary, session=session)
        svc.start_session(actor=secretary, session=session)
        svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members[:12]])
        for name in ("moi1", "moi2"):   # 12 of 17 is 70.6%: under 80%
            term(council, office, name)
        from dossiers.exceptions import DomainError

        with pytest.raises(DomainError, match="có mặt 12/17, cần ít nhất 14"):
            svc.open_voting(actor=secretary, session=session)


class TestDefaultSecretary:
    def test_the_secretary_s_term_signs_the_minutes(self, council, secretary, members, waiting):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        assert minutes_context(session)["secretary"]["name"] == "Đỗ Thị Thu Trang"

    def test_without_a_secretary_term_the_session_creator_signs(self, council, secretary, members, waiting):
        CouncilMembership.objects.filter(user=secretary).update(role=MemberRole.MEMBER)
        secretary.position = "Trưởng ban Thi đua - Khen thưởng"
        secretary.save(update_fields=["position"])
        session = open_session(council, secretary, waiting[:1], members, present=13)
        context = minutes_context(session)
        assert context["secretary"] == {"name": "Đỗ Thị Thu Trang", "position": "Trưởng ban Thi đua - Khen thưởng"}
        assert context["secretary_signature"]["name"] == "Đỗ Thị Thu Trang"

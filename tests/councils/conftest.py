"""A council of 15 voting members, its secretary and chair, and nominations waiting for it."""

from __future__ import annotations

import datetime

import pytest

from councils.models import Council, CouncilMembership, MemberRole
from councils.services import sessions as svc
from tests.factories import (
    CollectiveFactory,
    DossierFactory,
    NominationFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    award,
)

SESSION_DAY = datetime.date(2026, 3, 5)


@pytest.fixture
def office(province):
    return UnitFactory(province=province, name="Văn phòng UBND tỉnh")


@pytest.fixture
def council(province):
    return Council.objects.create(province=province)


@pytest.fixture
def chair(council, office):
    user = UserFactory(unit=office, roles=["council_chair", "council_member"], username="chutich",
                       last_name="Nguyễn", first_name="Văn Hòa")
    CouncilMembership.objects.create(council=council, user=user, role=MemberRole.CHAIR, starts_on=SESSION_DAY.replace(day=1),
                                     position="Chủ tịch UBND tỉnh")
    return user


@pytest.fixture
def secretary(council, ha_unit):
    user = UserFactory(unit=ha_unit, roles=["council_secretary", "council_member"], username="thuky",
                       last_name="Đỗ", first_name="Thị Thu Trang")
    CouncilMembership.objects.create(council=council, user=user, role=MemberRole.SECRETARY,
                                     starts_on=SESSION_DAY.replace(day=1), position="Trưởng ban TĐKT")
    return user


@pytest.fixture
def members(council, office, chair, secretary):
    """15 voting members in all: the chair, the secretary and 13 others."""
    others = []
    for index in range(13):
        user = UserFactory(unit=office, roles=["council_member"], username=f"uyvien{index}",
                           last_name="Lò", first_name=f"Văn Thành {index}")
        CouncilMembership.objects.create(council=council, user=user, role=MemberRole.MEMBER,
                                         starts_on=SESSION_DAY.replace(day=1), position="Ủy viên")
        others.append(user)
    return [chair, secretary, *others]


@pytest.fixture
def waiting(province):
    """Nominations waiting for the council, in two dossiers of two units."""
    finance = UnitFactory(province=province, name="Sở Tài chính")
    press = UnitFactory(province=province, name="Báo Lai Châu")
    first = DossierFactory(unit=finance, state="awaiting_council", year=2025)
    second = DossierFactory(unit=press, state="awaiting_council", year=2025)
    return [
        NominationFactory(dossier=first, award_type=award("CSTD_TINH"), outcome="eligible",
                          person=PersonFactory(unit=finance, full_name="Nguyễn Thị Thu Hà")),
        NominationFactory(dossier=first, award_type=award("HC_LD3_CN"), outcome="eligible",
                          person=PersonFactory(unit=finance, full_name="Đặng Văn Tùng")),
        NominationFactory(dossier=second, award_type=award("CSTD_TINH"), outcome="eligible",
                          person=PersonFactory(unit=press, full_name="Hoàng Thị Thanh Huyền")),
        NominationFactory(dossier=second, award_type=award("CO_TINH"), outcome="eligible", person=None,
                          collective=CollectiveFactory(unit=press, name="Ban Thời sự")),
    ]


def make_session(council, secretary, nominations, *, mode="electronic", secret=True, allow_change=True):
    session = svc.create_session(actor=secretary, council=council, title="Phiên họp thứ nhất năm 2026",
                                 date=SESSION_DAY, place="Phòng họp số 1, UBND tỉnh", mode=mode, secret=secret,
                                 allow_ballot_change=allow_change)
    svc.add_items(actor=secretary, session=session, nominations=nominations)
    return session


def open_session(council, secretary, nominations, members, *, present=None, **kwargs):
    """A session with its agenda published, attendance taken and voting open."""
    session = make_session(council, secretary, nominations, **kwargs)
    svc.publish_agenda(actor=secretary, session=session)
    svc.start_session(actor=secretary, session=session)
    attending = members if present is None else members[:present]
    svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in attending])
    svc.open_voting(actor=secretary, session=session)
    session.refresh_from_db()
    return session

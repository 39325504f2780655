"""Fixtures for the official documents: a province with its Home Affairs, a Chairman, a Vice-Chairman, and
nominations waiting for a decision."""

from __future__ import annotations

import datetime

import pytest

from dossiers.services import decisions as decision_services
from tests.factories import DossierFactory, NominationFactory, PersonFactory, UnitFactory, UserFactory, award

DAY = datetime.date(2024, 3, 5)
SUBMISSION_DAY = datetime.date(2024, 3, 1)


@pytest.fixture
def home_affairs(province, ha_unit):
    ha_unit.short_name = "SNV"
    ha_unit.save()
    province.home_affairs_unit = ha_unit
    province.save()
    return ha_unit


@pytest.fixture
def lead(home_affairs):
    return UserFactory(unit=home_affairs, roles=["ha_lead"], username="giamdoc", last_name="Nguyễn",
                       first_name="Đức Thịnh", position="Giám đốc Sở Nội vụ")


@pytest.fixture
def office(province):
    return UnitFactory(province=province, name="Văn phòng UBND tỉnh")


@pytest.fixture
def chairman(office):
    return UserFactory(unit=office, roles=["signer"], username="chutich", last_name="Lê", first_name="Văn Lương")


@pytest.fixture
def vice_chairman(office):
    return UserFactory(unit=office, roles=["signer"], username="phochutich", last_name="Tống",
                       first_name="Thanh Hải", signer_capacity="vice_chairman")


@pytest.fixture
def finance(province):
    return UnitFactory(province=province, name="Sở Tài chính")


@pytest.fixture
def ready(province, finance, home_affairs):
    """Waiting for the decision: a provincial title passed by the council, two certificates (an individual and a
    collective) needing no vote, and an order passed by the council (for the President: forwarded)."""
    from tests.factories import CollectiveFactory

    dossier = DossierFactory(unit=finance, state="awaiting_decision", year=2023)
    return [
        NominationFactory(dossier=dossier, award_type=award("CSTD_TINH", "ND98_2023"), outcome="council_passed",
                          person=PersonFactory(unit=finance, full_name="Nguyễn Thị Thu Hà", gender="female",
                                               position="Trưởng phòng Quản lý ngân sách")),
        NominationFactory(dossier=dossier, award_type=award("BK_TINH_CN", "ND98_2023"), outcome="eligible",
                          person=PersonFactory(unit=finance, full_name="Lê Văn Minh", position="Chuyên viên")),
        NominationFactory(dossier=dossier, award_type=award("BK_TINH_TT", "ND98_2023"), outcome="eligible",
                          person=None, collective=CollectiveFactory(unit=finance, name="Phòng Tài chính doanh nghiệp")),
        NominationFactory(dossier=dossier, award_type=award("HC_LD3_CN", "ND98_2023"), outcome="council_passed",
                          person=PersonFactory(unit=finance, full_name="Đặng Văn Tùng", position="Phó Giám đốc")),
    ]


def make_decision(*, province, ha_specialist, lead, nominations, title="Về việc khen thưởng thành tích năm 2023"):
    return decision_services.create_decision(actor=ha_specialist, province=province, title=title,
                                             nominations=nominations)


def sign(decision, *, lead, signer, capacity=None, day=DAY):
    decision_services.check_decision(actor=lead, decision=decision, submission_date=SUBMISSION_DAY)
    return decision_services.sign_decision(actor=signer, decision=decision, capacity=capacity, decision_date=day)


@pytest.fixture
def draft(province, ha_specialist, lead, ready):
    return make_decision(province=province, ha_specialist=ha_specialist, lead=lead, nominations=ready)


@pytest.fixture
def signed_decision(draft, lead, chairman):
    return sign(draft, lead=lead, signer=chairman)


@pytest.fixture
def liaison(home_affairs):
    return UserFactory(unit=home_affairs, roles=["central_liaison"], username="lienhe")


@pytest.fixture
def finance_clerk(finance):
    return UserFactory(unit=finance, roles=["unit_clerk"], username="canbo_taichinh")


@pytest.fixture
def central_submission(signed_decision, province, ha_specialist, chairman):
    from dossiers.models import Nomination
    from dossiers.services import central as central_services

    forwarded = Nomination.objects.filter(outcome="forwarded")
    submission = central_services.create_submission(
        actor=ha_specialist, province=province, title="Về việc đề nghị tặng Huân chương Lao động",
        nominations=list(forwarded))
    return central_services.sign_submission(actor=chairman, submission=submission, signed_on=DAY)

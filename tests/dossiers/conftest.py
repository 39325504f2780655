"""Fixtures for the decision stage: the HA lead, the Chairman, nominations ready for a decision."""

from __future__ import annotations

import pytest

from tests.factories import DossierFactory, NominationFactory, PersonFactory, UnitFactory, UserFactory, award


@pytest.fixture
def lead(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao")


@pytest.fixture
def office(province):
    return UnitFactory(province=province, name="Văn phòng UBND tỉnh")


@pytest.fixture
def chairman(office):
    return UserFactory(unit=office, roles=["signer"], username="chutich", last_name="Lê", first_name="Văn Lương")


@pytest.fixture
def ready(province):
    """A dossier waiting for the decision: a provincial title passed by the council, a certificate needing no
    vote, and an order passed by the council (for the President: forwarded)."""
    unit = UnitFactory(province=province, name="Sở Tài chính")
    dossier = DossierFactory(unit=unit, state="awaiting_decision", year=2025)
    return [
        NominationFactory(dossier=dossier, award_type=award("CSTD_TINH"), outcome="council_passed",
                          person=PersonFactory(unit=unit, full_name="Nguyễn Thị Thu Hà")),
        NominationFactory(dossier=dossier, award_type=award("BK_TINH_CN"), outcome="eligible",
                          person=PersonFactory(unit=unit, full_name="Lê Văn Minh")),
        NominationFactory(dossier=dossier, award_type=award("HC_LD3_CN"), outcome="council_passed",
                          person=PersonFactory(unit=unit, full_name="Đặng Văn Tùng")),
    ]

"""Decision numbers as the register gives them: per province, from 01 on 1 January (local time), never twice."""

from __future__ import annotations

import datetime
import threading
import zoneinfo

import pytest
import time_machine
from django.db import connection, connections

from dossiers.models import Decision, DocumentNumber
from dossiers.services import decisions as svc
from tests.factories import (
    DossierFactory,
    NominationFactory,
    PersonFactory,
    ProvinceFactory,
    UnitFactory,
    UserFactory,
    award,
)

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def province_with_people(code: str, name: str, place: str, count: int):
    """A province with its HA specialist and lead, its Chairman, and ``count`` nominations ready for a decision."""
    province = ProvinceFactory(code=code, name=name, place_name=place)
    ha = UnitFactory(province=province, name=f"Sở Nội vụ {place}")
    office = UnitFactory(province=province, name=f"Văn phòng UBND {place}")
    unit = UnitFactory(province=province, name=f"Sở Tài chính {place}")
    users = {
        "specialist": UserFactory(unit=ha, roles=["ha_specialist"], username=f"cv_{code}"),
        "lead": UserFactory(unit=ha, roles=["ha_lead"], username=f"ld_{code}"),
        "chairman": UserFactory(unit=office, roles=["signer"], username=f"ct_{code}"),
    }
    dossier = DossierFactory(unit=unit, state="awaiting_decision", year=2025)
    ready = [NominationFactory(dossier=dossier, award_type=award("BK_TINH_CN"), outcome="eligible",
                               person=PersonFactory(unit=unit, full_name=f"Người {i}"))
             for i in range(count)]
    return province, users, ready


def checked(province, users, nominations, day):
    decision = svc.create_decision(actor=users["specialist"], province=province, title="Về việc tặng Bằng khen",
                                   nominations=nominations)
    return svc.check_decision(actor=users["lead"], decision=decision, submission_date=day)


@pytest.mark.django_db
def test_each_province_numbers_its_own_decisions_from_01():
    day = datetime.date(2026, 3, 5)
    lch, lch_users, lch_ready = province_with_people("LCH", "Tỉnh Lai Châu", "Lai Châu", 2)
    dbn, dbn_users, dbn_ready = province_with_people("DBN", "Tỉnh Điện Biên", "Điện Biên", 1)
    first = svc.sign_decision(actor=lch_users["chairman"], decision=checked(lch, lch_users, lch_ready[:1], day),
                              decision_date=day)
    other = svc.sign_decision(actor=dbn_users["chairman"], decision=checked(dbn, dbn_users, dbn_ready, day),
                              decision_date=day)
    second = svc.sign_decision(actor=lch_users["chairman"], decision=checked(lch, lch_users, lch_ready[1:], day),
                               decision_date=day)
    assert (first.number, second.number) == ("01/QĐ-UBND", "02/QĐ-UBND")
    assert other.number == "01/QĐ-UBND"
    assert (first.submission_number, other.submission_number, second.submission_number) == (
        "01/TTr-SNV", "01/TTr-SNV", "02/TTr-SNV")
    assert set(DocumentNumber.objects.filter(type_code="QĐ").values_list("scope", "number")) == {
        ("LCH", 1), ("LCH", 2), ("DBN", 1)}


@pytest.mark.django_db
def test_numbering_restarts_at_01_on_1_january_in_vietnamese_time():
    province, users, ready = province_with_people("LCH", "Tỉnh Lai Châu", "Lai Châu", 3)
    # 31/12/2025 at 23:50 in Hà Nội (16:50 UTC): still 2025's register
    with time_machine.travel(datetime.datetime(2025, 12, 31, 23, 50, tzinfo=HANOI), tick=False):
        old_year = svc.sign_decision(actor=users["chairman"], decision=checked(province, users, ready[:1], None))
    # 1/1/2026 at 00:05 in Hà Nội is still 31/12/2025 in UTC (17:05): the date is Vietnamese, the register 2026's
    with time_machine.travel(datetime.datetime(2026, 1, 1, 0, 5, tzinfo=HANOI), tick=False):
        new_year = svc.sign_decision(actor=users["chairman"], decision=checked(province, users, ready[1:2], None))
        following = svc.sign_decision(actor=users["chairman"], decision=checked(province, users, ready[2:], None))
    assert (old_year.decision_date, old_year.number) == (datetime.date(2025, 12, 31), "01/QĐ-UBND")
    assert (new_year.decision_date, new_year.number) == (datetime.date(2026, 1, 1), "01/QĐ-UBND")
    assert following.number == "02/QĐ-UBND"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_signatures_never_share_a_number():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises whole transactions, so the race cannot be shown")
    day = datetime.date(2026, 3, 5)
    workers = 8
    province, users, ready = province_with_people("LCH", "Tỉnh Lai Châu", "Lai Châu", workers)
    decisions = [checked(province, users, [nomination], day) for nomination in ready]
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def sign(decision):
        try:
            barrier.wait(timeout=30)
            svc.sign_decision(actor=users["chairman"], decision=decision, decision_date=day)
        except BaseException as error:  # reported in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(decision,)) for decision in decisions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    numbers = sorted(Decision.objects.filter(state="signed").values_list("number", flat=True))
    assert numbers == [f"{n:02d}/QĐ-UBND" for n in range(1, workers + 1)]

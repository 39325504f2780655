"""The engine on batches: regulation by date, initiatives used once, constant queries."""

from __future__ import annotations

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.eligibility.evaluator import evaluate
from dossiers.models import (
    AnnualRating,
    AwardRecord,
    Collective,
    Criterion,
    DisciplineRecord,
    Dossier,
    Initiative,
    Nomination,
    Person,
    Regulation,
)
from tests.dossiers.test_eligibility_rules import TODAY, initiative, judge, nominate, rate, roots, title
from tests.factories import DossierFactory, PersonFactory, UnitFactory, UserFactory, award

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- regulation by submission date

def _submitted(on: datetime.date, year=2025) -> Dossier:
    dossier = DossierFactory(year=year)
    regulation = Regulation.objects.in_force_on(on)
    Dossier.objects.filter(pk=dossier.pk).update(
        state="submitted", regulation=regulation,
        submitted_at=datetime.datetime.combine(on, datetime.time(9), tzinfo=datetime.UTC))
    dossier.refresh_from_db()
    return dossier


def test_the_regulation_in_force_on_the_submission_date_decides():
    # The newer decree is given a different figure, as an administrator would enter it.
    Criterion.objects.filter(award_type=award("CSTD_TINH", "ND152_2025"), key="consecutive_titles").update(
        params={"award_codes": ["CSTD_CS"], "count": 2})
    person = PersonFactory()
    rate(person, y2023="httnv")
    title(person, "CSTD_CS", 2024, "20/QĐ-STC")
    title(person, "CSTD_CS", 2025, "21/QĐ-STC")
    initiative(person, 2025, "Số hóa hồ sơ thi đua", level="province")

    old = _submitted(datetime.date(2025, 6, 20))
    new = _submitted(datetime.date(2025, 8, 15))
    assert (old.regulation.code, new.regulation.code) == ("ND98_2023", "ND152_2025")
    under_old = Nomination.objects.create(dossier=old, person=person, achievement_summary="x",
                                          award_type=old.regulation.award_types.get(code="CSTD_TINH"))
    under_new = Nomination.objects.create(dossier=new, person=person, achievement_summary="x",
                                          award_type=new.regulation.award_types.get(code="CSTD_TINH"))
    # Separate evaluations: within one, the single initiative could count only once.
    verdict_old, verdict_new = judge(under_old), judge(under_new)
    assert verdict_old.regulation.code == "ND98_2023"
    assert verdict_new.regulation.code == "ND152_2025"
    assert roots(verdict_old)[1] == (
        "consecutive_titles", "fail",
        "Chỉ đạt Chiến sĩ thi đua cơ sở các năm 2024, 2025; năm 2023 không đạt, chưa đủ 3 năm liên tục.")
    assert roots(verdict_new)[1] == (
        "consecutive_titles", "pass",
        "Đạt Chiến sĩ thi đua cơ sở 2 năm liên tục 2024, 2025 (QĐ 20/QĐ-STC, 21/QĐ-STC).")
    assert (verdict_old.result, verdict_new.result) == ("fail", "pass")


# ---------------------------------------------------------------- an initiative is used once

def test_two_nominations_cannot_both_count_one_initiative():
    person = PersonFactory()
    for year in (2024, 2025, 2026):
        title(person, "CSTD_CS", year)
    only = initiative(person, 2025, "Số hóa hồ sơ thi đua", level="province")
    first = nominate("CSTD_TINH", person)
    second = nominate("CSTD_TINH", person)
    verdicts = evaluate([second, first], today=TODAY)
    assert list(verdicts) == [first.pk, second.pk]
    assert verdicts[first.pk].result == "pass"
    assert verdicts[first.pk].initiative_ids == (only.pk,)
    assert verdicts[second.pk].result == "fail"
    assert roots(verdicts[second.pk])[2] == (
        "initiative_at_level", "fail",
        "Không có sáng kiến nào có phạm vi ảnh hưởng từ cấp tỉnh trở lên được công nhận trong giai đoạn 2024-2026 "
        "mà chưa dùng để khen thưởng; không tính: “Số hóa hồ sơ thi đua” (năm 2025) đã được tính cho đề nghị "
        f"Chiến sĩ thi đua cấp tỉnh của hồ sơ {first.dossier.reference} trong cùng lần kiểm tra.")
    # Evaluated alone, each would pass: the rule is about one evaluation.
    assert judge(second).result == "pass"


def test_an_alternative_without_initiatives_spends_none():
    person = PersonFactory()
    for year in (2024, 2025, 2026):
        title(person, "CSTD_CS", year)
    rate(person, y2025="htxsnv", y2026="htxsnv")
    provincial = initiative(person, 2025, "Số hóa hồ sơ thi đua", level="province")
    initiative(person, 2026, "Biểu mẫu điện tử")
    certificate = nominate("BK_TINH_CN", person)  # passes on two CSTĐ cơ sở: needs no initiative
    fighter = nominate("CSTD_TINH", person)
    verdicts = evaluate(Nomination.objects.filter(pk__in=[certificate.pk, fighter.pk]), today=TODAY)
    assert verdicts[certificate.pk].result == "pass"
    assert verdicts[certificate.pk].initiative_ids == ()
    assert verdicts[fighter.pk].result == "pass"
    assert verdicts[fighter.pk].initiative_ids == (provincial.pk,)


def test_a_failed_nomination_keeps_no_initiative():
    person = PersonFactory()
    title(person, "CSTD_CS", 2026)  # not three years: the first nomination fails
    rate(person, y2024="httnv", y2025="htxsnv", y2026="htxsnv")
    provincial = initiative(person, 2025, "Số hóa hồ sơ thi đua", level="province")
    unit_level = initiative(person, 2026, "Biểu mẫu điện tử")
    fighter = nominate("CSTD_TINH", person)
    certificate = nominate("BK_TINH_CN", person)  # HTXSNV twice and two initiatives
    verdicts = evaluate([fighter, certificate], today=TODAY)
    assert verdicts[fighter.pk].result == "fail"
    assert verdicts[fighter.pk].initiative_ids == ()
    assert verdicts[certificate.pk].result == "pass"
    assert verdicts[certificate.pk].initiative_ids == (provincial.pk, unit_level.pk)


def test_the_lowest_level_is_spent_first():
    person = PersonFactory()
    rate(person, y2026="httnv")
    title(person, "LDTT", 2026)
    national = initiative(person, 2026, "Phần mềm quản lý thi đua", level="national")
    unit_level = initiative(person, 2026, "Biểu mẫu điện tử")
    verdict = judge(nominate("CSTD_CS", person))
    assert verdict.result == "pass"
    assert verdict.initiative_ids == (unit_level.pk,)
    assert national.pk not in verdict.initiative_ids


# ---------------------------------------------------------------- set-based: constant queries

def _population(count: int, *, unit=None, year=2026) -> list[int]:
    """``count`` nominations with history, built in bulk: individuals for four awards, and collectives."""
    unit = unit or UnitFactory()
    clerk = UserFactory(unit=unit)
    awards = [award(code) for code in ("CSTD_TINH", "BK_TINH_CN", "BK_TTG_CN", "LDTT")]
    team_award = award("TTLDXS")
    dossiers = Dossier.objects.bulk_create(
        Dossier(unit=unit, kind="regular", year=year, title=f"Đợt {i}", created_by=clerk, state="under_review")
        for i in range(max(1, count // 100)))
    collectives = Collective.objects.bulk_create(
        Collective(unit=unit, name=f"Phòng {i}") for i in range(max(1, count // 10)))
    people = Person.objects.bulk_create(
        Person(unit=unit, full_name=f"Người thứ {i}", collective=collectives[i % len(collectives)])
        for i in range(count))
    ratings, records, initiatives, disciplines = [], [], [], []
    for i, person in enumerate(people):
        for y in range(year - 4, year + 1):
            ratings.append(AnnualRating(person=person, year=y, rating="htxsnv" if (i + y) % 3 == 0 else "httnv"))
            if (i + y) % 4:
                records.append(AwardRecord(person=person, award_code="CSTD_CS", award_name="CSTĐ cơ sở", year=y,
                                           decision_number=f"{y}/QĐ"))
            records.append(AwardRecord(person=person, award_code="LDTT", award_name="LĐTT", year=y))
        if i % 2:
            records.append(AwardRecord(person=person, award_code="BK_TINH_CN", award_name="BK", year=year - 6))
        if i % 3:
            initiatives.append(Initiative(person=person, title=f"Sáng kiến {i}", year=year - 1,
                                          level=("unit", "province", "national")[i % 3]))
        if i % 50 == 0:
            disciplines.append(DisciplineRecord(person=person, kind="discipline",
                                                started_on=datetime.date(year - 3, 1, 1),
                                                ended_on=datetime.date(year - 3, 6, 30)))
    for collective in collectives:
        ratings.append(AnnualRating(collective=collective, year=year, rating="htxsnv"))
    AnnualRating.objects.bulk_create(ratings, batch_size=5000)
    AwardRecord.objects.bulk_create(records, batch_size=5000)
    Initiative.objects.bulk_create(initiatives, batch_size=5000)
    DisciplineRecord.objects.bulk_create(disciplines, batch_size=5000)
    nominations = [
        Nomination(dossier=dossiers[i % len(dossiers)], person=person, award_type=awards[i % len(awards)],
                   achievement_summary="x")
        for i, person in enumerate(people[: count - len(collectives)])
    ]
    nominations += [Nomination(dossier=dossiers[i % len(dossiers)], collective=collective, award_type=team_award,
                               achievement_summary="x") for i, collective in enumerate(collectives)]
    created = Nomination.objects.bulk_create(nominations, batch_size=5000)
    return [n.pk for n in created]


def _count_queries(nominations) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        verdicts = evaluate(nominations, today=TODAY)
    return len(queries), verdicts


def _timed(nominations) -> tuple[int, dict, float]:
    started = time.perf_counter()
    count, verdicts = _count_queries(nominations)
    return count, verdicts, time.perf_counter() - started


def test_queries_do_not_grow_with_the_batch():
    small = _population(10)
    large = _population(200)
    small_count, small_verdicts, small_time = _timed(Nomination.objects.filter(pk__in=small))
    large_count, large_verdicts, large_time = _timed(Nomination.objects.filter(pk__in=large))
    assert len(small_verdicts) == 10 and len(large_verdicts) == 200
    assert small_count == large_count <= 10
    # Given as lists of instances, too.
    listed_small, _ = _count_queries(list(Nomination.objects.filter(pk__in=small)))
    listed_large, _ = _count_queries(list(Nomination.objects.filter(pk__in=large)))
    assert listed_small == listed_large == small_count
    assert {v.result for v in large_verdicts.values()} == {"pass", "fail"}
    print(f"\n10 nominations: {small_count} queries, {small_time:.3f} s; "
          f"200 nominations: {large_count} queries, {large_time:.3f} s ({connection.vendor})")


def test_ten_thousand_nominations_stay_well_under_fifty_queries():
    """The slow one (a few seconds): 10,000 nominations with five years of history each."""
    ids = _population(10_000)
    count, verdicts, elapsed = _timed(Nomination.objects.filter(pk__in=ids))
    assert len(verdicts) == 10_000
    assert count < 50
    assert count <= 10
    results = {v.result for v in verdicts.values()}
    assert results == {"pass", "fail"}
    print(f"\n10,000 nominations: {count} queries, {elapsed:.2f} s ({connection.vendor})")

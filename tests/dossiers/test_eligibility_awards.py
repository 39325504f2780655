"""The seeded awards not covered in ``test_eligibility_rules``: a passing and a failing history each.

Every criterion of the verdict tree is compared with its full Vietnamese
explanation (the whole list, in order), as the unit and Home Affairs read it.
Also: the ministry-level certificate of merit (BK_BO_*) counts as the earlier
certificate for the Prime Minister's, and is never proposed through the province.
"""

from __future__ import annotations

import pytest

from dossiers.models import AwardType
from tests.dossiers.test_eligibility_rules import clean, judge, leaves, nominate, rate, title
from tests.factories import CollectiveFactory, PersonFactory

pytestmark = pytest.mark.django_db

FIVE_YEARS = "giai đoạn 2022-2026"


@pytest.fixture
def team():
    return CollectiveFactory(name="Phòng Kế hoạch - Tài chính")


# ---------------------------------------------------------------- Cờ thi đua của Chính phủ

class TestCoThiDuaChinhPhu:
    def test_pass(self, team):
        title(team, "CO_TINH", 2026, "40/QĐ-UBND")
        title(team, "TTLDXS", 2025, "30/QĐ-UBND")
        title(team, "TTLDXS", 2026, "31/QĐ-UBND")
        verdict = judge(nominate("CO_CP", team))
        assert verdict.result == "pass"
        assert leaves(verdict) == [
            clean("giai đoạn 2025-2026"),
            ("consecutive_titles", "pass",
             "Đạt Cờ thi đua của Ủy ban nhân dân tỉnh 1 năm liên tục 2026 (QĐ 40/QĐ-UBND)."),
            ("consecutive_titles", "pass",
             "Đạt Tập thể lao động xuất sắc 2 năm liên tục 2025, 2026 (QĐ 30/QĐ-UBND, 31/QĐ-UBND)."),
        ]

    def test_fail(self, team):
        rate(team, y2025="httnv", y2026="htxsnv")
        title(team, "TTLDXS", 2026, "31/QĐ-UBND")
        verdict = judge(nominate("CO_CP", team))
        assert verdict.result == "fail"
        assert leaves(verdict) == [
            clean("giai đoạn 2025-2026"),
            ("consecutive_titles", "fail",
             "Không đạt Cờ thi đua của Ủy ban nhân dân tỉnh năm 2026, chưa đủ 1 năm liên tục."),
            ("consecutive_titles", "fail",
             "Chỉ đạt Tập thể lao động xuất sắc năm 2026; năm 2025 không đạt, chưa đủ 2 năm liên tục."),
        ]


# ---------------------------------------------------------------- Cờ thi đua của UBND tỉnh

class TestCoThiDuaTinh:
    def test_pass(self, team):
        title(team, "TTLDXS", 2026, "31/QĐ-UBND")
        verdict = judge(nominate("CO_TINH", team))
        assert verdict.result == "pass"
        assert leaves(verdict) == [
            clean(),
            ("consecutive_titles", "pass", "Đạt Tập thể lao động xuất sắc 1 năm liên tục 2026 (QĐ 31/QĐ-UBND)."),
        ]

    def test_fail(self, team):
        rate(team, y2026="htxsnv")
        verdict = judge(nominate("CO_TINH", team))
        assert verdict.result == "fail"
        assert leaves(verdict) == [
            clean(),
            ("consecutive_titles", "fail",
             "Không đạt Tập thể lao động xuất sắc năm 2026, chưa đủ 1 năm liên tục."),
        ]


# ---------------------------------------------------------------- Tập thể lao động tiên tiến

class TestTapTheLaoDongTienTien:
    def test_pass(self, team):
        rate(team, y2026="httnv")
        verdict = judge(nominate("TTLDTT", team))
        assert verdict.result == "pass"
        assert leaves(verdict) == [
            clean(),
            ("rating_at_least", "pass",
             "Năm 2026 xếp loại hoàn thành tốt nhiệm vụ, đạt yêu cầu từ hoàn thành tốt nhiệm vụ trở lên."),
        ]

    def test_fail(self, team):
        rate(team, y2026="htnv")
        verdict = judge(nominate("TTLDTT", team))
        assert verdict.result == "fail"
        assert leaves(verdict) == [
            clean(),
            ("rating_at_least", "fail",
             "Năm 2026 chỉ xếp loại hoàn thành nhiệm vụ, chưa đạt từ hoàn thành tốt nhiệm vụ trở lên."),
        ]


# ---------------------------------------------------------------- Bằng khen của Thủ tướng (tập thể)

def five_good_years(subject):
    rate(subject, y2022="httnv", y2023="htxsnv", y2024="httnv", y2025="htxsnv", y2026="httnv")


FIVE_GOOD_YEARS = ("ratings_in_window", "pass",
                   "Xếp loại từ hoàn thành tốt nhiệm vụ trở lên 5 năm liên tục 2022, 2023, 2024, 2025, 2026.")


class TestBangKhenThuTuongTapThe:
    def test_pass_on_a_provincial_certificate(self, team):
        title(team, "BK_TINH_TT", 2020, "80/QĐ-UBND")
        five_good_years(team)
        verdict = judge(nominate("BK_TTG_TT", team))
        assert verdict.result == "pass"
        assert leaves(verdict) == [
            clean(FIVE_YEARS),
            ("has_award_before", "pass",
             "Đã được tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm 2020 (QĐ 80/QĐ-UBND), trước giai đoạn "
             "2022-2026 được xét."),
            FIVE_GOOD_YEARS,
        ]

    def test_pass_on_a_ministry_certificate(self, team):
        title(team, "BK_BO_TT", 2021, "1234/QĐ-BTC")
        five_good_years(team)
        verdict = judge(nominate("BK_TTG_TT", team))
        assert verdict.result == "pass"
        assert leaves(verdict) == [
            clean(FIVE_YEARS),
            ("has_award_before", "pass",
             "Đã được tặng Bằng khen cấp bộ, ngành, đoàn thể trung ương năm 2021 (QĐ 1234/QĐ-BTC), trước giai đoạn "
             "2022-2026 được xét."),
            FIVE_GOOD_YEARS,
        ]

    def test_fail(self, team):
        title(team, "BK_TINH_TT", 2024, "60/QĐ-UBND")
        rate(team, y2022="httnv", y2023="htnv", y2024="htxsnv", y2025="httnv", y2026="httnv")
        verdict = judge(nominate("BK_TTG_TT", team))
        assert verdict.result == "fail"
        assert leaves(verdict) == [
            clean(FIVE_YEARS),
            ("has_award_before", "fail",
             "Chưa được tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh hoặc Bằng khen cấp bộ, ngành, đoàn thể "
             "trung ương trước năm 2022; Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm 2024 (QĐ 60/QĐ-UBND) nằm "
             "trong giai đoạn 2022-2026 được xét."),
            ("ratings_in_window", "fail",
             "Năm 2023 xếp loại hoàn thành nhiệm vụ, chưa đủ 5 năm liên tục xếp loại từ hoàn thành tốt nhiệm vụ "
             "trở lên."),
        ]


# ---------------------------------------------------------------- the ministry-level certificate

def test_an_individual_ministry_certificate_counts_for_the_prime_ministers():
    person = PersonFactory(full_name="Hoàng Thị Mai")
    title(person, "BK_BO_CN", 2020, "55/QĐ-BGDĐT")
    five_good_years(person)
    for year in (2022, 2024, 2026):
        title(person, "CSTD_CS", year)
    verdict = judge(nominate("BK_TTG_CN", person))
    assert verdict.result == "pass"
    assert leaves(verdict) == [
        clean(FIVE_YEARS),
        ("has_award_before", "pass",
         "Đã được tặng Bằng khen cấp bộ, ngành, đoàn thể trung ương năm 2020 (QĐ 55/QĐ-BGDĐT), trước giai đoạn "
         "2022-2026 được xét."),
        FIVE_GOOD_YEARS,
        ("titles_in_window", "pass",
         "Đạt Chiến sĩ thi đua cơ sở 3 lần trong giai đoạn 2022-2026: các năm 2022, 2024, 2026."),
    ]


@pytest.mark.parametrize("regulation", ["ND98_2023", "ND152_2025"])
def test_ministry_certificates_are_in_the_catalogue_decided_outside_the_province(regulation):
    rows = AwardType.objects.filter(regulation__code=regulation, code__in=["BK_BO_CN", "BK_BO_TT"]).order_by("code")
    assert [(a.code, a.subject, a.authority, a.get_authority_display(), a.is_active) for a in rows] == [
        ("BK_BO_CN", "individual", "minister", "Bộ trưởng, thủ trưởng bộ, ngành, đoàn thể trung ương", False),
        ("BK_BO_TT", "collective", "minister", "Bộ trưởng, thủ trưởng bộ, ngành, đoàn thể trung ương", False),
    ]
    assert {a.name for a in rows} == {"Bằng khen cấp bộ, ngành, đoàn thể trung ương"}


@pytest.mark.parametrize("kind", ["regular", "exceptional", "thematic", "long_service", "foreign_relations"])
def test_ministry_certificates_are_never_proposed_through_the_province(kind):
    from dossiers.services.dossiers import proposable_award_types

    codes = {award.code for award in proposable_award_types(kind=kind)}
    assert "BK_TINH_CN" in codes  # the province's own certificate is proposed
    assert not codes & {"BK_BO_CN", "BK_BO_TT"}


def test_ministry_certificates_are_not_offered_by_the_api_as_proposable(client, clerk, password):
    client.login(username=clerk.username, password=password)
    response = client.get("/api/v1/catalogue/award-types/", {"proposable": "true", "kind": "regular", "page_size": 500})
    assert response.status_code == 200, response.content
    body = response.json()
    codes = {row["code"] for row in body.get("results", body)}
    assert "BK_TTG_CN" in codes
    assert not codes & {"BK_BO_CN", "BK_BO_TT"}

"""The eligibility engine, award by award, on the criteria the catalogue ships.

Every award of domain.md's "Criteria that a system can check" gets a history
that passes and one that fails; the verdicts and their Vietnamese
explanations are asserted word for word. History rows are built directly.
"""

from __future__ import annotations

import datetime

import pytest

from dossiers.eligibility.evaluator import combine, evaluate
from dossiers.models import AnnualRating, AwardRecord, DisciplineRecord, Initiative, Person
from tests.factories import CollectiveFactory, DossierFactory, NominationFactory, PersonFactory, award

pytestmark = pytest.mark.django_db

YEAR = 2026
TODAY = datetime.date(2027, 3, 10)
CLEAN_3 = ("Không có kỷ luật, điều tra, thanh tra, kiểm tra hay xác minh khiếu nại, tố cáo nào trong thời gian "
           "xét thành tích (giai đoạn 2024-2026) và đến ngày 10/03/2027.")


# ---------------------------------------------------------------- helpers (used by the other eligibility tests)

def _subject(subject) -> dict:
    return {"person": subject} if isinstance(subject, Person) else {"collective": subject}


def rate(subject, **by_year):
    """rate(person, y2025="htxsnv", y2026="httnv")"""
    for key, rating in by_year.items():
        AnnualRating.objects.create(**_subject(subject), year=int(key[1:]), rating=rating)


def title(subject, code, year, number="", *, kind="regular", revoked=False) -> AwardRecord:
    return AwardRecord.objects.create(**_subject(subject), award_code=code, award_name=code, year=year,
                                      decision_number=number, kind=kind, revoked=revoked)


def initiative(subject, year, name, *, level="unit", research=False, recognised_by="", used_by=None) -> Initiative:
    return Initiative.objects.create(**_subject(subject), year=year, title=name, level=level, is_research=research,
                                     recognised_by=recognised_by, used_by=used_by)


def discipline(subject, kind, start, end=None, description="") -> DisciplineRecord:
    return DisciplineRecord.objects.create(**_subject(subject), kind=kind, started_on=start, ended_on=end,
                                           description=description)


def nominate(code, subject=None, *, year=YEAR, kind="regular", regulation="ND152_2025", dossier=None):
    dossier = dossier or DossierFactory(year=year, kind=kind)
    subject = subject if subject is not None else PersonFactory(unit=dossier.unit)
    return NominationFactory(dossier=dossier, award_type=award(code, regulation), **{"person": None, **_subject(subject)})


def judge(nomination, today=TODAY):
    return evaluate([nomination], today=today)[nomination.pk]


def roots(verdict) -> list[tuple[str, str, str]]:
    return [(c.key, c.result, c.explanation) for c in verdict.criteria]


def leaves(verdict) -> list[tuple[str, str, str]]:
    found = []

    def walk(items):
        for item in items:
            found.append((item.key, item.result, item.explanation))
            walk(item.children)

    walk(verdict.criteria)
    return found


def clean(span="năm 2026", today="10/03/2027"):
    return ("not_disciplined", "pass",
            "Không có kỷ luật, điều tra, thanh tra, kiểm tra hay xác minh khiếu nại, tố cáo nào trong thời gian "
            f"xét thành tích ({span}) và đến ngày {today}.")


@pytest.fixture
def person():
    return PersonFactory(full_name="Nguyễn Thị Thu Hà")


# ---------------------------------------------------------------- Lao động tiên tiến

class TestLDTT:
    def test_pass(self, person):
        rate(person, y2026="httnv")
        verdict = judge(nominate("LDTT", person))
        assert verdict.result == "pass"
        assert roots(verdict) == [
            clean(),
            ("rating_at_least", "pass",
             "Năm 2026 xếp loại hoàn thành tốt nhiệm vụ, đạt yêu cầu từ hoàn thành tốt nhiệm vụ trở lên."),
        ]

    def test_fail(self, person):
        rate(person, y2026="htnv")
        verdict = judge(nominate("LDTT", person))
        assert verdict.result == "fail"
        assert leaves(verdict) == [
            clean(),
            ("rating_at_least", "fail",
             "Năm 2026 chỉ xếp loại hoàn thành nhiệm vụ, chưa đạt từ hoàn thành tốt nhiệm vụ trở lên."),
        ]

    def test_missing_rating_is_unknown(self, person):
        rate(person, y2025="htxsnv")
        verdict = judge(nominate("LDTT", person))
        assert verdict.result == "unknown"
        assert roots(verdict)[1] == ("rating_at_least", "unknown", "Chưa có dữ liệu xếp loại năm 2026.")


# ---------------------------------------------------------------- Chiến sĩ thi đua cơ sở

class TestCSTDCoSo:
    def test_pass_with_excellent_rating(self, person):
        rate(person, y2026="htxsnv")
        title(person, "LDTT", 2026, "05/QĐ-STC")
        verdict = judge(nominate("CSTD_CS", person))
        assert verdict.result == "pass"
        assert leaves(verdict) == [
            clean(),
            ("titles_in_window", "pass", "Đạt Lao động tiên tiến năm 2026 (QĐ 05/QĐ-STC)."),
            ("any_of", "pass",
             "Đạt theo căn cứ “Xếp loại hoàn thành xuất sắc nhiệm vụ trong năm đề nghị”."),
            ("rating_at_least", "pass", "Năm 2026 xếp loại hoàn thành xuất sắc nhiệm vụ."),
            ("initiative_at_level", "fail",
             "Không có sáng kiến, đề tài nào có phạm vi ảnh hưởng từ cấp cơ sở trở lên được công nhận trong "
             "năm 2026 mà chưa dùng để khen thưởng."),
        ]

    def test_pass_with_a_research_project(self, person):
        rate(person, y2026="httnv")
        title(person, "LDTT", 2026, "05/QĐ-STC")
        initiative(person, 2026, "Nghiên cứu giống lúa chịu hạn", research=True, recognised_by="12/QĐ-SKHCN")
        verdict = judge(nominate("CSTD_CS", person))
        assert verdict.result == "pass"
        assert leaves(verdict)[2:] == [
            ("any_of", "pass",
             "Đạt theo căn cứ “Có sáng kiến hoặc đề tài nghiên cứu được công nhận trong năm đề nghị”."),
            ("rating_at_least", "fail",
             "Năm 2026 chỉ xếp loại hoàn thành tốt nhiệm vụ, chưa đạt hoàn thành xuất sắc nhiệm vụ."),
            ("initiative_at_level", "pass",
             "Có 1 sáng kiến, đề tài có phạm vi ảnh hưởng từ cấp cơ sở trở lên được công nhận trong năm 2026, "
             "chưa dùng để khen thưởng: “Nghiên cứu giống lúa chịu hạn” (năm 2026, QĐ 12/QĐ-SKHCN)."),
        ]

    def test_fail_without_ldtt(self, person):
        rate(person, y2026="httnv")
        verdict = judge(nominate("CSTD_CS", person))
        assert verdict.result == "fail"
        assert leaves(verdict) == [
            clean(),
            ("titles_in_window", "fail", "Không đạt Lao động tiên tiến năm 2026."),
            ("any_of", "fail",
             "Không đạt căn cứ nào: “Xếp loại hoàn thành xuất sắc nhiệm vụ trong năm đề nghị”, "
             "“Có sáng kiến hoặc đề tài nghiên cứu được công nhận trong năm đề nghị”."),
            ("rating_at_least", "fail",
             "Năm 2026 chỉ xếp loại hoàn thành tốt nhiệm vụ, chưa đạt hoàn thành xuất sắc nhiệm vụ."),
            ("initiative_at_level", "fail",
             "Không có sáng kiến, đề tài nào có phạm vi ảnh hưởng từ cấp cơ sở trở lên được công nhận trong "
             "năm 2026 mà chưa dùng để khen thưởng."),
        ]

    def test_nothing_recorded_is_unknown(self, person):
        verdict = judge(nominate("CSTD_CS", person))
        assert verdict.result == "unknown"
        assert leaves(verdict)[1:] == [
            ("titles_in_window", "unknown", "Chưa có dữ liệu xếp loại, khen thưởng năm 2026."),
            ("any_of", "unknown",
             "Chưa đạt căn cứ nào; chưa đủ dữ liệu để kết luận: “Xếp loại hoàn thành xuất sắc nhiệm vụ trong "
             "năm đề nghị”, “Có sáng kiến hoặc đề tài nghiên cứu được công nhận trong năm đề nghị”."),
            ("rating_at_least", "unknown", "Chưa có dữ liệu xếp loại năm 2026."),
            ("initiative_at_level", "unknown", "Chưa có dữ liệu xếp loại, khen thưởng, sáng kiến năm 2026."),
        ]


# ---------------------------------------------------------------- Chiến sĩ thi đua cấp tỉnh

class TestCSTDTinh:
    def test_pass(self, person):
        for year, number in ((2024, "15/QĐ-STC"), (2025, "12/QĐ-STC"), (2026, "09/QĐ-STC")):
            title(person, "CSTD_CS", year, number)
        initiative(person, 2025, "Số hóa hồ sơ thi đua", level="province", recognised_by="45/QĐ-UBND")
        verdict = judge(nominate("CSTD_TINH", person))
        assert verdict.result == "pass"
        assert verdict.regulation.code == "ND152_2025"
        assert roots(verdict) == [
            ("not_disciplined", "pass", CLEAN_3),
            ("consecutive_titles", "pass",
             "Đạt Chiến sĩ thi đua cơ sở 3 năm liên tục 2024, 2025, 2026 (QĐ 15/QĐ-STC, 12/QĐ-STC, 09/QĐ-STC)."),
            ("initiative_at_level", "pass",
             "Có 1 sáng kiến có phạm vi ảnh hưởng từ cấp tỉnh trở lên được công nhận trong giai đoạn 2024-2026, "
             "chưa dùng để khen thưởng: “Số hóa hồ sơ thi đua” (năm 2025, QĐ 45/QĐ-UBND)."),
        ]
        assert [c.description for c in verdict.criteria][1] == (
            "Ba lần liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở, lần cuối trong năm đề nghị.")

    def test_fail_on_a_gap_and_a_unit_level_initiative(self, person):
        rate(person, y2024="httnv")
        title(person, "CSTD_CS", 2025, "12/QĐ-STC")
        title(person, "CSTD_CS", 2026, "09/QĐ-STC")
        initiative(person, 2025, "Cải tiến quy trình tiếp nhận hồ sơ")
        verdict = judge(nominate("CSTD_TINH", person))
        assert verdict.result == "fail"
        assert leaves(verdict) == [
            ("not_disciplined", "pass", CLEAN_3),
            ("consecutive_titles", "fail",
             "Chỉ đạt Chiến sĩ thi đua cơ sở các năm 2025, 2026; năm 2024 không đạt, chưa đủ 3 năm liên tục."),
            ("initiative_at_level", "fail",
             "Không có sáng kiến nào có phạm vi ảnh hưởng từ cấp tỉnh trở lên được công nhận trong giai đoạn "
             "2024-2026 mà chưa dùng để khen thưởng; không tính: “Cải tiến quy trình tiếp nhận hồ sơ” (năm 2025) "
             "chỉ có phạm vi ảnh hưởng cấp cơ sở."),
        ]

    def test_a_year_with_nothing_recorded_is_unknown(self, person):
        title(person, "CSTD_CS", 2025, "12/QĐ-STC")
        title(person, "CSTD_CS", 2026, "09/QĐ-STC")
        initiative(person, 2025, "Số hóa hồ sơ thi đua", level="province")
        verdict = judge(nominate("CSTD_TINH", person))
        assert verdict.result == "unknown"
        assert roots(verdict)[1] == (
            "consecutive_titles", "unknown",
            "Đạt Chiến sĩ thi đua cơ sở các năm 2025, 2026; chưa có dữ liệu xếp loại, khen thưởng năm 2024.")

    def test_a_revoked_title_does_not_count(self, person):
        title(person, "CSTD_CS", 2024, "15/QĐ-STC")
        title(person, "CSTD_CS", 2025, "12/QĐ-STC", revoked=True)
        title(person, "CSTD_CS", 2026, "09/QĐ-STC")
        verdict = judge(nominate("CSTD_TINH", person))
        assert roots(verdict)[1] == (
            "consecutive_titles", "fail",
            "Chỉ đạt Chiến sĩ thi đua cơ sở các năm 2024, 2026; năm 2025 không đạt, chưa đủ 3 năm liên tục; "
            "không tính Chiến sĩ thi đua cơ sở năm 2025 (QĐ 12/QĐ-STC) vì đã bị hủy bỏ.")


# ---------------------------------------------------------------- Chiến sĩ thi đua toàn quốc

class TestCSTDToanQuoc:
    def test_pass_two_provincial_titles_one_cycle_apart(self, person):
        title(person, "CSTD_TINH", 2023, "100/QĐ-UBND")
        title(person, "CSTD_TINH", 2026, "200/QĐ-UBND")
        initiative(person, 2024, "Phần mềm quản lý thi đua", level="national", recognised_by="7/QĐ-BNV")
        verdict = judge(nominate("CSTD_TQ", person))
        assert verdict.result == "pass"
        assert roots(verdict) == [
            clean("giai đoạn 2021-2026"),
            ("consecutive_titles", "pass",
             "Đạt Chiến sĩ thi đua cấp tỉnh 2 lần liên tục 2023, 2026 (QĐ 100/QĐ-UBND, 200/QĐ-UBND)."),
            ("initiative_at_level", "pass",
             "Có 1 sáng kiến có phạm vi ảnh hưởng toàn quốc được công nhận trong giai đoạn 2021-2026, chưa dùng "
             "để khen thưởng: “Phần mềm quản lý thi đua” (năm 2024, QĐ 7/QĐ-BNV)."),
        ]

    def test_fail(self, person):
        rate(person, y2023="htxsnv")
        title(person, "CSTD_TINH", 2026, "200/QĐ-UBND")
        initiative(person, 2024, "Phần mềm quản lý thi đua", level="province")
        verdict = judge(nominate("CSTD_TQ", person))
        assert verdict.result == "fail"
        assert leaves(verdict) == [
            clean("giai đoạn 2021-2026"),
            ("consecutive_titles", "fail",
             "Chỉ đạt Chiến sĩ thi đua cấp tỉnh năm 2026; năm 2023 không đạt, chưa đủ 2 lần liên tục."),
            ("initiative_at_level", "fail",
             "Không có sáng kiến nào có phạm vi ảnh hưởng toàn quốc được công nhận trong giai đoạn 2021-2026 mà "
             "chưa dùng để khen thưởng; không tính: “Phần mềm quản lý thi đua” (năm 2024) chỉ có phạm vi ảnh "
             "hưởng cấp tỉnh."),
        ]


# ---------------------------------------------------------------- Bằng khen của Chủ tịch UBND tỉnh

class TestBangKhenTinh:
    def test_individual_pass_on_two_titles(self, person):
        title(person, "CSTD_CS", 2025, "12/QĐ-STC")
        title(person, "CSTD_CS", 2026, "09/QĐ-STC")
        verdict = judge(nominate("BK_TINH_CN", person))
        assert verdict.result == "pass"
        assert leaves(verdict) == [
            clean("giai đoạn 2025-2026"),
            ("any_of", "pass", "Đạt theo căn cứ “Hai lần liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở”."),
            ("consecutive_titles", "pass",
             "Đạt Chiến sĩ thi đua cơ sở 2 năm liên tục 2025, 2026 (QĐ 12/QĐ-STC, 09/QĐ-STC)."),
            ("all_of", "fail",
             "Không đạt: “Có 2 sáng kiến được công nhận trong 2 năm, chưa dùng để khen thưởng”."),
            ("ratings_in_window", "unknown", "Chưa có dữ liệu xếp loại các năm 2025, 2026."),
            ("initiative_at_level", "fail",
             "Không có sáng kiến nào có phạm vi ảnh hưởng từ cấp cơ sở trở lên được công nhận trong giai đoạn "
             "2025-2026 mà chưa dùng để khen thưởng."),
        ]
        assert verdict.initiative_ids == ()

    def test_individual_pass_on_ratings_and_two_initiatives(self, person):
        rate(person, y2025="htxsnv", y2026="htxsnv")
        first = initiative(person, 2025, "Tiết kiệm văn phòng phẩm")
        second = initiative(person, 2026, "Biểu mẫu điện tử", recognised_by="3/QĐ-STC")
        verdict = judge(nominate("BK_TINH_CN", person))
        assert verdict.result == "pass"
        assert leaves(verdict)[1:] == [
            ("any_of", "pass",
             "Đạt theo căn cứ “Hai năm liên tục hoàn thành xuất sắc nhiệm vụ và có 2 sáng kiến”."),
            ("consecutive_titles", "fail",
             "Không đạt Chiến sĩ thi đua cơ sở các năm 2025, 2026, chưa đủ 2 năm liên tục."),
            ("all_of", "pass",
             "Đạt đủ các tiêu chuẩn: “Hai năm liên tục hoàn thành xuất sắc nhiệm vụ”, “Có 2 sáng kiến được công "
             "nhận trong 2 năm, chưa dùng để khen thưởng”."),
            ("ratings_in_window", "pass", "Xếp loại hoàn thành xuất sắc nhiệm vụ 2 năm liên tục 2025, 2026."),
            ("initiative_at_level", "pass",
             "Có 2 sáng kiến có phạm vi ảnh hưởng từ cấp cơ sở trở lên được công nhận trong giai đoạn 2025-2026, "
             "chưa dùng để khen thưởng: “Tiết kiệm văn phòng phẩm” (năm 2025), “Biểu mẫu điện tử” "
             "(năm 2026, QĐ 3/QĐ-STC)."),
        ]
        assert verdict.initiative_ids == (first.pk, second.pk)

    def test_individual_fail_and_an_initiative_already_used(self, person):
        rate(person, y2025="htxsnv", y2026="httnv")
        title(person, "CSTD_CS", 2026, "09/QĐ-STC")
        used_for = title(person, "LDTT", 2026, "07/QĐ-STC")
        initiative(person, 2025, "Tiết kiệm văn phòng phẩm")
        initiative(person, 2026, "Biểu mẫu điện tử", used_by=used_for)
        verdict = judge(nominate("BK_TINH_CN", person))
        assert verdict.result == "fail"
        assert leaves(verdict) == [
            clean("giai đoạn 2025-2026"),
            ("any_of", "fail",
             "Không đạt căn cứ nào: “Hai lần liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở”, “Hai năm liên tục "
             "hoàn thành xuất sắc nhiệm vụ và có 2 sáng kiến”."),
            ("consecutive_titles", "fail",
             "Chỉ đạt Chiến sĩ thi đua cơ sở năm 2026; năm 2025 không đạt, chưa đủ 2 năm liên tục."),
            ("all_of", "fail",
             "Không đạt: “Hai năm liên tục hoàn thành xuất sắc nhiệm vụ”, “Có 2 sáng kiến được công nhận trong "
             "2 năm, chưa dùng để khen thưởng”."),
            ("ratings_in_window", "fail",
             "Năm 2026 xếp loại hoàn thành tốt nhiệm vụ, chưa đủ 2 năm liên tục xếp loại hoàn thành xuất sắc "
             "nhiệm vụ."),
            ("initiative_at_level", "fail",
             "Chỉ có 1/2 sáng kiến có phạm vi ảnh hưởng từ cấp cơ sở trở lên được công nhận trong giai đoạn "
             "2025-2026, chưa dùng để khen thưởng: “Tiết kiệm văn phòng phẩm” (năm 2025); không tính: “Biểu mẫu "
             "điện tử” (năm 2026) đã dùng cho Lao động tiên tiến năm 2026 (QĐ 07/QĐ-STC)."),
        ]

    def test_collective_pass_on_excellent_collective_titles(self):
        team = CollectiveFactory(name="Phòng Kế hoạch")
        rate(team, y2025="httnv", y2026="htxsnv")
        title(team, "TTLDXS", 2025, "30/QĐ-UBND")
        title(team, "TTLDXS", 2026, "31/QĐ-UBND")
        verdict = judge(nominate("BK_TINH_TT", team))
        assert verdict.result == "pass"
        assert leaves(verdict) == [
            clean("giai đoạn 2025-2026"),
            ("any_of", "pass",
             "Đạt theo căn cứ “Hai năm liên tục đạt danh hiệu Tập thể lao động xuất sắc”."),
            ("ratings_in_window", "fail",
             "Năm 2025 xếp loại hoàn thành tốt nhiệm vụ, chưa đủ 2 năm liên tục xếp loại hoàn thành xuất sắc "
             "nhiệm vụ."),
            ("consecutive_titles", "pass",
             "Đạt Tập thể lao động xuất sắc 2 năm liên tục 2025, 2026 (QĐ 30/QĐ-UBND, 31/QĐ-UBND)."),
        ]

    def test_collective_fail_a_thematic_award_does_not_count(self):
        team = CollectiveFactory(name="Phòng Kế hoạch")
        rate(team, y2025="httnv", y2026="htxsnv")
        title(team, "TTLDXS", 2025, "30/QĐ-UBND", kind="thematic")
        title(team, "TTLDXS", 2026, "31/QĐ-UBND")
        verdict = judge(nominate("BK_TINH_TT", team))
        assert verdict.result == "fail"
        assert leaves(verdict) == [
            clean("giai đoạn 2025-2026"),
            ("any_of", "fail",
             "Không đạt căn cứ nào: “Hai năm liên tục hoàn thành xuất sắc nhiệm vụ”, “Hai năm liên tục đạt danh "
             "hiệu Tập thể lao động xuất sắc”."),
            ("ratings_in_window", "fail",
             "Năm 2025 xếp loại hoàn thành tốt nhiệm vụ, chưa đủ 2 năm liên tục xếp loại hoàn thành xuất sắc "
             "nhiệm vụ."),
            ("consecutive_titles", "fail",
             "Chỉ đạt Tập thể lao động xuất sắc năm 2026; năm 2025 không đạt, chưa đủ 2 năm liên tục; không tính "
             "Tập thể lao động xuất sắc năm 2025 (QĐ 30/QĐ-UBND) vì là khen thưởng chuyên đề, theo phong trào."),
        ]


# ---------------------------------------------------------------- Bằng khen của Thủ tướng

class TestBangKhenThuTuong:
    def test_pass(self, person):
        title(person, "BK_TINH_CN", 2020, "120/QĐ-UBND")
        rate(person, y2022="httnv", y2023="htxsnv", y2024="httnv", y2025="htxsnv", y2026="httnv")
        for year, number in ((2023, "11/QĐ-STC"), (2025, "12/QĐ-STC"), (2026, "09/QĐ-STC")):
            title(person, "CSTD_CS", year, number)
        verdict = judge(nominate("BK_TTG_CN", person))
        assert verdict.result == "pass"
        assert roots(verdict) == [
            clean("giai đoạn 2022-2026"),
            ("has_award_before", "pass",
             "Đã được tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm 2020 (QĐ 120/QĐ-UBND), trước giai đoạn "
             "2022-2026 được xét."),
            ("ratings_in_window", "pass",
             "Xếp loại từ hoàn thành tốt nhiệm vụ trở lên 5 năm liên tục 2022, 2023, 2024, 2025, 2026."),
            ("titles_in_window", "pass",
             "Đạt Chiến sĩ thi đua cơ sở 3 lần trong giai đoạn 2022-2026: các năm 2023, 2025, 2026 "
             "(QĐ 11/QĐ-STC, 12/QĐ-STC, 09/QĐ-STC)."),
        ]

    def test_fail(self, person):
        title(person, "BK_TINH_CN", 2019, "30/QĐ-UBND", kind="exceptional")
        title(person, "BK_TINH_CN", 2023, "50/QĐ-UBND")
        rate(person, y2022="httnv", y2023="htxsnv", y2024="htnv", y2025="htxsnv", y2026="httnv")
        title(person, "CSTD_CS", 2025, "12/QĐ-STC")
        title(person, "CSTD_CS", 2026, "09/QĐ-STC")
        verdict = judge(nominate("BK_TTG_CN", person))
        assert verdict.result == "fail"
        assert leaves(verdict) == [
            clean("giai đoạn 2022-2026"),
            ("has_award_before", "fail",
             "Chưa được tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh hoặc Bằng khen cấp bộ, ngành, đoàn thể "
             "trung ương trước năm 2022; Bằng khen của Chủ tịch "
             "Ủy ban nhân dân tỉnh năm 2023 (QĐ 50/QĐ-UBND) nằm trong giai đoạn 2022-2026 được xét; không tính "
             "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm 2019 (QĐ 30/QĐ-UBND) vì là khen thưởng đột xuất."),
            ("ratings_in_window", "fail",
             "Năm 2024 xếp loại hoàn thành nhiệm vụ, chưa đủ 5 năm liên tục xếp loại từ hoàn thành tốt nhiệm vụ "
             "trở lên."),
            ("titles_in_window", "fail",
             "Chỉ đạt Chiến sĩ thi đua cơ sở 2 lần trong giai đoạn 2022-2026 (các năm 2025, 2026), cần 3 lần."),
        ]

    def test_missing_years_are_unknown(self, person):
        title(person, "BK_TINH_CN", 2020, "120/QĐ-UBND")
        rate(person, y2022="httnv", y2025="htxsnv", y2026="httnv")
        title(person, "CSTD_CS", 2025, "12/QĐ-STC")
        title(person, "CSTD_CS", 2026, "09/QĐ-STC")
        verdict = judge(nominate("BK_TTG_CN", person))
        assert verdict.result == "unknown"
        assert roots(verdict)[2:] == [
            ("ratings_in_window", "unknown", "Chưa có dữ liệu xếp loại các năm 2023, 2024."),
            ("titles_in_window", "unknown",
             "Đạt Chiến sĩ thi đua cơ sở 2 lần trong giai đoạn 2022-2026 (các năm 2025, 2026), cần 3 lần; chưa có "
             "dữ liệu xếp loại, khen thưởng các năm 2023, 2024."),
        ]


# ---------------------------------------------------------------- Huân chương Lao động hạng Ba

class TestHuanChuongLaoDongHangBa:
    def test_pass(self, person):
        title(person, "BK_TTG_CN", 2021, "1500/QĐ-TTg")
        rate(person, y2022="httnv", y2023="httnv", y2024="htxsnv", y2025="httnv", y2026="httnv")
        for year in (2022, 2024, 2026):
            title(person, "CSTD_CS", year)
        verdict = judge(nominate("HC_LD3_CN", person))
        assert verdict.result == "pass"
        assert leaves(verdict) == [
            clean("giai đoạn 2022-2026"),
            ("has_award_before", "pass",
             "Đã được tặng Bằng khen của Thủ tướng Chính phủ năm 2021 (QĐ 1500/QĐ-TTg), trước giai đoạn "
             "2022-2026 được xét."),
            ("ratings_in_window", "pass",
             "Xếp loại từ hoàn thành tốt nhiệm vụ trở lên 5 năm liên tục 2022, 2023, 2024, 2025, 2026, trong đó "
             "có 1 năm hoàn thành xuất sắc nhiệm vụ (2024)."),
            ("titles_in_window", "pass",
             "Đạt Chiến sĩ thi đua cơ sở 3 lần trong giai đoạn 2022-2026: các năm 2022, 2024, 2026."),
        ]

    def test_fail_no_excellent_year_and_a_revoked_certificate(self, person):
        title(person, "BK_TTG_CN", 2020, "9/QĐ-TTg", revoked=True)
        rate(person, y2022="httnv", y2023="httnv", y2024="httnv", y2025="httnv", y2026="httnv")
        for year in (2022, 2024, 2026):
            title(person, "CSTD_CS", year)
        verdict = judge(nominate("HC_LD3_CN", person))
        assert verdict.result == "fail"
        assert leaves(verdict) == [
            clean("giai đoạn 2022-2026"),
            ("has_award_before", "fail",
             "Chưa được tặng Bằng khen của Thủ tướng Chính phủ trước năm 2022; không tính Bằng khen của Thủ tướng "
             "Chính phủ năm 2020 (QĐ 9/QĐ-TTg) vì đã bị hủy bỏ."),
            ("ratings_in_window", "fail",
             "Xếp loại từ hoàn thành tốt nhiệm vụ trở lên 5 năm liên tục 2022, 2023, 2024, 2025, 2026 nhưng không "
             "có năm nào hoàn thành xuất sắc nhiệm vụ, cần ít nhất 1 năm."),
            ("titles_in_window", "pass",
             "Đạt Chiến sĩ thi đua cơ sở 3 lần trong giai đoạn 2022-2026: các năm 2022, 2024, 2026."),
        ]


# ---------------------------------------------------------------- Tập thể lao động xuất sắc

@pytest.fixture
def team():
    return CollectiveFactory(name="Phòng Thi đua - Khen thưởng")


def member(team, name):
    return PersonFactory(unit=team.unit, collective=team, full_name=name)


class TestTapTheLaoDongXuatSac:
    def test_pass(self, team):
        rate(team, y2026="htxsnv")
        hoa, an, binh, cuong = (member(team, n) for n in ("Lò Thị Hoa", "Trần Văn An", "Lê Văn Bình",
                                                            "Phạm Văn Cường"))
        for someone, rating in ((hoa, "htxsnv"), (an, "httnv"), (binh, "httnv"), (cuong, "htnv")):
            rate(someone, y2026=rating)
        for someone in (hoa, an, binh):
            title(someone, "LDTT", 2026)
        title(hoa, "CSTD_CS", 2026, "10/QĐ-STC")
        verdict = judge(nominate("TTLDXS", team))
        assert verdict.result == "pass"
        assert roots(verdict) == [
            clean(),
            ("rating_at_least", "pass", "Năm 2026 xếp loại hoàn thành xuất sắc nhiệm vụ."),
            ("member_share", "pass",
             "4/4 thành viên (100%) hoàn thành nhiệm vụ trở lên năm 2026, đạt yêu cầu từ 100% trở lên."),
            ("member_share", "pass",
             "3/4 thành viên (75%) đạt danh hiệu Lao động tiên tiến năm 2026, đạt yêu cầu từ 70% trở lên."),
            ("member_titles", "pass",
             "Có 1 thành viên đạt Chiến sĩ thi đua cơ sở năm 2026: Lò Thị Hoa (QĐ 10/QĐ-STC)."),
        ]

    def test_fail(self, team):
        rate(team, y2026="httnv")
        hoa, an, binh = (member(team, n) for n in ("Lò Thị Hoa", "Trần Văn An", "Lê Văn Bình"))
        for someone, rating in ((hoa, "htxsnv"), (an, "httnv"), (binh, "khtnv")):
            rate(someone, y2026=rating)
        for someone in (hoa, an):
            title(someone, "LDTT", 2026)
        verdict = judge(nominate("TTLDXS", team))
        assert verdict.result == "fail"
        assert leaves(verdict) == [
            clean(),
            ("rating_at_least", "fail",
             "Năm 2026 chỉ xếp loại hoàn thành tốt nhiệm vụ, chưa đạt hoàn thành xuất sắc nhiệm vụ."),
            ("member_share", "fail",
             "Chỉ 2/3 thành viên (66,7%) hoàn thành nhiệm vụ trở lên năm 2026, chưa đạt 100%; không đạt: "
             "Lê Văn Bình."),
            ("member_share", "fail",
             "Chỉ 2/3 thành viên (66,7%) đạt danh hiệu Lao động tiên tiến năm 2026, chưa đạt 70%; không đạt: "
             "Lê Văn Bình."),
            ("member_titles", "fail", "Không có thành viên nào đạt Chiến sĩ thi đua cơ sở năm 2026, cần ít nhất 1."),
        ]

    def test_members_without_data_are_unknown(self, team):
        rate(team, y2026="htxsnv")
        hoa = member(team, "Lò Thị Hoa")
        member(team, "Trần Văn An")
        rate(hoa, y2026="htxsnv")
        title(hoa, "LDTT", 2026)
        verdict = judge(nominate("TTLDXS", team))
        assert verdict.result == "unknown"
        assert roots(verdict)[2:4] == [
            ("member_share", "unknown",
             "1/2 thành viên (50%) hoàn thành nhiệm vụ trở lên năm 2026, cần từ 100% trở lên; chưa có dữ liệu "
             "năm 2026 của 1 thành viên: Trần Văn An."),
            ("member_share", "unknown",
             "1/2 thành viên (50%) đạt danh hiệu Lao động tiên tiến năm 2026, cần từ 70% trở lên; chưa có dữ liệu "
             "năm 2026 của 1 thành viên: Trần Văn An."),
        ]

    def test_no_members_recorded_is_unknown(self, team):
        rate(team, y2026="htxsnv")
        verdict = judge(nominate("TTLDXS", team))
        assert verdict.result == "unknown"
        assert roots(verdict)[2][1:] == ("unknown", "Tập thể chưa có danh sách thành viên trong hệ thống.")
        assert roots(verdict)[4][1:] == ("unknown", "Tập thể chưa có danh sách thành viên trong hệ thống.")


# ---------------------------------------------------------------- the not_disciplined block

class TestNotDisciplined:
    def test_open_investigation_fails(self, person):
        rate(person, y2026="htxsnv")
        discipline(person, "investigation", datetime.date(2027, 1, 5), description="Vụ việc tại Ban quản lý dự án")
        verdict = judge(nominate("LDTT", person))
        assert verdict.result == "fail"
        assert roots(verdict)[0] == (
            "not_disciplined", "fail",
            "Đang trong thời gian điều tra “Vụ việc tại Ban quản lý dự án” từ ngày 05/01/2027, chưa kết thúc.")

    def test_a_complaint_being_verified_on_the_day_fails(self, person):
        rate(person, y2026="httnv")
        discipline(person, "complaint", datetime.date(2027, 2, 1), datetime.date(2027, 4, 30))
        verdict = judge(nominate("LDTT", person))
        assert roots(verdict)[0] == (
            "not_disciplined", "fail",
            "Đang trong thời gian xác minh khiếu nại, tố cáo từ ngày 01/02/2027 đến ngày 30/04/2027.")

    def test_discipline_in_the_window_fails_and_its_years_do_not_count(self, person):
        for year, number in ((2024, "15/QĐ-STC"), (2025, "12/QĐ-STC"), (2026, "09/QĐ-STC")):
            title(person, "CSTD_CS", year, number)
        initiative(person, 2024, "Số hóa hồ sơ thi đua", level="province")
        discipline(person, "discipline", datetime.date(2025, 2, 1), datetime.date(2025, 7, 31), "Khiển trách")
        verdict = judge(nominate("CSTD_TINH", person))
        assert verdict.result == "fail"
        assert roots(verdict) == [
            ("not_disciplined", "fail",
             "Có kỷ luật “Khiển trách” từ ngày 01/02/2025 đến ngày 31/07/2025 trong thời gian xét thành tích "
             "(giai đoạn 2024-2026)."),
            ("consecutive_titles", "fail",
             "Chỉ đạt Chiến sĩ thi đua cơ sở năm 2026; các năm 2024, 2025 không được tính vì thành tích chỉ tính "
             "từ sau khi chấp hành xong kỷ luật “Khiển trách” từ ngày 01/02/2025 đến ngày 31/07/2025, chưa đủ 3 năm "
             "liên tục."),
            ("initiative_at_level", "fail",
             "Không có sáng kiến nào có phạm vi ảnh hưởng từ cấp tỉnh trở lên được công nhận trong giai đoạn "
             "2024-2026 mà chưa dùng để khen thưởng; không tính: “Số hóa hồ sơ thi đua” (năm 2024) được công nhận "
             "trước khi chấp hành xong kỷ luật “Khiển trách” từ ngày 01/02/2025 đến ngày 31/07/2025."),
        ]

    def test_achievements_before_an_earlier_discipline_do_not_count(self, person):
        title(person, "BK_TINH_CN", 2019, "30/QĐ-UBND")
        discipline(person, "discipline", datetime.date(2020, 3, 1), datetime.date(2021, 3, 1), "Cảnh cáo")
        rate(person, y2022="httnv", y2023="httnv", y2024="httnv", y2025="httnv", y2026="httnv")
        for year in (2022, 2024, 2026):
            title(person, "CSTD_CS", year)
        verdict = judge(nominate("BK_TTG_CN", person))
        assert verdict.result == "fail"
        assert roots(verdict)[:2] == [
            ("not_disciplined", "pass",
             "Không có kỷ luật, điều tra, thanh tra, kiểm tra hay xác minh khiếu nại, tố cáo nào trong thời gian "
             "xét thành tích (giai đoạn 2022-2026) và đến ngày 10/03/2027; kỷ luật “Cảnh cáo” từ ngày 01/03/2020 "
             "đến ngày 01/03/2021 đã chấp hành xong, thành tích tính từ năm 2022."),
            ("has_award_before", "fail",
             "Chưa được tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh hoặc Bằng khen cấp bộ, ngành, đoàn thể "
             "trung ương trước năm 2022; Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm 2019 (QĐ 30/QĐ-UBND) không được tính vì thành tích chỉ tính từ sau khi chấp "
             "hành xong kỷ luật “Cảnh cáo” từ ngày 01/03/2020 đến ngày 01/03/2021."),
        ]
        assert [r for _k, r, _e in roots(verdict)[2:]] == ["pass", "pass"]

    def test_a_finished_investigation_outside_the_window_does_not_block(self, person):
        rate(person, y2026="httnv")
        discipline(person, "inspection", datetime.date(2023, 5, 1), datetime.date(2023, 9, 1))
        assert judge(nominate("LDTT", person)).result == "pass"

    def test_applies_to_collectives(self, team):
        rate(team, y2026="htxsnv")
        discipline(team, "inspection", datetime.date(2026, 11, 2), None, "Thanh tra việc quản lý tài chính")
        verdict = judge(nominate("TTLDTT", team))
        assert verdict.result == "fail"
        assert roots(verdict)[0] == (
            "not_disciplined", "fail",
            "Đang trong thời gian thanh tra, kiểm tra “Thanh tra việc quản lý tài chính” từ ngày 02/11/2026, "
            "chưa kết thúc.")


# ---------------------------------------------------------------- combinations and kinds

def test_combinators():
    assert combine("all_of", ["pass", "pass"]) == "pass"
    assert combine("all_of", ["pass", "unknown"]) == "unknown"
    assert combine("all_of", ["unknown", "fail"]) == "fail"
    assert combine("all_of", []) == "pass"
    assert combine("any_of", ["fail", "pass"]) == "pass"
    assert combine("any_of", ["fail", "unknown"]) == "unknown"
    assert combine("any_of", ["fail", "fail"]) == "fail"
    assert combine("any_of", []) == "fail"


def test_an_any_of_with_unknown_and_fail_is_unknown(person):
    rate(person, y2026="htxsnv")
    title(person, "CSTD_CS", 2026, "09/QĐ-STC")
    verdict = judge(nominate("BK_TINH_CN", person))
    assert verdict.result == "unknown"
    assert leaves(verdict)[1:] == [
        ("any_of", "unknown",
         "Chưa đạt căn cứ nào; chưa đủ dữ liệu để kết luận: “Hai lần liên tục đạt danh hiệu Chiến sĩ thi đua "
         "cơ sở”."),
        ("consecutive_titles", "unknown",
         "Đạt Chiến sĩ thi đua cơ sở năm 2026; chưa có dữ liệu xếp loại, khen thưởng năm 2025."),
        ("all_of", "fail",
         "Không đạt: “Có 2 sáng kiến được công nhận trong 2 năm, chưa dùng để khen thưởng”."),
        ("ratings_in_window", "unknown", "Chưa có dữ liệu xếp loại năm 2025."),
        ("initiative_at_level", "fail",
         "Không có sáng kiến nào có phạm vi ảnh hưởng từ cấp cơ sở trở lên được công nhận trong giai đoạn "
         "2025-2026 mà chưa dùng để khen thưởng."),
    ]


def test_non_regular_dossiers_are_judged_on_the_standing_blocks_only(person):
    verdict = judge(nominate("BK_TINH_CN", person, kind="exceptional"))
    assert verdict.result == "pass"
    assert roots(verdict) == [clean()]


def test_an_unknown_vocabulary_key_is_unknown(person):
    from dossiers.models import Criterion

    nomination = nominate("LDTT", person)
    rate(person, y2026="httnv")
    Criterion.objects.bulk_create([Criterion(award_type=nomination.award_type, key="made_up", params={},
                                             description="Tiêu chuẩn thử", order=9)])
    verdict = judge(nomination)
    assert verdict.result == "unknown"
    assert roots(verdict)[-1] == ("made_up", "unknown", "Loại tiêu chuẩn “made_up” chưa được hỗ trợ.")


def test_consecutive_titles_may_end_in_the_previous_year(person):
    from dossiers.models import Criterion

    Criterion.objects.filter(award_type=award("CSTD_TINH"), key="consecutive_titles").update(
        params={"award_codes": ["CSTD_CS"], "count": 2, "ending": "previous_year"})
    title(person, "CSTD_CS", 2024)
    title(person, "CSTD_CS", 2025)
    verdict = judge(nominate("CSTD_TINH", person))
    assert roots(verdict)[1] == ("consecutive_titles", "pass", "Đạt Chiến sĩ thi đua cơ sở 2 năm liên tục 2024, 2025.")


def test_every_spaces_titles_and_must_be_positive():
    from django.core.exceptions import ValidationError

    from dossiers.eligibility.vocabulary import validate_criterion

    validate_criterion("consecutive_titles", {"award_codes": ["CSTD_TINH"], "count": 2, "every": 3})
    with pytest.raises(ValidationError):
        validate_criterion("consecutive_titles", {"award_codes": ["CSTD_TINH"], "count": 2, "every": 0})


def test_a_rating_of_a_year_before_the_discipline_ended_does_not_count(person):
    rate(person, y2026="htxsnv")
    discipline(person, "discipline", datetime.date(2025, 10, 1), datetime.date(2026, 2, 1))
    verdict = judge(nominate("LDTT", person))
    assert roots(verdict) == [
        ("not_disciplined", "fail",
         "Có kỷ luật từ ngày 01/10/2025 đến ngày 01/02/2026 trong thời gian xét thành tích (năm 2026)."),
        ("rating_at_least", "fail",
         "Xếp loại năm 2026 không được tính vì thành tích chỉ tính từ sau khi chấp hành xong kỷ luật từ ngày "
         "01/10/2025 đến ngày 01/02/2026."),
    ]


def test_a_missing_year_could_still_be_the_excellent_one(person):
    title(person, "BK_TTG_CN", 2021)
    rate(person, y2022="httnv", y2023="httnv", y2024="httnv", y2025="httnv")
    for year in (2022, 2024, 2025):
        title(person, "CSTD_CS", year)
    verdict = judge(nominate("HC_LD3_CN", person))
    assert verdict.result == "unknown"
    assert roots(verdict)[2] == ("ratings_in_window", "unknown", "Chưa có dữ liệu xếp loại năm 2026.")


def test_no_history_at_all_is_unknown_not_fail(person):
    verdict = judge(nominate("BK_TTG_CN", person))
    assert verdict.result == "unknown"
    assert [(k, r) for k, r, _e in roots(verdict)] == [
        ("not_disciplined", "pass"), ("has_award_before", "unknown"), ("ratings_in_window", "unknown"),
        ("titles_in_window", "unknown")]
    assert roots(verdict)[1][2] == "Chưa có dữ liệu xếp loại, khen thưởng của đối tượng."

"""A unit's documents from what it entered (proposal letter, achievement reports by subject and kind) and
Home Affairs' public notice, read back from the PDF."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dossiers.documents.official import render_document
from dossiers.models import AnnualRating, AwardRecord, Initiative, Movement, PublicNotice
from tests.documents import expect
from tests.factories import CollectiveFactory, DossierFactory, NominationFactory, PersonFactory, UserFactory, award

SUBMITTED = timezone.make_aware(datetime.datetime(2024, 1, 8, 9, 30))


@pytest.fixture
def head(finance):
    return UserFactory(unit=finance, roles=["unit_head"], username="giamdoc_tc", last_name="Vũ",
                       first_name="Quốc Khánh", position="Giám đốc Sở Tài chính")


@pytest.fixture
def submitted(finance, head, home_affairs):
    dossier = DossierFactory(unit=finance, year=2023, state="under_review", submitted_by=head,
                             submitted_at=SUBMITTED, title="Đề nghị khen thưởng thành tích năm 2023")
    ha = PersonFactory(unit=finance, full_name="Nguyễn Thị Thu Hà", gender="female", birth_year=1982,
                       position="Trưởng phòng Quản lý ngân sách")
    team = CollectiveFactory(unit=finance, name="Phòng Tài chính doanh nghiệp")
    nominations = [
        NominationFactory(dossier=dossier, person=ha, award_type=award("BK_TINH_CN", "ND98_2023"),
                          achievement_summary="Chủ trì xây dựng dự toán ngân sách tỉnh năm 2024.\n"
                                              "Hoàn thành xuất sắc nhiệm vụ được giao."),
        NominationFactory(dossier=dossier, person=None, collective=team,
                          award_type=award("BK_TINH_TT", "ND98_2023"),
                          achievement_summary="Hoàn thành vượt mức kế hoạch thu ngân sách."),
        NominationFactory(dossier=dossier, award_type=award("CSTD_TINH", "ND98_2023"),
                          person=PersonFactory(unit=finance, full_name="Đỗ Thị Hường", gender="female",
                                               position="Phó Trưởng phòng Đầu tư"),
                          achievement_summary="Sáng kiến quản lý vốn đầu tư công."),
    ]
    AnnualRating.objects.create(person=ha, year=2022, rating="htxsnv")
    AnnualRating.objects.create(person=ha, year=2023, rating="htxsnv")
    AnnualRating.objects.create(person=ha, year=2017, rating="httnv")  # outside the report's five years
    Initiative.objects.create(person=ha, year=2023, title="Phần mềm theo dõi giải ngân", level="province",
                              recognised_by="Quyết định số 15/QĐ-HĐSK ngày 20/12/2023")
    AwardRecord.objects.create(person=ha, award_code="CSTD_CS", award_name="Chiến sĩ thi đua cơ sở", year=2022,
                               decision_number="45/QĐ-STC", decision_date=datetime.date(2023, 1, 12),
                               decided_by="Giám đốc Sở Tài chính")
    AwardRecord.objects.create(person=ha, award_code="LDTT", award_name="Lao động tiên tiến", year=2021,
                               revoked=True)
    return dossier, nominations


def test_proposal_letter(submitted):
    dossier, _nominations = submitted
    pdf = render_document("proposal-letter", dossier)
    lines = expect.lines(pdf)
    expect.assert_lines_in_order(lines, [
        "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU",
        "SỞ TÀI CHÍNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số:        /TTr-{dossier.unit.code} Lai Châu, ngày 08 tháng 01 năm 2024",
        "TỜ TRÌNH",
        "Về việc đề nghị khen thưởng thành tích năm 2023",
        "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Lai Châu (qua Sở Nội vụ).",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
        "1. Danh hiệu “Chiến sĩ thi đua cấp tỉnh”: 01 cá nhân;",
        "2. Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: 01 cá nhân và 01 tập thể.",
        "(Có danh sách và hồ sơ kèm theo).",
        "Nơi nhận:", "- Như trên;", "- Lưu: VT.",
        "GIÁM ĐỐC SỞ TÀI CHÍNH", "Vũ Quốc Khánh",
        "DANH SÁCH",
        "Cá nhân, tập thể đề nghị khen thưởng",
        "STT Họ và tên / Tên tập thể Chức vụ, đơn vị công tác Tóm tắt thành tích",
        "Danh hiệu “Chiến sĩ thi đua cấp tỉnh” (01 cá nhân)",
        "1 Đỗ Thị Hường Phó Trưởng phòng Đầu tư, Sở Tài chính Sáng kiến quản lý vốn đầu tư công.",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (01 cá nhân và 01 tập thể)",
    ])
    text = expect.flat(pdf)
    assert ("Căn cứ thành tích đạt được và kết quả xét, đề nghị khen thưởng của đơn vị, Sở Tài chính kính đề nghị "
            "Chủ tịch Ủy ban nhân dân tỉnh xem xét, khen thưởng cho 02 cá nhân và 01 tập thể đã có thành tích "
            "xuất sắc trong thực hiện nhiệm vụ năm 2023, cụ thể như sau:") in text
    assert "Căn cứ Nghị định số 98/2023/NĐ-CP của Chính phủ" in text
    assert "Sở Tài chính kính đề nghị Chủ tịch Ủy ban nhân dân tỉnh xem xét, quyết định./." in text
    expect.assert_in_table(pdf, "2 Nguyễn Thị Thu Hà Trưởng phòng Quản lý ngân sách, Sở Tài chính Chủ trì xây "
                                "dựng dự toán ngân sách tỉnh năm 2024. Hoàn thành xuất sắc nhiệm vụ được giao. "
                                "3 Phòng Tài chính doanh nghiệp Sở Tài chính Hoàn thành vượt mức kế hoạch thu "
                                "ngân sách.")


def test_individual_achievement_report(submitted):
    _dossier, nominations = submitted
    pdf = render_document("achievement-report", nominations[0])
    lines = expect.lines(pdf)
    expect.assert_lines_in_order(lines, [
        "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU",
        "SỞ TÀI CHÍNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lai Châu, ngày 08 tháng 01 năm 2024",
        "BÁO CÁO THÀNH TÍCH",
        "Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "của cá nhân: Nguyễn Thị Thu Hà",
        "I. SƠ LƯỢC LÝ LỊCH",
        "- Họ và tên: Nguyễn Thị Thu Hà.",
        "- Giới tính: Nữ.",
        "- Năm sinh: 1982.",
        "- Chức vụ, đơn vị công tác: Trưởng phòng Quản lý ngân sách, Sở Tài chính.",
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        "Chủ trì xây dựng dự toán ngân sách tỉnh năm 2024.",
        "Hoàn thành xuất sắc nhiệm vụ được giao.",
        "Kết quả xếp loại các năm:",
        "Năm Xếp loại",
        "2022 Hoàn thành xuất sắc nhiệm vụ",
        "2023 Hoàn thành xuất sắc nhiệm vụ",
        "Sáng kiến, đề tài được công nhận:",
        "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
        # Left: the head confirms; right: the nominee who reports.
        "THỦ TRƯỞNG ĐƠN VỊ",
        "XÁC NHẬN, ĐỀ NGHỊ",
        "Vũ Quốc Khánh",
        "NGƯỜI BÁO CÁO THÀNH TÍCH",
        "Nguyễn Thị Thu Hà",
    ])
    assert "2017 Hoàn thành tốt nhiệm vụ" not in lines
    expect.assert_in_table(pdf, "2023 Phần mềm theo dõi giải ngân Cấp tỉnh, bộ, ngành Quyết định số "
                                "15/QĐ-HĐSK ngày 20/12/2023")
    expect.assert_in_table(pdf, "2022 Chiến sĩ thi đua cơ sở Quyết định số 45/QĐ-STC ngày 12/01/2023 của Giám đốc "
                                "Sở Tài chính")
    assert "Lao động tiên tiến" not in expect.flat(pdf)  # revoked awards are not claimed
    assert not any(line.startswith("Số:") for line in lines)


def test_collective_achievement_report(submitted):
    _dossier, nominations = submitted
    lines = expect.lines(render_document("achievement-report", nominations[1]))
    expect.assert_lines_in_order(lines, [
        "BÁO CÁO THÀNH TÍCH",
        "Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "của tập thể: Phòng Tài chính doanh nghiệp",
        "I. ĐẶC ĐIỂM, TÌNH HÌNH",
        "- Tên tập thể: Phòng Tài chính doanh nghiệp.",
        "- Đơn vị: Sở Tài chính.",
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        "Hoàn thành vượt mức kế hoạch thu ngân sách.",
        "Chưa có dữ liệu xếp loại.",
        "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
        "Chưa được khen thưởng.",
        "THỦ TRƯỞNG CƠ QUAN CẤP TRÊN",
        "TRỰC TIẾP XÁC NHẬN",
        "GIÁM ĐỐC SỞ TÀI CHÍNH",
        "Vũ Quốc Khánh",
    ])
    assert "I. SƠ LƯỢC LÝ LỊCH" not in lines


@pytest.mark.parametrize(("kind", "heading", "purpose"), [
    ("exceptional", "BÁO CÁO TÓM TẮT THÀNH TÍCH ĐỘT XUẤT", "Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"),
    ("long_service", "BÁO CÁO TÓM TẮT QUÁ TRÌNH CỐNG HIẾN",
     "Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"),
    ("thematic", "BÁO CÁO THÀNH TÍCH THEO CHUYÊN ĐỀ, PHONG TRÀO THI ĐUA",
     "Đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh trong Phong trào “Cả nước chung tay vì người"),
])
def test_achievement_report_heading_by_kind(kind, heading, purpose, finance, province):
    movement = Movement.objects.create(province=province, name="Phong trào “Cả nước chung tay vì người nghèo”")
    dossier = DossierFactory(unit=finance, year=2024, kind=kind, movement=movement if kind == "thematic" else None)
    nomination = NominationFactory(dossier=dossier, award_type=award("BK_TINH_CN", "ND98_2023"),
                                   achievement_summary="Dũng cảm cứu người trong lũ.")
    pdf = render_document("achievement-report", nomination)
    lines = expect.lines(pdf)
    assert heading in lines
    assert f"{heading} {purpose}" in expect.flat(pdf)
    # Only regular reports list ratings and initiatives.
    assert "Kết quả xếp loại các năm:" not in lines


def test_public_notice(province, finance, home_affairs, lead, ha_specialist):
    starts, ends = datetime.date(2024, 3, 1), datetime.date(2024, 3, 14)
    dossiers = []
    for unit_name, person in (("Sở Tài chính", "Lê Thị Lan"), ("Sở Y tế", "Hoàng Văn Nam")):
        unit = finance if unit_name == "Sở Tài chính" else None
        dossier = DossierFactory(unit=unit, state="public_notice") if unit else DossierFactory(
            unit__province=province, unit__name=unit_name, state="public_notice")
        NominationFactory(dossier=dossier, award_type=award("HC_LD3_CN", "ND98_2023"), outcome="eligible",
                          person=PersonFactory(unit=dossier.unit, full_name=person, position="Chuyên viên chính"))
        # Not listed: an award that needs no notice, and a nomination already found ineligible.
        NominationFactory(dossier=dossier, award_type=award("BK_TINH_CN", "ND98_2023"), outcome="eligible")
        NominationFactory(dossier=dossier, award_type=award("HC_LD3_CN", "ND98_2023"), outcome="ineligible")
        dossiers.append(dossier)
    notices = [PublicNotice.objects.create(dossier=dossier, starts_on=starts, ends_on=ends, created_by=lead)
               for dossier in dossiers]
    other = DossierFactory(unit=finance, state="public_notice")
    PublicNotice.objects.create(dossier=other, starts_on=datetime.date(2024, 4, 1),
                                ends_on=datetime.date(2024, 4, 12), created_by=lead)
    NominationFactory(dossier=other, award_type=award("HC_LD3_CN", "ND98_2023"), outcome="eligible",
                      person=PersonFactory(unit=finance, full_name="Người Khác Đợt"))
    pdf = render_document("public-notice", notices[0])
    lines = expect.lines(pdf)
    expect.assert_lines_in_order(lines, [
        "UBND TỈNH LAI CHÂU",
        "SỞ NỘI VỤ",
        "Số:        /TB-SNV Lai Châu, ngày 01 tháng 3 năm 2024",
        "THÔNG BÁO",
        "Công khai danh sách cá nhân, tập thể được đề nghị khen thưởng",
        "Thời gian công khai: từ ngày 01/3/2024 đến hết ngày 14/3/2024.",
        "Nơi nhận:",
        "- Trang thông tin điện tử của Sở;",
        "- Lưu: VT, TĐKT.",
        "GIÁM ĐỐC",
        "Nguyễn Đức Thịnh",
        "DANH SÁCH",
        "STT Họ và tên / Tên tập thể Chức vụ, đơn vị công tác Đơn vị đề nghị",
        "Huân chương Lao động hạng Ba (02 cá nhân)",
    ])
    text = expect.flat(pdf)
    assert ("Sở Nội vụ thông báo công khai danh sách 02 cá nhân được đề nghị khen thưởng (có danh sách kèm "
            "theo).") in text
    assert "/cong-khai/" in text
    assert "Nơi nhận: - Các cơ quan, đơn vị có cá nhân, tập thể được đề nghị khen thưởng;" in text
    # People in Vietnamese order: by given name (Lan before Nam).
    expect.assert_lines_in_order(lines, ["1 Lê Thị Lan Chuyên viên chính, Sở Tài chính Sở Tài chính",
                                         "2 Hoàng Văn Nam Chuyên viên chính, Sở Y tế Sở Y tế"])
    assert "Người Khác Đợt" not in text

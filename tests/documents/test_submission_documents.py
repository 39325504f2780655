"""Home Affairs' submission to the Chairman (TTr-SNV) and the province's submission to the Prime Minister
(TTr-UBND), read back from the PDF."""

from __future__ import annotations

import datetime

import pytest

from councils.models import AgendaItem, Council, CouncilSession
from dossiers.documents.official import render_document
from dossiers.models import EligibilityOverride, EligibilityVerdict, Regulation
from tests.documents import expect
from tests.documents.conftest import make_decision, sign


@pytest.fixture
def voted(ready, province, ha_specialist):
    """The council's results for the two nominations that needed a vote."""
    council = Council.objects.create(province=province)
    session = CouncilSession.objects.create(
        council=council, title="Phiên họp thứ nhất năm 2024", date=datetime.date(2024, 2, 27),
        place="Phòng họp số 1", created_by=ha_specialist, minutes_number="01/BB-HĐTĐKT")
    AgendaItem.objects.create(session=session, nomination=ready[0], position=1, agree=12, written_agree=2,
                              disagree=1, abstain=0, issued=13, valid=13, base=15, result="passed")
    AgendaItem.objects.create(session=session, nomination=ready[3], position=2, agree=10, written_agree=1,
                              disagree=2, abstain=1, issued=13, valid=13, base=15, result="passed")
    return session


@pytest.fixture
def overridden(ready, ha_specialist):
    verdict = EligibilityVerdict.objects.create(
        nomination=ready[1], key="ratings_in_window",
        description="02 năm liên tục hoàn thành xuất sắc nhiệm vụ",
        result="fail", explanation="Năm 2022 chưa có dữ liệu xếp loại",
        regulation=Regulation.objects.get(code="ND98_2023"))
    return EligibilityOverride.objects.create(
        verdict=verdict, reason="Đơn vị đã nộp bản sao quyết định xếp loại năm 2022 kèm hồ sơ",
        created_by=ha_specialist)


def test_home_affairs_submission(voted, overridden, province, ha_specialist, lead, chairman, ready):
    decision = make_decision(province=province, ha_specialist=ha_specialist, lead=lead, nominations=ready,
                             title="Về việc khen thưởng thành tích năm 2023")
    decision = sign(decision, lead=lead, signer=chairman)
    day = overridden.created_at.astimezone(datetime.timezone(datetime.timedelta(hours=7))).date()
    pdf = render_document("ha-submission", decision)
    lines = expect.lines(pdf)
    expect.assert_lines_in_order(lines, [
        "UBND TỈNH LAI CHÂU",
        "SỞ NỘI VỤ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/TTr-SNV Lai Châu, ngày 01 tháng 3 năm 2024",
        "TỜ TRÌNH",
        "Về việc đề nghị khen thưởng thành tích năm 2023",
        "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Lai Châu.",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
        "I. ĐỀ NGHỊ CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KHEN THƯỞNG",
        "1. Danh hiệu “Chiến sĩ thi đua cấp tỉnh”: 01 cá nhân;",
        "2. Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: 01 cá nhân và 01 tập thể.",
        "II. ĐỀ NGHỊ TRÌNH CẤP CÓ THẨM QUYỀN KHEN THƯỞNG",
        "1. Huân chương Lao động hạng Ba: 01 cá nhân.",
        "III. KẾT QUẢ THẨM ĐỊNH, XÉT DUYỆT",
    ])
    expect.assert_lines_in_order(lines, [
        "Nơi nhận:", "- Như trên;", "- Lưu: VT, TĐKT.", "GIÁM ĐỐC", "Nguyễn Đức Thịnh",
    ])
    text = expect.flat(pdf)
    assert ("Trên cơ sở đề nghị của 1 cơ quan, đơn vị (Sở Tài chính), Sở Nội vụ đã thẩm định hồ sơ và Hội đồng "
            "Thi đua - Khen thưởng tỉnh đã xét, biểu quyết theo quy định. Sở Nội vụ kính trình Chủ tịch Ủy ban "
            "nhân dân tỉnh xem xét, khen thưởng cho 03 cá nhân và 01 tập thể, cụ thể như sau:") in text
    # The council's result per nomination, with the minutes.
    expect.assert_lines_in_order(lines, [
        "STT Họ và tên / Tên tập thể Chức vụ, đơn vị công tác Hình thức đề nghị Kết quả xét của Hội đồng",
        "1 Nguyễn Thị Thu Hà Trưởng phòng Quản lý ngân sách, Sở Tài chính Chiến sĩ thi đua cấp tỉnh",
        "2 Lê Văn Minh Chuyên viên, Sở Tài chính Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Đủ điều kiện; "
        "không phải biểu quyết",
        "3 Phòng Tài chính doanh nghiệp Sở Tài chính Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Đủ điều kiện; "
        "không phải biểu quyết",
        "4 Đặng Văn Tùng Phó Giám đốc, Sở Tài chính Huân chương Lao động hạng Ba",
    ])
    expect.assert_in_table(pdf, "Chiến sĩ thi đua cấp tỉnh Phiên họp ngày 27/02/2024, Biên bản số "
                                "01/BB-HĐTĐKT: đồng ý 14/15 (93,3%), Đạt 2 Lê Văn Minh")
    expect.assert_in_table(pdf, "Huân chương Lao động hạng Ba Phiên họp ngày 27/02/2024, Biên bản số "
                                "01/BB-HĐTĐKT: đồng ý 11/15 (73,3%), Đạt")
    # Every override with its written reason.
    assert "IV. CÁC TRƯỜNG HỢP CHẤP NHẬN NGOẠI LỆ KHI KIỂM TRA ĐIỀU KIỆN" in text
    assert (f"1. Lê Văn Minh (Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh): tiêu chuẩn “02 năm liên tục hoàn thành "
            f"xuất sắc nhiệm vụ” chưa đạt (Năm 2022 chưa có dữ liệu xếp loại). Lý do chấp nhận: Đơn vị đã nộp bản "
            f"sao quyết định xếp loại năm 2022 kèm hồ sơ (người quyết định: {ha_specialist.get_full_name()}, "
            f"ngày {day.day:02d}/{day.month if day.month > 2 else f'{day.month:02d}'}/{day.year}).") in text
    assert ("Sở Nội vụ kính trình Chủ tịch Ủy ban nhân dân tỉnh xem xét, quyết định./. Nơi nhận: - Như trên; "
            "- Chủ tịch Hội đồng Thi đua - Khen thưởng tỉnh (b/c); - Lưu: VT, TĐKT. GIÁM ĐỐC Nguyễn Đức Thịnh") in text


def test_home_affairs_submission_before_checking(draft):
    pdf = render_document("ha-submission", draft)
    lines = expect.lines(pdf)
    assert lines[0] == "DỰ THẢO"
    assert any(line.startswith("Số:        /TTr-SNV Lai Châu, ngày        tháng") for line in lines)
    text = expect.flat(pdf)
    assert "Không có trường hợp nào được chấp nhận ngoại lệ." in text
    assert "Chưa có kết quả biểu quyết" in text
    assert "đã thẩm định hồ sơ. Sở Nội vụ kính trình" in text


def test_a_deputy_director_signs_for_the_director(draft, lead):
    from dossiers.services import decisions as decision_services

    lead.position = "Phó Giám đốc Sở Nội vụ"
    lead.save()
    checked = decision_services.check_decision(actor=lead, decision=draft, submission_date=datetime.date(2024, 3, 1))
    lines = expect.lines(render_document("ha-submission", checked))
    assert "DỰ THẢO" not in lines
    expect.assert_lines_in_order(lines, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Đức Thịnh"])


def test_central_submission_signed_by_a_vice_chairman(signed_decision, province, ha_specialist, vice_chairman):
    """The Vice-Chairman's account signs "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" without choosing anything."""
    from dossiers.models import Nomination
    from dossiers.services import central as central_services

    submission = central_services.create_submission(
        actor=ha_specialist, province=province, title="Về việc đề nghị tặng Huân chương Lao động",
        nominations=list(Nomination.objects.filter(outcome="forwarded")))
    submission = central_services.sign_submission(actor=vice_chairman, submission=submission,
                                                  signed_on=datetime.date(2024, 3, 6))
    assert submission.signer_capacity == "vice_chairman"
    lines = expect.lines(render_document("central-submission", submission))
    expect.assert_lines_in_order(lines, [
        "Số: 01/TTr-UBND Lai Châu, ngày 06 tháng 3 năm 2024",
        "Nơi nhận:", "- Lưu: VT, SNV.",
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Tống Thanh Hải",
        "DANH SÁCH",
    ])
    assert "CHỦ TỊCH" not in lines and "Lê Văn Lương" not in lines


def test_central_submission(central_submission):
    pdf = render_document("central-submission", central_submission)
    lines = expect.lines(pdf)
    expect.assert_lines_in_order(lines, [
        "ỦY BAN NHÂN DÂN",
        "TỈNH LAI CHÂU",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/TTr-UBND Lai Châu, ngày 05 tháng 3 năm 2024",
        "TỜ TRÌNH",
        "Về việc đề nghị tặng Huân chương Lao động",
    ])
    expect.assert_lines_in_order(lines, ["Kính gửi: - Thủ tướng Chính phủ;",
                                         "- Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương)."])
    expect.assert_lines_in_order(lines, [
        "Nơi nhận:", "- Như trên;", "- Văn phòng Chính phủ;", "- Sở Nội vụ;", "- Lưu: VT, SNV.",
        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Lương",
        "DANH SÁCH", "Cá nhân, tập thể đề nghị khen thưởng",
        "STT Họ và tên / Tên tập thể Năm sinh Chức vụ, đơn vị công tác Thành tích",
        "I Huân chương Lao động hạng Ba (01 cá nhân)",
    ])
    text = expect.flat(pdf)
    assert ("Xét đề nghị của Giám đốc Sở Nội vụ và Hội đồng Thi đua - Khen thưởng tỉnh, Ủy ban nhân dân tỉnh "
            "Lai Châu kính trình: 1. Thủ tướng Chính phủ xem xét, trình Chủ tịch nước tặng Huân chương Lao động "
            "hạng Ba: 01 cá nhân.") in text
    assert "(Có danh sách và hồ sơ của 01 cá nhân kèm theo)." in text
    assert "Ủy ban nhân dân tỉnh Lai Châu kính trình Thủ tướng Chính phủ xem xét, quyết định./." in text
    assert ("(Kèm theo Tờ trình số 01/TTr-UBND ngày 05 tháng 3 năm 2024 của Ủy ban nhân dân tỉnh Lai Châu)"
            in text)
    assert ("1 Đặng Văn Tùng 1980 Phó Giám đốc, Sở Tài chính Đã có thành tích xuất sắc trong thực hiện nhiệm vụ "
            "năm 2023") in text

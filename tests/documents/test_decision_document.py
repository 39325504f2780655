"""The Chairman's decision (QĐ-UBND) read back from the PDF, line by line: Decree 30 blocks, legal bases,
articles, the signature block by who signs, recipients and the annex with its cash totals."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dossiers.documents.official import document_html, render_document
from dossiers.models import AwardRecord, DecisionItem
from dossiers.services import decisions as decision_services
from tests.documents import expect
from tests.documents import pdf as pdfread
from tests.documents.conftest import DAY, sign

HEADER = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH LAI CHÂU",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: 01/QĐ-UBND Lai Châu, ngày 05 tháng 3 năm 2024",
    "QUYẾT ĐỊNH",
    "Về việc khen thưởng thành tích năm 2023",
    "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LAI CHÂU",
]
BODY = [
    # Legal bases: the local government law and the decree in force on 05/3/2024, the HA submission.
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều "
    "của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
    "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
    "Căn cứ Nghị định số 98/2023/NĐ-CP của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, "
    "khen thưởng;",
    "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 01/TTr-SNV ngày 01 tháng 3 năm 2024.",
    "QUYẾT ĐỊNH:",
    "Điều 1. Khen thưởng 02 cá nhân và 01 tập thể có tên trong danh sách kèm theo Quyết định này, đã có thành "
    "tích xuất sắc trong thực hiện nhiệm vụ năm 2023, gồm:",
    "- Danh hiệu “Chiến sĩ thi đua cấp tỉnh”: 01 cá nhân;",
    "- Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh: 01 cá nhân và 01 tập thể.",
    # Cash at the base salary in force on the decision date (1,800,000 from 01/7/2023), in words too.
    "Điều 2. Tiền thưởng kèm theo được tính theo mức lương cơ sở 1.800.000 đồng và thực hiện theo quy định "
    "hiện hành. Tổng số tiền thưởng là 10.800.000 đồng (Mười triệu tám trăm nghìn đồng), trích từ Quỹ thi đua, "
    "khen thưởng của tỉnh.",
    "Điều 3. Thống nhất đề nghị cấp có thẩm quyền khen thưởng cho 01 cá nhân có tên tại Mục III của danh sách "
    "kèm theo; giao Sở Nội vụ hoàn thiện hồ sơ, trình Thủ tướng Chính phủ xem xét theo quy định.",
    "Điều 4. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội "
    "vụ, Giám đốc Sở Tài chính, Thủ trưởng các cơ quan, đơn vị có liên quan và các cá nhân, tập thể có tên tại "
    "Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
]
RECIPIENTS = [
    "Nơi nhận:",
    "- Như Điều 4;",
    "- Ban Thi đua - Khen thưởng Trung ương;",
    "- TT. Tỉnh ủy, TT. HĐND tỉnh (b/c);",
    "- Chủ tịch, các PCT UBND tỉnh;",
    "- Lưu: VT, SNV.",
]
ANNEX = [
    "DANH SÁCH",
    "Cá nhân, tập thể được khen thưởng",
    "STT Họ và tên / Tên tập thể Chức vụ, đơn vị công tác Số tiền thưởng (đồng)",
    "I Danh hiệu “Chiến sĩ thi đua cấp tỉnh” (01 cá nhân)",
    "1 Nguyễn Thị Thu Hà Trưởng phòng Quản lý ngân sách, Sở Tài chính 5.400.000",
    "Cộng mục I 5.400.000",
    "II Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (01 cá nhân và 01 tập thể)",
    "1 Lê Văn Minh Chuyên viên, Sở Tài chính 1.800.000",
    "2 Phòng Tài chính doanh nghiệp Sở Tài chính 3.600.000",
    "Cộng mục II 5.400.000",
    "Tổng cộng: 02 cá nhân và 01 tập thể 10.800.000",
    "III Đề nghị cấp có thẩm quyền khen thưởng",
    "III.1 Huân chương Lao động hạng Ba (01 cá nhân)",
    "1 Đặng Văn Tùng Phó Giám đốc, Sở Tài chính",
    "Tổng số tiền thưởng bằng chữ: Mười triệu tám trăm nghìn đồng./.",
]


def test_decision_signed_by_the_chairman(signed_decision):
    pdf = render_document("decision", signed_decision)
    lines = expect.lines(pdf)
    expect.assert_lines_in_order(lines, HEADER)
    text = expect.flat(pdf)
    position = 0
    for paragraph in BODY:
        found = text.find(paragraph, position)
        assert found >= 0, paragraph
        position = found + len(paragraph)
    expect.assert_lines_in_order(lines, RECIPIENTS)
    expect.assert_lines_in_order(lines, ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Lương"])
    assert "KT. CHỦ TỊCH" not in lines and "PHÓ CHỦ TỊCH" not in lines
    assert "DỰ THẢO" not in lines
    expect.assert_lines_in_order(lines, ANNEX)
    assert ("(Kèm theo Quyết định số 01/QĐ-UBND ngày 05 tháng 3 năm 2024 của Chủ tịch UBND tỉnh Lai Châu)"
            in text)
    # The amounts printed are the ones the signing wrote (and the history reads).
    assert sum(DecisionItem.objects.filter(decision=signed_decision).values_list("cash_amount", flat=True)) \
        == 10_800_000


def test_decision_signed_by_a_vice_chairman(draft, lead, vice_chairman):
    decision = sign(draft, lead=lead, signer=vice_chairman)
    pdf = render_document("decision", decision)
    lines = expect.lines(pdf)
    expect.assert_lines_in_order(lines, ["Số: 01/QĐ-UBND Lai Châu, ngày 05 tháng 3 năm 2024"])
    expect.assert_lines_in_order(lines, ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Tống Thanh Hải"])
    assert "Lê Văn Lương" not in lines
    # The signature block sits right of the recipients, on the same row.
    for index in range(len(pdfread.reader(pdf).pages)):
        found, _width, _height = pdfread.runs(pdf, index)
        authority = [run for run in found if run.text == "TM. ỦY BAN NHÂN DÂN"]
        heading = [run for run in found if run.text == "Nơi nhận:"]
        if authority:
            assert heading and heading[0].x < authority[0].x and abs(heading[0].y - authority[0].y) < 6
            break
    else:
        pytest.fail("no signature block")


def test_a_draft_leaves_the_number_and_date_blank(draft):
    year = timezone.localdate().year
    pdf = render_document("decision", draft)
    lines = expect.lines(pdf)
    assert lines[0] == "DỰ THẢO"
    expect.assert_lines_in_order(lines, [
        f"Số:        /QĐ-UBND Lai Châu, ngày        tháng        năm {year}",
        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
    ])
    text = expect.flat(pdf)
    assert f"(Dự thảo kèm theo Quyết định số /QĐ-UBND ngày tháng năm {year} của Chủ tịch UBND tỉnh Lai Châu)" in text
    assert "Số: 01/QĐ-UBND" not in text


def test_every_page_after_the_first_is_numbered_and_the_annex_starts_a_page(signed_decision):
    pdf = render_document("decision", signed_decision)
    pages = pdfread.page_texts(pdf)
    assert len(pages) >= 2
    annex_page = next(index for index, page in enumerate(pages) if "DANH SÁCH" in page)
    assert annex_page >= 1
    assert pages[annex_page].splitlines()[0].strip() in ("DANH SÁCH", str(annex_page + 1))
    for index in range(len(pages)):
        found, _width, height = pdfread.runs(pdf, index)
        top = [run.text for run in found if run.y > height - 20 * pdfread.MM]
        assert top == ([] if index == 0 else [str(index + 1)])


def test_custom_legal_bases_and_recipients_replace_the_defaults(draft):
    draft.legal_bases = "Căn cứ Quyết định số 12/2024/QĐ-UBND ngày 10/01/2024 của UBND tỉnh;\n\n"
    draft.recipients = "- Sở Tài chính;\nKho bạc Nhà nước tỉnh"
    draft.save()
    html = document_html("decision", draft)
    assert "Căn cứ Quyết định số 12/2024/QĐ-UBND ngày 10/01/2024 của UBND tỉnh;" in html
    assert "Luật Thi đua, khen thưởng số 06/2022/QH15" not in html
    assert "<p>- Sở Tài chính;</p>" in html and "<p>- Kho bạc Nhà nước tỉnh;</p>" in html


def test_revocation_decision(signed_decision, province, ha_specialist, lead, chairman):
    record = AwardRecord.objects.get(nomination__person__full_name="Lê Văn Minh")
    revocation = decision_services.draft_revocation(
        actor=ha_specialist, province=province, title="Về việc hủy bỏ khen thưởng",
        records=[(record, "Kê khai không trung thực thành tích")])
    decision_services.check_decision(actor=lead, decision=revocation, submission_date=DAY)
    revocation = decision_services.sign_decision(actor=chairman, decision=revocation, decision_date=DAY)
    pdf = render_document("decision", revocation)
    lines = expect.lines(pdf)
    expect.assert_lines_in_order(lines, [
        "Số: 02/QĐ-UBND Lai Châu, ngày 05 tháng 3 năm 2024", "QUYẾT ĐỊNH", "Về việc hủy bỏ khen thưởng",
    ])
    text = expect.flat(pdf)
    assert "Điều 1. Hủy bỏ khen thưởng đối với 01 cá nhân sau đây:" in text
    assert ("1. Lê Văn Minh, Chuyên viên, Sở Tài chính: Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm 2023 "
            "theo Quyết định số 01/QĐ-UBND ngày 05 tháng 3 năm 2024. Lý do: Kê khai không trung thực thành "
            "tích.") in text
    assert "nộp lại hiện vật và tiền thưởng đã nhận theo quy định tại Điều 93 Luật Thi đua, khen thưởng" in text
    assert "Điều 3. Quyết định này có hiệu lực kể từ ngày ký." in text
    assert "DANH SÁCH" not in lines
    expect.assert_lines_in_order(lines, ["- Như Điều 3;", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Lương"])

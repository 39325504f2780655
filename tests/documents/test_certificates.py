"""Certificates of merit: one page per awardee in one PDF, whole on plain paper or only the fields onto
pre-printed blanks at their positions in millimetres, and a test print to line a blank up."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers.documents.builders.certificates import DEFAULT_POSITIONS, validate_positions
from dossiers.documents.official import document_html, render_document
from dossiers.models import CertificateLayout
from tests.documents import expect
from tests.documents import pdf as pdfread
from tests.documents.conftest import sign
from tests.factories import UserFactory

MM = pdfread.MM


def page_lines(pdf: bytes) -> list[list[str]]:
    return [[line.replace("\u00a0", " ").strip() for line in page.splitlines() if line.strip()]
            for page in pdfread.page_texts(pdf)]


def run(pdf: bytes, page: int, text: str):
    found, width, height = pdfread.runs(pdf, page)
    matches = [item for item in found if item.text.startswith(text)]
    assert matches, (text, [item.text for item in found])
    return matches[0], width, height


def test_full_certificates_one_page_per_awardee(signed_decision):
    pdf = render_document("certificates", signed_decision)
    pages = page_lines(pdf)
    # Three provincial awards; the order forwarded to the President gets no certificate here.
    assert len(pages) == 3
    for page in pdfread.reader(pdf).pages:
        assert round(float(page.mediabox.width) / MM) == 297 and round(float(page.mediabox.height) / MM) == 210
    common_head = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LAI CHÂU"]
    common_foot = ["Quyết định số 01/QĐ-UBND ngày 05 tháng 3 năm 2024", "Lai Châu, ngày 05 tháng 3 năm 2024",
                   "CHỦ TỊCH", "Lê Văn Lương"]
    assert pages[0] == [*common_head, "TẶNG DANH HIỆU", "CHIẾN SĨ THI ĐUA CẤP TỈNH", "Bà Nguyễn Thị Thu Hà",
                        "Trưởng phòng Quản lý ngân sách, Sở Tài chính",
                        "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2023", *common_foot]
    assert pages[1] == [*common_head, "TẶNG", "BẰNG KHEN", "Ông Lê Văn Minh", "Chuyên viên, Sở Tài chính",
                        "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2023", *common_foot]
    assert pages[2] == [*common_head, "TẶNG", "BẰNG KHEN", "Phòng Tài chính doanh nghiệp", "Sở Tài chính",
                        "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2023", *common_foot]
    assert "Đặng Văn Tùng" not in pdfread.text(pdf)


def test_a_vice_chairman_signs_for_the_chairman(draft, lead, vice_chairman):
    decision = sign(draft, lead=lead, signer=vice_chairman)
    pages = page_lines(render_document("certificates", decision))
    assert pages[0][-3:] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Tống Thanh Hải"]


def test_preprinted_fields_at_their_positions(signed_decision, province):
    layout = CertificateLayout.objects.create(
        province=province, name="Phôi bằng khen 2024", mode="preprinted", page_width_mm=300, page_height_mm=215,
        positions={
            "nominee": {"x": 50, "y": 100, "width": 200, "size": 20, "align": "left", "bold": True},
            "position_unit": None,
            "decision": {"x": 20, "y": 180, "width": 120, "size": 11, "align": "left"},
        })
    pdf = render_document("certificates", signed_decision, layout=layout)
    pages = page_lines(pdf)
    assert len(pages) == 3
    for page in pdfread.reader(pdf).pages:
        assert round(float(page.mediabox.width) / MM) == 300 and round(float(page.mediabox.height) / MM) == 215
    # Only the variable fields: the blank carries the motto, the issuer and "BẰNG KHEN".
    assert pages[1] == ["Ông Lê Văn Minh", "Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm 2023",
                        "Quyết định số 01/QĐ-UBND ngày 05 tháng 3 năm 2024", "Lai Châu, ngày 05 tháng 3 năm 2024",
                        "CHỦ TỊCH", "Lê Văn Lương"]
    nominee, _width, height = run(pdf, 1, "Ông Lê Văn Minh")
    assert abs(nominee.x - 50 * MM) < 1
    # The baseline sits one line below the field's top edge (100 mm from the top of the page).
    assert 100 * MM < height - nominee.y < (100 + 10) * MM
    decision, _width, height = run(pdf, 1, "Quyết định số 01/QĐ-UBND")
    assert abs(decision.x - 20 * MM) < 1 and 180 * MM < height - decision.y < 187 * MM
    # Fields the layout does not set keep their default position.
    place, width, height = run(pdf, 1, "Lai Châu, ngày 05 tháng 3 năm 2024")
    default = DEFAULT_POSITIONS["place_date"]
    assert default["x"] * MM < place.x < (default["x"] + default["width"]) * MM
    assert default["y"] * MM < height - place.y < (default["y"] + 9) * MM


def test_empty_positions_use_the_default_set(signed_decision, province):
    layout = CertificateLayout.objects.create(province=province, name="Phôi mặc định", mode="preprinted")
    html = document_html("certificates", signed_decision, layout=layout)
    for name, spec in DEFAULT_POSITIONS.items():
        if spec is None:
            assert f"field-{name}" not in html
        else:
            assert f'class="field field-{name}" style="left: {spec["x"]}mm; top: {spec["y"]}mm; ' \
                   f'width: {spec["width"]}mm; font-size: {spec["size"]}pt;' in html
    pdf = render_document("certificates", signed_decision, layout=layout)
    decision, _width, height = run(pdf, 0, "Quyết định số 01/QĐ-UBND")
    assert abs(decision.x - DEFAULT_POSITIONS["decision"]["x"] * MM) < 1


def test_the_province_default_layout_is_used(signed_decision, province):
    CertificateLayout.objects.create(province=province, name="Phôi đang dùng", mode="preprinted", is_default=True)
    pages = page_lines(render_document("certificates", signed_decision))
    assert pages[0][0] == "Bà Nguyễn Thị Thu Hà"


def test_test_print_shows_sample_data_in_framed_fields(client, signed_decision, province, ha_specialist,
                                                       finance_clerk):
    layout = CertificateLayout.objects.create(province=province, name="Phôi 2024", mode="preprinted")
    client.force_login(ha_specialist)
    response = client.get(reverse("document_pdf", args=["certificates", signed_decision.pk])
                          + f"?layout={layout.pk}&test=1")
    pdf = response.content if not response.streaming else b"".join(response.streaming_content)
    pages = page_lines(pdf)
    assert len(pages) == 1
    assert pages[0][:4] == ["Bà Nguyễn Thị Mẫu", "Họ và tên (40; 92 mm)",
                            "Trưởng phòng Tổng hợp, Sở Nông nghiệp và Môi trường", "Chức vụ, đơn vị (40; 106 mm)"]
    assert "Quyết định số 99/QĐ-UBND ngày 31 tháng 12 năm 2024" in pages[0]
    assert "IN THỬ - DỮ LIỆU MẪU (Phôi 2024)" in pages[0]
    assert "Lê Văn Minh" not in pdfread.text(pdf)
    html = document_html("certificates", signed_decision, layout=layout, test=True)
    assert html.count('class="field-label"') == len([s for s in DEFAULT_POSITIONS.values() if s])
    assert "certificate--test" in html

    # The same test print from the admin's link, without a decision.
    direct = client.get(reverse("certificate_test_print", args=[layout.pk]))
    assert direct.status_code == 200 and page_lines(direct.content)[0][0] == "Bà Nguyễn Thị Mẫu"
    client.force_login(finance_clerk)
    assert client.get(reverse("certificate_test_print", args=[layout.pk])).status_code == 404


def test_full_mode_test_print_outlines_the_fields(signed_decision, province):
    layout = CertificateLayout.objects.create(province=province, name="Giấy trắng", mode="full")
    html = document_html("certificates", signed_decision, layout=layout, test=True)
    assert html.count('outlined') == 6  # name, position, achievement, decision, place and date, signer
    lines = expect.lines(render_document("certificates", signed_decision, layout=layout, test=True))
    assert "Bà Nguyễn Thị Mẫu" in lines and "IN THỬ - DỮ LIỆU MẪU (Giấy trắng)" in lines


def test_admin_lists_layouts_with_a_test_print_link(client, province):
    admin = UserFactory(unit=None, is_staff=True, is_superuser=True, username="quantri")
    layout = CertificateLayout.objects.create(province=province, name="Phôi 2024", mode="preprinted")
    client.force_login(admin)
    listing = client.get(reverse("admin:dossiers_certificatelayout_changelist")).content.decode()
    link = reverse("certificate_test_print", args=[layout.pk])
    assert f'href="{link}"' in listing
    page = client.get(reverse("admin:dossiers_certificatelayout_change", args=[layout.pk])).content.decode()
    assert "In thử với dữ liệu mẫu và khung từng trường" in page and "&quot;nominee&quot;" in page
    response = client.post(reverse("admin:dossiers_certificatelayout_change", args=[layout.pk]), {
        "province": province.pk, "name": "Phôi 2024", "mode": "preprinted", "page_width_mm": 297,
        "page_height_mm": 210, "positions": '{"nominee": {"x": "bốn mươi"}}',
    })
    assert response.status_code == 200
    assert "“x” của trường “nominee” phải là một số không âm." in response.content.decode()


@pytest.mark.parametrize(("positions", "message"), [
    ({"ten": {"x": 1}}, "Không có trường “ten”"),
    ({"nominee": {"x": -5}}, "“x” của trường “nominee” phải là một số không âm."),
    ({"nominee": {"align": "justify"}}, "“align” của trường “nominee” phải là left, center hoặc right."),
    ({"nominee": 12}, "Trường “nominee” phải là một đối tượng JSON hoặc null."),
    ([1, 2], "Vị trí các trường phải là một đối tượng JSON"),
])
def test_positions_are_checked(positions, message):
    with pytest.raises(ValidationError) as raised:
        validate_positions(positions)
    assert any(message in text for text in raised.value.messages)


def test_valid_positions_pass():
    validate_positions({"nominee": {"x": 40.5, "y": 90, "size": 20, "align": "center"}, "award": None,
                        "position_unit": {"hidden": True}})
    validate_positions({})

"""A unit's dossier from creation to submission, in a real browser.

The clerk signs in, creates a dossier, imports two nominees from Excel,
uploads the required documents and sends the dossier to the head; the head
signs in and submits it. Every check is on text the user sees.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from dossiers.services.catalogue import load_catalogue
from tests.factories import PASSWORD, PDF_BYTES, ProvinceFactory, UnitFactory, UserFactory, award

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOMINEES = [
    ("Cá nhân", "Nguyễn Thị Hoa", "Nữ", 1985, "Trưởng phòng Kế hoạch - Tài chính"),
    ("Cá nhân", "Trần Văn Bình", "Nam", 1979, "Phó Trưởng phòng Quản lý giá"),
]


def nominee_workbook(path) -> None:
    """The generated template, with one row per nominee written under its header row."""
    from dossiers.imports.nominees import nominee_template

    book = openpyxl.load_workbook(io.BytesIO(nominee_template(kind="regular")))
    sheet = book["Danh sách"]
    columns = {cell.value: cell.column for cell in sheet[1] if cell.value}
    for number, (subject, name, gender, born, position) in enumerate(NOMINEES, start=1):
        row = number + 1
        values = {
            "STT": number,
            "Đối tượng": subject,
            "Họ và tên hoặc tên tập thể": name,
            "Giới tính": gender,
            "Năm sinh": born,
            "Chức vụ, đơn vị công tác": position,
            "Mã danh hiệu, hình thức": "BK_TINH_CN",
            "Tóm tắt thành tích": "Hoàn thành xuất sắc nhiệm vụ, có sáng kiến được công nhận.",
        }
        for title, value in values.items():
            sheet.cell(row=row, column=columns[title], value=value)
    book.save(path)


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Việc cần làm").wait_for()


def sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("heading", name="Đăng nhập").wait_for()


def test_clerk_prepares_and_head_submits(page, live_server, tmp_path):
    from playwright.sync_api import expect

    load_catalogue()
    province = ProvinceFactory()
    unit = UnitFactory(province=province, name="Sở Tài chính")
    UserFactory(unit=unit, roles=["unit_clerk"], username="canbo", first_name="Thị Lan", last_name="Phạm")
    UserFactory(unit=unit, roles=["unit_head"], username="thutruong", first_name="Văn Minh", last_name="Hoàng")
    excel = tmp_path / "danh-sach-de-nghi.xlsx"
    nominee_workbook(excel)
    pdf = tmp_path / "tài liệu.pdf"
    pdf.write_bytes(PDF_BYTES)
    base = live_server.url

    # The clerk signs in and creates the dossier.
    sign_in(page, base, "canbo")
    expect(page.locator(".user-unit")).to_have_text("Sở Tài chính")
    expect(page.locator(".role-tag")).to_have_text("Cán bộ TĐKT đơn vị")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Lập hồ sơ mới").click()
    page.get_by_label("Loại hình khen thưởng").select_option("regular")
    page.get_by_label("Trích yếu").fill("Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2025")
    page.get_by_role("button", name="Lập hồ sơ").click()
    expect(page.get_by_text(re.compile(r"Đã lập hồ sơ HS-\d{4}-\d{5}"))).to_be_visible()
    expect(page.locator(".subtitle .badge")).to_have_text("Đang soạn")

    # Nominees from Excel.
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(excel))
    page.get_by_role("button", name="Nhập danh sách").click()
    expect(page.get_by_text("Đã nhập 2 đề nghị từ tệp Excel.")).to_be_visible()
    nominees = page.locator("#de-nghi tbody")
    expect(nominees).to_contain_text("Nguyễn Thị Hoa")
    expect(nominees).to_contain_text("Trần Văn Bình")
    # Vietnamese name order: Bình before Hoa.
    expect(nominees.locator("tr").first).to_contain_text("Trần Văn Bình")
    expect(page.locator("#thanh-phan")).to_contain_text("Còn thiếu 4")

    # Upload every missing document, one checklist item at a time.
    missing = page.locator("#thanh-phan li.req-missing")
    for _ in range(10):
        if missing.count() == 0:
            break
        item = missing.first
        item.locator("input[type=file]").set_input_files(str(pdf))
        item.get_by_role("button", name="Tải lên").click()
        expect(page.get_by_text("Đã tải lên “tài liệu.pdf”.")).to_be_visible()
    expect(page.locator("#thanh-phan")).to_contain_text("Đủ thành phần")
    expect(page.locator("#tai-lieu tbody tr")).to_have_count(4)

    # Hand over to the head.
    page.get_by_role("button", name="Chuyển thủ trưởng").click()
    expect(page.get_by_text("Đã chuyển hồ sơ cho thủ trưởng đơn vị xem xét, trình.")).to_be_visible()
    expect(page.get_by_role("button", name="Trình hồ sơ", exact=True)).to_have_count(0)
    sign_out(page)

    # The head finds it waiting, opens it and submits it.
    sign_in(page, base, "thutruong")
    waiting = page.locator("#viec-head")
    expect(waiting).to_contain_text("Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2025")
    waiting.get_by_role("link", name="Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2025").click()
    expect(page.locator("#thao-tac")).to_contain_text("đã chuyển hồ sơ cho thủ trưởng lúc")
    page.get_by_role("button", name="Trình hồ sơ", exact=True).click()
    expect(page.get_by_text("Đã trình hồ sơ lên Sở Nội vụ.")).to_be_visible()
    expect(page.locator(".subtitle .badge")).to_have_text("Đã trình")
    expect(page.get_by_text("Thêm đề nghị")).to_have_count(0)
    assert page.js_errors == []


def test_nomination_form_and_confirmations(page, live_server):
    """The script shows only the chosen subject's fields and awards, and asks before removing."""
    from playwright.sync_api import expect

    from dossiers.services import dossiers as svc

    load_catalogue()
    unit = UnitFactory(province=ProvinceFactory(), name="Sở Tài chính")
    clerk = UserFactory(unit=unit, roles=["unit_clerk"], username="canbo")
    dossier = svc.create_dossier(actor=clerk, unit=unit, kind="regular", year=2025, title="Hồ sơ thử giao diện")
    sign_in(page, live_server.url, "canbo")
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    page.get_by_role("link", name="Thêm đề nghị").click()

    expect(page.get_by_label("Họ và tên")).to_be_visible()
    expect(page.get_by_label("Tên tập thể")).to_be_hidden()
    page.get_by_label("Tập thể", exact=True).check()
    expect(page.get_by_label("Họ và tên")).to_be_hidden()
    expect(page.get_by_label("Tên tập thể")).to_be_visible()
    awards = page.get_by_label("Danh hiệu, hình thức đề nghị")
    assert awards.locator("option[data-subject=individual]:not([disabled])").count() == 0
    assert awards.locator("option[data-subject=collective]:not([disabled])").count() > 0

    page.get_by_label("Tên tập thể").fill("Phòng Quản lý ngân sách")
    # Individual and collective certificates share a name; the collective one is the enabled option.
    awards.select_option(value=str(award("BK_TINH_TT").pk))
    page.get_by_label("Tóm tắt thành tích").fill("Tập thể hoàn thành xuất sắc nhiệm vụ.")
    page.get_by_role("button", name="Thêm đề nghị").click()
    expect(page.get_by_text("Đã thêm đề nghị cho Phòng Quản lý ngân sách.")).to_be_visible()

    # Removing asks first: dismissing keeps the nomination, accepting removes it.
    row = page.locator("#de-nghi tbody tr", has_text="Phòng Quản lý ngân sách")
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button", name="Xóa").click()
    expect(row).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Xóa").click()
    expect(page.get_by_text("Đã xóa đề nghị của Phòng Quản lý ngân sách.")).to_be_visible()
    expect(page.locator("#de-nghi")).to_contain_text("Hồ sơ chưa có người hoặc tập thể nào được đề nghị.")
    assert page.js_errors == []

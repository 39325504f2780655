"""Home Affairs' review of a dossier, in a real browser, with a return for supplement on the way.

A unit's complete dossier is submitted (through the services). The HA
specialist takes the intake task from the queue and returns it with one item;
the unit clerk sees the request, changes the title and sends the dossier to
the head, who resubmits it. The specialist accepts it, runs the eligibility
check, accepts the failed criteria in writing and sends it to the lead; the
lead (another person) approves. Every check is on text the user sees.
"""

from __future__ import annotations

import re

import pytest

from dossiers.services.catalogue import load_catalogue
from tests.e2e.test_unit_flow import sign_in, sign_out
from tests.factories import DossierFactory, ProvinceFactory, UnitFactory, UserFactory
from tests.workflows.test_flow import submitted_dossier

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2025"
NEW_TITLE = "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2025 (đã bổ sung)"


def open_queue_task(page, title):
    from playwright.sync_api import expect

    page.get_by_role("link", name=re.compile("Hàng chờ")).first.click()
    expect(page.get_by_role("heading", name="Công việc xử lý hồ sơ")).to_be_visible()
    page.locator("#danh-sach-viec").get_by_role("link", name=title).click()


def test_return_resubmit_appraise_and_approve(page, live_server):
    from playwright.sync_api import expect

    load_catalogue()
    province = ProvinceFactory()
    unit = UnitFactory(province=province, name="Sở Tài chính")
    ha_unit = UnitFactory(province=province, name="Sở Nội vụ")
    clerk = UserFactory(unit=unit, roles=["unit_clerk"], username="canbo", first_name="Thị Lan", last_name="Phạm")
    head = UserFactory(unit=unit, roles=["unit_head"], username="thutruong", first_name="Văn Minh",
                       last_name="Hoàng")
    UserFactory(unit=ha_unit, roles=["ha_specialist"], username="chuyenvien", first_name="Thị Hương",
                last_name="Lò")
    UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao", first_name="Văn Lâm", last_name="Đỗ")
    dossier = submitted_dossier(DossierFactory(unit=unit, created_by=clerk, title=TITLE), clerk, head)
    reference = dossier.reference
    base = live_server.url

    # The specialist takes the intake task from the queue and returns the dossier with one item.
    sign_in(page, base, "chuyenvien")
    expect(page.locator("#cong-viec")).to_contain_text("Hàng chờ")
    open_queue_task(page, TITLE)
    expect(page.get_by_role("heading", name="Kiểm tra, tiếp nhận hồ sơ")).to_be_visible()
    expect(page.locator("#thanh-phan")).to_contain_text("Đủ thành phần")
    page.get_by_role("button", name="Nhận việc").click()
    expect(page.get_by_text("Đã nhận việc “Kiểm tra, tiếp nhận hồ sơ”")).to_be_visible()
    expect(page.locator("#viec")).to_contain_text("Lò Thị Hương")

    returning = page.locator("#tra-lai")
    returning.locator("summary").click()
    rows = returning.locator("fieldset.item-row")
    expect(rows).to_have_count(5)
    returning.get_by_role("button", name="Thêm nội dung").click()
    expect(rows).to_have_count(6)
    expect(rows.nth(5)).to_contain_text("Nội dung 6")
    returning.locator('select[name="items-0-reason"]').select_option(label="Tài liệu chưa ký, đóng dấu")
    returning.locator('select[name="items-0-document_type"]').select_option(label="Tờ trình đề nghị khen thưởng")
    returning.locator('textarea[name="items-0-text"]').fill("Tờ trình chưa có chữ ký của thủ trưởng.")
    returning.get_by_label("Nội dung chung").fill("Đề nghị đơn vị hoàn thiện và trình lại.")
    returning.get_by_role("button", name="Trả lại để bổ sung").click()
    expect(page.get_by_text(f"Đã trả lại hồ sơ {reference} để đơn vị bổ sung (lần 1)")).to_be_visible()
    sign_out(page)

    # The clerk sees what to supplement, changes the title and sends the dossier to the head.
    sign_in(page, base, "canbo")
    expect(page.locator("#viec-clerk")).to_contain_text("hạn bổ sung")
    page.locator("#viec-clerk").get_by_role("link", name=TITLE).click()
    request = page.locator("#tra-lai")
    expect(request).to_contain_text("Lần trả lại thứ 1")
    expect(request).to_contain_text("Tài liệu chưa ký, đóng dấu")
    expect(request).to_contain_text("Tờ trình đề nghị khen thưởng")
    expect(request).to_contain_text("Tờ trình chưa có chữ ký của thủ trưởng.")
    expect(request).to_contain_text("Đề nghị đơn vị hoàn thiện và trình lại.")
    page.get_by_role("link", name="Sửa thông tin").click()
    page.get_by_label("Trích yếu").fill(NEW_TITLE)
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu thông tin hồ sơ.")).to_be_visible()
    page.get_by_role("button", name="Chuyển thủ trưởng").click()
    expect(page.get_by_text("Đã chuyển hồ sơ cho thủ trưởng đơn vị xem xét, trình.")).to_be_visible()
    sign_out(page)

    # The head resubmits.
    sign_in(page, base, "thutruong")
    page.locator("#viec-head").get_by_role("link", name=NEW_TITLE).click()
    page.get_by_role("button", name="Trình hồ sơ", exact=True).click()
    expect(page.get_by_text("Đã trình lại hồ sơ sau khi bổ sung.")).to_be_visible()
    sign_out(page)

    # The specialist sees what changed, accepts, checks eligibility, accepts the failures in writing.
    sign_in(page, base, "chuyenvien")
    open_queue_task(page, NEW_TITLE)
    changes = page.locator("#thay-doi")
    expect(changes).to_contain_text("Trích yếu")
    expect(changes).to_contain_text(NEW_TITLE)
    page.get_by_role("button", name="Tiếp nhận, chuyển thẩm định").click()
    expect(page.get_by_text(f"Đã tiếp nhận hồ sơ {reference}, chuyển thẩm định.")).to_be_visible()

    open_queue_task(page, NEW_TITLE)
    expect(page.get_by_role("heading", name="Thẩm định hồ sơ")).to_be_visible()
    page.get_by_role("button", name="Nhận việc").click()
    page.get_by_role("button", name="Kiểm tra điều kiện", exact=True).click()
    expect(page.get_by_text("Đã kiểm tra điều kiện 1 đề nghị")).to_be_visible()
    checks = page.locator("#dieu-kien")
    expect(checks.locator(".verdict").first).to_be_visible()
    boxes = checks.locator("details.override-box")
    for _ in range(20):
        if boxes.count() == 0:
            break
        box = boxes.first
        box.locator("summary").click()
        box.get_by_label("Lý do chấp nhận tiêu chuẩn này").fill("Đã xác minh thành tích thực tế tại đơn vị.")
        box.get_by_role("button", name="Chấp nhận").click()
        expect(page.get_by_text("Đã chấp nhận tiêu chuẩn")).to_be_visible()
    assert boxes.count() == 0
    expect(checks).to_contain_text("Đã chấp nhận ngoại lệ:")
    conclusion = page.locator("#xu-ly")
    conclusion.get_by_label("Đủ điều kiện", exact=True).check()
    conclusion.get_by_role("button", name="Chuyển lãnh đạo duyệt").click()
    expect(page.get_by_text(f"Đã thẩm định hồ sơ {reference}, chuyển lãnh đạo Sở duyệt.")).to_be_visible()
    sign_out(page)

    # The lead approves.
    sign_in(page, base, "lanhdao")
    open_queue_task(page, NEW_TITLE)
    expect(page.get_by_role("heading", name="Lãnh đạo Sở duyệt", exact=True)).to_be_visible()
    expect(page.locator("#ket-qua-tham-dinh")).to_contain_text("Chuyên viên thẩm định: Lò Thị Hương")
    expect(page.locator("#ket-qua-tham-dinh")).to_contain_text("Đã xác minh thành tích thực tế tại đơn vị.")
    expect(page.locator("#ket-qua-tham-dinh")).to_contain_text("Chờ quyết định")
    page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.get_by_text(f"Đã duyệt hồ sơ {reference}: Chờ quyết định.")).to_be_visible()
    page.goto(f"{base}/dossiers/{dossier.pk}/")
    expect(page.locator(".subtitle .badge")).to_have_text("Chờ quyết định")
    expect(page.locator("#qua-trinh")).to_contain_text("Chờ quyết định khen thưởng")
    assert page.js_errors == []

"""The central liaison records a Prime Minister's decision in a real browser, then finds it on the board.

A nomination for the Prime Minister's certificate of merit was passed by the
council and agreed by the Chairman's decision; the province's submission was
signed, sent and received by the Ministry (all through the services). The
liaison signs in, opens the submission from the navigation, records "granted"
with the decision number and date, and the tracking board shows the item
granted, with the decision, when filtered to granted items.
"""

from __future__ import annotations

import datetime

import pytest

from dossiers.services import central as svc
from dossiers.services.catalogue import load_catalogue
from tests.central_world import drive, forward_through_decision, people
from tests.e2e.test_unit_flow import sign_in
from tests.factories import ProvinceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def received_submission():
    load_catalogue()
    province = ProvinceFactory()
    who = people(province)
    nominations = forward_through_decision(province, who, nominees=(("Nguyễn Thị Thu Hà", "BK_TTG_CN"),))
    submission = svc.create_submission(actor=who.liaison, province=province,
                                       title="Đề nghị Thủ tướng Chính phủ tặng Bằng khen", nominations=nominations)
    return drive(submission, who, "received", day=datetime.date(2026, 3, 10)), who


def test_liaison_records_a_prime_minister_decision(page, live_server):
    from playwright.sync_api import expect

    submission, who = received_submission()
    base = live_server.url
    sign_in(page, base, who.liaison.username)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Trình Trung ương").click()
    page.get_by_role("link", name="01/TTr-UBND").click()
    expect(page.get_by_role("heading", name="Tờ trình số 01/TTr-UBND")).to_be_visible()
    expect(page.locator(".subtitle .badge")).to_have_text("Bộ Nội vụ đã tiếp nhận")

    form = page.get_by_role("form", name="Ghi kết quả cho Nguyễn Thị Thu Hà")
    expect(form.get_by_label("Được khen thưởng", exact=True)).to_be_checked()
    expect(form.get_by_label("Cấp quyết định")).to_have_value("prime_minister")
    form.get_by_label("Số quyết định").fill("1520/QĐ-TTg")
    form.get_by_label("Ngày quyết định").fill("15/09/2026")
    form.get_by_role("button", name="Ghi kết quả").click()

    expect(page.locator(".messages")).to_contain_text(
        "Đã ghi kết quả: Nguyễn Thị Thu Hà được khen thưởng (Quyết định số 1520/QĐ-TTg).")
    expect(page.locator(".subtitle .badge")).to_have_text("Đã có quyết định")
    expect(page.locator("#de-nghi")).to_contain_text("Quyết định số 1520/QĐ-TTg ngày 15/09/2026")

    page.get_by_role("link", name="Bảng theo dõi").first.click()
    page.get_by_label("Tình trạng").select_option("granted")
    page.get_by_role("button", name="Lọc").click()
    rows = page.locator("table.central-board tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Nguyễn Thị Thu Hà")
    expect(rows.first).to_contain_text("Được khen thưởng")
    expect(rows.first).to_contain_text("Thủ tướng Chính phủ")
    expect(rows.first).to_contain_text("QĐ số 1520/QĐ-TTg ngày 15/09/2026")
    assert page.js_errors == []

"""An award decision in a real browser: HA drafts it from the pool, the lead checks it, the signer signs.

Two nominations of one dossier wait for the Chairman's decision (set up
through the factories). The HA specialist opens "Lập dự thảo", ticks the whole
"Bằng khen" group (its row gets ticked too) and one more person, and drafts;
the HA lead checks it and puts it up for signature; the Vice-Chairman opens
"Chờ ký", signs for the Chairman, and downloads the decision and the
certificates, whose text names the decision and the awardees.
"""

from __future__ import annotations

import pytest

from dossiers.services.catalogue import load_catalogue
from tests.documents.pdf import flat, text
from tests.e2e.test_unit_flow import sign_in, sign_out
from tests.factories import (
    DossierFactory,
    NominationFactory,
    PersonFactory,
    ProvinceFactory,
    UnitFactory,
    UserFactory,
    award,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Về việc tặng Bằng khen và danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2025"


def downloaded_text(page, link) -> str:
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-")
    return flat(text(content))


def test_draft_check_sign_and_download(page, live_server):
    from playwright.sync_api import expect

    load_catalogue()
    province = ProvinceFactory()
    finance = UnitFactory(province=province, name="Sở Tài chính")
    home_affairs = UnitFactory(province=province, name="Sở Nội vụ")
    office = UnitFactory(province=province, name="Văn phòng UBND tỉnh")
    UserFactory(unit=home_affairs, roles=["ha_specialist"], username="chuyenvien", last_name="Lò",
                first_name="Thị Hương")
    UserFactory(unit=home_affairs, roles=["ha_lead"], username="lanhdao", last_name="Đỗ", first_name="Văn Lâm")
    UserFactory(unit=office, roles=["signer"], username="pct", last_name="Tống", first_name="Thanh Hải",
                signer_capacity="vice_chairman")
    dossier = DossierFactory(unit=finance, state="awaiting_decision", year=2025)
    NominationFactory(dossier=dossier, award_type=award("CSTD_TINH"), outcome="council_passed",
                      person=PersonFactory(unit=finance, full_name="Nguyễn Thị Thu Hà"))
    NominationFactory(dossier=dossier, award_type=award("BK_TINH_CN"), outcome="eligible",
                      person=PersonFactory(unit=finance, full_name="Lê Văn Minh"))
    base = live_server.url

    # The specialist drafts the submission from the pool.
    sign_in(page, base, "chuyenvien")
    page.locator(".sidenav").get_by_role("link", name="Quyết định khen thưởng").click()
    page.get_by_role("link", name="Lập dự thảo").click()
    expect(page.get_by_role("heading", name="Lập dự thảo quyết định khen thưởng")).to_be_visible()
    pool = page.locator("#cho-quyet-dinh")
    expect(pool.locator("h2 .count")).to_have_text("2")
    group = pool.locator("fieldset", has_text="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh")
    group.get_by_role("checkbox").first.check()
    expect(group.get_by_label("Lê Văn Minh")).to_be_checked()
    pool.get_by_label("Nguyễn Thị Thu Hà").check()
    page.get_by_label("Trích yếu").fill(TITLE)
    page.get_by_role("button", name="Lập dự thảo").click()
    expect(page.get_by_text("Đã lập dự thảo với 2 đề nghị.")).to_be_visible()
    expect(page.locator("#danh-sach")).to_contain_text("Tổng tiền thưởng dự kiến: 9.360.000 đồng")
    decision_url = page.url
    sign_out(page)

    # The lead checks it and puts it up for signature.
    sign_in(page, base, "lanhdao")
    page.goto(decision_url)
    page.get_by_label("Ngày tờ trình").fill("05/03/2026")
    page.get_by_role("button", name="Kiểm tra, trình ký").click()
    expect(page.get_by_text("Đã kiểm tra và trình ký: Tờ trình số 01/TTr-SNV.")).to_be_visible()
    sign_out(page)

    # The Vice-Chairman signs for the Chairman.
    sign_in(page, base, "pct")
    page.locator(".sidenav").get_by_role("link", name="Chờ ký").click()
    page.locator("#danh-sach-quyet-dinh").get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Xem và ký").click()
    expect(page.get_by_role("heading", name="Ký quyết định")).to_be_visible()
    expect(page.get_by_role("link", name="Xem tờ trình (PDF)")).to_be_visible()
    # His capacity is his account's: shown, not chosen.
    expect(page.locator(".signer-block")).to_have_text("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
    page.get_by_label("Ngày quyết định").fill("06/03/2026")
    page.get_by_role("button", name="Ký ban hành").click()
    expect(page.get_by_text("Đã ký ban hành Quyết định số 01/QĐ-UBND.")).to_be_visible()
    expect(page.locator(".decision-signer")).to_contain_text("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
    expect(page.locator(".decision-cash-total")).to_contain_text("9.360.000")

    # The decision and the certificates download, naming the number and the awardees.
    downloads = page.locator("#tai-ve")
    decision_text = downloaded_text(page, downloads.get_by_role("link", name="Tải quyết định (PDF)"))
    assert "01/QĐ-UBND" in decision_text and "Nguyễn Thị Thu Hà" in decision_text
    assert "PHÓ CHỦ TỊCH" in decision_text and "Tống Thanh Hải" in decision_text
    certificates_text = downloaded_text(page, downloads.get_by_role("link", name="In bằng khen (PDF)"))
    assert "01/QĐ-UBND" in certificates_text and "Lê Văn Minh" in certificates_text
    assert page.js_errors == []

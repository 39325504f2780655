"""A council vote in a real browser: three members vote on their phones, the secretary watches and closes.

The council, its members and a session with voting open are set up through
the services. Each member signs in on a phone-sized screen (375 x 812, touch),
follows the home page's hint to the ballot, votes (one with "Đồng ý tất cả"),
reviews, confirms and sees the receipt. The secretary, on a desktop, sees the
progress panel reach "Đã bỏ phiếu: 3/3" by itself (polling), closes the
vote and confirms the results (as the issue says: the secretary confirms);
the chair then signs the minutes, which get their number, and downloads the
signed minutes (PDF), whose text carries that number and the counts.
"""

from __future__ import annotations

import datetime
import re

import pytest

from dossiers.services.catalogue import load_catalogue
from tests.e2e.test_unit_flow import sign_in
from tests.factories import (
    CollectiveFactory,
    DossierFactory,
    NominationFactory,
    PersonFactory,
    ProvinceFactory,
    UnitFactory,
    UserFactory,
    award,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
RECEIPT = re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$")


def open_council_session():
    """A council of three voting members (the secretary and the chair do not vote), voting open on two items."""
    from councils.models import Council, CouncilMembership, MemberRole
    from councils.services import sessions as svc

    load_catalogue()
    province = ProvinceFactory()
    office = UnitFactory(province=province, name="Văn phòng UBND tỉnh")
    home_affairs = UnitFactory(province=province, name="Sở Nội vụ")
    finance = UnitFactory(province=province, name="Sở Tài chính")
    council = Council.objects.create(province=province)
    start = datetime.date(2026, 1, 1)
    secretary = UserFactory(unit=home_affairs, roles=["council_secretary", "council_member"], username="thuky",
                            last_name="Đỗ", first_name="Thị Thu Trang")
    chair = UserFactory(unit=office, roles=["council_chair", "council_member"], username="chutich",
                        last_name="Nguyễn", first_name="Văn Hòa")
    CouncilMembership.objects.create(council=council, user=secretary, role=MemberRole.SECRETARY, votes=False,
                                     starts_on=start, position="Trưởng ban Thi đua - Khen thưởng")
    CouncilMembership.objects.create(council=council, user=chair, role=MemberRole.CHAIR, votes=False,
                                     starts_on=start, position="Chủ tịch UBND tỉnh")
    voters = []
    for index, (last, first) in enumerate([("Phạm", "Văn Khánh"), ("Lê", "Thị Hồng"), ("Vương", "Đình Quý")]):
        user = UserFactory(unit=office, roles=["council_member"], username=f"uyvien{index + 1}", last_name=last,
                           first_name=first)
        CouncilMembership.objects.create(council=council, user=user, role=MemberRole.MEMBER, starts_on=start,
                                         position="Ủy viên")
        voters.append(user)
    dossier = DossierFactory(unit=finance, state="awaiting_council", year=2025)
    nominations = [
        NominationFactory(dossier=dossier, award_type=award("CSTD_TINH"), outcome="eligible",
                          person=PersonFactory(unit=finance, full_name="Nguyễn Thị Thu Hà"),
                          achievement_summary="Chủ trì sáng kiến quản lý ngân sách được áp dụng toàn tỉnh."),
        NominationFactory(dossier=dossier, award_type=award("CO_TINH"), outcome="eligible", person=None,
                          collective=CollectiveFactory(unit=finance, name="Phòng Quản lý ngân sách")),
    ]
    session = svc.create_session(actor=secretary, council=council, title="Phiên họp thứ nhất năm 2026",
                                 date=datetime.date(2026, 3, 5), start_time=datetime.time(8, 0),
                                 place="Phòng họp số 1, UBND tỉnh")
    svc.add_items(actor=secretary, session=session, nominations=nominations)
    svc.publish_agenda(actor=secretary, session=session)
    svc.start_session(actor=secretary, session=session)
    svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in voters])
    svc.open_voting(actor=secretary, session=session)
    return session


def new_page(browser, options):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **options)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    return page


def vote_on_phone(browser, base, username, *, agree_all: bool) -> str:
    from playwright.sync_api import expect

    page = new_page(browser, PHONE)
    try:
        sign_in(page, base, username)
        hint = page.locator(".council-hint")
        expect(hint).to_contain_text("Hội đồng đang bỏ phiếu: mời bạn biểu quyết")
        hint.get_by_role("link", name="Bỏ phiếu").click()
        expect(page.get_by_role("heading", name="Phiếu biểu quyết")).to_be_visible()
        expect(page.get_by_text("Phiếu trắng hoặc không chọn được tính là không đồng ý.")).to_be_visible()
        cards = page.locator(".ballot-card")
        expect(cards).to_have_count(2)
        # The summary opens on demand; the big choices fit the phone's width.
        first = cards.filter(has_text="Nguyễn Thị Thu Hà")
        first.get_by_text("Tóm tắt thành tích").click()
        expect(first.get_by_text("Chủ trì sáng kiến quản lý ngân sách")).to_be_visible()
        box = first.locator("label.ballot-choice").first.bounding_box()
        assert box["height"] >= 44 and box["width"] > 250
        if agree_all:
            page.get_by_role("button", name="Đồng ý tất cả").click()
        else:
            first.get_by_text("Đồng ý", exact=True).click()
            cards.filter(has_text="Phòng Quản lý ngân sách").get_by_text("Không đồng ý", exact=True).click()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.get_by_role("button", name="Gửi phiếu").click()
        review = page.locator(".ballot-review")
        expect(review).to_contain_text("Xem lại phiếu trước khi gửi")
        expect(review.locator(".ballot-pick").nth(1)).to_have_text("Đồng ý" if agree_all else "Không đồng ý")
        page.get_by_role("button", name="Xác nhận gửi phiếu").click()
        expect(page.get_by_role("heading", name="Phiếu của bạn đã được ghi nhận")).to_be_visible()
        receipt = page.locator("[data-receipt]").inner_text().strip()
        assert RECEIPT.match(receipt)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.js_errors == []
        return receipt
    finally:
        page.context.close()


def test_members_vote_the_secretary_confirms_the_chair_signs_and_downloads_the_minutes(browser, live_server):
    from playwright.sync_api import expect

    session = open_council_session()
    base = live_server.url
    session_url = f"{base}/hoi-dong/{session.pk}/"

    # The secretary watches the progress on a desktop while the members vote.
    desk = new_page(browser, DESKTOP)
    try:
        sign_in(desk, base, "thuky")
        desk.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Hội đồng").click()
        desk.get_by_role("link", name="Phiên họp thứ nhất năm 2026").click()
        progress = desk.locator(".council-progress-main")
        expect(progress).to_have_text("Đã bỏ phiếu: 0/3")

        receipts = [vote_on_phone(browser, base, "uyvien1", agree_all=True),
                    vote_on_phone(browser, base, "uyvien2", agree_all=False),
                    vote_on_phone(browser, base, "uyvien3", agree_all=False)]
        assert len(set(receipts)) == 3

        # The panel refreshes by itself (every 5 s), without reloading the page.
        expect(progress).to_have_text("Đã bỏ phiếu: 3/3", timeout=15_000)
        desk.once("dialog", lambda dialog: dialog.accept())
        desk.get_by_role("button", name="Kết thúc bỏ phiếu").click()
        expect(desk.get_by_text("Đã kết thúc bỏ phiếu. Kết quả đã được kiểm.")).to_be_visible()
        results = desk.locator("#ket-qua")
        expect(results.locator("tbody tr").filter(has_text="Nguyễn Thị Thu Hà")).to_contain_text("100,0%")
        expect(results.locator("tbody tr").filter(has_text="Nguyễn Thị Thu Hà")).to_contain_text("Đạt")
        expect(results.locator("tbody tr").filter(has_text="Phòng Quản lý ngân sách")).to_contain_text("33,3%")
        expect(results.locator("tbody tr").filter(has_text="Phòng Quản lý ngân sách")).to_contain_text("Không đạt")

        # The secretary confirms the results.
        desk.once("dialog", lambda dialog: dialog.accept())
        desk.get_by_role("button", name="Xác nhận kết quả").click()
        expect(desk.get_by_text("Đã xác nhận kết quả biểu quyết.")).to_be_visible()
        expect(desk.locator(".subtitle .badge")).to_have_text("Đã xác nhận kết quả")
        expect(desk.get_by_text("Chờ Chủ tịch Hội đồng ký biên bản.")).to_be_visible()
        expect(desk.get_by_role("button", name="Ký biên bản")).to_have_count(0)   # signing is the chair's
        assert desk.js_errors == []
    finally:
        desk.context.close()

    # The chair signs the minutes and downloads them, signed and numbered.
    chair = new_page(browser, DESKTOP)
    try:
        sign_in(chair, base, "chutich")
        chair.goto(session_url)
        chair.get_by_label("Ngày ký biên bản").fill("05/03/2026")
        chair.get_by_label("Giờ kết thúc phiên họp").fill("11:30")
        chair.get_by_role("button", name="Ký biên bản").click()
        expect(chair.get_by_text("Đã ký biên bản số 01/BB-HĐTĐKT.")).to_be_visible()
        expect(chair.locator(".subtitle .badge")).to_have_text("Đã ký biên bản")
        expect(chair.get_by_text("Biên bản số 01/BB-HĐTĐKT đã được ký ngày 05/03/2026.")).to_be_visible()
        with chair.expect_download() as download_info:
            chair.locator(".page-actions").get_by_role("link", name="Tải biên bản (PDF)").click()
        download = download_info.value
        assert download.suggested_filename == "Biên bản 01-BB-HĐTĐKT.pdf"
        with open(download.path(), "rb") as handle:
            pdf = handle.read()
        assert pdf[:5] == b"%PDF-"
        from tests.documents.pdf import flat, text

        body = flat(text(pdf))
        assert "Số: 01/BB-HĐTĐKT" in body and "DỰ THẢO" not in body.upper()
        assert "Phiên họp kết thúc vào hồi 11 giờ 30 phút, ngày 05 tháng 3 năm 2026." in body
        assert "100,0 (3/3) từ 90% trở lên Đạt" in body
        assert chair.js_errors == []
    finally:
        chair.context.close()

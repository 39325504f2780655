"""A large document in a real browser: the download shows the progress page, whose static script polls the
status while the task worker renders, then offers the file (no inline script anywhere)."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from dossiers.services import decisions as decision_services
from dossiers.services.catalogue import load_catalogue
from tests.documents import pdf as pdfread
from tests.e2e.test_unit_flow import sign_in
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


def test_certificates_rendered_in_the_background(page, live_server, settings):
    from playwright.sync_api import expect

    settings.DOCUMENT_BACKGROUND_ROWS = 2
    settings.DOCUMENT_CERTIFICATE_CHUNK = 2
    load_catalogue()
    province = ProvinceFactory()
    finance = UnitFactory(province=province, name="Sở Tài chính")
    home_affairs = UnitFactory(province=province, name="Sở Nội vụ")
    office = UnitFactory(province=province, name="Văn phòng UBND tỉnh")
    specialist = UserFactory(unit=home_affairs, roles=["ha_specialist"], username="chuyenvien")
    lead = UserFactory(unit=home_affairs, roles=["ha_lead"], username="lanhdao")
    chairman = UserFactory(unit=office, roles=["signer"], username="chutich", last_name="Lê", first_name="Văn Lương")
    dossier = DossierFactory(unit=finance, state="awaiting_decision", year=2023)
    names = ["Nguyễn Thị Thu Hà", "Lê Văn Minh", "Đỗ Thị Hường", "Lò Văn Sơn", "Giàng A Dính"]
    nominations = [NominationFactory(dossier=dossier, award_type=award("BK_TINH_CN", "ND98_2023"), outcome="eligible",
                                     person=PersonFactory(unit=finance, full_name=name)) for name in names]
    decision = decision_services.create_decision(actor=specialist, province=province, nominations=nominations,
                                                 title="Về việc tặng Bằng khen của Chủ tịch UBND tỉnh")
    decision_services.check_decision(actor=lead, decision=decision, submission_date=datetime.date(2024, 3, 1))
    decision_services.sign_decision(actor=chairman, decision=decision, decision_date=datetime.date(2024, 3, 5))
    base = live_server.url

    sign_in(page, base, "chuyenvien")
    page.goto(base + reverse("document_pdf", args=["certificates", decision.pk]))
    expect(page.get_by_role("heading", name="Bằng khen")).to_be_visible()
    expect(page.get_by_text("Đang chờ đến lượt tạo văn bản…")).to_be_visible()
    expect(page.get_by_role("link", name="Tải văn bản (PDF)")).to_be_hidden()
    assert page.locator("script:not([src])").count() == 0

    # The worker renders while the page polls.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    link = page.get_by_role("link", name="Tải văn bản (PDF)")
    expect(link).to_be_visible()
    expect(page.get_by_text("Đã tạo xong văn bản.")).to_be_visible()
    assert page.locator("progress").get_attribute("value") == "100"
    response = page.request.get(base + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pages = pdfread.page_texts(response.body())
    assert len(pages) == 5
    assert all(any(f"Ông {name}" in text or f"Bà {name}" in text for text in pages) for name in names)
    assert page.js_errors == []

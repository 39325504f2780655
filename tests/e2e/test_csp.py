"""The Content Security Policy in a real browser: injected inline code is blocked, our pages work without it."""

from __future__ import annotations

import pytest

from tests.e2e.test_unit_flow import sign_in
from tests.factories import PASSWORD, ProvinceFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_injected_inline_script_does_not_run(page, live_server):
    page.goto(live_server.url + "/login/")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.appendChild(script);
        const div = document.createElement("div");
        div.innerHTML = '<img src="data:," onerror="window.handler = true">';
        document.body.appendChild(div);
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.injected === undefined && window.handler === undefined")
    assert any("Content Security Policy" in error for error in page.js_errors)


def test_the_api_documentation_works_under_the_policy(page, live_server):
    from playwright.sync_api import expect

    page.goto(live_server.url + "/api/docs/")
    expect(page.get_by_text("API hồ sơ đề nghị khen thưởng").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.js_errors == []


def test_the_admin_works_under_the_policy(page, live_server):
    from playwright.sync_api import expect

    province = ProvinceFactory()
    UserFactory(unit=UnitFactory(province=province), username="quantri", is_staff=True, is_superuser=True)
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill("quantri")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto(live_server.url + "/admin/dossiers/unit/")
    expect(page.locator("#result_list")).to_be_visible()
    page.goto(live_server.url + "/admin/dossiers/unit/add/")
    expect(page.locator("#unit_form")).to_be_visible()
    assert page.js_errors == []


def test_signed_in_pages_run_their_scripts_under_the_policy(page, live_server):
    from playwright.sync_api import expect

    province = ProvinceFactory()
    unit = UnitFactory(province=province, name="Sở Tài chính")
    UserFactory(unit=unit, roles=["unit_clerk"], username="canbo")
    sign_in(page, live_server.url, "canbo")
    page.goto(live_server.url + "/dossiers/new/")
    expect(page.get_by_role("heading").first).to_be_visible()
    page.goto(live_server.url + "/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.js_errors == []

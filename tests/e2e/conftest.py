"""Browser tests: Playwright (sync API) driving the system's Chromium.

Playwright's sync API runs an event loop in the test's thread, which makes
Django refuse ORM calls there unless async-unsafe calls are allowed.
"""

from __future__ import annotations

import os
import shutil

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def in_ci() -> bool:
    """CI sets CI=true: there a missing browser is a broken set-up, not a reason to skip."""
    return os.environ.get("CI", "").strip().lower() == "true"


def missing(reason: str):
    """Skip the browser tests on a developer's machine; fail them under CI, which must run them."""
    if in_ci():
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}. "
                    "Install them as .ci/run does (apt chromium, pip playwright).", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        missing("Chromium not found on PATH (looked for 'chromium' and 'chromium-browser'); "
                "browser tests need the system Chromium because 'playwright install' cannot download here")
    try:
        from playwright import sync_api
    except ImportError:
        missing("the 'playwright' Python package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Anything the Content Security Policy blocked (config.security) counts as an error too.
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text else None)
    page.js_errors = errors
    try:
        yield page
    finally:
        context.close()

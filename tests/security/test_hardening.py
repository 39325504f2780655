"""Hardening: deployment checks, headers, the Content Security Policy, password hashing, lockout, idle timeout."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from config import settings as project_settings
from dossiers.models import AuditEvent, User
from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
READ_BY_SETTINGS = ("DJANGO_", "DATABASE_", "DOSSIERS_", "EMAIL_", "REDIS_URL", "TASKS_BACKEND", "SITE_URL",
                    "DEFAULT_FROM_EMAIL", "AUDIT_KEY")
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_HTTPS": "1",
    "DJANGO_SECRET_KEY": "k7P_vQ2-xW9zR4mT8yN3bL6cF1hJ5dS0aG-eU7iO2pK9wX4qZ8rV3nM6tY1uB5sD",
    "DJANGO_ALLOWED_HOSTS": "khenthuong.laichau.gov.vn",
}


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(READ_BY_SETTINGS)}
    clean["DOSSIERS_DATA_DIR"] = str(tmp_path / "data")
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True,
                          text=True, timeout=180)


# ---- check --deploy ---------------------------------------------------------------------------


def test_production_settings_pass_the_deployment_check_without_warnings(tmp_path):
    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deployment_check_does_complain_without_https(tmp_path):
    """The check above can fail: the same settings served over plain HTTP warn about cookies and HSTS."""
    env = {**PRODUCTION, "DJANGO_HTTPS": "0"}
    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output


PROBE = """
import json
from config import settings as s
print(json.dumps({name: getattr(s, name, None) for name in (
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS", "SESSION_IDLE_TIMEOUT", "LOGIN_FAILURES_PER_USER", "LOGIN_FAILURES_PER_ADDRESS",
    "LOGIN_FAILURE_WINDOW", "LOGIN_LOCKOUT_SECONDS", "PASSWORD_HASHERS")}))
"""


def load_settings(tmp_path: Path, **env: str) -> dict:
    import json

    clean = {k: v for k, v in os.environ.items() if not k.startswith(READ_BY_SETTINGS)}
    clean["DOSSIERS_DATA_DIR"] = str(tmp_path / "data")
    clean.update(env)
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_hsts_is_a_year(tmp_path):
    loaded = load_settings(tmp_path, **PRODUCTION)
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["SESSION_COOKIE_HTTPONLY"] is True
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert loaded["X_FRAME_OPTIONS"] == "DENY"


def test_timeouts_and_lockout_limits_from_env(tmp_path):
    defaults = load_settings(tmp_path)
    assert defaults["SESSION_IDLE_TIMEOUT"] == 30 * 60
    assert (defaults["LOGIN_FAILURES_PER_USER"], defaults["LOGIN_FAILURES_PER_ADDRESS"]) == (5, 20)
    assert (defaults["LOGIN_FAILURE_WINDOW"], defaults["LOGIN_LOCKOUT_SECONDS"]) == (15 * 60, 15 * 60)
    changed = load_settings(tmp_path, DJANGO_SESSION_IDLE_MINUTES="10", DJANGO_LOGIN_FAILURES_PER_USER="3",
                            DJANGO_LOGIN_FAILURES_PER_ADDRESS="50", DJANGO_LOGIN_FAILURE_WINDOW_MINUTES="5",
                            DJANGO_LOGIN_LOCKOUT_MINUTES="60")
    assert changed["SESSION_IDLE_TIMEOUT"] == 600
    assert (changed["LOGIN_FAILURES_PER_USER"], changed["LOGIN_FAILURES_PER_ADDRESS"]) == (3, 50)
    assert (changed["LOGIN_FAILURE_WINDOW"], changed["LOGIN_LOCKOUT_SECONDS"]) == (300, 3600)


def test_hsts_and_secure_cookies_on_a_response_over_https(client, settings, clerk):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    response = client.post(reverse("login"), {"username": "canbo", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True and cookie["httponly"] is True


# ---- Content Security Policy ------------------------------------------------------------------

TEMPLATES = ROOT / "templates"
# The official documents are laid out by WeasyPrint, never shown to a browser: their inline styles
# (column widths, certificate fields) are not subject to the policy. Their web pages are in documents/web/.
PDF_ONLY = list((TEMPLATES / "documents").glob("*.html"))

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*?\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)
JS_URL = re.compile(r"javascript:", re.IGNORECASE)


def inline_code(html: str, *, styles: bool = True) -> list[str]:
    """Everything in ``html`` that a policy without 'unsafe-inline' would block."""
    found = [m.group(0) for m in INLINE_SCRIPT.finditer(html)]
    found += [m.group(0)[-80:] for m in EVENT_HANDLER.finditer(html)]
    found += [m.group(0) for m in JS_URL.finditer(html)]
    if styles:
        found += [m.group(0)[-80:] for m in STYLE_ATTRIBUTE.finditer(html)]
        found += [m.group(0) for m in STYLE_BLOCK.finditer(html)]
    return found


def test_the_scanner_finds_inline_code():
    assert len(inline_code('<script>alert(1)</script><a href="#" onclick="x()">a</a>')) == 2
    assert len(inline_code('<div\n  class="a" style="color: red">x</div><style>p {}</style>')) == 2
    assert inline_code('<a href="javascript:void(0)">x</a>')
    assert inline_code('<script src="/static/js/app.js" defer></script><script type="application/json">{}'
                       '</script><p>someone=1 onboarding</p>') == []


def test_no_template_has_inline_scripts_handlers_or_styles():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 50
    offenders = {}
    for template in templates:
        found = inline_code(template.read_text(encoding="utf-8"), styles=template not in PDF_ONLY)
        if found:
            offenders[str(template.relative_to(ROOT))] = found
    assert offenders == {}


def test_javascript_lives_in_static_files():
    scripts = {p.name for p in (ROOT / "static" / "js").glob("*.js")}
    assert {"app.js", "decisions.js"} <= scripts


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_strict_policy(response):
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


@pytest.mark.parametrize("url", ["/login/", "/cong-khai/", "/api/docs/", "/api/v1/catalogue/award-types/",
                                 "/khong-co-trang-nay/", "/admin/login/"])
def test_every_response_carries_the_policy(client, db, url):
    response = client.get(url)
    assert_strict_policy(response)


def test_signed_in_pages_have_the_policy_and_no_inline_code(client, clerk, dossier):
    from tests.factories import NominationFactory

    NominationFactory(dossier=dossier)
    client.force_login(clerk)
    for url in ("/", reverse("dossier_list"), reverse("dossier_detail", args=[dossier.pk]),
                reverse("dossier_edit", args=[dossier.pk]), reverse("people_list")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_policy(response)
        assert inline_code(response.content.decode()) == [], url


def test_admin_pages_have_the_policy_and_no_inline_scripts(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    for url in ("/admin/", "/admin/dossiers/unit/", "/admin/dossiers/unit/add/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_policy(response)
        assert inline_code(response.content.decode(), styles=False) == [], url


def test_a_view_that_sets_its_own_policy_keeps_it(rf, settings):
    from django.http import HttpResponse

    from config.security import ContentSecurityPolicyMiddleware

    def view(request):
        response = HttpResponse("x")
        response.headers["Content-Security-Policy"] = "sandbox"
        return response

    assert ContentSecurityPolicyMiddleware(view)(rf.get("/")).headers["Content-Security-Policy"] == "sandbox"


# ---- passwords --------------------------------------------------------------------------------


def test_argon2_comes_first_and_older_hashes_still_verify():
    hashers = project_settings.PASSWORD_HASHERS
    assert hashers[0] == "config.hashers.ServerArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers


@pytest.fixture
def real_hashers(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_new_passwords_are_hashed_with_argon2(real_hashers, db):
    user = UserFactory()
    # Argon2id with 19 MiB, 2 iterations, one lane (OWASP's minimum), not Django's 100 MiB per check
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(PASSWORD)


def test_a_hash_with_djangos_default_argon2_parameters_verifies_and_is_made_smaller(real_hashers, client, unit):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    user = UserFactory(unit=unit, username="cu2")
    User.objects.filter(pk=user.pk).update(password=Argon2PasswordHasher().encode(PASSWORD, "somesaltvalue"))
    response = client.post(reverse("login"), {"username": "cu2", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_pbkdf2_password_still_logs_in_and_is_upgraded_to_argon2(real_hashers, client, unit):
    user = UserFactory(unit=unit, username="cu")
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    response = client.post(reverse("login"), {"username": "cu", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


# ---- login lockout ----------------------------------------------------------------------------

LOCKED = "Đăng nhập sai quá nhiều lần nên tạm thời bị khóa"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng"


def web_login(client, username, password, address="10.1.1.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_username_for_fifteen_minutes(client, clerk):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for attempt in range(1, 5):
            response = web_login(client, "canbo", "sai-mat-khau")
            assert WRONG in response.content.decode(), attempt
        response = web_login(client, "canbo", "sai-mat-khau")
        assert LOCKED in response.content.decode()
        assert "15 phút" in response.content.decode()
        # Even the right password is refused while locked, from another address too.
        response = web_login(client, "canbo", PASSWORD, address="10.9.9.9")
        assert response.status_code == 200 and LOCKED in response.content.decode()
        assert "_auth_user_id" not in client.session
        event = AuditEvent.objects.get(action="auth.locked")
        assert event.actor is None
        assert (event.object_type, event.object_id) == ("dossiers.user", str(clerk.pk))
        assert event.after["scope"] == "user" and event.after["failures"] == 5
        assert "canbo" in event.message
        clock.shift(datetime.timedelta(minutes=14))
        assert LOCKED in web_login(client, "canbo", PASSWORD).content.decode()
        clock.shift(datetime.timedelta(minutes=1, seconds=1))
        response = web_login(client, "canbo", PASSWORD)
        assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.locked").count() == 1


def test_failures_older_than_the_window_do_not_count(client, clerk):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(4):
            web_login(client, "canbo", "sai")
        clock.shift(datetime.timedelta(minutes=16))
        for _ in range(4):
            assert WRONG in web_login(client, "canbo", "sai").content.decode()
        assert web_login(client, "canbo", PASSWORD).status_code == 302


def test_a_successful_login_clears_the_count(client, clerk):
    for _ in range(4):
        web_login(client, "canbo", "sai")
    assert web_login(client, "canbo", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert WRONG in web_login(client, "canbo", "sai").content.decode()
    assert web_login(client, "canbo", PASSWORD).status_code == 302


def test_the_username_is_matched_without_case_or_unicode_form(client, unit):
    UserFactory(unit=unit, username="thutruong")
    for name in ("ThuTruong", "THUTRUONG", "thutruong ", "thutruong", "Thutruong"):
        web_login(client, name, "sai")
    assert LOCKED in web_login(client, "thutruong", PASSWORD).content.decode()


def test_many_failures_from_one_address_lock_that_address(client, clerk):
    for index in range(20):
        web_login(client, f"doan{index}", "sai", address="10.2.2.2")
    assert LOCKED in web_login(client, "canbo", PASSWORD, address="10.2.2.2").content.decode()
    event = AuditEvent.objects.get(action="auth.locked", after__scope="address")
    assert event.after["address"] == "10.2.2.2"
    assert "10.2.2.2" in event.message
    # Another address is not affected.
    assert web_login(client, "canbo", PASSWORD, address="10.3.3.3").status_code == 302


def test_the_api_token_endpoint_is_locked_the_same_way(clerk):
    api = APIClient(REMOTE_ADDR="10.4.4.4")
    for _ in range(5):
        response = api.post("/api/v1/auth/token/", {"username": "canbo", "password": "sai"}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "login_locked"
    assert LOCKED in response.json()["message"]
    response = api.post("/api/v1/auth/token/", {"username": "canbo", "password": PASSWORD}, format="json")
    assert response.status_code == 429 and "token" not in response.json()
    # The web login shares the lock.
    assert LOCKED in web_login(Client(), "canbo", PASSWORD).content.decode()


def test_the_admin_login_is_refused_while_locked(client, db):
    UserFactory(username="quantri", is_staff=True, is_superuser=True)
    for _ in range(5):
        web_login(client, "quantri", "sai")
    response = client.post("/admin/login/", {"username": "quantri", "password": PASSWORD}, REMOTE_ADDR="10.5.5.5")
    assert response.status_code == 200  # the form again, not a redirect into the admin
    assert "_auth_user_id" not in client.session


# ---- idle timeout -----------------------------------------------------------------------------

IDLE = "Phiên làm việc đã kết thúc vì không có thao tác nào trong 30 phút"


def test_idle_session_is_signed_out_with_a_message(client, clerk):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(clerk)
        assert client.get(reverse("dossier_list")).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("dossier_list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=/dossiers/")
        page = client.get(response["Location"])
        assert IDLE in page.content.decode()
        assert "_auth_user_id" not in client.session
        assert client.get(reverse("dossier_list")).status_code == 302


def test_activity_keeps_the_session_alive(client, clerk):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(clerk)
        for _ in range(4):  # an hour and twenty minutes of work, a request every twenty minutes
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get(reverse("dossier_list")).status_code == 200


def test_idle_api_session_becomes_anonymous_without_redirect(client, clerk):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(clerk)
        assert client.get("/api/v1/dossiers/").status_code == 200
        clock.shift(datetime.timedelta(minutes=45))
        response = client.get("/api/v1/dossiers/")
        assert response.status_code in (401, 403)
        assert response.json()["code"]


def test_idle_timeout_can_be_turned_off(client, clerk, settings):
    settings.SESSION_IDLE_TIMEOUT = 0
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(clerk)
        client.get(reverse("dossier_list"))
        clock.shift(datetime.timedelta(hours=2))
        assert client.get(reverse("dossier_list")).status_code == 200


# ---- rate limits ------------------------------------------------------------------------------
# The public feedback limit (5 an hour, 20 a day per client) is tested through the form and the API in
# tests/dossiers/test_public_notice.py and tests/api/test_public_notice_api.py, with the in-memory cache.


def test_public_feedback_limit_holds_for_the_hour_with_the_default_file_cache(settings, tmp_path, db):
    """The file cache gives an incremented key a 5-minute timeout; the limit must still last the hour."""
    from dossiers.services import notice

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache")}}
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(3):
            notice._take_rate_slot("khach")
        clock.shift(datetime.timedelta(minutes=20))
        for _ in range(2):
            notice._take_rate_slot("khach")
        with pytest.raises(notice.RateLimitedError, match="tối đa 5 góp ý trong một giờ"):
            notice._take_rate_slot("khach")


def test_login_lockout_holds_with_the_default_file_cache(settings, tmp_path, client, clerk):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache")}}
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(3):
            web_login(client, "canbo", "sai")
        clock.shift(datetime.timedelta(minutes=8))
        web_login(client, "canbo", "sai")
        assert LOCKED in web_login(client, "canbo", "sai").content.decode()

"""The settings module under controlled environments: safe defaults, everything a deployment changes from env.

Each case imports ``config.settings`` in a fresh interpreter (``python -c``)
with exactly the environment variables the case names, so the test run's own
settings and environment cannot leak in.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Variables the settings read; none of them may leak from the test run into a case.
READ_BY_SETTINGS = ("DJANGO_", "DATABASE_", "DOSSIERS_", "EMAIL_", "REDIS_URL", "TASKS_BACKEND", "SITE_URL",
                    "DEFAULT_FROM_EMAIL", "AUDIT_KEY")

PROBE = """
import json
from config import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "LANGUAGE_CODE": s.LANGUAGE_CODE,
    "LANGUAGES": [code for code, _name in s.LANGUAGES],
    "TIME_ZONE": s.TIME_ZONE,
    "USE_TZ": s.USE_TZ,
    "USE_I18N": s.USE_I18N,
    "ENGINE": db["ENGINE"],
    "NAME": str(db["NAME"]),
    "HOST": db.get("HOST", ""),
    "PORT": db.get("PORT", ""),
    "USER": db.get("USER", ""),
    "CONN_MAX_AGE": db.get("CONN_MAX_AGE"),
    "CONN_HEALTH_CHECKS": db.get("CONN_HEALTH_CHECKS"),
    "OPTIONS": db.get("OPTIONS", {}),
    "SECRET_KEY": s.SECRET_KEY,
    "SESSION_COOKIE_SECURE": getattr(s, "SESSION_COOKIE_SECURE", False),
    "AUDIT_KEY": s.AUDIT_KEY,
    "AUDIT_KEY_FALLBACKS": s.AUDIT_KEY_FALLBACKS,
    "SECRET_KEY_FALLBACKS": s.SECRET_KEY_FALLBACKS,
    "EMAIL": {name: getattr(s, name, None) for name in (
        "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
        "EMAIL_FILE_PATH")},
}))
"""


def load_settings(tmp_path: Path, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(READ_BY_SETTINGS)}
    clean["DOSSIERS_DATA_DIR"] = str(tmp_path / "data")
    clean.update(env)
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def defaults(tmp_path_factory) -> dict:
    return load_settings(tmp_path_factory.mktemp("defaults"))


def test_debug_is_off_by_default(defaults):
    assert defaults["DEBUG"] is False


@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), ("true", True), ("True", True), ("yes", True), ("on", True),
    ("0", False), ("false", False), ("no", False), ("", False), ("anything", False),
])
def test_debug_only_when_django_debug_asks(tmp_path, value, expected):
    assert load_settings(tmp_path, DJANGO_DEBUG=value)["DEBUG"] is expected


def test_allowed_hosts_default_to_this_machine(defaults):
    assert set(defaults["ALLOWED_HOSTS"]) == {"localhost", "127.0.0.1", "[::1]", "testserver"}


def test_allowed_hosts_from_env(tmp_path):
    loaded = load_settings(tmp_path, DJANGO_ALLOWED_HOSTS=" khenthuong.laichau.gov.vn, 10.0.0.5 ,")
    assert loaded["ALLOWED_HOSTS"] == ["khenthuong.laichau.gov.vn", "10.0.0.5"]


def test_vietnamese_by_default_with_english_available(defaults):
    assert defaults["LANGUAGE_CODE"] == "vi"
    assert defaults["LANGUAGES"] == ["vi", "en"]
    assert defaults["USE_I18N"] is True


def test_time_zone_is_vietnam(defaults):
    assert defaults["TIME_ZONE"] == "Asia/Ho_Chi_Minh"
    assert defaults["USE_TZ"] is True


def test_sqlite_in_the_data_directory_by_default(tmp_path):
    loaded = load_settings(tmp_path)
    assert loaded["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["NAME"] == str(tmp_path / "data" / "db.sqlite3")
    assert loaded["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_url_switches_to_postgresql_with_persistent_connections(tmp_path):
    loaded = load_settings(tmp_path, DATABASE_URL="postgres://khenthuong:mat-khau@db.internal:5433/khenthuong")
    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    assert (loaded["NAME"], loaded["HOST"], loaded["PORT"], loaded["USER"]) == (
        "khenthuong", "db.internal", 5433, "khenthuong")
    assert loaded["CONN_MAX_AGE"] == 600
    assert loaded["CONN_HEALTH_CHECKS"] is True
    assert "transaction_mode" not in loaded["OPTIONS"]  # SQLite's options stay with SQLite


def test_connection_age_from_env(tmp_path):
    loaded = load_settings(tmp_path, DATABASE_URL="postgres://u@db/x", DATABASE_CONN_MAX_AGE="60")
    assert loaded["CONN_MAX_AGE"] == 60


def test_secret_key_from_env(tmp_path):
    assert load_settings(tmp_path, DJANGO_SECRET_KEY="khoa-bi-mat-cua-tinh")["SECRET_KEY"] == "khoa-bi-mat-cua-tinh"


def test_secret_key_generated_once_per_installation(tmp_path):
    first = load_settings(tmp_path)["SECRET_KEY"]
    again = load_settings(tmp_path)["SECRET_KEY"]
    other = load_settings(tmp_path / "other")["SECRET_KEY"]
    assert first == again != other
    assert len(first) >= 50
    key_file = tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_cookies_secure_only_over_https(defaults, tmp_path):
    assert defaults["SESSION_COOKIE_SECURE"] is False
    assert load_settings(tmp_path, DJANGO_HTTPS="true")["SESSION_COOKIE_SECURE"] is True


def test_audit_key_derived_from_the_secret_key_unless_set(defaults, tmp_path):
    assert defaults["AUDIT_KEY"] is None and defaults["AUDIT_KEY_FALLBACKS"] == []
    loaded = load_settings(tmp_path, AUDIT_KEY="khoa-nhat-ky", AUDIT_KEY_FALLBACKS="khoa-cu-1,khoa-cu-2",
                           DJANGO_SECRET_KEY_FALLBACKS="bi-mat-cu")
    assert loaded["AUDIT_KEY"] == "khoa-nhat-ky"
    assert loaded["AUDIT_KEY_FALLBACKS"] == ["khoa-cu-1", "khoa-cu-2"]
    assert loaded["SECRET_KEY_FALLBACKS"] == ["bi-mat-cu"]


SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_email_goes_through_smtp_when_a_host_is_set(tmp_path):
    email = load_settings(tmp_path, EMAIL_HOST="smtp.laichau.gov.vn", EMAIL_PORT="465",
                          EMAIL_HOST_USER="khenthuong@laichau.gov.vn", EMAIL_HOST_PASSWORD="mat-khau-thu",
                          EMAIL_USE_TLS="false")["EMAIL"]
    assert email["EMAIL_BACKEND"] == SMTP
    assert (email["EMAIL_HOST"], email["EMAIL_PORT"], email["EMAIL_HOST_USER"], email["EMAIL_HOST_PASSWORD"]) == (
        "smtp.laichau.gov.vn", 465, "khenthuong@laichau.gov.vn", "mat-khau-thu")
    assert email["EMAIL_USE_TLS"] is False


def test_smtp_defaults_to_submission_port_with_tls(tmp_path):
    email = load_settings(tmp_path, EMAIL_HOST="smtp.laichau.gov.vn")["EMAIL"]
    assert email["EMAIL_BACKEND"] == SMTP
    assert (email["EMAIL_PORT"], email["EMAIL_USE_TLS"], email["EMAIL_HOST_USER"]) == (587, True, "")


def test_email_to_the_console_or_files_without_a_host(defaults, tmp_path):
    assert defaults["EMAIL"]["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert not defaults["EMAIL"]["EMAIL_HOST"]
    files = load_settings(tmp_path, DJANGO_EMAIL_FILE_PATH="var/mail", EMAIL_PORT="465")["EMAIL"]
    assert files["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert files["EMAIL_FILE_PATH"] == str(ROOT / "var" / "mail")
    assert files["EMAIL_PORT"] is None  # SMTP settings are read only when there is a host to send through

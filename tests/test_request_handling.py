"""Requests: the interface language, and the client address behind a proxy."""

from __future__ import annotations

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_browser_language_does_not_switch_the_interface(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_chosen_language_is_kept_in_a_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/login/")["Content-Language"] == "en"


@pytest.mark.django_db
def test_unknown_cookie_value_falls_back_to_vietnamese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get("/login/")["Content-Language"] == "vi"


@pytest.mark.django_db
def test_api_clients_may_ask_for_english(client):
    response = client.get("/api/v1/dossiers/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["Content-Language"] == "en"
    assert client.get("/api/v1/dossiers/")["Content-Language"] == "vi"


def test_client_ip_believes_only_trusted_proxies(rf, settings):
    from config.client_ip import client_ip

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    behind_proxy = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 127.0.0.1")
    assert client_ip(behind_proxy) == "203.0.113.9"
    forged = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(forged) == "198.51.100.7"

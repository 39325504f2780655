"""Signing in and out, the header, the language switch, unauthenticated access."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.django_db
class TestLogin:
    def test_login_page_is_in_vietnamese(self, client):
        response = client.get(reverse("login"))
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="vi">' in html
        assert "Đăng nhập" in html
        assert "Tên đăng nhập" in html
        assert "Mật khẩu" in html
        assert 'name="csrfmiddlewaretoken"' in html

    def test_wrong_password_is_refused_in_vietnamese(self, client, clerk):
        response = client.post(reverse("login"), {"username": "canbo", "password": "sai-mat-khau"})
        assert response.status_code == 200
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_login_then_home_shows_name_unit_and_roles(self, client, clerk, password):
        response = client.post(reverse("login"), {"username": "canbo", "password": password}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("home")
        html = response.content.decode()
        assert str(clerk) in html
        assert "Sở Tài chính" in html
        assert "Cán bộ TĐKT đơn vị" in html
        assert "Đăng xuất" in html

    def test_next_parameter_is_honoured(self, client, clerk, password):
        url = reverse("dossier_list")
        response = client.post(reverse("login") + f"?next={url}",
                               {"username": "canbo", "password": password, "next": url})
        assert response.status_code == 302
        assert response.url == url

    def test_logout_needs_post(self, client, clerk):
        client.force_login(clerk)
        assert client.get(reverse("logout")).status_code == 405
        response = client.post(reverse("logout"))
        assert response.status_code == 302
        assert response.url == reverse("login")
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, args",
    [
        ("home", []),
        ("dossier_list", []),
        ("dossier_create", []),
        ("dossier_detail", [1]),
        ("dossier_edit", [1]),
        ("nomination_create", [1]),
        ("nominee_import", [1]),
        ("attachment_download", [1]),
        ("people_list", []),
        ("history_import", []),
        ("nominee_template", []),
    ],
)
def test_anonymous_users_are_sent_to_login(client, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "next=" in response.url


@pytest.mark.django_db
def test_language_switch_posts_to_set_language(client, clerk):
    client.force_login(clerk)
    html = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="en"' in html
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_handlers(client, clerk, dossier):
    client.force_login(clerk)
    for url in (reverse("home"), reverse("dossier_detail", args=[dossier.pk]),
                reverse("nomination_create", args=[dossier.pk]), reverse("login")):
        html = client.get(url).content.decode()
        assert "<script>" not in html
        assert " onclick=" not in html and " onsubmit=" not in html and " style=" not in html
        assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html

"""Token authentication, and one error body for every kind of refusal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dossiers.api import views
from dossiers.exceptions import DomainError
from tests.api.helpers import assert_error, url
from tests.factories import UserFactory


class TestToken:
    def test_token_for_valid_credentials_then_used(self, anon, clerk, password, dossier):
        response = anon.post(url("auth/token/"), {"username": "canbo", "password": password}, format="json")
        assert response.status_code == 200, response.json()
        token = response.json()["token"]
        # The same token again, not a new one each time.
        again = anon.post(url("auth/token/"), {"username": "canbo", "password": password}, format="json")
        assert again.json()["token"] == token

        anon.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = anon.get(url("dossiers/"))
        assert response.status_code == 200
        assert [d["id"] for d in response.json()["results"]] == [dossier.pk]

    def test_form_encoded_credentials_work_too(self, anon, clerk, password):
        response = anon.post(url("auth/token/"), {"username": "canbo", "password": password})
        assert response.status_code == 200

    def test_wrong_password(self, anon, clerk):
        body = assert_error(anon.post(url("auth/token/"), {"username": "canbo", "password": "sai"}, format="json"),
                            400, "invalid_credentials")
        assert body["message"] == "Tên đăng nhập hoặc mật khẩu không đúng."

    def test_inactive_user_gets_no_token(self, anon, unit, password):
        UserFactory(unit=unit, username="nghi", is_active=False)
        assert_error(anon.post(url("auth/token/"), {"username": "nghi", "password": password}, format="json"),
                     400, "invalid_credentials")

    def test_missing_fields(self, anon, db):
        body = assert_error(anon.post(url("auth/token/"), {}, format="json"), 400, "invalid")
        assert body["message"] == "Dữ liệu gửi lên không hợp lệ."
        assert {(e["field"], e["message"]) for e in body["errors"]} == {
            ("username", "Bắt buộc phải có."), ("password", "Bắt buộc phải có."),
        }

    def test_password_guessing_is_throttled(self, anon, clerk, monkeypatch):
        monkeypatch.setattr(views.TokenThrottle, "rate", "2/minute")
        for _ in range(2):
            anon.post(url("auth/token/"), {"username": "canbo", "password": "sai"}, format="json")
        response = anon.post(url("auth/token/"), {"username": "canbo", "password": "sai"}, format="json")
        body = assert_error(response, 429, "throttled")
        assert "thử lại sau" in body["message"]
        assert int(response["Retry-After"]) > 0


class TestAuthenticationRequired:
    @pytest.mark.parametrize("path", ["dossiers/", "units/", "catalogue/award-types/",
                                      "catalogue/regulations/", "catalogue/document-types/"])
    def test_anonymous_gets_401(self, anon, db, path):
        response = anon.get(url(path))
        body = assert_error(response, 401, "not_authenticated")
        assert "đăng nhập" in body["message"]
        assert response["WWW-Authenticate"] == "Token"

    def test_bad_token_gets_401(self, anon, db):
        anon.credentials(HTTP_AUTHORIZATION="Token khong-hop-le")
        assert_error(anon.get(url("dossiers/")), 401, "not_authenticated")

    def test_session_login_works_too(self, clerk, dossier, client, password):
        assert client.login(username="canbo", password=password)
        response = client.get(url(f"dossiers/{dossier.pk}/"))
        assert response.status_code == 200


class TestErrorShapes:
    def test_400_validation(self, api, clerk):
        body = assert_error(api(clerk).post(url("dossiers/"), {"year": 2025}, format="json"), 400, "invalid")
        assert {e["field"] for e in body["errors"]} == {"kind", "title"}
        assert all(e["message"] and e["code"] == "required" for e in body["errors"])

    def test_400_domain_error_keeps_its_code(self, api, clerk, dossier):
        body = assert_error(api(clerk).post(url(f"dossiers/{dossier.pk}/send-to-head/")), 400, "no_nominations")
        assert body["message"] == "Hồ sơ chưa có người hoặc tập thể nào được đề nghị."

    def test_403(self, api, ha_specialist):
        body = assert_error(api(ha_specialist).post(url("dossiers/"), {
            "kind": "regular", "year": 2025, "title": "X"}, format="json"), 403, "permission_denied")
        assert body["message"] == "Bạn không được lập hồ sơ cho đơn vị này."

    def test_404(self, api, clerk):
        body = assert_error(api(clerk).get(url("dossiers/999999/")), 404, "not_found")
        assert body["message"] == "Không tìm thấy."

    @pytest.mark.parametrize("path", ["nope/", "dossiers/abc/", "dossiers/1/unknown-action/", "dossiers"])
    def test_unknown_addresses_under_the_api_are_json_404(self, api, clerk, path):
        assert_error(api(clerk).get(url(path)), 404, "not_found")

    def test_405(self, api, clerk, dossier):
        response = api(clerk).delete(url(f"dossiers/{dossier.pk}/"))
        body = assert_error(response, 405, "method_not_allowed")
        assert "DELETE" in body["message"]
        assert "DELETE" not in response["Allow"]
        assert_error(api(clerk).get(url(f"dossiers/{dossier.pk}/submit/")), 405, "method_not_allowed")

    def test_409_conflict(self, api, clerk, dossier, monkeypatch):
        from dossiers.exceptions import ConflictError
        from dossiers.services import dossiers as services

        def busy(**kwargs):
            raise ConflictError("conflict", "Hồ sơ vừa được người khác thay đổi.")

        monkeypatch.setattr(services, "send_to_head", busy)
        assert_error(api(clerk).post(url(f"dossiers/{dossier.pk}/send-to-head/")), 409, "conflict")

    def test_parse_error(self, api, clerk):
        response = api(clerk).post(url("dossiers/"), data='{"title": ', content_type="application/json")
        assert_error(response, 400, "parse_error")

    def test_unsupported_media_type(self, api, clerk, dossier):
        response = api(clerk).post(url(f"dossiers/{dossier.pk}/attachments/"), {"document_type": "to_trinh"},
                                   format="json")
        assert_error(response, 415, "unsupported_media_type")

    def test_domain_error_details_given_as_a_mapping(self, api, clerk, dossier, monkeypatch):
        from dossiers.services import dossiers as services

        def refuse(**kwargs):
            raise DomainError("invalid", "Sai.", details={"title": "Quá dài."})

        monkeypatch.setattr(services, "update_dossier", refuse)
        body = assert_error(api(clerk).patch(url(f"dossiers/{dossier.pk}/"), {"title": "x"}, format="json"),
                            400, "invalid")
        assert body["errors"] == [{"field": "title", "message": "Quá dài."}]

    def test_unexpected_errors_are_not_swallowed(self, api, clerk, dossier, monkeypatch):
        from dossiers.services import dossiers as services

        def broken(**kwargs):
            raise RuntimeError("bug")

        monkeypatch.setattr(services, "send_to_head", broken)
        with pytest.raises(RuntimeError, match="bug"):
            api(clerk).post(url(f"dossiers/{dossier.pk}/send-to-head/"))


def test_reverse_names(db):
    assert reverse("api:dossier-detail", args=[5]) == "/api/v1/dossiers/5/"
    assert reverse("api:attachment-download", args=[7]) == "/api/v1/attachments/7/download/"
    assert reverse("api:token") == "/api/v1/auth/token/"


class TestHugeNumbers:
    """Integers beyond 64 bits are refused or not found, never a database error."""

    BIG = "9" * 30

    @pytest.mark.parametrize("path", ["dossiers/{big}/", "nominations/{big}/", "attachments/{big}/download/",
                                      "units/{big}/", "catalogue/award-types/{big}/", "dossiers/١/"])
    def test_in_addresses(self, api, clerk, path):
        assert_error(api(clerk).get(url(path.format(big=self.BIG))), 404, "not_found")

    def test_in_filters_and_bodies(self, api, clerk, dossier):
        client = api(clerk)
        body = assert_error(client.get(url("dossiers/"), {"unit": self.BIG, "year": self.BIG}), 400, "invalid")
        assert {e["field"] for e in body["errors"]} == {"unit", "year"}
        body = assert_error(client.post(url("dossiers/"), {
            "kind": "regular", "year": self.BIG, "title": "x", "unit": self.BIG, "movement": self.BIG,
        }, format="json"), 400, "invalid")
        assert {e["field"] for e in body["errors"]} == {"year", "unit", "movement"}
        body = assert_error(client.post(url(f"dossiers/{dossier.pk}/nominations/"), {
            "award_type": self.BIG, "achievement_summary": "x", "person_id": self.BIG,
        }, format="json"), 400, "invalid")
        assert {e["field"] for e in body["errors"]} == {"award_type", "person_id"}
        body = assert_error(client.post(url(f"dossiers/{dossier.pk}/nominations/"), {
            "award_type": "²", "achievement_summary": "x", "person": {"full_name": "A"},
        }, format="json"), 400, "invalid")
        assert [e["field"] for e in body["errors"]] == ["award_type"]
        body = assert_error(client.post(url(f"dossiers/{dossier.pk}/nominations/"), {
            "award_type": "BK\x00", "achievement_summary": "x", "person": {"full_name": "A"},
        }, format="json"), 400, "invalid")
        assert [e["field"] for e in body["errors"]] == ["award_type"]

"""Công khai in the API, without login: the nominees under notice and the public's feedback."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dossiers.models import PublicFeedback, PublicNotice
from dossiers.services import notice as svc
from tests.api.helpers import assert_error, url
from tests.factories import DossierFactory, NominationFactory, PersonFactory, UserFactory, award
from workflows import services as wf

pytestmark = pytest.mark.django_db

SUMMARY = "Có nhiều đóng góp trong công tác quản lý tài chính ngân sách của tỉnh giai đoạn 2020-2025."
THANKS = ("Sở Nội vụ đã nhận góp ý của bạn về Lò Thị Hương. Góp ý sẽ được xem xét trước khi trình Hội đồng "
          "Thi đua - Khen thưởng tỉnh.")


@pytest.fixture
def ha_lead(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao")


def open_notice(unit, clerk, lead, names=("Lò Thị Hương",), *, days=14):
    dossier = DossierFactory(unit=unit, created_by=clerk, state="under_review")
    for name in names:
        person = PersonFactory(unit=unit, full_name=name, birth_year=1978, position="Trưởng phòng Quản lý ngân sách")
        NominationFactory(dossier=dossier, person=person, award_type=award("HC_LD3_CN"), outcome="eligible",
                          achievement_summary=SUMMARY)
    # a certificate that needs no notice: never public
    NominationFactory(dossier=dossier, person=PersonFactory(unit=unit, full_name="Vàng Văn Páo"),
                      award_type=award("BK_TINH_CN"), outcome="eligible", achievement_summary="Không công khai.")
    today = timezone.localdate()
    svc.open_public_notice(actor=lead, dossier=dossier, starts_on=today, ends_on=today + datetime.timedelta(days=days))
    return dossier


@pytest.fixture
def noticed(unit, clerk, ha_lead):
    return open_notice(unit, clerk, ha_lead)


@pytest.fixture
def listed(noticed):
    return noticed.nominations.get(award_type__code="HC_LD3_CN")


def feedback_url(nomination) -> str:
    return url(f"public/nominations/{nomination.pk}/feedback/")


class TestList:
    def test_anyone_sees_what_the_public_page_shows_and_nothing_more(self, anon, noticed, listed):
        response = anon.get(url("public/nominations/"))
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        notice = PublicNotice.objects.get(dossier=noticed)
        assert body["results"] == [{
            "id": listed.pk, "nominee_name": "Lò Thị Hương", "subject": "individual", "unit": "Sở Tài chính",
            "award_type": "HC_LD3_CN", "award_name": "Huân chương Lao động hạng Ba",
            "achievement_summary": SUMMARY, "notice_starts_on": notice.starts_on.isoformat(),
            "notice_ends_on": notice.ends_on.isoformat(),
        }]
        assert "1978" not in response.content.decode() and "Trưởng phòng" not in response.content.decode()

    def test_search_ignores_diacritics_and_a_long_summary_is_cut(self, anon, unit, clerk, ha_lead, noticed, listed):
        listed.achievement_summary = "Thành tích " * 60
        listed.save(update_fields=["achievement_summary"])
        open_notice(unit, clerk, ha_lead, ("Đặng Văn Tùng",))
        assert anon.get(url("public/nominations/")).json()["count"] == 2
        rows = anon.get(url("public/nominations/"), {"q": "lo thi huong"}).json()["results"]
        assert [r["nominee_name"] for r in rows] == ["Lò Thị Hương"]
        assert len(rows[0]["achievement_summary"]) == 300 and rows[0]["achievement_summary"].endswith("…")

    def test_a_closed_or_not_yet_open_notice_is_not_listed(self, anon, noticed, listed):
        PublicNotice.objects.filter(dossier=noticed).update(starts_on=timezone.localdate() + datetime.timedelta(days=1))
        assert anon.get(url("public/nominations/")).json()["count"] == 0
        assert_error(anon.get(url(f"public/nominations/{listed.pk}/")), 404, "not_found")

    def test_one_nomination_and_not_found_in_the_error_body(self, anon, noticed, listed):
        assert anon.get(url(f"public/nominations/{listed.pk}/")).json()["nominee_name"] == "Lò Thị Hương"
        hidden = noticed.nominations.get(award_type__code="BK_TINH_CN")
        assert_error(anon.get(url(f"public/nominations/{hidden.pk}/")), 404, "not_found")
        assert_error(anon.get(url("public/nominations/99999999999999999999999/")), 404, "not_found")

    def test_query_count_does_not_grow_with_rows(self, anon, unit, clerk, ha_lead, noticed):
        with CaptureQueriesContext(connection) as one:
            assert anon.get(url("public/nominations/")).status_code == 200
        open_notice(unit, clerk, ha_lead, [f"Người thứ {i}" for i in range(8)])
        with CaptureQueriesContext(connection) as many:
            assert anon.get(url("public/nominations/")).json()["count"] == 9
        assert len(many.captured_queries) == len(one.captured_queries)


class TestFeedback:
    def test_anyone_sends_feedback_which_becomes_a_task(self, anon, listed, ha_specialist):
        response = anon.post(feedback_url(listed), {"name": "Nguyễn Văn Dân", "contact": "0912 345 678",
                                                    "text": "Đề nghị xem lại thành tích năm 2023."}, format="json")
        assert response.status_code == 201, response.content
        assert response.json() == {"nomination": listed.pk, "message": THANKS}
        feedback = PublicFeedback.objects.get()
        assert (feedback.nomination, feedback.name, feedback.contact, feedback.text, feedback.status) == (
            listed, "Nguyễn Văn Dân", "0912 345 678", "Đề nghị xem lại thành tích năm 2023.", "open")
        assert wf.feedback_task(feedback) is not None

    def test_a_logged_in_browser_needs_no_csrf_token(self, listed, clerk):
        from django.test import Client

        browser = Client(enforce_csrf_checks=True)
        browser.force_login(clerk)
        response = browser.post(feedback_url(listed), {"text": "Ý kiến."}, content_type="application/json")
        assert response.status_code == 201, response.content

    def test_text_is_required_and_length_limited(self, anon, listed):
        body = assert_error(anon.post(feedback_url(listed), {"text": "   "}, format="json"), 400, "invalid")
        assert body["message"] == "Hãy nhập nội dung góp ý."
        body = assert_error(anon.post(feedback_url(listed), {"text": "a" * 2001}, format="json"), 400, "invalid")
        assert body["message"] == "Nội dung góp ý dài 2001 ký tự, vượt quá giới hạn 2000 ký tự."
        assert body["errors"] == [{"field": "text", "message": body["message"]}]
        body = assert_error(anon.post(feedback_url(listed), {"text": "Được.", "name": "N" * 151}, format="json"),
                            400, "invalid")
        assert body["errors"] == [{"field": "name", "message": "Họ tên không được dài quá 150 ký tự."}]
        assert anon.post(feedback_url(listed), {"text": "a" * 2000}, format="json").status_code == 201
        assert PublicFeedback.objects.count() == 1

    def test_rate_limited_like_the_web_form(self, anon, client, listed):
        for index in range(3):
            response = client.post(reverse("public_feedback", args=[listed.pk]), {"text": f"Góp ý web {index}."})
            assert response.status_code == 302
        for index in range(2):
            assert anon.post(feedback_url(listed), {"text": f"Góp ý API {index}."}, format="json").status_code == 201
        body = assert_error(anon.post(feedback_url(listed), {"text": "Thêm một góp ý."}, format="json"),
                            429, "rate_limited")
        assert body["message"] == "Mỗi người chỉ gửi được tối đa 5 góp ý trong một giờ. Vui lòng thử lại sau."
        assert PublicFeedback.objects.count() == 5
        # another client is not held back
        other = anon.post(feedback_url(listed), {"text": "Người khác."}, format="json", REMOTE_ADDR="203.0.113.9")
        assert other.status_code == 201

    def test_not_listed_is_not_found(self, anon, noticed, listed):
        hidden = noticed.nominations.get(award_type__code="BK_TINH_CN")
        assert_error(anon.post(feedback_url(hidden), {"text": "Ý kiến."}, format="json"), 404, "not_found")
        PublicNotice.objects.filter(dossier=noticed).update(closed_at=timezone.now())
        assert_error(anon.post(feedback_url(listed), {"text": "Ý kiến."}, format="json"), 404, "not_found")
        assert PublicFeedback.objects.count() == 0

    def test_a_non_object_body_is_refused_in_the_error_body(self, anon, listed):
        assert_error(anon.post(feedback_url(listed), ["text"], format="json"), 400, "invalid")


def test_schema_lists_the_public_endpoints_without_login(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    listing = paths["/api/v1/public/nominations/"]["get"]
    feedback = paths["/api/v1/public/nominations/{id}/feedback/"]["post"]
    assert paths["/api/v1/dossiers/"]["get"]["security"]  # endpoints behind a login name their schemes
    assert not listing.get("security") and not feedback.get("security")
    assert {"201", "400", "404", "429"} <= set(feedback["responses"])
    assert "401" not in feedback["responses"]
    assert "q" in [p["name"] for p in listing["parameters"]]
    assert "/api/v1/public/nominations/{id}/" in paths

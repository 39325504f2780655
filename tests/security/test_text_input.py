"""Hostile text in names, titles, achievement summaries, reasons and public feedback: stored in NFC without
control characters, refused when too long, and shown as text everywhere: pages escape it, the API returns it
as data, and the official documents print the literal characters (no live tag reaches WeasyPrint)."""

from __future__ import annotations

import datetime
import re
import unicodedata

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from dossiers.documents.official import document_html, render_document
from dossiers.models import AuditEvent, Dossier, Nomination, Person, PublicFeedback
from dossiers.services import notice as notice_services
from dossiers.services import review as review_services
from dossiers.text import nfc
from tests.documents import pdf as pdfread
from tests.factories import DossierFactory, NominationFactory, PersonFactory, UserFactory, award

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"
IMG = '<img src=x onerror="alert(1)">'
# What people paste: decomposed letters (macOS), control characters (C0, DEL, C1), a right-to-left override
# and a byte order mark. (A NUL is refused outright by the forms and the API: see below.)
JUNK = "\x07\x1b\x7f\x85\x9b\u202e\u2066\ufeff"


def hostile(text: str) -> str:
    return unicodedata.normalize("NFD", text) + JUNK + " " + SCRIPT


def clean(text: str) -> str:
    return f"{text} {SCRIPT}"


def assert_safe(value: str, expected: str):
    assert value == expected
    assert unicodedata.is_normalized("NFC", value)
    assert not any(ch in value for ch in JUNK)


def assert_escaped(html: str):
    assert ESCAPED in html
    assert SCRIPT not in html and "<script>alert" not in html
    assert not re.search(r"<img[^>]*onerror", html)


def test_nfc_drops_every_kind_of_control_character():
    assert nfc(f"A{JUNK}\x00B\tC\nD\r\n") == "AB\tC\nD"
    assert nfc(unicodedata.normalize("NFD", "Hường")) == "Hường"


# ---- through the pages ------------------------------------------------------------------------


def test_dossier_and_nomination_entered_on_the_pages(client, clerk, unit):
    client.force_login(clerk)
    year = timezone.localdate().year
    response = client.post(reverse("dossier_create"), {
        "unit": unit.pk, "kind": "regular", "year": year, "title": hostile("Đề nghị khen thưởng năm nay")})
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert_safe(dossier.title, clean("Đề nghị khen thưởng năm nay"))

    response = client.post(reverse("nomination_create", args=[dossier.pk]), {
        "subject_type": "individual", "full_name": hostile("Nguyễn Thị Hường"), "gender": "female",
        "birth_year": 1980, "position": hostile("Trưởng phòng"), "award_type": award("BK_TINH_CN").pk,
        "achievement_summary": hostile("Hoàn thành xuất sắc nhiệm vụ.") + "\n" + IMG,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    nomination = Nomination.objects.get()
    assert_safe(nomination.person.full_name, clean("Nguyễn Thị Hường"))
    assert_safe(nomination.person.position, clean("Trưởng phòng"))
    assert_safe(nomination.achievement_summary, clean("Hoàn thành xuất sắc nhiệm vụ.") + "\n" + IMG)

    for url in (reverse("dossier_detail", args=[dossier.pk]), reverse("dossier_list"), reverse("people_list"),
                reverse("home"), reverse("nomination_edit", args=[dossier.pk, nomination.pk])):
        html = client.get(url).content.decode()
        assert_escaped(html)
    detail = client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in detail


def test_too_long_values_are_refused_on_the_pages(client, clerk, unit):
    client.force_login(clerk)
    response = client.post(reverse("dossier_create"), {
        "unit": unit.pk, "kind": "regular", "year": timezone.localdate().year, "title": "Đề nghị " * 100})
    assert response.status_code == 200
    assert "tối đa 500 kí tự" in response.content.decode()
    dossier = DossierFactory(unit=unit, created_by=clerk)
    response = client.post(reverse("nomination_create", args=[dossier.pk]), {
        "subject_type": "individual", "full_name": "Nguyễn " * 30, "award_type": award("BK_TINH_CN").pk,
        "achievement_summary": "Tốt."})
    assert response.status_code == 200
    assert "tối đa 150 kí tự" in response.content.decode()
    assert not Nomination.objects.exists() and not Person.objects.exists()
    assert Dossier.objects.count() == 1


def test_a_nul_character_is_refused_and_nothing_stored(client, clerk, unit):
    client.force_login(clerk)
    response = client.post(reverse("dossier_create"), {
        "unit": unit.pk, "kind": "regular", "year": timezone.localdate().year, "title": "Đề nghị\x00 khen thưởng"})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    response = token_client(clerk).post("/api/v1/dossiers/", {
        "unit": unit.pk, "kind": "regular", "year": timezone.localdate().year, "title": "Đề nghị\x00"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "title"
    assert not Dossier.objects.exists()


# ---- through the API --------------------------------------------------------------------------


def token_client(user) -> APIClient:
    from rest_framework.authtoken.models import Token

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return api


def test_the_api_stores_clean_text_and_returns_it_as_data(clerk, unit):
    api = token_client(clerk)
    response = api.post("/api/v1/dossiers/", {"unit": unit.pk, "kind": "regular",
                                               "year": timezone.localdate().year,
                                               "title": hostile("Đề nghị khen thưởng")}, format="json")
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["title"] == clean("Đề nghị khen thưởng")
    pk = response.json()["id"]
    response = api.post(f"/api/v1/dossiers/{pk}/nominations/", {
        "award_type": "BK_TINH_CN", "achievement_summary": hostile("Tốt."),
        "person": {"full_name": hostile("Lò Văn Sơn"), "birth_year": 1980}}, format="json")
    assert response.status_code == 201, response.content
    nomination = Nomination.objects.get()
    assert_safe(nomination.person.full_name, clean("Lò Văn Sơn"))
    assert_safe(nomination.achievement_summary, clean("Tốt."))


def test_the_api_refuses_too_long_values_with_its_error_body(clerk, unit):
    api = token_client(clerk)
    response = api.post("/api/v1/dossiers/", {"unit": unit.pk, "kind": "regular",
                                               "year": timezone.localdate().year, "title": "x" * 501}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "errors"} and body["errors"][0]["field"] == "title"
    dossier = DossierFactory(unit=unit, created_by=clerk)
    response = api.post(f"/api/v1/dossiers/{dossier.pk}/nominations/", {
        "award_type": "BK_TINH_CN", "achievement_summary": "Tốt.",
        "person": {"full_name": "Nguyễn " * 30}}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"code", "message", "errors"}
    assert Dossier.objects.count() == 1 and not Nomination.objects.exists()


# ---- reasons and public feedback ---------------------------------------------------------------


def test_a_refusal_reason_is_stored_clean_and_shown_escaped(client, clerk, unit, ha_specialist):
    dossier = DossierFactory(unit=unit, created_by=clerk, state="under_review")
    NominationFactory(dossier=dossier)
    review_services.reject_dossier(actor=ha_specialist, dossier=dossier, reason=hostile("Không đủ điều kiện."))
    dossier.refresh_from_db()
    assert_safe(dossier.rejected_reason, clean("Không đủ điều kiện."))
    event = AuditEvent.objects.filter(dossier_id_ref=dossier.pk).order_by("id").last()
    assert not any(ch in str(event.after) for ch in JUNK)
    client.force_login(clerk)
    assert_escaped(client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode())


def test_public_feedback_is_stored_clean_and_shown_escaped_to_home_affairs(client, unit, clerk, ha_unit,
                                                                            ha_specialist):
    lead = UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao")
    dossier = DossierFactory(unit=unit, created_by=clerk, state="under_review")
    nomination = NominationFactory(dossier=dossier, award_type=award("HC_LD3_CN"), outcome="eligible",
                                   person=PersonFactory(unit=unit, full_name="Lò Thị Hương"))
    today = timezone.localdate()
    notice_services.open_public_notice(actor=lead, dossier=dossier, starts_on=today,
                                       ends_on=today + datetime.timedelta(days=14))
    response = client.post(reverse("public_feedback", args=[nomination.pk]), {
        "name": hostile("Người dân"), "contact": IMG, "text": hostile("Ý kiến:") + "\n" + IMG})
    assert response.status_code == 302
    feedback = PublicFeedback.objects.get()
    assert_safe(feedback.name, clean("Người dân"))
    assert_safe(feedback.text, clean("Ý kiến:") + "\n" + IMG)
    client.force_login(ha_specialist)
    html = client.get(reverse("feedback_queue")).content.decode()
    assert_escaped(html)
    assert IMG not in html


# ---- official documents -----------------------------------------------------------------------


@pytest.fixture
def hostile_dossier(unit, clerk):
    dossier = DossierFactory(unit=unit, created_by=clerk, year=2025, title=clean("Đề nghị khen thưởng năm 2025"))
    person = PersonFactory(unit=unit, full_name=clean("Nguyễn Thị Hường"), gender="female", birth_year=1980,
                           position="Trưởng phòng <b>Kế hoạch</b> & Tài chính")
    nomination = NominationFactory(dossier=dossier, person=person, award_type=award("BK_TINH_CN"),
                                   achievement_summary=clean("Hoàn thành xuất sắc nhiệm vụ.") + "\n" + IMG)
    return dossier, nomination


def test_the_html_given_to_weasyprint_has_no_live_tag(hostile_dossier):
    dossier, nomination = hostile_dossier
    for html in (document_html("proposal-letter", dossier), document_html("achievement-report", nomination)):
        assert_escaped(html)
        assert "&lt;b&gt;Kế hoạch&lt;/b&gt; &amp; Tài chính" in html
        assert not re.search(r"<(img|b)\b", html)


def solid(text: str) -> str:
    """Without any whitespace: table cells break lines anywhere."""
    return re.sub(r"\s+", "", text)


def test_the_pdf_prints_the_literal_characters(hostile_dossier):
    dossier, nomination = hostile_dossier
    letter = solid(pdfread.text(render_document("proposal-letter", dossier)))
    assert solid(f"Về việc đề nghị khen thưởng năm 2025 {SCRIPT}") in letter
    assert solid(f"Nguyễn Thị Hường {SCRIPT}") in letter
    assert solid(IMG) in letter
    report = solid(pdfread.text(render_document("achievement-report", nomination)))
    assert solid(f"Nguyễn Thị Hường {SCRIPT}") in report
    assert solid("Trưởng phòng <b>Kế hoạch</b> & Tài chính") in report
    assert solid(IMG) in report


# ---- length limits of text shown publicly, to the council and in PDFs --------------------------


def test_an_achievement_summary_over_the_limit_is_refused_everywhere_with_a_clear_message(client, clerk, unit):
    """The summary is printed in full on the public notice, the ballot and the PDFs: 4,000 characters at most,
    on the pages (create, edit), in the API (create, update) and in the Excel import; nothing is stored."""
    from dossiers.imports.common import ImportRejected
    from dossiers.imports.nominees import import_nominees
    from dossiers.models.dossier import ACHIEVEMENT_SUMMARY_MAX_LENGTH
    from tests.dossiers.test_imports_nominees import nominee, workbook_file

    limit = ACHIEVEMENT_SUMMARY_MAX_LENGTH
    assert limit == 4000
    too_long, longest = "Thành tích. " * 400 + "x", "y" * limit  # 4,801 and 4,000 characters
    message = (f"Tóm tắt thành tích dài {len(too_long)} ký tự, vượt quá {limit} ký tự cho phép. Hãy rút gọn; "
               "thành tích chi tiết để trong báo cáo thành tích đính kèm.")
    dossier = DossierFactory(unit=unit, created_by=clerk)
    client.force_login(clerk)
    response = client.post(reverse("nomination_create", args=[dossier.pk]), {
        "subject_type": "individual", "full_name": "Nguyễn Văn An", "award_type": award("BK_TINH_CN").pk,
        "achievement_summary": too_long})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Nomination.objects.exists() and not Person.objects.exists()

    nomination = NominationFactory(dossier=dossier, achievement_summary="Tốt.")
    response = client.post(reverse("nomination_edit", args=[dossier.pk, nomination.pk]), {
        "award_type": nomination.award_type.pk, "achievement_summary": too_long})
    assert response.status_code == 200 and message in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.achievement_summary == "Tốt."

    api = token_client(clerk)
    response = api.post(f"/api/v1/dossiers/{dossier.pk}/nominations/", {
        "award_type": "BK_TINH_CN", "achievement_summary": too_long,
        "person": {"full_name": "Trần Văn Bình"}}, format="json")
    body = response.json()
    assert response.status_code == 400 and set(body) == {"code", "message", "errors"}
    assert [(e["field"], e["message"]) for e in body["errors"]] == [("achievement_summary", f"Tối đa {limit} ký tự.")]
    response = api.patch(f"/api/v1/nominations/{nomination.pk}/", {"achievement_summary": too_long}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "achievement_summary"
    assert Nomination.objects.count() == 1
    nomination.refresh_from_db()
    assert nomination.achievement_summary == "Tốt."

    with pytest.raises(ImportRejected) as caught:
        import_nominees(actor=clerk, dossier=dossier, fileobj=workbook_file([nominee(summary=too_long)]))
    [detail] = caught.value.details
    assert (f"tóm tắt thành tích dài {len(too_long)} ký tự, vượt quá {limit} ký tự cho phép."
            in detail["message"])
    assert Nomination.objects.count() == 1

    # Exactly at the limit is accepted.
    response = api.patch(f"/api/v1/nominations/{nomination.pk}/", {"achievement_summary": longest}, format="json")
    assert response.status_code == 200, response.content
    nomination.refresh_from_db()
    assert nomination.achievement_summary == longest


def test_a_withdrawal_reason_over_the_limit_is_refused(client, unit, clerk):
    from dossiers.models.dossier import REASON_MAX_LENGTH

    head = UserFactory(unit=unit, roles=["unit_head"])
    dossier = DossierFactory(unit=unit, created_by=clerk, state="submitted")
    too_long = "Lý do. " * 300  # 2,100 characters
    client.force_login(head)
    response = client.post(reverse("dossier_withdraw", args=[dossier.pk]), {"withdraw-reason": too_long})
    assert f"vượt quá {REASON_MAX_LENGTH} ký tự cho phép" in response.content.decode()
    response = token_client(head).post(f"/api/v1/dossiers/{dossier.pk}/withdraw/", {"reason": too_long},
                                       format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "reason"
    dossier.refresh_from_db()
    assert dossier.state == "submitted" and dossier.withdrawn_reason == ""


def test_api_limit_messages_are_vietnamese_and_fit_the_field():
    """DRF builds its limit validators in English when a field is made; ours say it in Vietnamese, with
    characters for text and items for lists."""
    from councils.api.serializers import AttendanceSerializer
    from dossiers.api.serializers import NominationUpdateSerializer

    serializer = NominationUpdateSerializer(data={"award_type": "BK_TINH_CN", "achievement_summary": "x" * 4001})
    assert not serializer.is_valid()
    assert [str(m) for m in serializer.errors["achievement_summary"]] == ["Tối đa 4000 ký tự."]
    serializer = AttendanceSerializer(data={"present": list(range(1, 502))})
    assert not serializer.is_valid()
    assert [str(m) for m in serializer.errors["present"]] == ["Tối đa 500 mục."]

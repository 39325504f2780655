"""Công khai: opening the notice, the public list, the public's feedback, HA resolving it, closing."""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import AuditEvent, Dossier, FeedbackStatus, Nomination, PublicFeedback, PublicNotice
from dossiers.services import notice as svc
from dossiers.signals import feedback_received, feedback_resolved
from tests.factories import (
    CollectiveFactory,
    DossierFactory,
    NominationFactory,
    PersonFactory,
    ProvinceFactory,
    UnitFactory,
    UserFactory,
    award,
)

pytestmark = pytest.mark.django_db

SUMMARY = "Có nhiều đóng góp trong công tác quản lý tài chính ngân sách của tỉnh giai đoạn 2020-2025."


def today() -> datetime.date:
    return timezone.localdate()


def actions(dossier) -> list[str]:
    return list(AuditEvent.objects.filter(dossier_id_ref=dossier.pk).order_by("id").values_list("action", flat=True))


def fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def ha_lead(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao")


@pytest.fixture
def reviewed(unit, clerk):
    """A dossier under review: one eligible order (noticed), one eligible provincial certificate (not)."""
    dossier = DossierFactory(unit=unit, created_by=clerk, state="under_review",
                             title="Đề nghị khen thưởng năm 2025 của Sở Tài chính")
    person = PersonFactory(unit=unit, full_name="Lò Thị Hương", gender="female", birth_year=1978,
                           position="Trưởng phòng Quản lý ngân sách")
    NominationFactory(dossier=dossier, person=person, award_type=award("HC_LD3_CN"), outcome="eligible",
                      achievement_summary=SUMMARY)
    other = PersonFactory(unit=unit, full_name="Vàng Văn Páo", birth_year=1969, position="Phó Giám đốc Sở")
    NominationFactory(dossier=dossier, person=other, award_type=award("BK_TINH_CN"), outcome="eligible",
                      achievement_summary="Bằng khen: không phải công khai.")
    return dossier


def order_nomination(dossier) -> Nomination:
    return dossier.nominations.get(award_type__code="HC_LD3_CN")


@pytest.fixture
def noticed(reviewed, ha_lead):
    """``reviewed`` listed on a notice open from today for two weeks."""
    svc.open_public_notice(actor=ha_lead, dossier=reviewed, starts_on=today(), ends_on=today() + datetime.timedelta(days=14))
    return Dossier.objects.get(pk=reviewed.pk)


@pytest.fixture
def listed(noticed) -> Nomination:
    return order_nomination(noticed)


def submit(nomination, text="Đề nghị xem xét lại thành tích.", key="khach-1", **kwargs) -> PublicFeedback:
    return svc.submit_feedback(nomination=nomination, name=kwargs.get("name", ""), contact=kwargs.get("contact", ""),
                               text=text, client_key=key)


def set_period(dossier, starts_on, ends_on):
    PublicNotice.objects.filter(dossier=dossier).update(starts_on=starts_on, ends_on=ends_on)


class TestNominationsNeedingNotice:
    def test_only_eligible_nominations_for_awards_that_require_a_notice(self, reviewed, unit):
        assert award("HC_LD3_CN").public_notice_required and not award("BK_TINH_CN").public_notice_required
        NominationFactory(dossier=reviewed, person=PersonFactory(unit=unit), award_type=award("HC_LD2_CN"))
        ineligible = NominationFactory(dossier=reviewed, person=PersonFactory(unit=unit),
                                       award_type=award("HC_LD1_CN"), outcome="ineligible")
        needing = svc.nominations_needing_notice(reviewed)
        assert [n.award_type.code for n in needing] == ["HC_LD3_CN"]
        assert ineligible not in needing


class TestOpenNotice:
    def test_lead_opens_the_notice(self, reviewed, ha_lead):
        starts, ends = today(), today() + datetime.timedelta(days=14)
        notice = svc.open_public_notice(actor=ha_lead, dossier=reviewed, starts_on=starts, ends_on=ends)
        assert (notice.starts_on, notice.ends_on, notice.created_by, notice.closed_at) == (starts, ends, ha_lead, None)
        assert Dossier.objects.get(pk=reviewed.pk).state == "public_notice"
        event = AuditEvent.objects.get(action="notice.opened")
        assert event.actor == ha_lead and event.dossier_id_ref == reviewed.pk
        assert event.before == {"state": "under_review"}
        assert event.after["state"] == "public_notice"
        assert event.after["nominations"] == [order_nomination(reviewed).pk]
        assert event.after["starts_on"] == starts.isoformat()

    @pytest.mark.parametrize("roles", [["ha_specialist"], ["unit_head"], ["council_secretary"]])
    def test_only_the_ha_lead_opens_it(self, reviewed, ha_unit, roles):
        user = UserFactory(unit=ha_unit, roles=roles)
        with pytest.raises(PermissionDeniedError, match="lãnh đạo Sở Nội vụ"):
            svc.open_public_notice(actor=user, dossier=reviewed, starts_on=today(), ends_on=today())
        assert Dossier.objects.get(pk=reviewed.pk).state == "under_review"
        assert not PublicNotice.objects.exists()

    def test_the_system_cannot_open_it(self, reviewed):
        with pytest.raises(PermissionDeniedError):
            svc.open_public_notice(actor=None, dossier=reviewed, starts_on=today(), ends_on=today())

    def test_lead_of_another_province_cannot(self, reviewed):
        other_province = ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên")
        lead = UserFactory(unit=UnitFactory(province=other_province), roles=["ha_lead"])
        with pytest.raises(PermissionDeniedError):
            svc.open_public_notice(actor=lead, dossier=reviewed, starts_on=today(), ends_on=today())

    def test_only_a_dossier_under_review(self, unit, clerk, ha_lead):
        dossier = DossierFactory(unit=unit, created_by=clerk, state="submitted")
        NominationFactory(dossier=dossier, award_type=award("HC_LD3_CN"), outcome="eligible")
        with pytest.raises(DomainError, match="không mở công khai được") as exc:
            svc.open_public_notice(actor=ha_lead, dossier=dossier, starts_on=today(), ends_on=today())
        assert exc.value.code == "invalid_state"

    def test_period_cannot_end_before_it_starts(self, reviewed, ha_lead):
        with pytest.raises(DomainError, match="không được trước ngày bắt đầu") as exc:
            svc.open_public_notice(actor=ha_lead, dossier=reviewed, starts_on=today(),
                                   ends_on=today() - datetime.timedelta(days=1))
        assert exc.value.code == "invalid_period"
        assert Dossier.objects.get(pk=reviewed.pk).state == "under_review"

    def test_nothing_to_notice_is_refused(self, unit, clerk, ha_lead):
        dossier = DossierFactory(unit=unit, created_by=clerk, state="under_review")
        NominationFactory(dossier=dossier, award_type=award("BK_TINH_CN"), outcome="eligible")
        with pytest.raises(DomainError) as exc:
            svc.open_public_notice(actor=ha_lead, dossier=dossier, starts_on=today(), ends_on=today())
        assert exc.value.code == "nothing_to_notice"


class TestPublicList:
    def test_anonymous_visitor_sees_only_the_allowed_fields(self, client, listed):
        html = client.get(reverse("public_notice_list")).content.decode()
        assert "Lò Thị Hương" in html
        assert "Sở Tài chính" in html
        assert "Huân chương Lao động hạng Ba" in html
        assert SUMMARY in html
        period = f"từ {fmt(today())} đến hết {fmt(today() + datetime.timedelta(days=14))}"
        assert period in html
        assert reverse("public_feedback", args=[listed.pk]) in html
        assert ">Góp ý<" in html
        # No personal data beyond the name, no internal data.
        assert "1978" not in html
        assert "Trưởng phòng Quản lý ngân sách" not in html
        assert "Nữ" not in html
        assert listed.dossier.title not in html
        assert listed.dossier.reference not in html

    def test_awards_that_need_no_notice_are_not_listed(self, client, listed):
        html = client.get(reverse("public_notice_list")).content.decode()
        assert "Vàng Văn Páo" not in html
        assert "Bằng khen" not in html
        assert reverse("public_feedback", args=[listed.dossier.nominations.get(award_type__code="BK_TINH_CN").pk]) \
            not in html

    def test_collectives_are_listed_by_name(self, client, noticed, unit):
        collective = CollectiveFactory(unit=unit, name="Phòng Quản lý ngân sách")
        NominationFactory(dossier=noticed, person=None, collective=collective, award_type=award("HC_LD3_TT"),
                          outcome="eligible", achievement_summary="Tập thể tiêu biểu.")
        html = client.get(reverse("public_notice_list")).content.decode()
        assert "Phòng Quản lý ngân sách" in html and "Tập thể tiêu biểu." in html

    def test_long_summaries_are_shortened(self, client, noticed):
        nomination = order_nomination(noticed)
        Nomination.objects.filter(pk=nomination.pk).update(achievement_summary="Thành tích. " * 60 + "ĐOẠN CUỐI")
        html = client.get(reverse("public_notice_list")).content.decode()
        assert "ĐOẠN CUỐI" not in html
        assert "…" in html

    @pytest.mark.parametrize(
        ("starts", "ends", "state_ok", "closed"),
        [
            (-20, -1, True, False),   # the period has ended
            (1, 10, True, False),     # not started yet
            (-5, 5, True, True),      # closed by HA
        ],
    )
    def test_only_open_notices_are_listed(self, client, noticed, starts, ends, state_ok, closed):
        set_period(noticed, today() + datetime.timedelta(days=starts), today() + datetime.timedelta(days=ends))
        if closed:
            PublicNotice.objects.filter(dossier=noticed).update(closed_at=timezone.now())
        html = client.get(reverse("public_notice_list")).content.decode()
        assert "Lò Thị Hương" not in html
        assert "Hiện không có đề nghị khen thưởng nào đang công khai." in html

    def test_dossier_that_left_the_notice_state_is_not_listed(self, client, reviewed):
        """A dossier with notice dates but no longer in public_notice (e.g. withdrawn) is gone from the page."""
        PublicNotice.objects.create(dossier=reviewed, starts_on=today(), ends_on=today(), created_by=reviewed.created_by)
        html = client.get(reverse("public_notice_list")).content.decode()
        assert "Lò Thị Hương" not in html

    def test_search_ignores_diacritics(self, client, noticed, unit):
        person = PersonFactory(unit=unit, full_name="Nguyễn Đức Thắng")
        NominationFactory(dossier=noticed, person=person, award_type=award("HC_LD3_CN"), outcome="eligible")
        url = reverse("public_notice_list")
        html = client.get(url, {"q": "lo thi huong"}).content.decode()
        assert "Lò Thị Hương" in html and "Nguyễn Đức Thắng" not in html
        html = client.get(url, {"q": "DUC THANG"}).content.decode()
        assert "Nguyễn Đức Thắng" in html and "Lò Thị Hương" not in html
        html = client.get(url, {"q": "so tai chinh"}).content.decode()
        assert "Nguyễn Đức Thắng" in html and "Lò Thị Hương" in html
        html = client.get(url, {"q": "không có ai"}).content.decode()
        assert "Không có đề nghị nào phù hợp" in html

    def test_paginated_by_25(self, client, noticed, unit):
        for _ in range(26):
            NominationFactory(dossier=noticed, person=PersonFactory(unit=unit), award_type=award("HC_LD3_CN"),
                              outcome="eligible")
        html = client.get(reverse("public_notice_list")).content.decode()
        assert "27 đề nghị đang công khai" in html
        assert "Trang 1/2" in html
        assert html.count(">Góp ý<") == 25

    def test_query_count_does_not_grow_with_rows(self, client, noticed, unit):
        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("public_notice_list"), {"q": "a"})
            assert response.status_code == 200
            return len(ctx.captured_queries)

        for _ in range(2):
            NominationFactory(dossier=noticed, person=PersonFactory(unit=unit), award_type=award("HC_LD3_CN"),
                              outcome="eligible")
        few = count()
        other = DossierFactory(unit=UnitFactory(province=unit.province), state="public_notice")
        PublicNotice.objects.create(dossier=other, starts_on=today(), ends_on=today(), created_by=other.created_by)
        for _ in range(27):
            NominationFactory(dossier=other, award_type=award("HC_LD2_CN"), outcome="eligible")
        many = count()
        assert few == many

    def test_signed_in_users_see_it_too(self, client, clerk, listed):
        client.force_login(clerk)
        assert "Lò Thị Hương" in client.get(reverse("public_notice_list")).content.decode()


class TestFeedbackPage:
    def test_shows_the_nominee_and_the_form(self, client, listed):
        response = client.get(reverse("public_feedback", args=[listed.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Lò Thị Hương" in html and "Huân chương Lao động hạng Ba" in html and "Sở Tài chính" in html
        assert "1978" not in html and "Trưởng phòng" not in html
        assert "Họ tên" in html and "Thông tin liên hệ" in html and "Nội dung góp ý" in html
        assert "Tối đa 2.000 ký tự" in html
        assert 'maxlength="2000"' in html
        assert "csrfmiddlewaretoken" in html

    def test_anonymous_feedback_is_accepted_and_audited(self, client, listed, django_capture_on_commit_callbacks):
        received = []

        def receiver(sender, feedback, **kwargs):
            received.append(feedback)

        feedback_received.connect(receiver)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(
                    reverse("public_feedback", args=[listed.pk]),
                    {"name": " Nguyễn  Văn Dân ", "contact": "0912 345 678",
                     "text": unicodedata.normalize("NFD", "Ông bà ấy chưa hoàn thành") + "\x07 nhiệm vụ năm 2023."
                             "\r\nĐề nghị xem lại."},
                    REMOTE_ADDR="203.0.113.7",
                )
        finally:
            feedback_received.disconnect(receiver)
        assert response.status_code == 302
        assert response["Location"] == reverse("public_feedback_thanks", args=[listed.pk])
        feedback = PublicFeedback.objects.get()
        assert feedback.nomination == listed and feedback.status == FeedbackStatus.OPEN
        assert feedback.name == "Nguyễn Văn Dân"
        assert feedback.text == "Ông bà ấy chưa hoàn thành nhiệm vụ năm 2023.\nĐề nghị xem lại."
        assert unicodedata.is_normalized("NFC", feedback.text)
        assert len(feedback.client_key) == 64 and "203.0.113.7" not in feedback.client_key
        assert feedback.client_key == svc.client_key("203.0.113.7")
        event = AuditEvent.objects.get(action="feedback.received")
        assert event.actor is None and event.actor_name == "" and "Người dân" in event.message
        assert event.dossier_id_ref == listed.dossier_id
        assert "0912" not in str(event.after)  # no contact details in the permanent log
        assert received == [feedback]
        thanks = client.get(response["Location"]).content.decode()
        assert "Cảm ơn bạn đã góp ý" in thanks and "Sở Nội vụ" in thanks and "Lò Thị Hương" in thanks

    def test_text_is_required(self, client, listed):
        response = client.post(reverse("public_feedback", args=[listed.pk]), {"name": "An", "text": "   "})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Hãy nhập nội dung góp ý." in html
        assert 'value="An"' in html
        assert not PublicFeedback.objects.exists()
        with pytest.raises(DomainError, match="Hãy nhập nội dung góp ý"):
            submit(listed, text="\x00\x07 ")

    def test_text_longer_than_the_limit_is_refused_and_kept(self, client, listed):
        text = "x" * 2001
        response = client.post(reverse("public_feedback", args=[listed.pk]), {"contact": "dan@example.vn", "text": text})
        html = response.content.decode()
        assert "vượt quá giới hạn 2000 ký tự" in html
        assert text in html and 'value="dan@example.vn"' in html
        assert not PublicFeedback.objects.exists()
        with pytest.raises(DomainError, match="vượt quá giới hạn"):
            submit(listed, text=text)

    def test_browser_line_breaks_count_as_one_character(self, client, listed):
        text = "abcd\r\n" * 350  # 2,100 characters as sent, 1,750 as typed
        response = client.post(reverse("public_feedback", args=[listed.pk]), {"text": text})
        assert response.status_code == 302
        assert len(PublicFeedback.objects.get().text) == 1749

    def test_name_and_contact_are_limited(self, listed):
        with pytest.raises(DomainError, match="không được dài quá 150"):
            submit(listed, name="A" * 151)
        with pytest.raises(DomainError, match="không được dài quá 150"):
            submit(listed, contact="1" * 151)

    def test_rate_limit_per_client_per_hour(self, client, listed):
        url = reverse("public_feedback", args=[listed.pk])
        for i in range(5):
            assert client.post(url, {"text": f"Góp ý số {i}"}, REMOTE_ADDR="198.51.100.1").status_code == 302
        response = client.post(url, {"text": "Góp ý thứ sáu", "name": "Dân"}, REMOTE_ADDR="198.51.100.1")
        assert response.status_code == 429
        html = response.content.decode()
        assert "tối đa 5 góp ý trong một giờ" in html
        assert "Góp ý thứ sáu" in html and 'value="Dân"' in html
        assert PublicFeedback.objects.count() == 5
        # Another client is not affected.
        assert client.post(url, {"text": "Góp ý khác"}, REMOTE_ADDR="198.51.100.2").status_code == 302
        assert PublicFeedback.objects.count() == 6

    def test_rate_limit_per_client_per_day(self, listed, monkeypatch):
        monkeypatch.setattr(svc, "FEEDBACK_PER_HOUR", 100)
        for i in range(20):
            submit(listed, text=f"Góp ý {i}", key="khach-ngay")
        with pytest.raises(svc.RateLimitedError, match="tối đa 20 góp ý trong một ngày") as exc:
            submit(listed, text="Góp ý 21", key="khach-ngay")
        assert exc.value.code == "rate_limited" and exc.value.status_code == 429
        assert PublicFeedback.objects.count() == 20
        submit(listed, text="Người khác", key="khach-khac")

    def test_client_key_hides_the_address_and_changes_daily(self):
        day = datetime.date(2026, 12, 2)
        key = svc.client_key("203.0.113.7", day=day)
        assert key == svc.client_key("203.0.113.7", day=day)
        assert key != svc.client_key("203.0.113.8", day=day)
        assert key != svc.client_key("203.0.113.7", day=day + datetime.timedelta(days=1))
        assert "203" not in key and len(key) == 64

    @pytest.mark.parametrize(("starts", "ends", "closed"), [(-20, -1, False), (1, 10, False), (-5, 5, True)])
    def test_closed_or_expired_notice_is_404_and_refused(self, client, listed, starts, ends, closed):
        set_period(listed.dossier, today() + datetime.timedelta(days=starts), today() + datetime.timedelta(days=ends))
        if closed:
            PublicNotice.objects.filter(dossier=listed.dossier).update(closed_at=timezone.now())
        url = reverse("public_feedback", args=[listed.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "Muộn rồi"}).status_code == 404
        with pytest.raises(DomainError) as exc:
            submit(listed)
        assert exc.value.code == "notice_closed"
        assert not PublicFeedback.objects.exists()

    def test_nomination_not_on_a_notice_is_404(self, client, noticed, reviewed):
        certificate = noticed.nominations.get(award_type__code="BK_TINH_CN")
        assert client.get(reverse("public_feedback", args=[certificate.pk])).status_code == 404
        assert client.get(reverse("public_feedback", args=[999999])).status_code == 404
        with pytest.raises(DomainError):
            submit(certificate)

    def test_csrf_is_enforced(self, listed):
        csrf_client = Client(enforce_csrf_checks=True)
        response = csrf_client.post(reverse("public_feedback", args=[listed.pk]), {"text": "Không có mã CSRF"})
        assert response.status_code == 403
        assert not PublicFeedback.objects.exists()


class TestResolve:
    def test_dismissed_keeps_the_nomination_eligible(self, listed, ha_specialist, django_capture_on_commit_callbacks):
        feedback = submit(listed)
        resolved = []

        def receiver(sender, feedback, actor, **kwargs):
            resolved.append((feedback.pk, feedback.status, actor))

        feedback_resolved.connect(receiver)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                svc.resolve_feedback(actor=ha_specialist, feedback=feedback, upheld=False,
                                     note="Đã xác minh, thông tin không đúng.")
        finally:
            feedback_resolved.disconnect(receiver)
        feedback.refresh_from_db()
        assert feedback.status == FeedbackStatus.DISMISSED
        assert feedback.resolved_by == ha_specialist and feedback.resolved_at is not None
        assert feedback.resolution_note == "Đã xác minh, thông tin không đúng."
        assert Nomination.objects.get(pk=listed.pk).outcome == "eligible"
        assert actions(listed.dossier)[-1] == "feedback.resolved"
        assert resolved == [(feedback.pk, FeedbackStatus.DISMISSED, ha_specialist)]

    def test_upheld_makes_the_nomination_ineligible(self, client, listed, ha_specialist):
        feedback = submit(listed)
        svc.resolve_feedback(actor=ha_specialist, feedback=feedback, upheld=True,
                             note="Đang bị xem xét kỷ luật theo đơn thư.")
        nomination = Nomination.objects.get(pk=listed.pk)
        assert nomination.outcome == "ineligible"
        assert "Góp ý của người dân có cơ sở" in nomination.appraisal_note
        assert "Đang bị xem xét kỷ luật theo đơn thư." in nomination.appraisal_note
        assert PublicFeedback.objects.get().status == FeedbackStatus.UPHELD
        assert actions(listed.dossier)[-2:] == ["nomination.marked_ineligible", "feedback.resolved"]
        # No longer on the public page, no more feedback.
        assert "Lò Thị Hương" not in client.get(reverse("public_notice_list")).content.decode()
        assert client.get(reverse("public_feedback", args=[listed.pk])).status_code == 404

    def test_note_is_required(self, listed, ha_specialist):
        feedback = submit(listed)
        with pytest.raises(DomainError, match="Hãy ghi kết quả xem xét") as exc:
            svc.resolve_feedback(actor=ha_specialist, feedback=feedback, upheld=False, note=" \x07 ")
        assert exc.value.code == "note_required"
        assert PublicFeedback.objects.get().status == FeedbackStatus.OPEN

    def test_only_ha_staff_of_the_province(self, listed, clerk, head):
        feedback = submit(listed)
        other_province = ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên")
        outsider = UserFactory(unit=UnitFactory(province=other_province), roles=["ha_specialist"])
        for user in (clerk, head, outsider):
            with pytest.raises(PermissionDeniedError, match="Chỉ Sở Nội vụ"):
                svc.resolve_feedback(actor=user, feedback=feedback, upheld=True, note="Không được")
        assert PublicFeedback.objects.get().status == FeedbackStatus.OPEN
        assert Nomination.objects.get(pk=listed.pk).outcome == "eligible"

    def test_only_open_feedback(self, listed, ha_specialist):
        feedback = submit(listed)
        svc.resolve_feedback(actor=ha_specialist, feedback=feedback, upheld=False, note="Không có cơ sở.")
        with pytest.raises(DomainError, match="đã được xử lý") as exc:
            svc.resolve_feedback(actor=ha_specialist, feedback=feedback, upheld=True, note="Đổi ý")
        assert exc.value.code == "already_resolved"
        assert Nomination.objects.get(pk=listed.pk).outcome == "eligible"


class TestClosing:
    def test_can_close_only_when_over_and_nothing_open(self, listed, ha_specialist):
        dossier = listed.dossier
        ends = today() + datetime.timedelta(days=14)
        after = ends + datetime.timedelta(days=1)
        assert not svc.notice_is_over(dossier) and not svc.notice_can_close(dossier)
        assert not svc.notice_is_over(dossier, today=ends)
        assert svc.notice_is_over(dossier, today=after) and svc.notice_can_close(dossier, today=after)
        feedback = submit(listed)
        assert svc.open_feedback_count(dossier) == 1
        assert not svc.notice_can_close(dossier, today=after)
        svc.resolve_feedback(actor=ha_specialist, feedback=feedback, upheld=False, note="Không có cơ sở.")
        assert svc.open_feedback_count(dossier) == 0
        assert svc.notice_can_close(dossier, today=after)

    def test_the_system_closes_it_when_due(self, listed):
        """The workflow's timer closes the notice with ``actor=None`` (no permission needed)."""
        set_period(listed.dossier, today() - datetime.timedelta(days=15), today() - datetime.timedelta(days=1))
        notice = svc.close_public_notice(actor=None, dossier=listed.dossier)
        assert notice.closed_at is not None
        event = AuditEvent.objects.get(action="notice.closed")
        assert event.actor is None and event.dossier_id_ref == listed.dossier_id

    def test_no_notice_is_never_over(self, reviewed):
        assert not svc.notice_is_over(reviewed) and not svc.notice_can_close(reviewed)

    def test_close_refused_while_running_or_feedback_open(self, listed, ha_lead, ha_specialist):
        dossier = listed.dossier
        with pytest.raises(DomainError, match="Chưa hết thời gian công khai") as exc:
            svc.close_public_notice(actor=ha_lead, dossier=dossier)
        assert exc.value.code == "notice_running"
        feedback = submit(listed)
        set_period(dossier, today() - datetime.timedelta(days=15), today() - datetime.timedelta(days=1))
        with pytest.raises(DomainError, match="Còn 1 góp ý") as exc:
            svc.close_public_notice(actor=ha_lead, dossier=dossier)
        assert exc.value.code == "feedback_open"
        with pytest.raises(PermissionDeniedError):
            svc.close_public_notice(actor=ha_specialist, dossier=dossier)
        svc.resolve_feedback(actor=ha_specialist, feedback=feedback, upheld=False, note="Không có cơ sở.")
        notice = svc.close_public_notice(actor=ha_lead, dossier=dossier)
        assert notice.closed_at is not None
        assert actions(dossier)[-1] == "notice.closed"
        with pytest.raises(DomainError) as exc:
            svc.close_public_notice(actor=ha_lead, dossier=dossier)
        assert exc.value.code == "already_closed"


class TestFeedbackQueue:
    def test_ha_staff_see_open_feedback_escaped(self, client, listed, ha_specialist):
        submit(listed, text="<script>alert('xss')</script> Sai sự thật", name="<b>Dân</b>", contact="0912 000 111")
        client.force_login(ha_specialist)
        response = client.get(reverse("feedback_queue"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Lò Thị Hương" in html
        assert reverse("dossier_detail", args=[listed.dossier_id]) in html
        assert listed.dossier.reference in html
        assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt; Sai sự thật" in html
        assert "<script>alert" not in html and "<b>Dân</b>" not in html
        assert "0912 000 111" in html
        assert timezone.localtime(PublicFeedback.objects.get().created_at).strftime("%d/%m/%Y %H:%M") in html
        assert "Có cơ sở" in html and "Không có cơ sở" in html

    def test_resolved_and_other_province_feedback_are_not_listed(self, client, listed, ha_specialist):
        done = submit(listed, text="Đã xử lý rồi")
        svc.resolve_feedback(actor=ha_specialist, feedback=done, upheld=False, note="Không có cơ sở.")
        other_province = ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên")
        other = NominationFactory(dossier=DossierFactory(unit=UnitFactory(province=other_province)),
                                  award_type=award("HC_LD3_CN"), outcome="eligible")
        PublicFeedback.objects.create(nomination=other, text="Góp ý ở tỉnh khác", client_key="x" * 64)
        client.force_login(ha_specialist)
        html = client.get(reverse("feedback_queue")).content.decode()
        assert "Đã xử lý rồi" not in html and "Góp ý ở tỉnh khác" not in html
        assert "Không có góp ý nào chờ xử lý." in html

    def test_non_ha_users_are_refused(self, client, listed, clerk):
        response = client.get(reverse("feedback_queue"))
        assert response.status_code == 302 and reverse("login") in response["Location"]
        client.force_login(clerk)
        assert client.get(reverse("feedback_queue")).status_code == 403
        feedback = submit(listed)
        assert client.post(reverse("feedback_resolve", args=[feedback.pk]),
                           {f"fb{feedback.pk}-decision": "upheld", f"fb{feedback.pk}-note": "x"}).status_code == 403
        assert PublicFeedback.objects.get().status == FeedbackStatus.OPEN

    def test_resolve_through_the_page(self, client, listed, ha_specialist):
        feedback = submit(listed, text="Người này đang bị kỷ luật")
        client.force_login(ha_specialist)
        url = reverse("feedback_resolve", args=[feedback.pk])
        prefix = f"fb{feedback.pk}"
        response = client.post(url, {f"{prefix}-decision": "upheld", f"{prefix}-note": ""})
        assert response.status_code == 400
        assert "Hãy ghi kết quả xem xét góp ý." in response.content.decode()
        assert PublicFeedback.objects.get().status == FeedbackStatus.OPEN
        response = client.post(url, {f"{prefix}-decision": "upheld", f"{prefix}-note": "Đúng, đang bị kỷ luật."})
        assert response.status_code == 302 and response["Location"] == reverse("feedback_queue")
        assert PublicFeedback.objects.get().status == FeedbackStatus.UPHELD
        assert Nomination.objects.get(pk=listed.pk).outcome == "ineligible"
        html = client.get(response["Location"]).content.decode()
        assert "đề nghị chuyển sang không đủ điều kiện" in html
        # Resolving twice shows the refusal.
        response = client.post(url, {f"{prefix}-decision": "dismissed", f"{prefix}-note": "Lại"})
        assert response.status_code == 400 and "đã được xử lý" in response.content.decode()

    def test_resolve_feedback_of_another_province_is_404(self, client, ha_specialist):
        other_province = ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên")
        other = NominationFactory(dossier=DossierFactory(unit=UnitFactory(province=other_province)),
                                  award_type=award("HC_LD3_CN"), outcome="eligible")
        feedback = PublicFeedback.objects.create(nomination=other, text="Tỉnh khác", client_key="x" * 64)
        client.force_login(ha_specialist)
        prefix = f"fb{feedback.pk}"
        response = client.post(reverse("feedback_resolve", args=[feedback.pk]),
                               {f"{prefix}-decision": "dismissed", f"{prefix}-note": "x"})
        assert response.status_code == 404

    def test_query_count_does_not_grow_with_rows(self, client, listed, ha_specialist, unit):
        client.force_login(ha_specialist)

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse("feedback_queue"))
            assert response.status_code == 200
            return len(ctx.captured_queries)

        for i in range(3):
            submit(listed, text=f"Góp ý {i}", key=f"k{i}")
        few = count()
        for i in range(27):
            nomination = NominationFactory(dossier=listed.dossier, person=PersonFactory(unit=unit),
                                           award_type=award("HC_LD3_CN"), outcome="eligible")
            submit(nomination, text=f"Góp ý thêm {i}", key=f"n{i}")
        many = count()
        assert few == many

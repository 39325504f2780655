"""Decision screens: HA drafts from the pool, the lead checks, the signer signs; revocation; the public page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from councils.models import AgendaItem, Council, CouncilSession
from dossiers.eligibility.evaluator import evaluate
from dossiers.exceptions import ConflictError
from dossiers.models import AuditEvent, AwardRecord, Decision, DecisionItem, Nomination
from dossiers.services import decisions as svc
from tests.documents.pdf import flat, text
from tests.factories import DossierFactory, NominationFactory, PersonFactory, UnitFactory, UserFactory, award

DAY = datetime.date(2026, 3, 5)


def html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def main(response) -> str:
    """The page's main content, whitespace collapsed (no navigation, no footer)."""
    page = html(response)
    return page[page.index('id="main"'):page.index("</main>")]


def body(response) -> bytes:
    """A download's bytes, streamed or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def draft(ha_specialist, province, nominations, title="Về việc tặng danh hiệu thi đua"):
    return svc.create_decision(actor=ha_specialist, province=province, title=title, nominations=nominations)


def checked(ha_specialist, lead, province, nominations):
    decision = draft(ha_specialist, province, nominations)
    return svc.check_decision(actor=lead, decision=decision, submission_date=DAY)


def signed(ha_specialist, lead, chairman, province, nominations, capacity=None):
    decision = checked(ha_specialist, lead, province, nominations)
    return svc.sign_decision(actor=chairman, decision=decision, capacity=capacity, decision_date=DAY)


@pytest.fixture
def council_secretary(ha_unit):
    return UserFactory(unit=ha_unit, roles=["council_secretary"], username="thuky")


@pytest.fixture
def auditor(ha_unit):
    return UserFactory(unit=ha_unit, roles=["auditor"], username="kiemtra")


def more_ready(province, count, *, unit_name="Sở Xây dựng", year=2025, code="BK_TINH_CN"):
    unit = UnitFactory(province=province, name=unit_name)
    dossier = DossierFactory(unit=unit, state="awaiting_decision", year=year)
    return [NominationFactory(dossier=dossier, award_type=award(code), outcome="eligible",
                              person=PersonFactory(unit=unit, full_name=f"Phạm Văn Bình {i}"))
            for i in range(count)]


# -- who may open what ------------------------------------------------------------------------------


class TestAccess:
    def test_lists_refuse_other_roles(self, client, ready, clerk, council_secretary, chairman, ha_specialist):
        for user in (clerk, council_secretary):
            client.force_login(user)
            assert client.get(reverse("decision_list")).status_code == 403
            assert client.get(reverse("decision_create")).status_code == 403
            assert client.get(reverse("decision_to_sign")).status_code == 403
        client.force_login(chairman)
        assert client.get(reverse("decision_create")).status_code == 403
        client.force_login(ha_specialist)
        assert client.get(reverse("decision_to_sign")).status_code == 403

    def test_anonymous_is_sent_to_login(self, client, db):
        response = client.get(reverse("decision_list"))
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_unit_users_and_other_provinces_get_404(self, client, province, ready, ha_specialist, lead, clerk):
        decision = checked(ha_specialist, lead, province, ready)
        other = UserFactory(unit=UnitFactory(province__code="DBN", province__name="Tỉnh Điện Biên"),
                            roles=["ha_lead"])
        for user in (clerk, other):
            client.force_login(user)
            assert client.get(reverse("decision_detail", args=[decision.pk])).status_code == 404
            assert client.get(reverse("decision_sign", args=[decision.pk])).status_code == 404
            response = client.post(reverse("decision_send_back", args=[decision.pk]), {"note": "Sửa"})
            assert response.status_code == 404
        decision.refresh_from_db()
        assert decision.state == "checked"

    def test_signer_does_not_see_drafts(self, client, province, ready, ha_specialist, chairman):
        decision = draft(ha_specialist, province, ready)
        client.force_login(chairman)
        assert client.get(reverse("decision_detail", args=[decision.pk])).status_code == 404

    def test_auditor_reads_signed_decisions_only(self, client, province, ready, ha_specialist, lead, chairman,
                                                 auditor):
        pending = draft(ha_specialist, province, ready[2:])
        decision = signed(ha_specialist, lead, chairman, province, ready[:2])
        client.force_login(auditor)
        assert client.get(reverse("decision_detail", args=[decision.pk])).status_code == 200
        assert client.get(reverse("decision_detail", args=[pending.pk])).status_code == 404
        page = main(client.get(reverse("decision_list")))
        assert "01/QĐ-UBND" in page and "Dự thảo</a>" not in page


# -- lists ------------------------------------------------------------------------------------------


class TestLists:
    def test_by_state_with_counts(self, client, province, ready, ha_specialist, lead, chairman):
        signed(ha_specialist, lead, chairman, province, ready[:1])
        checked(ha_specialist, lead, province, ready[1:2])
        draft(ha_specialist, province, ready[2:], title="Về việc đề nghị Chủ tịch nước tặng Huân chương")
        client.force_login(ha_specialist)
        page = main(client.get(reverse("decision_list")))
        assert re.search(r"Tất cả <span class=\"count\">3</span>", page)
        assert re.search(r"Dự thảo <span class=\"count\">1</span>", page)
        assert re.search(r"Lãnh đạo Sở đã kiểm tra, chờ ký <span class=\"count\">1</span>", page)
        assert re.search(r"Đã ký ban hành <span class=\"count\">1</span>", page)
        drafts = main(client.get(reverse("decision_list") + "?trang-thai=draft"))
        assert "Về việc đề nghị Chủ tịch nước tặng Huân chương" in drafts and "01/QĐ-UBND" not in drafts
        signed_page = main(client.get(reverse("decision_list") + "?trang-thai=signed"))
        assert "01/QĐ-UBND" in signed_page and "7.020.000" in signed_page

    def test_signer_waiting_list(self, client, province, ready, ha_specialist, lead, chairman):
        draft(ha_specialist, province, ready[2:], title="Dự thảo chưa trình")
        decision = checked(ha_specialist, lead, province, ready[:2])
        client.force_login(chairman)
        page = main(client.get(reverse("decision_to_sign")))
        assert "Quyết định chờ ký" in page
        assert reverse("decision_detail", args=[decision.pk]) in page
        assert "Tờ trình 01/TTr-SNV" in page and "Dự thảo chưa trình" not in page

    def test_list_query_count_does_not_grow(self, client, province, ha_specialist, lead, chairman,
                                            django_assert_max_num_queries):
        client.force_login(ha_specialist)
        nominations = more_ready(province, 12)
        signed(ha_specialist, lead, chairman, province, nominations[:1])
        draft(ha_specialist, province, nominations[1:2])
        with django_assert_max_num_queries(12) as few:
            assert client.get(reverse("decision_list")).status_code == 200
        for index in range(2, 12):
            draft(ha_specialist, province, nominations[index:index + 1], title=f"Dự thảo {index}")
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(reverse("decision_list")).status_code == 200


# -- drafting from the pool --------------------------------------------------------------------------


class TestDraft:
    def test_pool_grouped_by_award_with_counts(self, client, province, ready, ha_specialist):
        more_ready(province, 2)
        client.force_login(ha_specialist)
        page = main(client.get(reverse("decision_create")))
        assert "Đề nghị chờ quyết định <span class=\"count\">5</span>" in page
        groups = re.findall(r'<span class="group-name">([^<]+)</span></label> <span class="count">(\d+)</span>', page)
        assert groups == [("Huân chương Lao động hạng Ba", "1"), ("Chiến sĩ thi đua cấp tỉnh", "1"),
                          ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "3")]
        assert "đề nghị cấp trên khen thưởng" in page
        assert page.count('name="award_all"') == 3

    def test_filters(self, client, province, ready, ha_specialist, secretary_session):
        later = more_ready(province, 2, unit_name="Sở Y tế", year=2024)
        client.force_login(ha_specialist)
        url = reverse("decision_create")

        def names(query):
            return set(re.findall(r'<label for="de-nghi-\d+">([^<]+)</label>', main(client.get(url + query))))

        assert names("?year=2024") == {"Phạm Văn Bình 0", "Phạm Văn Bình 1"}
        assert names("?award=CSTD_TINH") == {"Nguyễn Thị Thu Hà"}
        assert names(f"?unit={later[0].dossier.unit_id}") == {"Phạm Văn Bình 0", "Phạm Văn Bình 1"}
        assert names(f"?dossier={ready[0].dossier_id}") == {"Nguyễn Thị Thu Hà", "Lê Văn Minh", "Đặng Văn Tùng"}
        assert names(f"?session={secretary_session.pk}") == {"Nguyễn Thị Thu Hà", "Đặng Văn Tùng"}

    def test_create_with_rows_and_a_whole_group(self, client, province, ready, ha_specialist):
        extra = more_ready(province, 2)
        client.force_login(ha_specialist)
        response = client.post(reverse("decision_create"), {
            "nominations": [ready[0].pk], "award_all": ["BK_TINH_CN"],
            "title": "Về việc tặng Bằng khen và danh hiệu", "legal_bases": "Luật Thi đua, khen thưởng\r\n\r\n",
            "recipients": "Như Điều 3;\r\nLưu: VT",
        })
        decision = Decision.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("decision_detail", args=[decision.pk])
        listed = set(decision.items.values_list("nomination_id", flat=True))
        assert listed == {ready[0].pk, ready[1].pk, extra[0].pk, extra[1].pk}
        assert decision.legal_bases == "Luật Thi đua, khen thưởng" and decision.recipients == "Như Điều 3;\nLưu: VT"
        assert decision.created_by == ha_specialist and decision.state == "draft"

    def test_group_box_respects_the_filters(self, client, province, ready, ha_specialist):
        extra = more_ready(province, 2, unit_name="Sở Y tế")
        client.force_login(ha_specialist)
        client.post(reverse("decision_create"), {"award_all": ["BK_TINH_CN"], "unit": str(extra[0].dossier.unit_id),
                                                 "title": "Về việc tặng Bằng khen"})
        assert set(Decision.objects.get().items.values_list("nomination_id", flat=True)) == {e.pk for e in extra}

    def test_refusals_keep_the_input(self, client, province, ready, ha_specialist):
        client.force_login(ha_specialist)
        response = client.post(reverse("decision_create"), {"title": "Về việc tặng"})
        assert response.status_code == 400 and "Hãy chọn ít nhất một đề nghị." in main(response)
        response = client.post(reverse("decision_create"), {"nominations": [ready[0].pk], "title": " "})
        page = main(response)
        assert response.status_code == 400 and "Hãy nhập trích yếu của quyết định." in page
        assert f'value="{ready[0].pk}" id="de-nghi-{ready[0].pk}" data-group="CSTD_TINH" checked' in page
        draft(ha_specialist, province, ready[:1])
        response = client.post(reverse("decision_create"), {"nominations": [ready[0].pk], "title": "Lần nữa"})
        assert response.status_code == 400 and "chưa sẵn sàng để quyết định" in main(response)
        assert Decision.objects.count() == 1

    def test_pool_query_count_does_not_grow(self, client, province, ready, ha_specialist,
                                            django_assert_max_num_queries):
        client.force_login(ha_specialist)
        more_ready(province, 2)
        with django_assert_max_num_queries(20) as few:
            assert client.get(reverse("decision_create")).status_code == 200
        more_ready(province, 25, unit_name="Sở Y tế", code="CSTD_TINH")
        more_ready(province, 5, unit_name="Sở Nội vụ 2", year=2024)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(reverse("decision_create")).status_code == 200


@pytest.fixture
def secretary_session(province, ready, ha_specialist):
    """A council session that voted on two of the ready nominations."""
    council = Council.objects.create(province=province)
    session = CouncilSession.objects.create(council=council, title="Phiên họp thứ nhất năm 2026", date=DAY,
                                            place="Phòng họp số 1", created_by=ha_specialist)
    for nomination in (ready[0], ready[2]):
        AgendaItem.objects.create(session=session, nomination=nomination)
    return session


# -- the draft's page ---------------------------------------------------------------------------------


class TestDraftPage:
    def test_items_grouped_forwarded_apart_and_cash_preview(self, client, province, ready, ha_specialist):
        decision = draft(ha_specialist, province, ready)
        client.force_login(ha_specialist)
        page = main(client.get(reverse("decision_detail", args=[decision.pk])))
        provincial = page[page.index('id="danh-sach"'):page.index('id="trinh-cap-tren"')]
        forwarded = page[page.index('id="trinh-cap-tren"'):]
        assert "Nguyễn Thị Thu Hà" in provincial and "Lê Văn Minh" in provincial
        assert "Đặng Văn Tùng" not in provincial and "Đặng Văn Tùng" in forwarded
        assert "Đề nghị cấp trên khen thưởng" in forwarded
        # 3.0 and 1.0 times 2,340,000 (the base salary in force today)
        assert "7.020.000" in provincial and "2.340.000" in provincial
        assert "Tổng tiền thưởng dự kiến: 9.360.000 đồng" in provincial
        assert "theo lương cơ sở 2.340.000 đồng" in page

    def test_edit_text_with_audit(self, client, province, ready, ha_specialist):
        decision = draft(ha_specialist, province, ready)
        client.force_login(ha_specialist)
        response = client.post(reverse("decision_edit", args=[decision.pk]), {
            "title": "Về việc tặng Bằng khen năm 2025", "legal_bases": "Căn cứ A\r\nCăn cứ B", "recipients": "Sở Nội vụ;"})
        assert response.status_code == 302
        decision.refresh_from_db()
        assert (decision.title, decision.legal_bases, decision.recipients) == (
            "Về việc tặng Bằng khen năm 2025", "Căn cứ A\nCăn cứ B", "Sở Nội vụ;")
        event = AuditEvent.objects.get(action="decision.edited")
        assert event.after["title"] == "Về việc tặng Bằng khen năm 2025"
        assert event.before["title"] == "Về việc tặng danh hiệu thi đua"
        response = client.post(reverse("decision_edit", args=[decision.pk]), {"title": ""})
        assert response.status_code == 400 and "Hãy nhập trích yếu của quyết định." in main(response)

    def test_remove_and_add_back(self, client, province, ready, ha_specialist):
        decision = draft(ha_specialist, province, ready)
        client.force_login(ha_specialist)
        item = decision.items.get(nomination=ready[1])
        response = client.post(reverse("decision_remove_item", args=[decision.pk, item.pk]), follow=True)
        assert "Đã bỏ Lê Văn Minh khỏi dự thảo" in main(response)
        assert not decision.items.filter(nomination=ready[1]).exists()
        pool_page = main(client.get(reverse("decision_add_items", args=[decision.pk])))
        assert "Lê Văn Minh" in pool_page and "Nguyễn Thị Thu Hà" not in pool_page
        response = client.post(reverse("decision_add_items", args=[decision.pk]), {"nominations": [ready[1].pk]},
                               follow=True)
        assert "Đã thêm 1 đề nghị vào dự thảo." in main(response)
        assert decision.items.count() == 3

    def test_checked_draft_cannot_be_changed(self, client, province, ready, ha_specialist, lead):
        decision = checked(ha_specialist, lead, province, ready)
        client.force_login(ha_specialist)
        page = main(client.get(reverse("decision_detail", args=[decision.pk])))
        assert "Bỏ khỏi dự thảo" not in page and 'action="/quyet-dinh/' + str(decision.pk) + '/sua/"' not in page
        item = decision.items.first()
        response = client.post(reverse("decision_remove_item", args=[decision.pk, item.pk]))
        assert response.status_code == 400 and "Chỉ sửa được danh sách của dự thảo." in main(response)


# -- the lead's check, sending back --------------------------------------------------------------------


class TestCheck:
    def test_lead_checks_and_puts_up_for_signature(self, client, province, ready, ha_specialist, lead):
        decision = draft(ha_specialist, province, ready)
        client.force_login(ha_specialist)
        page = main(client.get(reverse("decision_detail", args=[decision.pk])))
        assert "Kiểm tra, trình ký" not in page
        response = client.post(reverse("decision_check", args=[decision.pk]), {"submission_date": "05/03/2026"})
        assert response.status_code == 403 and "Chỉ lãnh đạo Sở Nội vụ kiểm tra, trình ký." in main(response)
        client.force_login(lead)
        assert "Kiểm tra, trình ký" in main(client.get(reverse("decision_detail", args=[decision.pk])))
        response = client.post(reverse("decision_check", args=[decision.pk]), {"submission_date": "05/03/2026"},
                               follow=True)
        assert "Đã kiểm tra và trình ký: Tờ trình số 01/TTr-SNV." in main(response)
        decision.refresh_from_db()
        assert decision.state == "checked" and decision.submission_date == DAY and decision.checked_by == lead

    def test_bad_date(self, client, province, ready, ha_specialist, lead):
        decision = draft(ha_specialist, province, ready)
        client.force_login(lead)
        response = client.post(reverse("decision_check", args=[decision.pk]), {"submission_date": "31/02/2026"})
        assert response.status_code == 400 and "Hãy nhập ngày tờ trình hợp lệ." in main(response)

    @pytest.mark.parametrize("who", ["lead", "chairman"])
    def test_send_back_with_a_note(self, client, province, ready, ha_specialist, lead, chairman, who):
        decision = checked(ha_specialist, lead, province, ready)
        client.force_login({"lead": lead, "chairman": chairman}[who])
        response = client.post(reverse("decision_send_back", args=[decision.pk]), {"note": "  "})
        assert response.status_code == 400 and "Hãy nêu nội dung cần sửa." in main(response)
        response = client.post(reverse("decision_send_back", args=[decision.pk]),
                               {"note": "Bổ sung căn cứ biên bản Hội đồng"})
        assert response.status_code == 302
        decision.refresh_from_db()
        assert decision.state == "draft"
        client.force_login(ha_specialist)
        page = main(client.get(reverse("decision_detail", args=[decision.pk])))
        assert "Trả lại để sửa" in page and "Bổ sung căn cứ biên bản Hội đồng" in page

    def test_specialist_cannot_send_back(self, client, province, ready, ha_specialist, lead):
        decision = checked(ha_specialist, lead, province, ready)
        client.force_login(ha_specialist)
        response = client.post(reverse("decision_send_back", args=[decision.pk]), {"note": "Sửa"})
        assert response.status_code == 403 and "Bạn không được trả lại dự thảo này." in main(response)

    def test_a_page_opened_before_someone_else_acted_is_a_conflict(self, client, province, ready, ha_specialist,
                                                                  lead, chairman):
        decision = checked(ha_specialist, lead, province, ready)
        client.force_login(chairman)
        seen = client.get(reverse("decision_sign", args=[decision.pk])).context["seen"]
        svc.send_back(actor=lead, decision=decision, note="Sửa danh sách")
        svc.check_decision(actor=lead, decision=decision)
        response = client.post(reverse("decision_sign", args=[decision.pk]),
                               {"decision_date": "05/03/2026", "seen": seen})
        assert response.status_code == 409
        assert "Quyết định vừa được người khác thay đổi sau khi bạn mở trang" in main(response)
        decision.refresh_from_db()
        assert decision.state == "checked" and decision.number == ""

    def test_concurrent_transition_is_shown_in_vietnamese(self, client, province, ready, ha_specialist, lead,
                                                           monkeypatch):
        decision = draft(ha_specialist, province, ready)

        def raced(**kwargs):
            raise ConflictError("conflict", "Quyết định vừa được người khác thay đổi. Hãy tải lại trang.")

        monkeypatch.setattr(svc, "check_decision", raced)
        client.force_login(lead)
        response = client.post(reverse("decision_check", args=[decision.pk]), {"submission_date": "05/03/2026"})
        assert response.status_code == 409
        assert "Quyết định vừa được người khác thay đổi. Hãy tải lại trang." in main(response)


# -- signing -----------------------------------------------------------------------------------------


class TestSign:
    def test_sign_page_shows_the_submission_and_the_draft(self, client, province, ready, ha_specialist, lead,
                                                         chairman):
        decision = checked(ha_specialist, lead, province, ready)
        client.force_login(chairman)
        page = main(client.get(reverse("decision_sign", args=[decision.pk])))
        assert reverse("document_pdf", kwargs={"kind": "ha-submission", "pk": decision.pk}) in page
        assert reverse("document_pdf", kwargs={"kind": "decision", "pk": decision.pk}) in page
        assert "Số 01/TTr-SNV, ngày 05/03/2026" in page
        # The capacity is the account's, shown, not offered as a choice.
        assert "<dd class=\"signer-capacity-value\"><strong>Chủ tịch UBND tỉnh ký</strong>" in page
        assert "<dt>Khối chữ ký</dt> <dd class=\"signer-block\">TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH</dd>" in page
        assert "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" not in page and 'name="capacity"' not in page
        assert "9.360.000" in page

    def test_others_cannot_sign(self, client, province, ready, ha_specialist, lead):
        decision = checked(ha_specialist, lead, province, ready)
        for user in (ha_specialist, lead):
            client.force_login(user)
            assert client.get(reverse("decision_sign", args=[decision.pk])).status_code == 403
            assert client.post(reverse("decision_sign", args=[decision.pk]),
                               {"decision_date": "05/03/2026"}).status_code == 403
        decision.refresh_from_db()
        assert decision.state == "checked"

    def test_chairman_signs(self, client, province, ready, ha_specialist, lead, chairman):
        decision = checked(ha_specialist, lead, province, ready)
        client.force_login(chairman)
        response = client.post(reverse("decision_sign", args=[decision.pk]),
                               {"decision_date": "05/03/2026"}, follow=True)
        page = main(response)
        assert "Đã ký ban hành Quyết định số 01/QĐ-UBND." in page
        assert "Số 01/QĐ-UBND, ngày 05/03/2026" in page
        assert "Lê Văn Lương · TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" in page
        assert "Tổng tiền thưởng: 9.360.000 đồng" in page
        assert "Nguyễn Thị Thu Hà" in page and "Lê Văn Minh" in page and "Đặng Văn Tùng" in page
        assert reverse("document_pdf", kwargs={"kind": "decision", "pk": decision.pk}) in page
        assert reverse("document_pdf", kwargs={"kind": "certificates", "pk": decision.pk}) in page
        assert set(Nomination.objects.values_list("outcome", flat=True)) == {"awarded", "forwarded"}
        assert AwardRecord.objects.filter(decision_number="01/QĐ-UBND").count() == 2

    def test_vice_chairman_signs_for_the_chairman(self, client, province, ready, ha_specialist, lead, office):
        vice = UserFactory(unit=office, roles=["signer"], username="pct", last_name="Tống", first_name="Thanh Hải",
                           signer_capacity="vice_chairman")
        decision = checked(ha_specialist, lead, province, ready[:2])
        client.force_login(vice)
        page = main(client.get(reverse("decision_sign", args=[decision.pk])))
        assert "<dd class=\"signer-capacity-value\"><strong>Phó Chủ tịch ký thay (KT. CHỦ TỊCH)</strong>" in page
        assert "<dt>Khối chữ ký</dt> <dd class=\"signer-block\">KT. CHỦ TỊCH / PHÓ CHỦ TỊCH</dd>" in page
        assert "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" not in page and 'name="capacity"' not in page
        # Leaving everything as it is signs for the Chairman: there is no "Chairman" default to fall into.
        response = client.post(reverse("decision_sign", args=[decision.pk]),
                               {"decision_date": "06/03/2026"}, follow=True)
        page = main(response)
        assert "Tống Thanh Hải · KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" in page
        decision.refresh_from_db()
        assert decision.signer_capacity == "vice_chairman" and decision.decision_date == datetime.date(2026, 3, 6)
        pdf = client.get(reverse("document_pdf", kwargs={"kind": "decision", "pk": decision.pk}))
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        words = flat(text(body(pdf)))
        assert "01/QĐ-UBND" in words and "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in words and "Tống Thanh Hải" in words

    def test_invalid_input_is_refused(self, client, province, ready, ha_specialist, lead, chairman):
        decision = checked(ha_specialist, lead, province, ready)
        client.force_login(chairman)
        response = client.post(reverse("decision_sign", args=[decision.pk]), {"decision_date": "31/02/2026"})
        assert response.status_code == 400
        decision.refresh_from_db()
        assert decision.state == "checked"

    def test_a_signer_without_a_capacity_cannot_sign(self, client, province, ready, ha_specialist, lead, office):
        unset = UserFactory(unit=office, roles=["signer"], username="ky", last_name="Bùi", first_name="Đức Thịnh",
                            signer_capacity="")
        decision = checked(ha_specialist, lead, province, ready)
        client.force_login(unset)
        page = main(client.get(reverse("decision_sign", args=[decision.pk])))
        assert "Tài khoản của bạn chưa được khai báo thẩm quyền ký" in page
        assert re.search(r'<button type="submit" class="btn btn-primary" disabled>Ký ban hành</button>', page)
        response = client.post(reverse("decision_sign", args=[decision.pk]), {"decision_date": "05/03/2026"})
        assert response.status_code == 400
        assert ("Tài khoản Bùi Đức Thịnh chưa được khai báo thẩm quyền ký (Chủ tịch hay Phó Chủ tịch UBND tỉnh), "
                "nên chưa ký được. Đề nghị quản trị hệ thống khai báo “Thẩm quyền ký”") in main(response)
        decision.refresh_from_db()
        assert decision.state == "checked" and decision.number == ""


def consecutive(nomination):
    """The verdict of the "consecutive titles" criterion for ``nomination``."""
    return next(c for c in evaluate([nomination])[nomination.pk].criteria if c.key == "consecutive_titles")


# -- revocation ------------------------------------------------------------------------------------------


class TestRevocation:
    def test_revoke_through_the_screens(self, client, province, ready, ha_specialist, lead, chairman):
        decision = signed(ha_specialist, lead, chairman, province, ready)
        record = AwardRecord.objects.get(decision_number=decision.number, award_code="CSTD_TINH")
        earlier = AwardRecord.objects.create(person=record.person, award_code="CSTD_TINH", year=2022,
                                             award_name="Chiến sĩ thi đua cấp tỉnh", award_type=award("CSTD_TINH"),
                                             decision_number="12/QĐ-UBND", decision_date=datetime.date(2023, 2, 1))
        proposal = NominationFactory(dossier=DossierFactory(unit=ready[0].dossier.unit, year=2025),
                                     person=record.person, award_type=award("CSTD_TQ"))
        assert consecutive(proposal).result == "pass"

        client.force_login(ha_specialist)
        page = main(client.get(reverse("decision_detail", args=[decision.pk])))
        assert f'name="records" value="{record.pk}"' in page
        form = main(client.get(reverse("revocation_create") + f"?records={record.pk}"))
        assert "Nguyễn Thị Thu Hà · Chiến sĩ thi đua cấp tỉnh (2025)" in form
        response = client.post(reverse("revocation_create"), {
            "records": [record.pk], "title": "Về việc hủy bỏ danh hiệu Chiến sĩ thi đua cấp tỉnh",
            f"reason_{record.pk}": "Kê khai thành tích không trung thực"})
        revocation = Decision.objects.get(kind="revocation")
        assert response.status_code == 302
        page = main(client.get(reverse("decision_detail", args=[revocation.pk])))
        assert "Kê khai thành tích không trung thực" in page and "01/QĐ-UBND" in page
        # The record is pending: no second revocation draft for it.
        page = main(client.get(reverse("award_history")))
        assert "đang có dự thảo hủy bỏ" in page and f'value="{record.pk}"' not in page

        client.force_login(lead)
        client.post(reverse("decision_check", args=[revocation.pk]), {"submission_date": "06/03/2026"})
        client.force_login(chairman)
        response = client.post(reverse("decision_sign", args=[revocation.pk]),
                               {"decision_date": "06/03/2026"}, follow=True)
        assert "Đã ký ban hành Quyết định số 02/QĐ-UBND." in main(response)

        record.refresh_from_db()
        assert record.revoked
        client.force_login(ha_specialist)
        history = main(client.get(reverse("award_history") + "?q=thu ha"))
        assert "đã bị hủy bỏ" in history
        assert "Kê khai thành tích không trung thực (Quyết định số 02/QĐ-UBND)" in history
        page = main(client.get(reverse("decision_detail", args=[decision.pk])))
        assert "đã bị hủy bỏ" in page and "Kê khai thành tích không trung thực" in page
        # Eligibility stops counting it: two consecutive provincial titles are now one.
        verdict = consecutive(proposal)
        assert verdict.result == "fail" and "đã bị hủy bỏ" in verdict.explanation
        assert AwardRecord.objects.filter(pk=earlier.pk, revoked=False).exists()

    def test_reason_required_and_only_provincial_awards(self, client, province, ready, ha_specialist, lead,
                                                        chairman):
        signed(ha_specialist, lead, chairman, province, ready[:1])
        record = AwardRecord.objects.get(award_code="CSTD_TINH")
        unit_award = AwardRecord.objects.create(person=record.person, award_code="LDTT", year=2024,
                                                award_name="Lao động tiên tiến", award_type=award("LDTT"))
        client.force_login(ha_specialist)
        page = main(client.get(reverse("award_history")))
        assert f'value="{record.pk}"' in page and f'value="{unit_award.pk}"' not in page
        response = client.post(reverse("revocation_create"), {"records": [record.pk], "title": "Hủy bỏ",
                                                               f"reason_{record.pk}": ""})
        assert response.status_code == 400 and "Hãy nêu lý do hủy bỏ." in main(response)
        response = client.post(reverse("revocation_create"), {"records": [unit_award.pk], "title": "Hủy bỏ",
                                                               f"reason_{unit_award.pk}": "Sai"})
        assert response.status_code == 400 and "cấp nào quyết định thì cấp đó hủy bỏ" in main(response)
        assert not Decision.objects.filter(kind="revocation").exists()

    def test_only_home_affairs_drafts_a_revocation(self, client, province, ready, ha_specialist, lead, chairman,
                                                   clerk):
        signed(ha_specialist, lead, chairman, province, ready[:1])
        record = AwardRecord.objects.get(award_code="CSTD_TINH")
        for user in (clerk, chairman, lead):
            client.force_login(user)
            status = client.get(reverse("revocation_create") + f"?records={record.pk}").status_code
            assert status == (200 if user is lead else 403)

    def test_units_see_their_own_history(self, client, province, ready, ha_specialist, lead, chairman, clerk):
        signed(ha_specialist, lead, chairman, province, ready[:2])
        client.force_login(clerk)  # another unit than the awardees'
        page = main(client.get(reverse("award_history")))
        assert "Nguyễn Thị Thu Hà" not in page and "Hủy bỏ" not in page
        finance = UserFactory(unit=ready[0].dossier.unit, roles=["unit_clerk"])
        client.force_login(finance)
        page = main(client.get(reverse("award_history")))
        assert "Nguyễn Thị Thu Hà" in page and "Lê Văn Minh" in page and 'name="records"' not in page

    def test_history_query_count_does_not_grow(self, client, province, ha_specialist, django_assert_max_num_queries):
        person = PersonFactory(unit=UnitFactory(province=province), full_name="Vàng Thị Mai")
        AwardRecord.objects.create(person=person, award_code="LDTT", year=2020, award_name="Lao động tiên tiến")
        client.force_login(ha_specialist)
        with django_assert_max_num_queries(12) as few:
            client.get(reverse("award_history"))
        for year in range(2000, 2020):
            AwardRecord.objects.create(person=PersonFactory(unit=person.unit, full_name=f"Lò Văn {year}"),
                                       award_code="CSTD_TINH", year=year, award_name="Chiến sĩ thi đua cấp tỉnh",
                                       award_type=award("CSTD_TINH"))
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(reverse("award_history"))


def revoke(ha_specialist, lead, chairman, province, records, day):
    revocation = svc.draft_revocation(actor=ha_specialist, province=province, title="Về việc hủy bỏ khen thưởng",
                                      records=[(record, "Kê khai thành tích không trung thực") for record in records])
    svc.check_decision(actor=lead, decision=revocation, submission_date=day)
    return svc.sign_decision(actor=chairman, decision=revocation, decision_date=day)


class TestRevokedDecision:
    """Revocation works per award; a decision with none left standing reads "Đã bị hủy bỏ" everywhere."""

    def test_partly_revoked_stays_signed_and_says_which_awards_by_which_decision(
            self, client, province, ready, ha_specialist, lead, chairman):
        decision = signed(ha_specialist, lead, chairman, province, ready[:2])
        record = AwardRecord.objects.get(award_code="CSTD_TINH")
        revocation = revoke(ha_specialist, lead, chairman, province, [record], datetime.date(2026, 3, 10))
        client.force_login(ha_specialist)
        page = main(client.get(reverse("decision_detail", args=[decision.pk])))
        assert '<span class="badge decision-state decision-state-signed">Đã ký ban hành</span>' in page
        target = reverse("decision_detail", args=[revocation.pk])
        assert ("Một số khen thưởng của quyết định này đã bị hủy bỏ; các khen thưởng khác vẫn giữ nguyên.</p> "
                f'<ul class="plain-list"><li><a href="{target}">Quyết định số 02/QĐ-UBND ngày 10/03/2026</a></li>'
                ) in page
        rows = {re.search(r'class="awardee-name">(?:<a[^>]*>)?([^<]+)', row).group(1): row
                for row in re.findall(r"<tr>(.*?)</tr>", page) if "awardee-name" in row}
        assert (f'đã bị hủy bỏ</span> <a class="small revoked-by" href="{target}">theo Quyết định số 02/QĐ-UBND '
                "ngày 10/03/2026</a>") in rows["Nguyễn Thị Thu Hà"]
        assert "đã khen thưởng" in rows["Lê Văn Minh"] and "revoked" not in rows["Lê Văn Minh"]
        public = main(client.get(reverse("public_decision_list")))
        assert "Nguyễn Thị Thu Hà</strong> · Sở Tài chính <span class=\"badge decision-state-revoked\">đã bị hủy " \
               "bỏ</span> <span class=\"small revoked-by\">theo Quyết định số 02/QĐ-UBND ngày 10/03/2026</span>" \
               in public
        assert "Mọi khen thưởng của quyết định này" not in public and "Đã bị hủy bỏ" not in public

    def test_wholly_revoked_reads_revoked_on_its_list_detail_and_public_page(
            self, client, province, ready, ha_specialist, lead, chairman, auditor):
        decision = signed(ha_specialist, lead, chairman, province, ready[:2])
        revoke(ha_specialist, lead, chairman, province, list(AwardRecord.objects.all()), datetime.date(2026, 3, 10))
        decision.refresh_from_db()
        assert decision.state == "revoked"
        client.force_login(auditor)
        listing = main(client.get(reverse("decision_list")))
        row = next(r for r in re.findall(r"<tr>(.*?)</tr>", listing) if "Về việc tặng danh hiệu thi đua" in r)
        assert '<span class="badge decision-state decision-state-revoked">Đã bị hủy bỏ</span>' in row
        page = main(client.get(reverse("decision_detail", args=[decision.pk])))
        assert '<span class="badge decision-state decision-state-revoked">Đã bị hủy bỏ</span>' in page
        assert "Mọi khen thưởng của quyết định này đã bị hủy bỏ." in page and "các khen thưởng khác" not in page
        assert "Quyết định số 02/QĐ-UBND ngày 10/03/2026</a>" in page
        # Nothing left to revoke: Home Affairs is offered no revocation on it.
        client.force_login(ha_specialist)
        assert 'name="records"' not in main(client.get(reverse("decision_detail", args=[decision.pk])))
        client.logout()
        public = main(client.get(reverse("public_decision_list")))
        assert ("<span class=\"badge decision-state-revoked\">Đã bị hủy bỏ</span> theo Quyết định số 02/QĐ-UBND "
                "ngày 10/03/2026</p> <p class=\"muted\">Mọi khen thưởng của quyết định này đã bị hủy bỏ.</p>") in public
        assert "Quyết định số 01/QĐ-UBND ngày 05/03/2026" in public


# -- the public page ---------------------------------------------------------------------------------


class TestPublic:
    def test_issued_decisions_without_login(self, client, province, ready, ha_specialist, lead, chairman):
        ready[1].person.position = "Phó Giám đốc Sở Tài chính"
        ready[1].person.birth_year = 1978
        ready[1].person.save()
        pending = draft(ha_specialist, province, ready[2:], title="Dự thảo chưa ký")
        decision = signed(ha_specialist, lead, chairman, province, ready[:2])
        response = client.get(reverse("public_decision_list"))
        assert response.status_code == 200
        page = main(response)
        assert "Quyết định số 01/QĐ-UBND ngày 05/03/2026" in page
        assert "Nguyễn Thị Thu Hà</strong> · Sở Tài chính" in page and "Lê Văn Minh" in page
        assert "Chiến sĩ thi đua cấp tỉnh" in page and "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in page
        assert "Dự thảo chưa ký" not in page and "Đặng Văn Tùng" not in page
        assert "Phó Giám đốc" not in page and "1978" not in page and "9.360.000" not in page
        pdf_url = reverse("document_pdf", kwargs={"kind": "decision", "pk": decision.pk})
        assert pdf_url in page
        pdf = client.get(pdf_url)
        assert pdf.status_code == 200 and "01/QĐ-UBND" in text(body(pdf))
        assert client.get(reverse("document_pdf", kwargs={"kind": "decision", "pk": pending.pk})).status_code == 404

    def test_paginated_with_constant_queries(self, client, province, ha_specialist, lead, chairman,
                                             django_assert_max_num_queries):
        nominations = more_ready(province, 14)
        signed(ha_specialist, lead, chairman, province, nominations[:2])
        with django_assert_max_num_queries(8) as few:
            assert client.get(reverse("public_decision_list")).status_code == 200
        for index in range(2, 14):
            signed(ha_specialist, lead, chairman, province, nominations[index:index + 1])
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = main(client.get(reverse("public_decision_list")))
        assert "13 quyết định" in page and "Trang 1/2" in page and page.count("public-decision") == 10
        assert "13/QĐ-UBND" in page and "01/QĐ-UBND" not in page
        assert "01/QĐ-UBND" in main(client.get(reverse("public_decision_list") + "?page=2"))


# -- navigation -------------------------------------------------------------------------------------------


def test_navigation_and_home(client, province, ready, ha_specialist, lead, chairman):
    checked(ha_specialist, lead, province, ready[:1])
    client.force_login(ha_specialist)
    page = html(client.get(reverse("home")))
    assert f'href="{reverse("decision_list")}"' in page and f'href="{reverse("award_history")}"' in page
    assert re.search(r'<span class="work-count">2</span> <span class="work-label">đề nghị chờ lập dự thảo', page)
    client.force_login(chairman)
    page = html(client.get(reverse("home")))
    assert f'href="{reverse("decision_to_sign")}"' in page
    assert re.search(r'<span class="work-count">1</span> <span class="work-label">quyết định chờ ký', page)
    assert DecisionItem.objects.count() == 1


def test_demo_shows_a_decision_waiting_for_signature_and_a_signed_one(client, db):
    from workflows.demo import build_demo

    build_demo()
    client.force_login(UserFactory._meta.model.objects.get(username="ky.ubnd"))
    waiting = main(client.get(reverse("decision_to_sign")))
    assert "cho cá nhân thuộc huyện Tam Đường" in waiting and "Tờ trình 02/TTr-SNV" in waiting
    pending = Decision.objects.get(state="checked")
    assert [i.nomination.subject_name for i in pending.items.all()] == ["Vàng A Hùng"]
    # ky.ubnd is a Vice-Chairman: his account says so, his sign page and his signed decisions too.
    assert "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" in main(client.get(reverse("decision_sign", args=[pending.pk])))
    assert set(Decision.objects.filter(state="signed").values_list("signer_capacity", flat=True)) == {
        "vice_chairman"}
    public = main(client.get(reverse("public_decision_list")))
    assert "Quyết định số 01/QĐ-UBND" in public and "Lò Thị Hoa" in public and "Vàng A Hùng" not in public
    client.force_login(UserFactory._meta.model.objects.get(username="chuyenvien.snv"))
    assert "Phàn Thị Xuân" in main(client.get(reverse("decision_create")))

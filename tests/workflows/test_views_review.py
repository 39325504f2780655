"""The task pages' actions: intake (accept, return with items, reject), appraisal, approval.

Each refusal comes back in Vietnamese with the user's input kept; what HA
decides shows on the unit's dossier page.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dossiers.models import Dossier, EligibilityOverride, EligibilityVerdict, SupplementRequest, VerdictResult
from dossiers.services import dossiers as unit_services
from tests.factories import UserFactory
from tests.workflows.test_flow import accept, appraise, submitted_dossier, task
from workflows import services as wf

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao", first_name="Văn Lâm", last_name="Đỗ")


@pytest.fixture
def submitted(dossier, clerk, head):
    return submitted_dossier(dossier, clerk, head)


def html_of(response) -> str:
    return response.content.decode()


def complete_url(task_) -> str:
    return reverse("task_complete", args=[task_.pk])


def return_data(rows=(), *, note="", due_on=None, total=5) -> dict:
    data = {
        "decision": "return",
        "items-TOTAL_FORMS": str(total), "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "50",
        "return-note": note,
        "return-due_on": (due_on or timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"items-{index}-{key}"] = value
    return data


class TestIntake:
    def test_page_shows_checklist_attachments_and_the_default_due_date(self, client, submitted, ha_specialist):
        intake = task(submitted, "intake")
        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("task_detail", args=[intake.pk])))
        assert "Thành phần hồ sơ" in html and "Đủ thành phần" in html
        attachment = submitted.attachments.first()
        assert reverse("attachment_download", args=[attachment.pk]) in html
        assert "Tiếp nhận, chuyển thẩm định" in html and "Trả lại để bổ sung" in html and "Không chấp nhận" in html
        assert html.count('name="items-') >= 5 * 4  # five blank rows, four fields each
        assert f'value="{wf.supplement_due_on(submitted).isoformat()}"' in html
        assert "Thiếu xác nhận phạm vi ảnh hưởng của sáng kiến, đề tài" in html  # the reason list
        assert 'name="csrfmiddlewaretoken"' in html
        assert "<script>" not in html and " style=" not in html

    def test_return_with_items_then_the_unit_sees_them(self, client, submitted, ha_specialist, clerk):
        intake = task(submitted, "intake")
        nomination = submitted.nominations.get()
        due_on = timezone.localdate() + datetime.timedelta(days=12)
        client.force_login(ha_specialist)
        response = client.post(complete_url(intake), return_data([
            {"reason": "missing_initiative", "nomination": str(nomination.pk), "text": "Thiếu xác nhận của Sở KH&CN"},
            {"reason": "unsigned", "document_type": "to_trinh", "text": "Tờ trình chưa đóng dấu"},
        ], note="Đề nghị đơn vị bổ sung trong hạn.", due_on=due_on), follow=True)
        assert response.redirect_chain[-1][0] == reverse("tasks")
        assert f"Đã trả lại hồ sơ {submitted.reference} để đơn vị bổ sung (lần 1)" in html_of(response)
        request = SupplementRequest.objects.get(dossier=submitted)
        assert request.due_on == due_on and request.note == "Đề nghị đơn vị bổ sung trong hạn."
        items = list(request.items.order_by("id"))
        assert [(i.reason.code, i.nomination_id, i.document_type and i.document_type.code, i.text) for i in items] == [
            ("missing_initiative", nomination.pk, None, "Thiếu xác nhận của Sở KH&CN"),
            ("unsigned", None, "to_trinh", "Tờ trình chưa đóng dấu"),
        ]
        assert Dossier.objects.get(pk=submitted.pk).state == "returned"

        client.force_login(clerk)
        html = html_of(client.get(reverse("dossier_detail", args=[submitted.pk])))
        assert "Lần trả lại thứ 1" in html
        assert due_on.strftime("%d/%m/%Y") in html
        assert "Đề nghị đơn vị bổ sung trong hạn." in html
        for text in ("Thiếu xác nhận phạm vi ảnh hưởng của sáng kiến, đề tài", nomination.subject_name,
                     "Thiếu xác nhận của Sở KH&amp;CN", "Tài liệu chưa ký, đóng dấu", "Tờ trình đề nghị khen thưởng",
                     "Tờ trình chưa đóng dấu"):
            assert text in html, text
        assert html.index("Lần trả lại thứ 1") < html.index("Thông tin hồ sơ")  # at the top
        home = html_of(client.get(reverse("home")))
        assert f"hạn bổ sung {due_on:%d/%m/%Y}" in home

    def test_rows_added_by_script_are_saved(self, client, submitted, ha_specialist):
        client.force_login(ha_specialist)
        data = return_data(total=6)
        data.update({"items-5-reason": "other", "items-5-text": "Dòng thứ sáu"})
        client.post(complete_url(task(submitted, "intake")), data)
        assert SupplementRequest.objects.get(dossier=submitted).items.get().text == "Dòng thứ sáu"

    def test_return_needs_an_item_or_a_note_and_keeps_the_input(self, client, submitted, ha_specialist):
        client.force_login(ha_specialist)
        due_on = timezone.localdate() + datetime.timedelta(days=9)
        response = client.post(complete_url(task(submitted, "intake")), return_data(due_on=due_on))
        assert response.status_code == 400
        html = html_of(response)
        assert "Hãy nêu ít nhất một nội dung cần bổ sung." in html
        assert f'value="{due_on.isoformat()}"' in html
        assert Dossier.objects.get(pk=submitted.pk).state == "submitted"

    def test_item_text_without_a_reason_is_refused_and_kept(self, client, submitted, ha_specialist):
        client.force_login(ha_specialist)
        response = client.post(complete_url(task(submitted, "intake")),
                               return_data([{"text": "Chưa ký biên bản"}], note="Ghi chú chung giữ lại"))
        assert response.status_code == 400
        html = html_of(response)
        assert "Hãy chọn lý do cho nội dung này." in html
        assert "Chưa ký biên bản" in html and "Ghi chú chung giữ lại" in html
        assert not SupplementRequest.objects.exists()

    def test_due_date_before_today_is_refused(self, client, submitted, ha_specialist):
        client.force_login(ha_specialist)
        response = client.post(complete_url(task(submitted, "intake")),
                               return_data(note="Bổ sung", due_on=timezone.localdate() - datetime.timedelta(days=1)))
        assert response.status_code == 400
        assert "Hạn bổ sung không được trước hôm nay." in html_of(response)

    def test_accept(self, client, submitted, ha_specialist):
        client.force_login(ha_specialist)
        response = client.post(complete_url(task(submitted, "intake")), {"decision": "accept"}, follow=True)
        assert f"Đã tiếp nhận hồ sơ {submitted.reference}, chuyển thẩm định." in html_of(response)
        assert Dossier.objects.get(pk=submitted.pk).state == "under_review"
        assert "Thẩm định hồ sơ" in html_of(client.get(reverse("tasks_queue")))

    def test_reject_needs_a_reason_then_the_unit_sees_it(self, client, submitted, ha_specialist, clerk):
        client.force_login(ha_specialist)
        url = complete_url(task(submitted, "intake"))
        response = client.post(url, {"decision": "reject", "reject-reason": ""})
        assert response.status_code == 400
        assert "Hãy nêu lý do không chấp nhận hồ sơ." in html_of(response)
        response = client.post(url, {"decision": "reject", "reject-reason": "Không thuộc thẩm quyền của tỉnh."},
                               follow=True)
        assert f"Đã không chấp nhận hồ sơ {submitted.reference}" in html_of(response)
        client.force_login(clerk)
        html = html_of(client.get(reverse("dossier_detail", args=[submitted.pk])))
        assert "Sở Nội vụ không chấp nhận hồ sơ." in html
        assert "Không thuộc thẩm quyền của tỉnh." in html

    def test_unknown_decision_is_refused(self, client, submitted, ha_specialist):
        client.force_login(ha_specialist)
        response = client.post(complete_url(task(submitted, "intake")), {"decision": "approve"})
        assert response.status_code == 400
        assert "Thao tác không hợp lệ với việc này." in html_of(response)

    def test_next_intake_shows_what_changed_since_the_return(self, client, submitted, ha_specialist, clerk, head):
        wf.complete_intake(actor=ha_specialist, task=task(submitted, "intake"), decision="return",
                           note="Sửa trích yếu cho đúng.")
        dossier = Dossier.objects.get(pk=submitted.pk)
        unit_services.update_dossier(actor=clerk, dossier=dossier, kind="regular", year=2025,
                                     title="Trích yếu đã sửa theo yêu cầu")
        unit_services.send_to_head(actor=clerk, dossier=Dossier.objects.get(pk=submitted.pk))
        unit_services.submit_dossier(actor=head, dossier=Dossier.objects.get(pk=submitted.pk))
        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("task_detail", args=[task(submitted, "intake").pk])))
        assert "Những gì đã thay đổi từ lần trả lại gần nhất" in html
        changes = html[html.index('id="thay-doi"'):]
        assert "Trích yếu" in changes and "Trích yếu đã sửa theo yêu cầu" in changes
        assert "Yêu cầu bổ sung lần trước" in html and "Sửa trích yếu cho đúng." in html


class TestAppraisal:
    def test_check_override_and_submit(self, client, submitted, ha_specialist, lead):
        accept(submitted, ha_specialist)
        appraisal = task(submitted, "appraisal")
        nomination = submitted.nominations.get()
        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("task_detail", args=[appraisal.pk])))
        assert "Chưa kiểm tra điều kiện." in html
        response = client.post(reverse("task_check_eligibility", args=[appraisal.pk]), follow=True)
        html = html_of(response)
        assert "Đã kiểm tra điều kiện 1 đề nghị" in html
        failing = [v for v in EligibilityVerdict.objects.filter(nomination=nomination, parent=None)
                   if v.result != VerdictResult.PASS]
        assert failing
        assert 'class="badge verdict-pass">Đạt<' in html
        assert "verdict-unknown" in html or "verdict-fail" in html
        assert failing[0].explanation in html

        verdict = failing[0]
        url = reverse("task_override", args=[appraisal.pk, verdict.pk])
        response = client.post(url, {f"v{verdict.pk}-reason": "  "})
        assert response.status_code == 400
        assert "Hãy ghi lý do chấp nhận tiêu chuẩn không đạt." in html_of(response)

        # Concluding "eligible" now is refused, and the note typed is kept.
        data = {"decision": "submit", f"n{nomination.pk}-conclusion": "eligible",
                f"n{nomination.pk}-note": "Ý kiến thẩm định giữ lại"}
        response = client.post(complete_url(appraisal), data)
        assert response.status_code == 400
        html = html_of(response)
        assert "chưa đạt tiêu chuẩn" in html and "Ý kiến thẩm định giữ lại" in html

        for verdict in failing:
            response = client.post(reverse("task_override", args=[appraisal.pk, verdict.pk]),
                                   {f"v{verdict.pk}-reason": "Đã xác minh hồ sơ gốc tại đơn vị."}, follow=True)
            assert "Đã chấp nhận tiêu chuẩn" in html_of(response)
        html = html_of(client.get(reverse("task_detail", args=[appraisal.pk])))
        assert "Đã chấp nhận ngoại lệ:" in html and "Đã xác minh hồ sơ gốc tại đơn vị." in html
        # Every failed criterion accepted: the conclusion is prefilled "eligible".
        assert re.search(r'value="eligible"[^>]*checked', html)

        # An override can be removed, and given again.
        override = EligibilityOverride.objects.filter(verdict__in=failing).first()
        response = client.post(reverse("task_override_remove", args=[appraisal.pk, override.pk]), follow=True)
        assert "Đã bỏ chấp nhận tiêu chuẩn" in html_of(response)
        verdict = override.verdict
        client.post(reverse("task_override", args=[appraisal.pk, verdict.pk]),
                    {f"v{verdict.pk}-reason": "Đã xác minh lại."})

        response = client.post(complete_url(appraisal), data, follow=True)
        assert f"Đã thẩm định hồ sơ {submitted.reference}, chuyển lãnh đạo Sở duyệt." in html_of(response)
        dossier = Dossier.objects.get(pk=submitted.pk)
        assert dossier.appraised_by == ha_specialist
        nomination.refresh_from_db()
        assert nomination.outcome == "eligible" and nomination.appraisal_note == "Ý kiến thẩm định giữ lại"
        assert task(submitted, "approval")

    def test_ineligible_needs_a_note(self, client, submitted, ha_specialist):
        accept(submitted, ha_specialist)
        nomination = submitted.nominations.get()
        client.force_login(ha_specialist)
        response = client.post(complete_url(task(submitted, "appraisal")),
                               {"decision": "submit", f"n{nomination.pk}-conclusion": "ineligible"})
        assert response.status_code == 400
        assert "Hãy ghi lý do không đủ điều kiện." in html_of(response)

    def test_someone_not_on_the_task_cannot_check_or_override(self, client, submitted, ha_specialist, ha_unit):
        other = UserFactory(unit=ha_unit, roles=["ha_specialist"])
        accept(submitted, ha_specialist)
        appraisal = task(submitted, "appraisal")
        wf.claim_task(actor=ha_specialist, task=appraisal)
        client.force_login(other)
        html = html_of(client.get(reverse("task_detail", args=[appraisal.pk])))
        assert reverse("task_check_eligibility", args=[appraisal.pk]) not in html
        response = client.post(reverse("task_check_eligibility", args=[appraisal.pk]))
        assert response.status_code == 409
        assert f"Việc này do {ha_specialist} đảm nhận." in html_of(response)
        assert not EligibilityVerdict.objects.exists()

    def test_return_from_appraisal(self, client, submitted, ha_specialist):
        accept(submitted, ha_specialist)
        client.force_login(ha_specialist)
        client.post(complete_url(task(submitted, "appraisal")),
                    return_data([{"reason": "insufficient_achievement", "text": "Bổ sung số liệu"}]))
        assert Dossier.objects.get(pk=submitted.pk).state == "returned"
        assert wf.active_task(submitted, "await_supplement") is not None


class TestApproval:
    def test_the_appraiser_sees_the_separation_message(self, client, submitted, ha_unit):
        both = UserFactory(unit=ha_unit, roles=["ha_specialist", "ha_lead"])
        accept(submitted, both)
        appraise(submitted, both)
        approval = task(submitted, "approval")
        client.force_login(both)
        html = html_of(client.get(reverse("task_detail", args=[approval.pk])))
        assert "Bạn đã thẩm định hồ sơ này nên không được duyệt." in html
        assert 'name="decision" value="approve"' not in html
        assert reverse("task_claim", args=[approval.pk]) not in html
        response = client.post(complete_url(approval), {"decision": "approve"})
        assert response.status_code == 403
        assert "không được" in html_of(response)
        assert Dossier.objects.get(pk=submitted.pk).state == "under_review"

    def test_another_lead_approves_and_the_unit_sees_the_new_state(self, client, submitted, ha_specialist, lead,
                                                                   clerk):
        accept(submitted, ha_specialist)
        appraise(submitted, ha_specialist)
        approval = task(submitted, "approval")
        client.force_login(lead)
        html = html_of(client.get(reverse("task_detail", args=[approval.pk])))
        assert f"Chuyên viên thẩm định: {ha_specialist}" in html
        assert "Khi duyệt, hồ sơ chuyển sang:" in html and "Chờ quyết định" in html
        assert "Đã xác minh thành tích thực tế." in html  # the override's reason
        response = client.post(complete_url(approval), {"decision": "approve"}, follow=True)
        assert f"Đã duyệt hồ sơ {submitted.reference}: Chờ quyết định." in html_of(response)
        assert Dossier.objects.get(pk=submitted.pk).state == "awaiting_decision"
        client.force_login(clerk)
        html = html_of(client.get(reverse("dossier_detail", args=[submitted.pk])))
        assert "Chờ quyết định" in html and "Quá trình xử lý" in html
        assert "Kết quả kiểm tra điều kiện" in html  # read-only verdicts for the unit
        assert reverse("task_detail", args=[approval.pk]) not in html

    def test_send_back_needs_a_note(self, client, submitted, ha_specialist, lead):
        accept(submitted, ha_specialist)
        appraise(submitted, ha_specialist)
        approval = task(submitted, "approval")
        client.force_login(lead)
        response = client.post(complete_url(approval), {"decision": "send_back", "send_back-reason": ""})
        assert response.status_code == 400
        assert "Hãy nêu nội dung cần thẩm định lại." in html_of(response)
        response = client.post(complete_url(approval),
                               {"decision": "send_back", "send_back-reason": "Xem lại tiêu chuẩn sáng kiến."},
                               follow=True)
        assert "Đã yêu cầu thẩm định lại" in html_of(response)
        assert task(submitted, "appraisal")

    def test_reject_at_approval(self, client, submitted, ha_specialist, lead):
        accept(submitted, ha_specialist)
        appraise(submitted, ha_specialist)
        client.force_login(lead)
        client.post(complete_url(task(submitted, "approval")),
                    {"decision": "reject", "reject-reason": "Trùng đối tượng đã khen."})
        assert Dossier.objects.get(pk=submitted.pk).state == "rejected"


class TestWaitingAndDossierPage:
    def test_waiting_task_is_read_only(self, client, submitted, ha_specialist):
        wf.complete_intake(actor=ha_specialist, task=task(submitted, "intake"), decision="return", note="Bổ sung")
        waiting = task(submitted, "await_supplement")
        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("task_detail", args=[waiting.pk])))
        assert "quy trình chờ đơn vị bổ sung và trình lại" in html
        assert "Lần trả lại thứ 1" in html
        assert 'name="decision"' not in html

    def test_completed_task_page_says_so(self, client, submitted, ha_specialist):
        intake = task(submitted, "intake")
        accept(submitted, ha_specialist)
        client.force_login(ha_specialist)
        response = client.get(reverse("task_detail", args=[intake.pk]))
        assert "Việc này đã kết thúc." in html_of(response)
        response = client.post(complete_url(intake), {"decision": "accept"})
        assert response.status_code == 409

    def test_process_panel_links_ha_staff_to_the_task(self, client, submitted, ha_specialist, clerk):
        intake = task(submitted, "intake")
        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("dossier_detail", args=[submitted.pk])))
        assert "Quá trình xử lý" in html and "Kiểm tra, tiếp nhận hồ sơ" in html
        assert reverse("task_detail", args=[intake.pk]) in html
        client.force_login(clerk)
        html = html_of(client.get(reverse("dossier_detail", args=[submitted.pk])))
        assert "Kiểm tra, tiếp nhận hồ sơ" in html
        assert reverse("task_detail", args=[intake.pk]) not in html

    def test_the_old_return_action_is_gone(self, client, submitted, ha_specialist):
        with pytest.raises(NoReverseMatch):
            reverse("dossier_return", args=[submitted.pk])
        client.force_login(ha_specialist)
        assert client.post(f"/dossiers/{submitted.pk}/return/", {"return-reason": "x"}).status_code == 404
        html = html_of(client.get(reverse("dossier_detail", args=[submitted.pk])))
        assert "/return/" not in html
        assert Dossier.objects.get(pk=submitted.pk).state == "submitted"

    def test_home_shows_ha_counts(self, client, submitted, ha_specialist):
        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("home")))
        assert "Công việc của Sở Nội vụ" in html
        assert reverse("tasks_queue") in html and reverse("tasks_overdue") in html
        assert reverse("feedback_queue") in html


class TestPublicNotice:
    def test_notice_period_on_the_dossier_the_waiting_page_and_home(self, client, dossier, clerk, head,
                                                                    ha_specialist, lead):
        from dossiers.services.notice import submit_feedback

        dossier = submitted_dossier(dossier, clerk, head, "HC_LD3_CN")
        accept(dossier, ha_specialist)
        appraise(dossier, ha_specialist)
        client.force_login(lead)
        html = html_of(client.get(reverse("task_detail", args=[task(dossier, "approval").pk])))
        assert "Phải công khai trước khi xét" in html and "Đang công khai" in html
        client.post(complete_url(task(dossier, "approval")), {"decision": "approve"})
        notice = Dossier.objects.get(pk=dossier.pk).public_notice
        period = f"từ {notice.starts_on:%d/%m/%Y} đến hết {notice.ends_on:%d/%m/%Y}"

        client.force_login(clerk)
        html = html_of(client.get(reverse("dossier_detail", args=[dossier.pk])))
        assert "Đang công khai" in html and period in html

        submit_feedback(nomination=dossier.nominations.get(), name="", contact="", text="Xem lại thành tích.",
                        client_key="khach")
        client.force_login(ha_specialist)
        html = html_of(client.get(reverse("dossier_detail", args=[dossier.pk])))
        from workflows.selectors import active_tasks_of

        [waiting] = [t for t in active_tasks_of(dossier) if t.flow_task.name == "notice_period"]
        assert reverse("task_detail", args=[waiting.pk]) in html
        html = html_of(client.get(reverse("task_detail", args=[waiting.pk])))
        assert period in html
        assert "Còn 1 góp ý của người dân chưa xử lý." in html and reverse("feedback_queue") in html
        home = html_of(client.get(reverse("home")))
        assert "Góp ý chờ xử lý" in home

"""Home Affairs' tasks through the API: work lists, claim, release, reassign, complete, and a whole review."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dossiers.models import Dossier, NominationOutcome, VerdictResult
from tests.api.helpers import assert_error, url
from tests.api.test_dossier_flow import add_person, create_dossier, upload
from tests.factories import ProvinceFactory, UnitFactory, UserFactory
from tests.workflows.test_flow import accept, appraise, submitted_dossier, task
from workflows import services as wf
from workflows.models import Notification, TaskDeadline


@pytest.fixture
def lead(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao")


@pytest.fixture
def second_specialist(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_specialist"], username="chuyenvien2")


@pytest.fixture
def submitted(dossier, clerk, head):
    return submitted_dossier(dossier, clerk, head)


@pytest.fixture
def outsider():
    """A specialist of another province."""
    elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
    return UserFactory(unit=elsewhere, roles=["ha_specialist", "ha_lead"])


def post(client, path, body=None):
    return client.post(url(path), body or {}, format="json")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


class TestWorkLists:
    def test_queue_then_mine_after_claiming(self, api, submitted, ha_specialist):
        client = api(ha_specialist)
        intake = task(submitted, "intake")
        body = client.get(url("tasks/"), {"scope": "queue"}).json()
        assert body["count"] == 1
        row = body["results"][0]
        assert set(row) == {"id", "node", "title", "status", "dossier", "owner", "created", "due_on", "overdue",
                            "return_count"}
        assert (row["id"], row["node"], row["title"], row["owner"], row["overdue"], row["return_count"]) == (
            intake.pk, "intake", "Kiểm tra, tiếp nhận hồ sơ", None, False, 0)
        assert row["dossier"]["reference"] == submitted.reference
        assert row["dossier"]["state"] == "submitted"
        assert row["dossier"]["unit"]["id"] == submitted.unit_id
        assert row["due_on"] == TaskDeadline.objects.get(task=intake).due_on.isoformat()
        assert ids(client.get(url("tasks/"))) == []  # "mine" is the default

        assert post(client, f"tasks/{intake.pk}/claim/").status_code == 200
        assert ids(client.get(url("tasks/"), {"scope": "mine"})) == [intake.pk]
        assert ids(client.get(url("tasks/"), {"scope": "queue"})) == []
        row = client.get(url("tasks/")).json()["results"][0]
        assert row["owner"] == {"id": ha_specialist.pk, "name": str(ha_specialist)}

    def test_the_lead_queue_holds_approvals_only(self, api, submitted, ha_specialist, lead):
        assert ids(api(lead).get(url("tasks/"), {"scope": "queue"})) == []
        accept(submitted, ha_specialist)
        appraise(submitted, ha_specialist)
        approval = task(submitted, "approval")
        assert ids(api(lead).get(url("tasks/"), {"scope": "queue"})) == [approval.pk]
        assert ids(api(ha_specialist).get(url("tasks/"), {"scope": "queue"})) == []

    def test_overdue(self, api, submitted, ha_specialist, lead, second_specialist):
        intake = task(submitted, "intake")
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        assert ids(api(lead).get(url("tasks/"), {"scope": "overdue"})) == []
        TaskDeadline.objects.filter(task=intake).update(due_on=yesterday)
        assert ids(api(lead).get(url("tasks/"), {"scope": "overdue"})) == [intake.pk]
        assert ids(api(ha_specialist).get(url("tasks/"), {"scope": "overdue"})) == [intake.pk]
        row = api(ha_specialist).get(url("tasks/"), {"scope": "queue"}).json()["results"][0]
        assert row["overdue"] is True
        # Once someone else has it, it is no longer the other specialist's business; the lead still sees it.
        wf.claim_task(actor=second_specialist, task=intake)
        assert ids(api(ha_specialist).get(url("tasks/"), {"scope": "overdue"})) == []
        assert ids(api(second_specialist).get(url("tasks/"), {"scope": "overdue"})) == [intake.pk]
        assert ids(api(lead).get(url("tasks/"), {"scope": "overdue"})) == [intake.pk]

    def test_unknown_scope_is_refused_in_vietnamese(self, api, ha_specialist):
        body = assert_error(api(ha_specialist).get(url("tasks/"), {"scope": "all"}), 400, "invalid")
        assert body["errors"][0]["field"] == "scope"
        assert "không phải là lựa chọn hợp lệ" in body["errors"][0]["message"]

    def test_unit_roles_may_not_list_tasks(self, api, clerk, head, submitted):
        for user in (clerk, head):
            assert_error(api(user).get(url("tasks/")), 403, "permission_denied")

    def test_other_province_sees_nothing(self, api, submitted, outsider):
        for scope in ("mine", "queue", "overdue"):
            assert ids(api(outsider).get(url("tasks/"), {"scope": scope})) == []

    def test_login_required(self, anon, submitted):
        assert_error(anon.get(url("tasks/")), 401, "not_authenticated")
        assert_error(anon.post(url(f"tasks/{task(submitted, 'intake').pk}/claim/")), 401, "not_authenticated")


class TestTaskDetail:
    def test_detail_with_deadline_and_actions(self, api, submitted, ha_specialist, lead, second_specialist):
        intake = task(submitted, "intake")
        body = api(ha_specialist).get(url(f"tasks/{intake.pk}/")).json()
        assert body["node"] == "intake"
        assert body["allowed_actions"] == ["claim", "complete"]
        assert body["decisions"] == ["accept", "return", "reject"]
        assert body["reassign_to"] == []
        deadline = TaskDeadline.objects.get(task=intake)
        assert body["deadline"]["working_days"] == 5
        assert body["deadline"]["due_on"] == deadline.due_on.isoformat()
        assert body["deadline"]["remind_on"] == deadline.remind_on.isoformat()

        # The lead may only hand it over; the specialists are the candidates.
        body = api(lead).get(url(f"tasks/{intake.pk}/")).json()
        assert body["allowed_actions"] == ["reassign"]
        assert {p["id"] for p in body["reassign_to"]} == {ha_specialist.pk, second_specialist.pk}

        wf.claim_task(actor=ha_specialist, task=intake)
        assert api(ha_specialist).get(url(f"tasks/{intake.pk}/")).json()["allowed_actions"] == [
            "release", "complete"]
        assert api(second_specialist).get(url(f"tasks/{intake.pk}/")).json()["allowed_actions"] == []
        assert api(lead).get(url(f"tasks/{intake.pk}/")).json()["allowed_actions"] == ["release", "reassign"]

    def test_a_finished_task_offers_nothing(self, api, submitted, ha_specialist):
        intake = task(submitted, "intake")
        accept(submitted, ha_specialist)
        body = api(ha_specialist).get(url(f"tasks/{intake.pk}/")).json()
        assert body["status"] == "DONE"
        assert body["allowed_actions"] == []

    def test_refusals(self, api, submitted, clerk, outsider):
        intake = task(submitted, "intake")
        assert_error(api(clerk).get(url(f"tasks/{intake.pk}/")), 403, "permission_denied")
        assert_error(api(outsider).get(url(f"tasks/{intake.pk}/")), 404, "not_found")
        assert_error(api(outsider).get(url("tasks/999999/")), 404, "not_found")


class TestTakingAndHandingOver:
    def test_claim_release_reassign(self, api, submitted, ha_specialist, second_specialist, lead):
        intake = task(submitted, "intake")
        response = post(api(ha_specialist), f"tasks/{intake.pk}/claim/")
        assert response.status_code == 200, response.content
        assert response.json()["owner"]["id"] == ha_specialist.pk
        assert response.json()["status"] == "ASSIGNED"
        # Claiming again is harmless; someone else is refused with a conflict.
        assert post(api(ha_specialist), f"tasks/{intake.pk}/claim/").status_code == 200
        body = assert_error(post(api(second_specialist), f"tasks/{intake.pk}/claim/"), 409, "task_taken")
        assert "đã có người nhận" in body["message"]
        assert_error(post(api(second_specialist), f"tasks/{intake.pk}/release/"), 403, "permission_denied")

        response = post(api(ha_specialist), f"tasks/{intake.pk}/release/")
        assert response.status_code == 200 and response.json()["owner"] is None
        assert_error(post(api(ha_specialist), f"tasks/{intake.pk}/release/"), 400, "task_free")

        response = post(api(lead), f"tasks/{intake.pk}/reassign/", {"user": second_specialist.pk})
        assert response.status_code == 200, response.content
        assert response.json()["owner"]["id"] == second_specialist.pk
        assert Notification.objects.filter(recipient=second_specialist, kind="task.assigned").exists()

    def test_reassign_refusals(self, api, submitted, ha_specialist, second_specialist, lead, clerk, outsider):
        intake = task(submitted, "intake")
        path = f"tasks/{intake.pk}/reassign/"
        body = assert_error(post(api(ha_specialist), path, {"user": second_specialist.pk}), 403, "permission_denied")
        assert "Chỉ lãnh đạo" in body["message"]
        body = assert_error(post(api(lead), path, {"user": clerk.pk}), 400, "not_eligible_owner")
        assert "không có vai trò" in body["message"]
        body = assert_error(post(api(lead), path, {"user": outsider.pk}), 400, "invalid")
        assert body["errors"] == [{"field": "user", "message": "Không tìm thấy người dùng này trong tỉnh.",
                                   "code": "invalid"}]
        body = assert_error(post(api(lead), path, {}), 400, "invalid")
        assert body["errors"][0] == {"field": "user", "message": "Bắt buộc phải có.", "code": "required"}
        assert_error(post(api(outsider), path, {"user": ha_specialist.pk}), 404, "not_found")
        assert task(submitted, "intake").owner is None

    def test_the_lead_cannot_take_intake(self, api, submitted, lead, clerk):
        intake = task(submitted, "intake")
        assert_error(post(api(lead), f"tasks/{intake.pk}/claim/"), 403, "permission_denied")
        assert_error(post(api(clerk), f"tasks/{intake.pk}/claim/"), 403, "permission_denied")

    def test_other_province_is_not_found(self, api, submitted, outsider):
        intake = task(submitted, "intake")
        for action in ("claim", "release", "complete"):
            assert_error(post(api(outsider), f"tasks/{intake.pk}/{action}/", {"decision": "accept"}),
                         404, "not_found")
        assert task(submitted, "intake").owner is None
        assert Dossier.objects.get(pk=submitted.pk).state == "submitted"


class TestComplete:
    def test_intake_return_with_items(self, api, submitted, ha_specialist, clerk):
        intake = task(submitted, "intake")
        nomination = submitted.nominations.get()
        response = post(api(ha_specialist), f"tasks/{intake.pk}/complete/", {
            "node": "intake", "decision": "return", "note": "Bổ sung giúp.",
            "items": [{"reason": "missing_initiative", "nomination": nomination.pk, "text": "Thiếu xác nhận"},
                      {"reason": "unsigned", "document_type": "to_trinh"}],
        })
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["task"]["id"] == intake.pk and body["task"]["status"] == "DONE"
        assert body["dossier"]["state"] == "returned" and body["dossier"]["return_count"] == 1
        assert [t["node"] for t in body["next_tasks"]] == ["await_supplement"]
        request = submitted.supplement_requests.get()
        assert body["next_tasks"][0]["due_on"] == request.due_on.isoformat()
        assert [(i.reason.code, i.nomination_id, getattr(i.document_type, "code", None)) for i in request.items.all()] \
            == [("missing_initiative", nomination.pk, None), ("unsigned", None, "to_trinh")]
        assert Notification.objects.filter(recipient=clerk, kind="dossier.returned").exists()

    def test_return_needs_something_to_supplement(self, api, submitted, ha_specialist):
        intake = task(submitted, "intake")
        body = assert_error(post(api(ha_specialist), f"tasks/{intake.pk}/complete/", {"decision": "return"}),
                            400, "reason_required")
        assert "ít nhất một nội dung" in body["message"]
        body = assert_error(post(api(ha_specialist), f"tasks/{intake.pk}/complete/", {
            "decision": "return", "items": [{"reason": "no_such_reason"}]}), 400, "invalid")
        assert "không có trong danh mục" in body["message"]
        assert Dossier.objects.get(pk=submitted.pk).state == "submitted"
        assert task(submitted, "intake").pk == intake.pk

    def test_reject_needs_a_reason(self, api, submitted, ha_specialist):
        intake = task(submitted, "intake")
        body = assert_error(post(api(ha_specialist), f"tasks/{intake.pk}/complete/", {"decision": "reject"}),
                            400, "reason_required")
        assert "lý do" in body["message"]
        response = post(api(ha_specialist), f"tasks/{intake.pk}/complete/",
                        {"decision": "reject", "reason": "Không thuộc thẩm quyền của tỉnh."})
        assert response.status_code == 200, response.content
        assert response.json()["dossier"]["state"] == "rejected"
        assert response.json()["next_tasks"] == []

    def test_wrong_decision_or_node_is_refused_in_vietnamese(self, api, submitted, ha_specialist):
        intake = task(submitted, "intake")
        client = api(ha_specialist)
        body = assert_error(post(client, f"tasks/{intake.pk}/complete/", {"decision": "approve"}), 400, "invalid")
        assert body["errors"] == [{"field": "decision", "code": "invalid_choice",
                                   "message": "“approve” không phải là lựa chọn hợp lệ."}]
        body = assert_error(post(client, f"tasks/{intake.pk}/complete/", {}), 400, "invalid")
        assert body["errors"][0]["message"] == "Bắt buộc phải có."
        body = assert_error(post(client, f"tasks/{intake.pk}/complete/", {"node": "appraisal", "decision": "accept"}),
                            400, "wrong_task")
        assert "không phải “appraisal”" in body["message"]
        body = assert_error(post(client, f"tasks/{intake.pk}/complete/", {
            "decision": "return", "items": "Thiếu", "due_on": "31/12/2025"}), 400, "invalid")
        assert {e["field"]: e["message"] for e in body["errors"]} == {
            "items": "Phải là một danh sách.", "due_on": "Ngày phải theo dạng NNNN-TT-NN (ví dụ 2025-07-01)."}
        body = assert_error(post(client, f"tasks/{intake.pk}/complete/", {
            "decision": "return", "items": ["Thiếu"]}), 400, "invalid")
        assert body["errors"][0] == {"field": "items.0", "message": "Phải là một đối tượng JSON.", "code": "invalid"}
        assert Dossier.objects.get(pk=submitted.pk).state == "submitted"

    def test_waiting_tasks_are_not_completed_through_the_api(self, api, submitted, ha_specialist):
        wf.complete_intake(actor=ha_specialist, task=task(submitted, "intake"), decision="return", note="Bổ sung.")
        waiting = task(submitted, "await_supplement")
        body = assert_error(post(api(ha_specialist), f"tasks/{waiting.pk}/complete/", {"decision": "accept"}),
                            400, "wrong_task")
        assert "Đơn vị bổ sung hồ sơ" in body["message"]
        assert api(ha_specialist).get(url(f"tasks/{waiting.pk}/")).json()["allowed_actions"] == []
        for action in ("claim", "release"):
            assert_error(post(api(ha_specialist), f"tasks/{waiting.pk}/{action}/"), 400, "wrong_task")

    def test_completed_task_is_a_conflict(self, api, submitted, ha_specialist):
        intake = task(submitted, "intake")
        assert post(api(ha_specialist), f"tasks/{intake.pk}/complete/", {"decision": "accept"}).status_code == 200
        body = assert_error(post(api(ha_specialist), f"tasks/{intake.pk}/complete/", {"decision": "accept"}),
                            409, "task_closed")
        assert "đã được xử lý" in body["message"]
        assert_error(post(api(ha_specialist), f"tasks/{intake.pk}/claim/"), 409, "task_closed")

    def test_a_task_someone_else_took(self, api, submitted, ha_specialist, second_specialist):
        intake = task(submitted, "intake")
        wf.claim_task(actor=second_specialist, task=intake)
        body = assert_error(post(api(ha_specialist), f"tasks/{intake.pk}/complete/", {"decision": "accept"}),
                            409, "task_taken")
        assert str(second_specialist) in body["message"]
        assert Dossier.objects.get(pk=submitted.pk).state == "submitted"

    def test_appraisal_conclusions(self, api, submitted, ha_specialist):
        accept(submitted, ha_specialist)
        appraisal = task(submitted, "appraisal")
        nomination = submitted.nominations.get()
        client = api(ha_specialist)
        path = f"tasks/{appraisal.pk}/complete/"
        assert_error(post(client, path, {"decision": "submit"}), 400, "appraisal_incomplete")
        body = assert_error(post(client, path, {"decision": "submit", "appraisals": [
            {"nomination": nomination.pk, "eligible": True}]}), 400, "eligibility_not_checked")
        assert "Chưa kiểm tra điều kiện" in body["message"]
        assert_error(post(client, path, {"decision": "submit", "appraisals": [
            {"nomination": nomination.pk, "eligible": False}]}), 400, "reason_required")
        body = assert_error(post(client, path, {"decision": "submit", "appraisals": [
            {"nomination": nomination.pk, "eligible": "có lẽ"}]}), 400, "invalid")
        assert body["errors"][0] == {"field": "appraisals.0.eligible", "message": "Phải là true hoặc false.",
                                     "code": "invalid"}
        response = post(client, path, {"decision": "submit", "appraisals": [
            {"nomination": nomination.pk, "eligible": False, "note": "Thành tích chưa đủ."}]})
        assert response.status_code == 200, response.content
        assert [t["node"] for t in response.json()["next_tasks"]] == ["approval"]
        nomination.refresh_from_db()
        assert (nomination.outcome, nomination.appraisal_note) == (NominationOutcome.INELIGIBLE, "Thành tích chưa đủ.")

    def test_appraisal_return_with_a_due_date(self, api, submitted, ha_specialist):
        accept(submitted, ha_specialist)
        response = post(api(ha_specialist), f"tasks/{task(submitted, 'appraisal').pk}/complete/",
                        {"decision": "return", "items": [{"reason": "other", "text": "Bổ sung số liệu"}],
                         "due_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat()})
        assert response.status_code == 200, response.content
        assert response.json()["dossier"]["state"] == "returned"
        assert submitted.supplement_requests.get().due_on == timezone.localdate() + datetime.timedelta(days=30)

    def test_approval_send_back(self, api, submitted, ha_specialist, second_specialist, lead):
        accept(submitted, ha_specialist)
        appraise(submitted, ha_specialist)
        approval = task(submitted, "approval")
        assert_error(post(api(lead), f"tasks/{approval.pk}/complete/", {"decision": "send_back"}),
                     400, "reason_required")
        assert_error(post(api(lead), f"tasks/{approval.pk}/complete/", {"decision": "accept"}), 400, "invalid")
        assert_error(post(api(second_specialist), f"tasks/{approval.pk}/complete/", {"decision": "approve"}),
                     403, "permission_denied")
        response = post(api(lead), f"tasks/{approval.pk}/complete/",
                        {"decision": "send_back", "note": "Xem lại tiêu chuẩn."})
        assert response.status_code == 200, response.content
        assert response.json()["dossier"]["state"] == "under_review"
        assert [t["node"] for t in response.json()["next_tasks"]] == ["appraisal"]


class TestSeparationOfDuties:
    def test_appraiser_cannot_take_or_complete_the_approval(self, api, submitted, ha_unit, lead):
        both = UserFactory(unit=ha_unit, roles=["ha_specialist", "ha_lead"])
        accept(submitted, both)
        appraise(submitted, both)
        approval = task(submitted, "approval")
        client = api(both)
        assert ids(client.get(url("tasks/"), {"scope": "queue"})) == []
        assert "claim" not in client.get(url(f"tasks/{approval.pk}/")).json()["allowed_actions"]
        body = assert_error(post(client, f"tasks/{approval.pk}/claim/"), 403, "separation_of_duties")
        assert "không được nhận việc duyệt" in body["message"]
        assert_error(post(client, f"tasks/{approval.pk}/complete/", {"decision": "approve"}),
                     403, "separation_of_duties")
        # Nor can another lead hand it to them.
        assert_error(post(api(lead), f"tasks/{approval.pk}/reassign/", {"user": both.pk}), 403,
                     "separation_of_duties")
        assert Dossier.objects.get(pk=submitted.pk).state == "under_review"
        assert ids(api(lead).get(url("tasks/"), {"scope": "queue"})) == [approval.pk]


def test_a_whole_review_through_the_api(api, clerk, head, ha_specialist, lead):
    """Submit, return, resubmit, accept, check eligibility and override, appraise, approve by another lead."""
    as_clerk, as_head, as_ha, as_lead = api(clerk), api(head), api(ha_specialist), api(lead)

    dossier_id = create_dossier(as_clerk).json()["id"]
    nomination_id = add_person(as_clerk, dossier_id).json()["id"]
    for code, target in (("to_trinh", None), ("bien_ban_hop", None), ("bao_cao_ca_nhan", nomination_id)):
        assert upload(as_clerk, dossier_id, code, target).status_code == 201
    assert post(as_clerk, f"dossiers/{dossier_id}/send-to-head/").status_code == 200
    assert post(as_head, f"dossiers/{dossier_id}/submit/").json()["state"] == "submitted"

    # Home Affairs finds the intake task in its queue, takes it and returns the dossier.
    [intake] = as_ha.get(url("tasks/"), {"scope": "queue"}).json()["results"]
    assert intake["dossier"]["id"] == dossier_id
    assert post(as_ha, f"tasks/{intake['id']}/claim/").json()["allowed_actions"] == ["release", "complete"]
    body = post(as_ha, f"tasks/{intake['id']}/complete/", {
        "decision": "return", "note": "Biên bản họp chưa có chữ ký.",
        "items": [{"reason": "unsigned", "document_type": "bien_ban_hop", "text": "Ký và đóng dấu"}]}).json()
    assert body["dossier"]["state"] == "returned"
    process = as_clerk.get(url(f"dossiers/{dossier_id}/process/")).json()
    assert process["supplement_requests"][0]["items"][0]["reason"]["code"] == "unsigned"
    assert [t["node"] for t in process["active_tasks"]] == ["await_supplement"]

    # The unit supplements and resubmits through the dossier endpoints.
    assert upload(as_clerk, dossier_id, "bien_ban_hop").status_code == 201
    assert post(as_clerk, f"dossiers/{dossier_id}/send-to-head/").status_code == 200
    response = post(as_head, f"dossiers/{dossier_id}/submit/")
    assert (response.json()["state"], response.json()["return_count"]) == ("submitted", 1)
    process = as_ha.get(url(f"dossiers/{dossier_id}/process/")).json()
    assert [e["action"] for e in process["changes_since_return"]] == [
        "attachment.uploaded", "dossier.sent_to_head", "dossier.resubmitted"]
    [intake] = process["active_tasks"]
    assert intake["node"] == "intake" and intake["return_count"] == 1

    body = post(as_ha, f"tasks/{intake['id']}/complete/", {"decision": "accept"}).json()
    assert body["dossier"]["state"] == "under_review"
    [appraisal] = body["next_tasks"]
    assert appraisal["node"] == "appraisal"

    # Eligibility: check, then accept in writing every criterion that did not pass.
    rows = post(as_ha, f"dossiers/{dossier_id}/eligibility/check/").json()
    assert [row["nomination"] for row in rows] == [nomination_id]
    failed = [v for v in rows[0]["verdicts"] if v["result"] != VerdictResult.PASS]
    for verdict in failed:
        response = post(as_ha, f"eligibility-verdicts/{verdict['id']}/override/",
                        {"reason": "Đã xác minh thành tích thực tế."})
        assert response.status_code == 201, response.content
    assert as_ha.get(url(f"dossiers/{dossier_id}/eligibility/")).json()[0]["result"] == "pass"

    body = post(as_ha, f"tasks/{appraisal['id']}/complete/", {
        "decision": "submit", "appraisals": [{"nomination": nomination_id, "eligible": True}]}).json()
    [approval] = body["next_tasks"]
    assert approval["node"] == "approval"

    # The lead (not the appraiser) approves.
    assert ids(as_lead.get(url("tasks/"), {"scope": "queue"})) == [approval["id"]]
    assert post(as_lead, f"tasks/{approval['id']}/claim/").status_code == 200
    body = post(as_lead, f"tasks/{approval['id']}/complete/", {"decision": "approve"}).json()
    assert body["dossier"]["state"] == "awaiting_decision"
    assert [t["node"] for t in body["next_tasks"]] == ["await_decision"]
    dossier = Dossier.objects.get(pk=dossier_id)
    assert (dossier.appraised_by, dossier.approved_by) == (ha_specialist, lead)

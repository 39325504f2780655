"""A dossier's process status, the return reasons, query counts of the review lists, and the schema."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dossiers.services.review import ItemInput
from tests.api.helpers import assert_error, url
from tests.factories import DossierFactory, ProvinceFactory, UnitFactory, UserFactory
from tests.workflows.test_flow import submitted_dossier, task
from workflows import services as wf
from workflows.models import TaskDeadline


@pytest.fixture
def submitted(dossier, clerk, head):
    return submitted_dossier(dossier, clerk, head)


def get(client, path, params=None):
    response = client.get(url(path), params or {})
    assert response.status_code == 200, response.content
    return response.json()


def counted(client, path, params=None) -> tuple[int, dict | list]:
    with CaptureQueriesContext(connection) as context:
        body = get(client, path, params)
    return len(context), body


def return_dossier(dossier, specialist, text="Bổ sung", **kwargs):
    wf.complete_intake(actor=specialist, task=task(dossier, "intake"), decision="return", note=text, **kwargs)


class TestProcessStatus:
    def test_before_any_return(self, api, submitted, clerk, ha_specialist):
        body = get(api(ha_specialist), f"dossiers/{submitted.pk}/process/")
        assert set(body) == {"dossier", "process", "active_tasks", "supplement_requests", "changes_since_return",
                             "rejected_reason", "public_notice"}
        assert body["dossier"]["state"] == "submitted"
        assert body["process"]["finished"] is None
        [intake] = body["active_tasks"]
        assert intake["node"] == "intake"
        assert intake["due_on"] == TaskDeadline.objects.get(task_id=intake["id"]).due_on.isoformat()
        assert (body["supplement_requests"], body["changes_since_return"], body["rejected_reason"],
                body["public_notice"]) == ([], [], "", None)
        # The unit reads the same status of its own dossier.
        assert get(api(clerk), f"dossiers/{submitted.pk}/process/")["active_tasks"] == body["active_tasks"]

    def test_a_return_its_items_and_what_changed_since(self, api, submitted, clerk, head, ha_specialist):
        nomination = submitted.nominations.get()
        return_dossier(submitted, ha_specialist, "Bổ sung giúp.", items=[
            ItemInput(reason="missing_initiative", nomination_id=nomination.pk, text="Thiếu xác nhận"),
            ItemInput(reason="unsigned", document_type="to_trinh")])
        body = get(api(clerk), f"dossiers/{submitted.pk}/process/")
        assert body["dossier"]["state"] == "returned"
        [waiting] = body["active_tasks"]
        [request] = body["supplement_requests"]
        assert waiting["node"] == "await_supplement" and waiting["due_on"] == request["due_on"]
        assert (request["number"], request["note"], request["created_by"], request["resolved_at"]) == (
            1, "Bổ sung giúp.", str(ha_specialist), None)
        assert [(i["reason"]["code"], i["nomination"], i["nominee_name"], i["document_type"], i["text"])
                for i in request["items"]] == [
            ("missing_initiative", nomination.pk, nomination.subject_name, None, "Thiếu xác nhận"),
            ("unsigned", None, None, {"code": "to_trinh", "name": "Tờ trình đề nghị khen thưởng"}, ""),
        ]
        assert body["changes_since_return"] == []

        from dossiers.services import dossiers as unit_services

        unit_services.update_dossier(actor=clerk, dossier=submitted, kind="regular", year=2025, title="Đã bổ sung")
        unit_services.send_to_head(actor=clerk, dossier=submitted)
        unit_services.submit_dossier(actor=head, dossier=submitted)
        body = get(api(ha_specialist), f"dossiers/{submitted.pk}/process/")
        assert [c["action"] for c in body["changes_since_return"]] == [
            "dossier.updated", "dossier.sent_to_head", "dossier.resubmitted"]
        assert body["changes_since_return"][0]["actor_name"] == str(clerk)
        assert body["supplement_requests"][0]["resolved_at"] is not None
        assert [t["node"] for t in body["active_tasks"]] == ["intake"]

    def test_rejection_reason_and_finished_process(self, api, submitted, clerk, ha_specialist):
        wf.complete_intake(actor=ha_specialist, task=task(submitted, "intake"), decision="reject",
                           reason="Không thuộc thẩm quyền của tỉnh.")
        body = get(api(clerk), f"dossiers/{submitted.pk}/process/")
        assert body["rejected_reason"] == "Không thuộc thẩm quyền của tỉnh."
        assert body["process"]["status"] == "DONE" and body["process"]["finished"]
        assert body["active_tasks"] == []

    def test_a_draft_has_no_process(self, api, dossier, clerk, ha_specialist):
        body = get(api(clerk), f"dossiers/{dossier.pk}/process/")
        assert (body["process"], body["active_tasks"]) == (None, [])
        # Home Affairs does not see drafts at all.
        assert_error(api(ha_specialist).get(url(f"dossiers/{dossier.pk}/process/")), 404, "not_found")

    def test_scope(self, api, submitted, other_clerk):
        assert_error(api(other_clerk).get(url(f"dossiers/{submitted.pk}/process/")), 404, "not_found")
        elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
        outsider = UserFactory(unit=elsewhere, roles=["ha_specialist"])
        assert_error(api(outsider).get(url(f"dossiers/{submitted.pk}/process/")), 404, "not_found")


def test_return_reasons(api, clerk):
    body = get(api(clerk), "return-reasons/")
    assert body[0] == {"code": "missing_document", "name": "Thiếu tài liệu theo thành phần hồ sơ",
                       "applies_to": "document"}
    assert "other" in [r["code"] for r in body]


# --------------------------------------------------------------------------
# Query counts: 3 rows cost what 30 rows cost
# --------------------------------------------------------------------------


def submit_many(unit, clerk, head, count):
    return [submitted_dossier(DossierFactory(unit=unit, created_by=clerk), clerk, head) for _ in range(count)]


@pytest.mark.parametrize("scope", ["queue", "mine", "overdue"])
def test_work_lists_are_a_fixed_number_of_queries(api, unit, clerk, head, ha_specialist, scope,
                                                  django_assert_max_num_queries):
    def prepare(dossiers):
        for dossier in dossiers:
            intake = task(dossier, "intake")
            if scope == "mine":
                wf.claim_task(actor=ha_specialist, task=intake)
            if scope == "overdue":
                TaskDeadline.objects.filter(task=intake).update(due_on=timezone.localdate() - datetime.timedelta(days=1))

    client = api(ha_specialist)
    prepare(submit_many(unit, clerk, head, 3))
    few, body = counted(client, "tasks/", {"scope": scope})
    assert body["count"] == 3
    prepare(submit_many(unit, clerk, head, 27))
    with django_assert_max_num_queries(few):
        body = get(client, "tasks/", {"scope": scope})
    assert len(body["results"]) == 30


def test_process_status_is_a_fixed_number_of_queries(api, submitted, clerk, head, ha_specialist,
                                                     django_assert_max_num_queries):
    from dossiers.services import dossiers as unit_services

    nomination = submitted.nominations.get()
    client = api(ha_specialist)

    def return_and_resubmit(items):
        return_dossier(submitted, ha_specialist, items=items)
        unit_services.send_to_head(actor=clerk, dossier=submitted)
        unit_services.submit_dossier(actor=head, dossier=submitted)

    return_and_resubmit([ItemInput(reason="other", text="Lần 1")])
    few, _body = counted(client, f"dossiers/{submitted.pk}/process/")
    for n in (2, 3, 4):
        return_and_resubmit([ItemInput(reason="missing_initiative", nomination_id=nomination.pk, text=f"Lần {n}"),
                             ItemInput(reason="unsigned", document_type="to_trinh"),
                             ItemInput(reason="other", text="Khác")])
    with django_assert_max_num_queries(few):
        body = get(client, f"dossiers/{submitted.pk}/process/")
    assert len(body["supplement_requests"]) == 4


def test_task_detail_is_a_handful_of_queries(api, submitted, ha_specialist, django_assert_max_num_queries):
    path, client = f"tasks/{task(submitted, 'intake').pk}/", api(ha_specialist)
    with django_assert_max_num_queries(10):
        get(client, path)


# --------------------------------------------------------------------------
# The schema
# --------------------------------------------------------------------------


def test_schema_lists_the_review_endpoints(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    for path in ("/api/v1/tasks/", "/api/v1/tasks/{id}/", "/api/v1/tasks/{id}/claim/", "/api/v1/tasks/{id}/release/",
                 "/api/v1/tasks/{id}/reassign/", "/api/v1/tasks/{id}/complete/", "/api/v1/dossiers/{id}/process/",
                 "/api/v1/dossiers/{id}/eligibility/", "/api/v1/dossiers/{id}/eligibility/check/",
                 "/api/v1/eligibility-verdicts/{id}/override/", "/api/v1/eligibility-overrides/{id}/",
                 "/api/v1/public-feedback/", "/api/v1/public-feedback/{id}/resolve/", "/api/v1/notifications/",
                 "/api/v1/notifications/read/", "/api/v1/return-reasons/"):
        assert path in paths, path
    assert "/api/v1/dossiers/{id}/return/" not in paths
    complete = paths["/api/v1/tasks/{id}/complete/"]["post"]
    assert {"400", "403", "404", "409"} <= set(complete["responses"])
    body = complete["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/TaskCompletionRequest"}
    schemas = response.json()["components"]["schemas"]
    assert len(schemas["TaskCompletionRequest"]["oneOf"]) == 4  # intake, appraisal, approval, feedback
    actions = schemas["DossierDetail"]["properties"]["allowed_actions"]["items"]
    assert "return" not in str(actions)

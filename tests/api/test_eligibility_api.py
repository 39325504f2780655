"""Eligibility through the API: check, read the verdict trees, accept a failed criterion in writing, undo it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import EligibilityOverride, VerdictResult
from dossiers.services import dossiers as unit_services
from tests.api.helpers import assert_error, url
from tests.factories import PersonFactory, ProvinceFactory, UnitFactory, UserFactory, award
from tests.workflows.test_flow import accept, submitted_dossier, task, upload_missing
from workflows import services as wf


@pytest.fixture
def lead(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao")


@pytest.fixture
def under_review(dossier, clerk, head, ha_specialist):
    dossier = submitted_dossier(dossier, clerk, head)
    accept(dossier, ha_specialist)
    return dossier


@pytest.fixture
def outsider():
    elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
    return UserFactory(unit=elsewhere, roles=["ha_specialist", "ha_lead"])


def check(client, dossier):
    return client.post(url(f"dossiers/{dossier.pk}/eligibility/check/"))


def checked(client, dossier) -> list[dict]:
    response = check(client, dossier)
    assert response.status_code == 200, response.content
    return response.json()


def root(rows, key):
    return next(v for v in rows[0]["verdicts"] if v["key"] == key)


class TestCheck:
    def test_check_then_read_the_tree(self, api, under_review, ha_specialist, lead):
        client = api(ha_specialist)
        [row] = client.get(url(f"dossiers/{under_review.pk}/eligibility/")).json()
        nomination = under_review.nominations.get()
        assert (row["nomination"], row["result"], row["checked_at"], row["verdicts"]) == (
            nomination.pk, None, None, [])

        [row] = checked(client, under_review)
        assert (row["nominee_name"], row["award_type"], row["outcome"]) == (
            nomination.subject_name, "BK_TINH_CN", "proposed")
        assert row["result"] == VerdictResult.UNKNOWN
        assert row["checked_at"]
        verdict = row["verdicts"][0]
        assert set(verdict) == {"id", "key", "description", "result", "result_label", "explanation", "regulation",
                                "evaluated_at", "override", "children"}
        assert root([row], "not_disciplined")["result"] == "pass"
        grounds = root([row], "any_of")
        assert grounds["children"] and grounds["regulation"] == "ND152_2025"
        assert "Chưa" in grounds["explanation"]
        # Leads read the same verdicts.
        assert api(lead).get(url(f"dossiers/{under_review.pk}/eligibility/")).json() == [row]

    def test_only_at_the_appraisal_and_by_whoever_may_appraise(self, api, dossier, clerk, head, ha_specialist,
                                                              ha_unit, lead):
        submitted = submitted_dossier(dossier, clerk, head)
        body = assert_error(check(api(ha_specialist), submitted), 400, "wrong_task")
        assert "bước thẩm định" in body["message"]
        accept(submitted, ha_specialist)
        assert_error(check(api(lead), submitted), 403, "permission_denied")
        other = UserFactory(unit=ha_unit, roles=["ha_specialist"])
        wf.claim_task(actor=other, task=task(submitted, "appraisal"))
        body = assert_error(check(api(ha_specialist), submitted), 409, "task_taken")
        assert str(other) in body["message"]
        assert checked(api(other), submitted)

    def test_refusals(self, api, under_review, clerk, outsider):
        assert_error(check(api(clerk), under_review), 403, "permission_denied")
        assert_error(api(clerk).get(url(f"dossiers/{under_review.pk}/eligibility/")), 403, "permission_denied")
        assert_error(check(api(outsider), under_review), 404, "not_found")
        assert_error(api(outsider).get(url(f"dossiers/{under_review.pk}/eligibility/")), 404, "not_found")


class TestOverrides:
    def test_override_then_remove(self, api, under_review, ha_specialist):
        client = api(ha_specialist)
        grounds = root(checked(client, under_review), "any_of")
        path = f"eligibility-verdicts/{grounds['id']}/override/"
        body = assert_error(client.post(url(path), {}, format="json"), 400, "invalid")
        assert body["errors"] == [{"field": "reason", "message": "Bắt buộc phải có.", "code": "required"}]
        assert_error(client.post(url(path), {"reason": "   "}, format="json"), 400, "invalid")

        response = client.post(url(path), {"reason": "Đã xác minh thành tích thực tế."}, format="json")
        assert response.status_code == 201, response.content
        row = response.json()
        assert row["result"] == "pass"
        override = root([row], "any_of")["override"]
        assert (override["reason"], override["created_by"]) == ("Đã xác minh thành tích thực tế.", str(ha_specialist))
        assert_error(client.post(url(path), {"reason": "Lần nữa"}, format="json"), 400, "already_overridden")

        response = client.delete(url(f"eligibility-overrides/{override['id']}/"))
        assert response.status_code == 204
        assert not EligibilityOverride.objects.exists()
        [row] = client.get(url(f"dossiers/{under_review.pk}/eligibility/")).json()
        assert row["result"] == "unknown" and root([row], "any_of")["override"] is None
        assert_error(client.delete(url(f"eligibility-overrides/{override['id']}/")), 404, "not_found")

    def test_a_passed_criterion_needs_no_override(self, api, under_review, ha_specialist):
        client = api(ha_specialist)
        passed = root(checked(client, under_review), "not_disciplined")
        body = assert_error(client.post(url(f"eligibility-verdicts/{passed['id']}/override/"), {"reason": "x"},
                                        format="json"), 400, "verdict_passed")
        assert "đã đạt" in body["message"]

    def test_refusals(self, api, under_review, ha_specialist, clerk, lead, outsider):
        grounds = root(checked(api(ha_specialist), under_review), "any_of")
        path = url(f"eligibility-verdicts/{grounds['id']}/override/")
        assert_error(api(clerk).post(path, {"reason": "x"}, format="json"), 403, "permission_denied")
        assert_error(api(lead).post(path, {"reason": "x"}, format="json"), 403, "permission_denied")
        assert_error(api(outsider).post(path, {"reason": "x"}, format="json"), 404, "not_found")
        assert_error(api(ha_specialist).post(url("eligibility-verdicts/999999/override/"), {"reason": "x"},
                                             format="json"), 404, "not_found")
        response = api(ha_specialist).post(path, {"reason": "Đã xác minh."}, format="json")
        override = root([response.json()], "any_of")["override"]["id"]
        for user, status, code in ((clerk, 403, "permission_denied"), (outsider, 404, "not_found"),
                                   (lead, 403, "permission_denied")):
            assert_error(api(user).delete(url(f"eligibility-overrides/{override}/")), status, code)
        assert EligibilityOverride.objects.filter(pk=override).exists()

    def test_no_override_once_the_appraisal_is_done(self, api, under_review, ha_specialist):
        client = api(ha_specialist)
        grounds = root(checked(client, under_review), "any_of")
        nomination = under_review.nominations.get()
        wf.complete_appraisal(actor=ha_specialist, task=task(under_review, "appraisal"), decision="submit",
                              appraisals=[_ineligible(nomination)])
        assert_error(client.post(url(f"eligibility-verdicts/{grounds['id']}/override/"), {"reason": "x"},
                                 format="json"), 400, "wrong_task")


def _ineligible(nomination):
    from dossiers.services.review import AppraisalInput

    return AppraisalInput(nomination_id=nomination.pk, eligible=False, note="Chưa đủ thành tích.")


def test_reading_the_verdicts_is_a_fixed_number_of_queries(api, dossier, clerk, head, ha_specialist,
                                                           django_assert_max_num_queries):
    def nominate(count):
        for _ in range(count):
            unit_services.add_nomination(actor=clerk, dossier=dossier, award_type=award("BK_TINH_CN"),
                                         achievement_summary="Hoàn thành xuất sắc nhiệm vụ.",
                                         person=PersonFactory(unit=dossier.unit))

    nominate(2)
    submitted = submitted_dossier(dossier, clerk, head)  # adds the third
    accept(submitted, ha_specialist)
    client = api(ha_specialist)
    checked(client, submitted)
    path = url(f"dossiers/{submitted.pk}/eligibility/")
    with CaptureQueriesContext(connection) as context:
        assert len(client.get(path).json()) == 3
    few = len(context)

    # Back to the unit, 27 more nominees, resubmitted, accepted and checked again.
    wf.complete_appraisal(actor=ha_specialist, task=task(submitted, "appraisal"), decision="return",
                          note="Bổ sung thêm người.")
    nominate(27)
    upload_missing(submitted, clerk)
    unit_services.send_to_head(actor=clerk, dossier=submitted)
    unit_services.submit_dossier(actor=head, dossier=submitted)
    accept(submitted, ha_specialist)
    checked(client, submitted)
    with django_assert_max_num_queries(few):
        assert len(client.get(path).json()) == 30

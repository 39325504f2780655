"""The public's feedback on noticed nominees, as Home Affairs reads and resolves it through the API."""

from __future__ import annotations

import pytest

from dossiers.models import Dossier, FeedbackStatus, NominationOutcome
from dossiers.services.notice import submit_feedback
from tests.api.helpers import assert_error, url
from tests.factories import DossierFactory, ProvinceFactory, UnitFactory, UserFactory
from tests.workflows.test_flow import accept, appraise, approve, submitted_dossier


@pytest.fixture
def lead(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao")


def noticed(dossier, clerk, head, specialist, lead, codes=("HC_LD3_CN",)):
    """A dossier whose nominees are on the public notice (an order must be noticed)."""
    dossier = submitted_dossier(dossier, clerk, head, *codes)
    accept(dossier, specialist)
    appraise(dossier, specialist)
    approve(dossier, lead)
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == "public_notice"
    return dossier


def feedback_on(dossier, count=1, prefix="k"):
    nominations = list(dossier.nominations.order_by("id"))
    return [submit_feedback(nomination=nominations[i % len(nominations)], name="Người dân", contact="0912 345 678",
                            text=f"Góp ý số {i}.", client_key=f"{prefix}{i}") for i in range(count)]


@pytest.fixture
def on_notice(dossier, clerk, head, ha_specialist, lead):
    return noticed(dossier, clerk, head, ha_specialist, lead)


class TestList:
    def test_open_feedback_of_the_province(self, api, on_notice, ha_specialist, lead):
        first, second = feedback_on(on_notice, 2)
        client = api(ha_specialist)
        body = client.get(url("public-feedback/"), {"status": "open"}).json()
        assert [row["id"] for row in body["results"]] == [first.pk, second.pk]
        row = body["results"][0]
        nomination = on_notice.nominations.get()
        assert (row["nomination"], row["nominee_name"], row["award_type"], row["text"], row["status"],
                row["resolved_by"]) == (nomination.pk, nomination.subject_name, "HC_LD3_CN", "Góp ý số 0.", "open",
                                        None)
        assert row["dossier"]["reference"] == on_notice.reference
        assert api(lead).get(url("public-feedback/")).json()["count"] == 2

        client.post(url(f"public-feedback/{first.pk}/resolve/"), {"upheld": False, "note": "Không có cơ sở."},
                    format="json")
        assert [r["id"] for r in client.get(url("public-feedback/"), {"status": "open"}).json()["results"]] == [
            second.pk]
        assert [r["id"] for r in client.get(url("public-feedback/"), {"status": "dismissed"}).json()["results"]] == [
            first.pk]
        assert client.get(url("public-feedback/")).json()["count"] == 2
        assert client.get(url("public-feedback/"), {"dossier": on_notice.pk + 1}).json()["count"] == 0

    def test_refusals(self, api, on_notice, clerk, ha_specialist):
        feedback_on(on_notice)
        assert_error(api(clerk).get(url("public-feedback/")), 403, "permission_denied")
        body = assert_error(api(ha_specialist).get(url("public-feedback/"), {"status": "closed"}), 400, "invalid")
        assert body["errors"][0]["field"] == "status"
        elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
        outsider = UserFactory(unit=elsewhere, roles=["ha_specialist"])
        assert api(outsider).get(url("public-feedback/")).json()["count"] == 0


class TestResolve:
    def test_dismiss_and_uphold(self, api, dossier, clerk, head, ha_specialist, lead):
        dossier = noticed(dossier, clerk, head, ha_specialist, lead, ("HC_LD3_CN", "HC_LD3_CN"))
        first, second = feedback_on(dossier, 2)
        client = api(ha_specialist)
        response = client.post(url(f"public-feedback/{first.pk}/resolve/"),
                               {"upheld": False, "note": "Không có cơ sở."}, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["status"], body["resolution_note"], body["resolved_by"]) == (
            "dismissed", "Không có cơ sở.", str(ha_specialist))
        assert body["resolved_at"]

        response = client.post(url(f"public-feedback/{second.pk}/resolve/"),
                               {"upheld": True, "note": "Có cơ sở: đã xác minh."}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == FeedbackStatus.UPHELD
        second.nomination.refresh_from_db()
        assert second.nomination.outcome == NominationOutcome.INELIGIBLE

        body = assert_error(client.post(url(f"public-feedback/{first.pk}/resolve/"),
                                        {"upheld": True, "note": "Xem lại."}, format="json"), 400, "already_resolved")
        assert "đã được xử lý" in body["message"]

    def test_the_note_and_the_verdict_are_required(self, api, on_notice, ha_specialist):
        [feedback] = feedback_on(on_notice)
        path = url(f"public-feedback/{feedback.pk}/resolve/")
        client = api(ha_specialist)
        body = assert_error(client.post(path, {"note": "x"}, format="json"), 400, "invalid")
        assert body["errors"] == [{"field": "upheld", "message": "Bắt buộc phải có.", "code": "required"}]
        body = assert_error(client.post(path, {"upheld": False, "note": " "}, format="json"), 400, "note_required")
        assert body["errors"] == [{"field": "note", "message": "Bắt buộc."}]
        feedback.refresh_from_db()
        assert feedback.status == FeedbackStatus.OPEN

    def test_refusals(self, api, on_notice, clerk):
        [feedback] = feedback_on(on_notice)
        path = url(f"public-feedback/{feedback.pk}/resolve/")
        assert_error(api(clerk).post(path, {"upheld": False, "note": "x"}, format="json"), 403, "permission_denied")
        elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
        outsider = UserFactory(unit=elsewhere, roles=["ha_specialist", "ha_lead"])
        assert_error(api(outsider).post(path, {"upheld": False, "note": "x"}, format="json"), 404, "not_found")
        feedback.refresh_from_db()
        assert feedback.status == FeedbackStatus.OPEN


def test_the_list_is_a_fixed_number_of_queries(api, unit, clerk, head, ha_specialist, lead,
                                               django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = noticed(DossierFactory(unit=unit, created_by=clerk), clerk, head, ha_specialist, lead)
    feedback_on(first, 3, "a")
    client = api(ha_specialist)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url("public-feedback/")).json()["count"] == 3
    few = len(context)
    second = noticed(DossierFactory(unit=unit, created_by=clerk), clerk, head, ha_specialist, lead,
                     ("HC_LD3_CN", "HC_LD3_CN", "HC_LD3_CN"))
    feedback_on(second, 27, "b")
    with django_assert_max_num_queries(few):
        assert len(client.get(url("public-feedback/")).json()["results"]) == 30

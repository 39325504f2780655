"""Public feedback as a task in the API: Home Affairs lists, claims and resolves it like any other task."""

from __future__ import annotations

import pytest

from dossiers.models import FeedbackStatus, NominationOutcome, PublicFeedback
from tests.api.helpers import assert_error, url
from tests.workflows.test_feedback_tasks import TITLE, noticed, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(ha_unit):
    from tests.factories import UserFactory

    return UserFactory(unit=ha_unit, roles=["ha_lead"], username="lanhdao")


class TestApi:
    def test_queue_claim_and_resolve_through_the_api(self, api, dossier, clerk, head, ha_specialist, lead):
        dossier = noticed(dossier, clerk, head, ha_specialist, lead)
        nomination = dossier.nominations.get()
        feedback = send(nomination)
        client = api(ha_specialist)
        rows = client.get(url("tasks/"), {"scope": "queue"}).json()["results"]
        assert [(r["node"], r["title"], r["dossier"]["reference"]) for r in rows] == [
            ("resolve_feedback", TITLE, dossier.reference)]
        pk = rows[0]["id"]
        detail = client.get(url(f"tasks/{pk}/")).json()
        assert detail["decisions"] == ["dismiss", "uphold"]
        assert detail["allowed_actions"] == ["claim", "complete"]
        assert detail["deadline"]["working_days"] == 5
        assert client.post(url(f"tasks/{pk}/claim/")).json()["owner"]["id"] == ha_specialist.pk
        assert_error(client.post(url(f"tasks/{pk}/complete/"), {"decision": "uphold", "note": ""}, format="json"),
                     400, "note_required")
        assert_error(client.post(url(f"tasks/{pk}/complete/"), {"decision": "accept", "note": "x"}, format="json"),
                     400, "invalid")
        body = client.post(url(f"tasks/{pk}/complete/"), {"decision": "uphold", "note": "Có cơ sở."},
                           format="json").json()
        assert body["task"]["status"] == "DONE"
        nomination.refresh_from_db()
        assert nomination.outcome == NominationOutcome.INELIGIBLE
        assert PublicFeedback.objects.get(pk=feedback.pk).status == FeedbackStatus.UPHELD

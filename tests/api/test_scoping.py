"""Another unit's dossier, nominations and files are "not found" (404), never "forbidden"."""

from __future__ import annotations

import pytest

from dossiers.models import Attachment, Dossier, Nomination
from tests.api.helpers import assert_error, complete, url
from tests.factories import DossierFactory, UnitFactory, UserFactory, pdf_upload
from workflows import services as wf


@pytest.fixture
def prepared(dossier, clerk):
    nomination = complete(dossier, clerk)
    return dossier, nomination, Attachment.objects.filter(dossier=dossier).first()


READS = ["dossiers/{d}/", "dossiers/{d}/nominations/", "dossiers/{d}/attachments/", "dossiers/{d}/history/",
         "dossiers/{d}/process/", "nominations/{n}/", "attachments/{a}/", "attachments/{a}/download/"]
POSTS = ["dossiers/{d}/send-to-head/", "dossiers/{d}/submit/", "dossiers/{d}/withdraw/",
         "dossiers/{d}/nominations/"]


class TestOtherUnit:
    @pytest.mark.parametrize("path", READS)
    def test_reads_are_not_found(self, api, other_clerk, prepared, path):
        dossier, nomination, attachment = prepared
        response = api(other_clerk).get(url(path.format(d=dossier.pk, n=nomination.pk, a=attachment.pk)))
        assert_error(response, 404, "not_found")

    @pytest.mark.parametrize("path", POSTS)
    def test_transitions_are_not_found(self, api, other_clerk, prepared, path):
        dossier, nomination, attachment = prepared
        response = api(other_clerk).post(url(path.format(d=dossier.pk)), {"reason": "x"}, format="json")
        assert_error(response, 404, "not_found")

    def test_changes_are_not_found_and_change_nothing(self, api, other_clerk, prepared):
        dossier, nomination, attachment = prepared
        client = api(other_clerk)
        assert_error(client.patch(url(f"dossiers/{dossier.pk}/"), {"title": "Của tôi"}, format="json"),
                     404, "not_found")
        assert_error(client.patch(url(f"nominations/{nomination.pk}/"), {"achievement_summary": "x"},
                                  format="json"), 404, "not_found")
        assert_error(client.delete(url(f"nominations/{nomination.pk}/")), 404, "not_found")
        assert_error(client.delete(url(f"attachments/{attachment.pk}/")), 404, "not_found")
        assert_error(client.post(url(f"dossiers/{dossier.pk}/attachments/"),
                                 {"document_type": "khac", "file": pdf_upload()}, format="multipart"),
                     404, "not_found")
        assert_error(client.post(url(f"dossiers/{dossier.pk}/import-nominees/"),
                                 {"file": pdf_upload()}, format="multipart"), 404, "not_found")
        dossier.refresh_from_db()
        assert dossier.title != "Của tôi"
        assert Nomination.objects.filter(pk=nomination.pk).exists()
        assert Attachment.objects.filter(pk=attachment.pk).exists()

    def test_list_shows_only_own_unit(self, api, other_clerk, other_unit, prepared):
        own = DossierFactory(unit=other_unit, created_by=other_clerk)
        body = api(other_clerk).get(url("dossiers/")).json()
        assert [d["id"] for d in body["results"]] == [own.pk]
        assert api(other_clerk).get(url("dossiers/"), {"unit": prepared[0].unit_id}).json()["count"] == 0

    def test_cannot_nominate_another_units_person(self, api, clerk, dossier, other_unit):
        from tests.factories import PersonFactory

        stranger = PersonFactory(unit=other_unit)
        body = assert_error(api(clerk).post(url(f"dossiers/{dossier.pk}/nominations/"), {
            "award_type": "BK_TINH_CN", "achievement_summary": "x", "person_id": stranger.pk,
        }, format="json"), 400, "invalid")
        assert body["errors"][0]["field"] == "person_id"


class TestWiderScopes:
    def test_parent_unit_reads_child_dossiers(self, api, province, unit):
        child = UnitFactory(province=province, parent=unit)
        child_dossier = DossierFactory(unit=child)
        head = UserFactory(unit=unit, roles=["unit_head"])
        assert api(head).get(url(f"dossiers/{child_dossier.pk}/")).status_code == 200
        # Reading is not acting: the parent unit's head may not edit the child's draft.
        assert_error(api(head).patch(url(f"dossiers/{child_dossier.pk}/"), {"title": "x"}, format="json"),
                     403, "permission_denied")
        assert api(head).get(url(f"dossiers/{child_dossier.pk}/")).json()["allowed_actions"] == []

    def test_home_affairs_reads_submitted_dossiers_only(self, api, ha_specialist, prepared, clerk, head):
        dossier, nomination, attachment = prepared
        client = api(ha_specialist)
        assert_error(client.get(url(f"dossiers/{dossier.pk}/")), 404, "not_found")
        assert_error(client.get(url(f"attachments/{attachment.pk}/download/")), 404, "not_found")
        api(clerk).post(url(f"dossiers/{dossier.pk}/send-to-head/"))
        api(head).post(url(f"dossiers/{dossier.pk}/submit/"))
        assert client.get(url(f"dossiers/{dossier.pk}/")).status_code == 200
        assert client.get(url(f"attachments/{attachment.pk}/download/")).status_code == 200
        assert [d["id"] for d in client.get(url("dossiers/")).json()["results"]] == [dossier.pk]

    def test_home_affairs_of_another_province_sees_nothing(self, api, prepared, clerk, head):
        from tests.factories import ProvinceFactory

        dossier = prepared[0]
        api(clerk).post(url(f"dossiers/{dossier.pk}/send-to-head/"))
        api(head).post(url(f"dossiers/{dossier.pk}/submit/"))
        elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
        stranger = UserFactory(unit=elsewhere, roles=["ha_specialist"])
        assert_error(api(stranger).get(url(f"dossiers/{dossier.pk}/")), 404, "not_found")
        assert_error(api(stranger).get(url(f"dossiers/{dossier.pk}/process/")), 404, "not_found")
        intake = wf.active_task(dossier, "intake")
        assert_error(api(stranger).post(url(f"tasks/{intake.pk}/complete/"), {"decision": "return", "note": "x"},
                                        format="json"), 404, "not_found")
        assert Dossier.objects.get(pk=dossier.pk).state == "submitted"

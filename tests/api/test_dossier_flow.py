"""A dossier through the API: draft, nominees, documents, hand-over, submission, return (by the HA task), withdrawal."""

from __future__ import annotations

import pytest

from dossiers.models import Attachment, Dossier, Nomination, Person
from tests.api.helpers import assert_error, complete, url
from tests.factories import PersonFactory, UserFactory, award, pdf_upload


def create_dossier(client, **overrides):
    body = {"kind": "regular", "year": 2025, "title": "Đề nghị khen thưởng năm 2025", **overrides}
    return client.post(url("dossiers/"), body, format="json")


def add_person(client, dossier_id, name="Nguyễn Văn An", award_code="BK_TINH_CN"):
    return client.post(url(f"dossiers/{dossier_id}/nominations/"), {
        "award_type": award_code,
        "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ năm 2025.",
        "person": {"full_name": name, "gender": "male", "birth_year": 1980, "position": "Chuyên viên"},
    }, format="json")


def upload(client, dossier_id, code, nomination=None, file=None):
    data = {"document_type": code, "file": file or pdf_upload()}
    if nomination is not None:
        data["nomination"] = nomination
    return client.post(url(f"dossiers/{dossier_id}/attachments/"), data, format="multipart")


class TestFullFlow:
    def test_clerk_prepares_and_head_submits(self, api, clerk, head, unit):
        as_clerk, as_head = api(clerk), api(head)

        response = create_dossier(as_clerk)
        assert response.status_code == 201, response.json()
        dossier = response.json()
        assert dossier["state"] == "draft"
        assert dossier["unit"]["id"] == unit.pk
        assert dossier["reference"].startswith("HS-2025-")
        assert response["Location"].endswith(f"/api/v1/dossiers/{dossier['id']}/")
        assert set(dossier["allowed_actions"]) == {"edit", "send_to_head", "withdraw"}
        dossier_id = dossier["id"]

        response = add_person(as_clerk, dossier_id)
        assert response.status_code == 201, response.json()
        nomination = response.json()
        assert nomination["nominee_name"] == "Nguyễn Văn An"
        assert nomination["award_type"]["code"] == "BK_TINH_CN"
        assert nomination["subject"] == "individual"
        assert nomination["outcome"] == "proposed"

        # What is still missing, per the catalogue: tờ trình, biên bản once; a report per nominee.
        detail = as_clerk.get(url(f"dossiers/{dossier_id}/")).json()
        assert [(r["document_type"], r["nomination"], r["satisfied"]) for r in detail["requirements"]] == [
            ("to_trinh", None, False), ("bien_ban_hop", None, False), ("bao_cao_ca_nhan", nomination["id"], False),
        ]

        for code, target in (("to_trinh", None), ("bien_ban_hop", None), ("bao_cao_ca_nhan", nomination["id"])):
            response = upload(as_clerk, dossier_id, code, target)
            assert response.status_code == 201, response.json()
            assert response.json()["content_type"] == "application/pdf"

        detail = as_clerk.get(url(f"dossiers/{dossier_id}/")).json()
        assert all(r["satisfied"] for r in detail["requirements"])
        assert detail["nomination_count"] == 1
        assert len(detail["attachments"]) == 3

        response = as_clerk.post(url(f"dossiers/{dossier_id}/send-to-head/"))
        assert response.status_code == 200, response.json()
        assert response.json()["prepared_by"] == str(clerk)
        assert "submit" not in response.json()["allowed_actions"]

        detail = as_head.get(url(f"dossiers/{dossier_id}/")).json()
        assert "submit" in detail["allowed_actions"]
        response = as_head.post(url(f"dossiers/{dossier_id}/submit/"))
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["state"] == "submitted"
        assert body["submitted_by"] == str(head)
        assert body["regulation"] == "ND152_2025"
        assert body["allowed_actions"] == ["withdraw"]

        history = as_head.get(url(f"dossiers/{dossier_id}/history/")).json()
        assert [e["action"] for e in history] == [
            "dossier.created", "nomination.added", "attachment.uploaded", "attachment.uploaded",
            "attachment.uploaded", "dossier.sent_to_head", "dossier.submitted",
        ]
        assert set(history[-1]) == {"id", "time", "actor_name", "action", "message", "before", "after"}
        assert history[-1]["before"] == {"state": "draft"}
        assert history[-1]["actor_name"] == str(head)

    def test_submit_refused_while_documents_are_missing(self, api, clerk, head, dossier):
        nomination = complete(dossier, clerk)
        Attachment.objects.filter(nomination=nomination).delete()
        as_clerk = api(clerk)
        body = assert_error(as_clerk.post(url(f"dossiers/{dossier.pk}/send-to-head/")), 400, "missing_documents")
        assert body["errors"] == [{"document_type": "bao_cao_ca_nhan", "nomination": nomination.pk,
                                   "message": "Báo cáo thành tích cá nhân: Nguyễn Văn An"}]
        assert "thiếu 1 tài liệu" in body["message"]

    def test_head_submit_lists_what_is_missing(self, api, clerk, head, dossier):
        complete(dossier, clerk)
        api(clerk).post(url(f"dossiers/{dossier.pk}/send-to-head/"))
        Attachment.objects.filter(dossier=dossier, document_type__code="to_trinh").delete()
        body = assert_error(api(head).post(url(f"dossiers/{dossier.pk}/submit/")), 400, "missing_documents")
        assert [e["document_type"] for e in body["errors"]] == ["to_trinh"]
        assert body["errors"][0]["nomination"] is None
        dossier.refresh_from_db()
        assert dossier.state == "draft"

    def test_sender_cannot_submit_what_they_sent(self, api, unit, dossier):
        both = UserFactory(unit=unit, roles=["unit_clerk", "unit_head"])
        complete(dossier, both)
        client = api(both)
        assert client.post(url(f"dossiers/{dossier.pk}/send-to-head/")).status_code == 200
        body = assert_error(client.post(url(f"dossiers/{dossier.pk}/submit/")), 403, "separation_of_duties")
        assert "không được tự trình" in body["message"]
        assert "submit" not in client.get(url(f"dossiers/{dossier.pk}/")).json()["allowed_actions"]

    def test_head_cannot_submit_before_the_clerk_sends(self, api, clerk, head, dossier):
        complete(dossier, clerk)
        assert_error(api(head).post(url(f"dossiers/{dossier.pk}/submit/")), 403, "separation_of_duties")

    def test_clerk_cannot_submit(self, api, clerk, dossier):
        complete(dossier, clerk)
        api(clerk).post(url(f"dossiers/{dossier.pk}/send-to-head/"))
        assert_error(api(clerk).post(url(f"dossiers/{dossier.pk}/submit/")), 403, "permission_denied")


@pytest.fixture
def submitted(api, clerk, head, dossier):
    complete(dossier, clerk)
    assert api(clerk).post(url(f"dossiers/{dossier.pk}/send-to-head/")).status_code == 200
    assert api(head).post(url(f"dossiers/{dossier.pk}/submit/")).status_code == 200
    return dossier


class TestAfterSubmission:
    def test_withdrawal_needs_a_reason(self, api, head, submitted):
        client = api(head)
        assert_error(client.post(url(f"dossiers/{submitted.pk}/withdraw/"), {}, format="json"),
                     400, "reason_required")
        response = client.post(url(f"dossiers/{submitted.pk}/withdraw/"), {"reason": "Nộp nhầm hồ sơ."},
                               format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["state"] == "withdrawn"
        assert response.json()["withdrawn_reason"] == "Nộp nhầm hồ sơ."
        assert set(Nomination.objects.filter(dossier=submitted).values_list("outcome", flat=True)) == {"withdrawn"}

    def test_clerk_cannot_withdraw_a_submitted_dossier(self, api, clerk, submitted):
        assert_error(api(clerk).post(url(f"dossiers/{submitted.pk}/withdraw/"), {"reason": "x"}, format="json"),
                     403, "permission_denied")

    def test_clerk_may_cancel_a_draft_without_reason(self, api, clerk, dossier):
        response = api(clerk).post(url(f"dossiers/{dossier.pk}/withdraw/"))
        assert response.status_code == 200
        assert response.json()["state"] == "withdrawn"

    def test_unit_can_no_longer_edit(self, api, clerk, submitted):
        client = api(clerk)
        assert_error(client.patch(url(f"dossiers/{submitted.pk}/"), {"title": "Khác"}, format="json"),
                     403, "permission_denied")
        assert_error(upload(client, submitted.pk, "khac"), 403, "permission_denied")

    def test_home_affairs_returns_then_unit_resubmits(self, api, clerk, head, ha_specialist, submitted):
        as_ha = api(ha_specialist)
        detail = as_ha.get(url(f"dossiers/{submitted.pk}/")).json()
        # Home Affairs does not act on the dossier itself: it returns through its intake task.
        assert detail["allowed_actions"] == []
        path = f"tasks/{intake_task_id(as_ha, submitted)}/complete/"
        assert_error(as_ha.post(url(path), {"decision": "return", "note": " "}, format="json"),
                     400, "reason_required")
        response = as_ha.post(url(path), {"decision": "return", "note": "Bổ sung biên bản họp có chữ ký.",
                                          "items": [{"reason": "unsigned", "document_type": "bien_ban_hop"}]},
                              format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["dossier"]["state"] == "returned"
        body = as_ha.get(url(f"dossiers/{submitted.pk}/")).json()
        assert (body["state"], body["return_count"]) == ("returned", 1)
        assert body["return_reason"].startswith("Bổ sung biên bản họp có chữ ký.\nTài liệu chưa ký, đóng dấu")

        # The unit edits again; the clerk must send it to the head once more.
        as_clerk, as_head = api(clerk), api(head)
        assert "edit" in as_clerk.get(url(f"dossiers/{submitted.pk}/")).json()["allowed_actions"]
        assert upload(as_clerk, submitted.pk, "bien_ban_hop").status_code == 201
        assert_error(as_head.post(url(f"dossiers/{submitted.pk}/submit/")), 403, "separation_of_duties")
        assert as_clerk.post(url(f"dossiers/{submitted.pk}/send-to-head/")).status_code == 200
        response = as_head.post(url(f"dossiers/{submitted.pk}/submit/"))
        assert response.status_code == 200, response.json()
        assert response.json()["state"] == "submitted"
        assert response.json()["return_count"] == 1
        actions = [e["action"] for e in as_head.get(url(f"dossiers/{submitted.pk}/history/")).json()]
        assert actions[-4:] == ["dossier.returned", "attachment.uploaded", "dossier.sent_to_head",
                                "dossier.resubmitted"]

    def test_only_home_affairs_returns(self, api, head, ha_specialist, submitted):
        path = f"tasks/{intake_task_id(api(ha_specialist), submitted)}/complete/"
        assert_error(api(head).post(url(path), {"decision": "return", "note": "x"}, format="json"),
                     403, "permission_denied")
        assert Dossier.objects.get(pk=submitted.pk).state == "submitted"

    def test_home_affairs_cannot_return_twice(self, api, ha_specialist, submitted):
        client = api(ha_specialist)
        path = f"tasks/{intake_task_id(client, submitted)}/complete/"
        assert client.post(url(path), {"decision": "return", "note": "Thiếu"}, format="json").status_code == 200
        # The intake task is done: returning again is a conflict (the dossier now waits for the unit).
        assert_error(client.post(url(path), {"decision": "return", "note": "Thiếu"}, format="json"),
                     409, "task_closed")
        assert Dossier.objects.get(pk=submitted.pk).return_count == 1


def intake_task_id(client, dossier) -> int:
    """The dossier's open intake task, as Home Affairs finds it through the process status."""
    tasks = client.get(url(f"dossiers/{dossier.pk}/process/")).json()["active_tasks"]
    return next(t["id"] for t in tasks if t["node"] == "intake")


class TestDossierHeader:
    def test_create_validates_fields_in_vietnamese(self, api, clerk):
        body = assert_error(create_dossier(api(clerk), kind="nope", year="abc", title=""), 400, "invalid")
        fields = {e["field"]: e for e in body["errors"]}
        assert set(fields) == {"kind", "year", "title"}
        assert fields["year"]["message"] == "Phải là số nguyên."
        assert fields["kind"]["code"] == "invalid_choice"
        assert "nope" in fields["kind"]["message"]

    def test_service_refusals_keep_their_field_details(self, api, clerk):
        body = assert_error(create_dossier(api(clerk), kind="thematic"), 400, "invalid")
        assert body["errors"] == [{"field": "movement",
                                   "message": "Khen thưởng chuyên đề phải chọn phong trào thi đua."}]

    def test_home_affairs_cannot_create(self, api, ha_specialist):
        assert_error(create_dossier(api(ha_specialist)), 403, "permission_denied")

    def test_cannot_create_for_another_unit(self, api, clerk, other_unit):
        # The other unit is outside the clerk's scope: the reference is unknown.
        body = assert_error(create_dossier(api(clerk), unit=other_unit.pk), 400, "invalid")
        assert body["errors"][0]["field"] == "unit"

    def test_update_put_and_patch(self, api, clerk, dossier):
        client = api(clerk)
        response = client.patch(url(f"dossiers/{dossier.pk}/"), {"title": "Đề nghị  mới"}, format="json")
        assert response.status_code == 200, response.json()
        assert (response.json()["title"], response.json()["year"]) == ("Đề nghị mới", 2025)
        response = client.put(url(f"dossiers/{dossier.pk}/"),
                              {"kind": "regular", "year": 2024, "title": "Năm 2024"}, format="json")
        assert response.status_code == 200, response.json()
        assert (response.json()["title"], response.json()["year"]) == ("Năm 2024", 2024)
        assert_error(client.put(url(f"dossiers/{dossier.pk}/"), {"title": "Thiếu trường"}, format="json"),
                     400, "invalid")

    def test_list_filters(self, api, clerk, unit):
        client = api(clerk)
        first = create_dossier(client, title="Khen thưởng phong trào Đồng khởi").json()
        create_dossier(client, title="Khen thưởng cuối năm", year=2024)
        results = client.get(url("dossiers/"), {"q": "dong khoi"}).json()["results"]
        assert [d["id"] for d in results] == [first["id"]]
        assert [d["year"] for d in client.get(url("dossiers/"), {"year": 2024}).json()["results"]] == [2024]
        assert client.get(url("dossiers/"), {"state": "submitted"}).json()["count"] == 0
        assert client.get(url("dossiers/"), {"unit": unit.pk}).json()["count"] == 2
        body = assert_error(client.get(url("dossiers/"), {"state": "nope", "year": "x"}), 400, "invalid")
        assert {e["field"] for e in body["errors"]} == {"state", "year"}


class TestNominations:
    def test_existing_person_and_collective(self, api, clerk, dossier):
        client = api(clerk)
        person = PersonFactory(unit=dossier.unit, full_name="Trần Thị Bình")
        response = client.post(url(f"dossiers/{dossier.pk}/nominations/"), {
            "award_type": award("BK_TINH_CN").pk, "achievement_summary": "Tốt", "person_id": person.pk,
            "person": None, "collective": None, "collective_id": None,
        }, format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["person"]["id"] == person.pk
        response = client.post(url(f"dossiers/{dossier.pk}/nominations/"), {
            "award_type": "BK_TINH_TT", "achievement_summary": "Tốt",
            "collective": {"name": "Phòng Kế hoạch", "kind": "collective"},
        }, format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["subject"] == "collective"
        assert response.json()["collective"]["name"] == "Phòng Kế hoạch"

    def test_list_is_in_vietnamese_name_order(self, api, clerk, dossier):
        client = api(clerk)
        for name in ("Nguyễn Văn Bình", "Trần Thị An", "Lê Văn Ánh"):
            assert add_person(client, dossier.pk, name).status_code == 201
        names = [n["nominee_name"] for n in client.get(url(f"dossiers/{dossier.pk}/nominations/")).json()]
        assert names == ["Trần Thị An", "Lê Văn Ánh", "Nguyễn Văn Bình"]

    def test_exactly_one_nominee(self, api, clerk, dossier):
        response = api(clerk).post(url(f"dossiers/{dossier.pk}/nominations/"), {
            "award_type": "BK_TINH_CN", "achievement_summary": "x",
            "person": {"full_name": "A"}, "collective": {"name": "B"},
        }, format="json")
        body = assert_error(response, 400, "invalid")
        assert "field" not in body["errors"][0]

    def test_unknown_award_and_nested_field_errors(self, api, clerk, dossier):
        response = api(clerk).post(url(f"dossiers/{dossier.pk}/nominations/"), {
            "award_type": "KHONG_CO", "achievement_summary": "x", "person": {"birth_year": "abc"},
        }, format="json")
        fields = {e["field"] for e in assert_error(response, 400, "invalid")["errors"]}
        assert fields == {"award_type", "person.full_name", "person.birth_year"}

    def test_award_must_fit_the_nominee(self, api, clerk, dossier):
        body = assert_error(add_person(api(clerk), dossier.pk, award_code="TTLDXS"), 400, "award_subject")
        assert "dành cho tập thể" in body["message"]
        # Nothing half-made stays behind.
        assert not Person.objects.filter(full_name="Nguyễn Văn An").exists()

    def test_duplicate_nominee(self, api, clerk, dossier):
        client = api(clerk)
        assert add_person(client, dossier.pk).status_code == 201
        assert_error(add_person(client, dossier.pk), 400, "duplicate_nominee")

    def test_update_and_delete(self, api, clerk, dossier):
        client = api(clerk)
        nomination = add_person(client, dossier.pk).json()
        response = client.patch(url(f"nominations/{nomination['id']}/"), {"achievement_summary": "Mới"},
                                format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["achievement_summary"] == "Mới"
        response = client.put(url(f"nominations/{nomination['id']}/"),
                              {"award_type": "CSTD_TINH", "achievement_summary": "Chiến sĩ"}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["award_type"]["code"] == "CSTD_TINH"
        assert client.get(url(f"nominations/{nomination['id']}/")).json()["achievement_summary"] == "Chiến sĩ"
        assert client.delete(url(f"nominations/{nomination['id']}/")).status_code == 204
        assert not Nomination.objects.filter(pk=nomination["id"]).exists()
        assert_error(client.get(url(f"nominations/{nomination['id']}/")), 404, "not_found")

    def test_head_of_unit_sees_but_ha_does_not_see_drafts(self, api, head, ha_specialist, dossier, clerk):
        nomination = complete(dossier, clerk)
        assert api(head).get(url(f"nominations/{nomination.pk}/")).status_code == 200
        assert_error(api(ha_specialist).get(url(f"nominations/{nomination.pk}/")), 404, "not_found")
        assert_error(api(ha_specialist).get(url(f"dossiers/{dossier.pk}/")), 404, "not_found")


def test_dossier_count_in_list(api, clerk, dossier):
    complete(dossier, clerk)
    results = api(clerk).get(url("dossiers/")).json()["results"]
    assert [(d["id"], d["nomination_count"]) for d in results] == [(dossier.pk, 1)]
    assert Dossier.objects.count() == 1


def test_task_texts_over_their_limit_are_refused_in_vietnamese_and_change_nothing(api, ha_specialist, submitted):
    """The API limits a task's texts as its page does: 4,000 characters for a note or reason, 2,000 for what to
    supplement; over the limit, a 400 in Vietnamese and the dossier as it was."""
    client = api(ha_specialist)
    path = url(f"tasks/{intake_task_id(client, submitted)}/complete/")
    body = assert_error(client.post(path, {"decision": "return", "note": "x" * 4001}, format="json"),
                        400, "invalid")
    assert "Tối đa 4000 ký tự." in str(body["errors"]), body
    body = assert_error(client.post(path, {"decision": "return", "note": "Thiếu",
                                           "items": [{"reason": "unsigned", "text": "y" * 2001}]}, format="json"),
                        400, "invalid")
    assert "Tối đa 2000 ký tự." in str(body["errors"]), body
    assert Dossier.objects.get(pk=submitted.pk).state == "submitted"
    response = client.post(path, {"decision": "return", "note": "x" * 4000}, format="json")
    assert response.status_code == 200, response.json()

"""The decision API: scoped reads, the pool, drafts, the lead's check, sending back, signing, revocation."""

from __future__ import annotations

import datetime

from dossiers.models import AwardRecord, Decision
from dossiers.services import decisions as svc
from tests.api.helpers import assert_error, url
from tests.dossiers import conftest as decision_fixtures
from tests.factories import DossierFactory, NominationFactory, PersonFactory, UnitFactory, UserFactory, award

DAY = datetime.date(2026, 3, 5)


# The HA lead, the Chairman and the nominations ready for a decision: tests/dossiers/conftest.py.
lead = decision_fixtures.lead
office = decision_fixtures.office
chairman = decision_fixtures.chairman
ready = decision_fixtures.ready


def draft(actor, province, nominations, title="Về việc tặng danh hiệu thi đua"):
    return svc.create_decision(actor=actor, province=province, title=title, nominations=nominations)


def checked(specialist, lead, province, nominations):
    return svc.check_decision(actor=lead, decision=draft(specialist, province, nominations), submission_date=DAY)


def signed(specialist, lead, chairman, province, nominations):
    return svc.sign_decision(actor=chairman, decision=checked(specialist, lead, province, nominations),
                             decision_date=DAY)


class TestReads:
    def test_scoped_by_role(self, api, province, ready, ha_specialist, lead, chairman, clerk):
        pending = draft(ha_specialist, province, ready[2:])
        decision = signed(ha_specialist, lead, chairman, province, ready[:2])
        assert {d["id"] for d in api(ha_specialist).get(url("decisions/")).json()["results"]} == {
            pending.pk, decision.pk}
        assert [d["id"] for d in api(chairman).get(url("decisions/")).json()["results"]] == [decision.pk]
        assert api(clerk).get(url("decisions/")).json()["results"] == []
        assert_error(api(clerk).get(url(f"decisions/{decision.pk}/")), 404, "not_found")
        assert_error(api(chairman).get(url(f"decisions/{pending.pk}/")), 404, "not_found")

    def test_list_filters_and_row(self, api, province, ready, ha_specialist, lead, chairman):
        draft(ha_specialist, province, ready[2:])
        decision = signed(ha_specialist, lead, chairman, province, ready[:2])
        rows = api(ha_specialist).get(url("decisions/"), {"state": "signed"}).json()["results"]
        assert len(rows) == 1
        row = rows[0]
        assert row["id"] == decision.pk and row["number"] == "01/QĐ-UBND" and row["state_label"] == "Đã ký ban hành"
        assert row["item_count"] == 2 and row["cash_total"] == 9_360_000 and row["submission_number"] == "01/TTr-SNV"
        assert_error(api(ha_specialist).get(url("decisions/"), {"state": "nope"}), 400, "invalid")

    def test_detail(self, api, province, ready, ha_specialist, lead, chairman):
        decision = checked(ha_specialist, lead, province, ready)
        body = api(chairman).get(url(f"decisions/{decision.pk}/")).json()
        assert body["state"] == "checked" and body["my_rights"] == {
            "edit": False, "check": False, "send_back": True, "sign": True, "revoke": False}
        items = {i["nominee"]: i for i in body["items"]}
        assert items["Nguyễn Thị Thu Hà"]["cash_amount"] == 7_020_000 and not items["Nguyễn Thị Thu Hà"]["forwarded"]
        assert items["Đặng Văn Tùng"]["forwarded"] and items["Đặng Văn Tùng"]["cash_amount"] == 0
        assert body["preview"]["total"] == 9_360_000 and body["preview"]["base_salary"] == 2_340_000
        assert body["documents"]["decision"].endswith(f"/van-ban/decision/{decision.pk}.pdf")
        assert body["documents"]["ha_submission"].endswith(f"/van-ban/ha-submission/{decision.pk}.pdf")
        assert body["documents"]["certificates"] is None

    def test_list_query_count_does_not_grow(self, api, province, ha_specialist, django_assert_max_num_queries):
        client = api(ha_specialist)
        unit = UnitFactory(province=province)
        dossier = DossierFactory(unit=unit, state="awaiting_decision", year=2025)
        nominations = [NominationFactory(dossier=dossier, award_type=award("BK_TINH_CN"), outcome="eligible",
                                         person=PersonFactory(unit=unit)) for _ in range(10)]
        draft(ha_specialist, province, nominations[:1])
        with django_assert_max_num_queries(16) as few:
            assert client.get(url("decisions/")).status_code == 200
            assert client.get(url("decisions/ready/")).status_code == 200
        for nomination in nominations[1:8]:
            draft(ha_specialist, province, [nomination])
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(url("decisions/")).status_code == 200
            assert client.get(url("decisions/ready/")).status_code == 200


class TestDraft:
    def test_ready_pool_with_filters(self, api, province, ready, ha_specialist, lead, chairman):
        client = api(ha_specialist)
        body = client.get(url("decisions/ready/")).json()
        assert body["count"] == 3
        assert {r["nominee"]: r["forwarded"] for r in body["results"]} == {
            "Nguyễn Thị Thu Hà": False, "Lê Văn Minh": False, "Đặng Văn Tùng": True}
        assert [r["nominee"] for r in client.get(url("decisions/ready/"), {"award": "CSTD_TINH"}).json()["results"]] \
            == ["Nguyễn Thị Thu Hà"]
        assert client.get(url("decisions/ready/"), {"year": 2024}).json()["count"] == 0
        assert client.get(url("decisions/ready/"), {"dossier": ready[0].dossier_id}).json()["count"] == 3
        for user in (lead, chairman):
            if user is lead:
                assert api(user).get(url("decisions/ready/")).status_code == 200
            else:
                assert_error(api(user).get(url("decisions/ready/")), 403, "permission_denied")

    def test_create_edit_add_remove(self, api, province, ready, ha_specialist):
        client = api(ha_specialist)
        response = client.post(url("decisions/"), {
            "title": "Về việc tặng Bằng khen", "nominations": [ready[0].pk, ready[1].pk],
            "legal_bases": ["Luật Thi đua, khen thưởng"], "recipients": ["Như Điều 3;", "Lưu: VT"]}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["state"] == "draft" and body["recipients"] == ["Như Điều 3;", "Lưu: VT"]
        assert [i["nominee"] for i in body["items"]] == ["Nguyễn Thị Thu Hà", "Lê Văn Minh"]
        pk = body["id"]
        response = client.patch(url(f"decisions/{pk}/"), {"title": "Về việc tặng Bằng khen năm 2025"}, format="json")
        assert response.json()["title"] == "Về việc tặng Bằng khen năm 2025"
        assert response.json()["legal_bases"] == ["Luật Thi đua, khen thưởng"]
        response = client.post(url(f"decisions/{pk}/items/"), {"nominations": [ready[2].pk]}, format="json")
        assert response.status_code == 201 and len(response.json()["items"]) == 3
        item = next(i for i in response.json()["items"] if i["nominee"] == "Lê Văn Minh")
        response = client.delete(url(f"decisions/{pk}/items/{item['id']}/"))
        assert response.status_code == 200 and len(response.json()["items"]) == 2

    def test_refusals(self, api, province, ready, ha_specialist, chairman, clerk):
        assert_error(api(clerk).post(url("decisions/"), {"title": "X", "nominations": [ready[0].pk]},
                                     format="json"), 403, "permission_denied")
        assert_error(api(chairman).post(url("decisions/"), {"title": "X", "nominations": [ready[0].pk]},
                                        format="json"), 403, "permission_denied")
        client = api(ha_specialist)
        body = assert_error(client.post(url("decisions/"), {"title": "X", "nominations": []}, format="json"),
                            400, "invalid")
        assert body["errors"][0]["field"] == "nominations"
        assert_error(client.post(url("decisions/"), {"title": "X", "nominations": [999999]}, format="json"),
                     400, "invalid")
        draft(ha_specialist, province, ready[:1])
        assert_error(client.post(url("decisions/"), {"title": "X", "nominations": [ready[0].pk]}, format="json"),
                     400, "not_ready")
        assert Decision.objects.count() == 1


class TestSteps:
    def test_check_send_back_sign(self, api, province, ready, ha_specialist, lead, chairman):
        decision = draft(ha_specialist, province, ready)
        path = f"decisions/{decision.pk}/"
        assert_error(api(ha_specialist).post(url(path + "check/"), {}, format="json"), 403, "permission_denied")
        response = api(lead).post(url(path + "check/"), {"submission_date": "2026-03-05"}, format="json")
        assert response.status_code == 200 and response.json()["submission_number"] == "01/TTr-SNV"
        assert_error(api(chairman).post(url(path + "send-back/"), {"note": " "}, format="json"), 400,
                     "reason_required")
        response = api(chairman).post(url(path + "send-back/"), {"note": "Bổ sung căn cứ"}, format="json")
        assert response.status_code == 200 and response.json()["state"] == "draft"
        api(lead).post(url(path + "check/"), {}, format="json")
        assert_error(api(lead).post(url(path + "sign/"), {}, format="json"), 403, "permission_denied")
        assert api(chairman).get(url(path)).json()["my_signer_capacity"] == "chairman"
        # The Chairman cannot sign as someone else: the capacity is his account's.
        refused = assert_error(api(chairman).post(url(path + "sign/"), {"capacity": "vice_chairman",
                                                                        "decision_date": "2026-03-06"},
                                                  format="json"), 400, "capacity_mismatch")
        assert refused["errors"][0]["field"] == "capacity"
        assert "không ký được với thẩm quyền “Phó Chủ tịch ký thay (KT. CHỦ TỊCH)”" in refused["message"]
        response = api(chairman).post(url(path + "sign/"), {"decision_date": "2026-03-06"}, format="json")
        body = response.json()
        assert response.status_code == 200 and body["number"] == "01/QĐ-UBND"
        assert body["signer_capacity"] == "chairman" and body["decision_date"] == "2026-03-06"
        assert body["cash_total"] == 9_360_000 and body["signed_by"] == "Lê Văn Lương"
        assert body["documents"]["certificates"].endswith(f"/van-ban/certificates/{decision.pk}.pdf")
        assert_error(api(chairman).post(url(path + "sign/"), {}, format="json"), 400, "invalid_state")

    def test_a_vice_chairman_signs_in_his_accounts_capacity(self, api, province, ready, ha_specialist, lead,
                                                            office):
        vice = UserFactory(unit=office, roles=["signer"], username="pct", signer_capacity="vice_chairman")
        decision = checked(ha_specialist, lead, province, ready)
        path = f"decisions/{decision.pk}/"
        assert api(vice).get(url(path)).json()["my_signer_capacity"] == "vice_chairman"
        assert api(ha_specialist).get(url(path)).json()["my_signer_capacity"] is None
        assert_error(api(vice).post(url(path + "sign/"), {"capacity": "chairman"}, format="json"), 400,
                     "capacity_mismatch")
        body = api(vice).post(url(path + "sign/"), {"capacity": "vice_chairman", "decision_date": "2026-03-06"},
                              format="json").json()
        assert (body["state"], body["signer_capacity"]) == ("signed", "vice_chairman")

    def test_a_signer_without_a_capacity_is_refused(self, api, province, ready, ha_specialist, lead, office):
        unset = UserFactory(unit=office, roles=["signer"], username="ky", signer_capacity="")
        decision = checked(ha_specialist, lead, province, ready)
        body = assert_error(api(unset).post(url(f"decisions/{decision.pk}/sign/"), {}, format="json"), 400,
                            "signer_capacity_missing")
        assert "quản trị hệ thống khai báo “Thẩm quyền ký”" in body["message"]
        assert Decision.objects.get().state == "checked"

    def test_bad_capacity(self, api, province, ready, ha_specialist, lead, chairman):
        decision = checked(ha_specialist, lead, province, ready)
        body = assert_error(api(chairman).post(url(f"decisions/{decision.pk}/sign/"), {"capacity": "governor"},
                                               format="json"), 400, "invalid")
        assert body["errors"][0]["field"] == "capacity"

    def test_conflict_is_409(self, api, province, ready, ha_specialist, lead, monkeypatch):
        from dossiers.exceptions import ConflictError

        decision = draft(ha_specialist, province, ready)

        def raced(**kwargs):
            raise ConflictError("conflict", "Quyết định vừa được người khác thay đổi. Hãy tải lại trang.")

        monkeypatch.setattr(svc, "check_decision", raced)
        body = assert_error(api(lead).post(url(f"decisions/{decision.pk}/check/"), {}, format="json"), 409,
                            "conflict")
        assert "người khác thay đổi" in body["message"]

    def test_unit_user_gets_404_on_actions(self, api, province, ready, ha_specialist, lead, clerk):
        decision = checked(ha_specialist, lead, province, ready)
        for action in ("sign/", "send-back/", "check/"):
            assert_error(api(clerk).post(url(f"decisions/{decision.pk}/{action}"), {"note": "x"}, format="json"),
                         404, "not_found")


class TestRevocation:
    def test_revoke(self, api, province, ready, ha_specialist, lead, chairman):
        signed(ha_specialist, lead, chairman, province, ready[:1])
        record = AwardRecord.objects.get(award_code="CSTD_TINH")
        client = api(ha_specialist)
        assert_error(client.post(url("decisions/revocations/"), {"title": "Hủy bỏ", "records": []},
                                 format="json"), 400, "invalid")
        assert_error(client.post(url("decisions/revocations/"), {
            "title": "Hủy bỏ", "records": [{"award_record": record.pk, "reason": " "}]}, format="json"),
            400, "reason_required")
        response = client.post(url("decisions/revocations/"), {
            "title": "Về việc hủy bỏ danh hiệu", "records": [{"award_record": record.pk,
                                                              "reason": "Kê khai không trung thực"}]},
            format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["kind"] == "revocation" and body["revocations"][0]["reason"] == "Kê khai không trung thực"
        assert body["revocations"][0]["decision_number"] == "01/QĐ-UBND"
        pk = body["id"]
        api(lead).post(url(f"decisions/{pk}/check/"), {}, format="json")
        response = api(chairman).post(url(f"decisions/{pk}/sign/"), {"decision_date": "2026-03-06"}, format="json")
        assert response.json()["number"] == "02/QĐ-UBND"
        record.refresh_from_db()
        assert record.revoked and "Kê khai không trung thực" in record.revoked_reason
        original = api(ha_specialist).get(url("decisions/"), {"kind": "award"}).json()["results"][0]
        # Its only award revoked, the award decision is revoked too.
        assert (original["state"], original["state_label"]) == ("revoked", "Đã bị hủy bỏ")
        items = api(ha_specialist).get(url(f"decisions/{original['id']}/")).json()["items"]
        assert items[0]["revoked"] is True and items[0]["award_record"] == record.pk
        assert items[0]["revoked_by"] == "02/QĐ-UBND"

    def test_other_units_records_are_not_found(self, api, province, ready, ha_specialist, lead, chairman, clerk):
        signed(ha_specialist, lead, chairman, province, ready[:1])
        record = AwardRecord.objects.get(award_code="CSTD_TINH")
        other = UserFactory(unit=UnitFactory(province__code="DBN", province__name="Tỉnh Điện Biên"),
                            roles=["ha_specialist"])
        body = assert_error(api(other).post(url("decisions/revocations/"), {
            "title": "Hủy", "records": [{"award_record": record.pk, "reason": "Sai"}]}, format="json"),
            400, "invalid")
        assert body["errors"][0]["field"] == "records"
        assert_error(api(clerk).post(url("decisions/revocations/"), {
            "title": "Hủy", "records": [{"award_record": record.pk, "reason": "Sai"}]}, format="json"),
            403, "permission_denied")


def test_schema_lists_the_decision_endpoints(client, db):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path in ("/api/v1/decisions/", "/api/v1/decisions/{id}/", "/api/v1/decisions/ready/",
                 "/api/v1/decisions/{id}/items/", "/api/v1/decisions/{id}/items/{item_pk}/",
                 "/api/v1/decisions/{id}/check/", "/api/v1/decisions/{id}/send-back/",
                 "/api/v1/decisions/{id}/sign/", "/api/v1/decisions/revocations/"):
        assert path in paths, path
    assert "409" in paths["/api/v1/decisions/{id}/sign/"]["post"]["responses"]

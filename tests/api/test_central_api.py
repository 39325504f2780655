"""The central stage through the JSON API: every state, refusals in the one error body, the board, the package."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import AwardRecord, CentralSubmission
from dossiers.services import central as svc
from tests.api.helpers import assert_error, url
from tests.central_world import drive, forward_through_decision, forwarded_rows, people
from tests.factories import ProvinceFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def who(province):
    return people(province)


@pytest.fixture
def forwarded(province, who):
    return forward_through_decision(province, who, files=[("bao_cao_ca_nhan", "Báo cáo thành tích.pdf", 0)])


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def test_a_submission_through_every_state(api, province, who, forwarded):
    liaison, chairman = api(who.liaison), api(who.chairman)
    board = ok(liaison.get(url("central-board/"), {"status": "waiting"}))
    assert [row["nominee"] for row in board["results"]] == ["Đặng Văn Tùng"]
    body = ok(liaison.post(url("central-submissions/"), {
        "title": "Đề nghị Chủ tịch nước tặng Huân chương Lao động hạng Ba",
        "nominations": [board["results"][0]["nomination"]]}, format="json"), 201)
    pk = body["id"]
    assert body["state"] == "drafted" and body["steps"] == ["attach"] and body["due_on"] is None
    assert [item["nominee"] for item in body["items"]] == ["Đặng Văn Tùng"]
    assert ok(chairman.get(url(f"central-submissions/{pk}/")))["steps"] == ["sign"]

    assert_error(chairman.post(url(f"central-submissions/{pk}/sign/"), {"capacity": "vice_chairman"},
                               format="json"), 400, "capacity_mismatch")  # the capacity is the account's
    body = ok(chairman.post(url(f"central-submissions/{pk}/sign/"), {"signed_on": "2026-03-10"}, format="json"))
    assert (body["number"], body["signer_capacity"], body["state"]) == ("01/TTr-UBND", "chairman", "signed")
    send = {"sent_on": "2026-03-11", "channel": "Hệ thống hồ sơ điện tử", "dispatch_number": "CV 123/UBND-NC"}
    body = ok(liaison.post(url(f"central-submissions/{pk}/send/"), send, format="json"))
    assert (body["state"], body["due_on"]) == ("sent", "2026-03-18")
    assert body["steps"] == ["receive", "return"]
    body = ok(liaison.post(url(f"central-submissions/{pk}/return/"),
                           {"returned_on": "2026-03-13", "reason": "Thiếu xác nhận của cơ quan thuế"}, format="json"))
    assert (body["state"], body["return_count"], body["return_reason"]) == (
        "returned", 1, "Thiếu xác nhận của cơ quan thuế")
    body = ok(liaison.post(url(f"central-submissions/{pk}/send/"), {**send, "sent_on": "2026-03-20",
                                                                      "dispatch_number": "CV 145/UBND-NC"},
                           format="json"))
    assert (body["state"], body["dispatch_number"]) == ("sent", "CV 145/UBND-NC")
    body = ok(liaison.post(url(f"central-submissions/{pk}/receive/"), {"received_on": "2026-03-24"}, format="json"))
    assert body["state"] == "received" and body["steps"] == ["return", "decide"]
    assert body["waiting_for"] == "Bộ Nội vụ thẩm định, trình và có quyết định"
    item = body["items"][0]["id"]
    body = ok(liaison.post(url(f"central-items/{item}/decision/"), {
        "granted": True, "authority": "president", "decision_number": "1234/QĐ-CTN",
        "decision_date": "2026-08-20"}, format="json"))
    assert body["state"] == "decided"
    granted = body["items"][0]
    assert [granted[key] for key in ("status", "deciding_authority", "decision_number", "decision_date")] == [
        "granted", "president", "1234/QĐ-CTN", "2026-08-20"]
    assert AwardRecord.objects.get(nomination=forwarded[0]).decision_number == "1234/QĐ-CTN"
    assert_error(liaison.post(url(f"central-items/{item}/decision/"), {"granted": False, "reason": "x"},
                              format="json"), 409, "already_decided")
    body = ok(liaison.post(url(f"central-submissions/{pk}/items-received/"), {"received_on": "2026-09-05"},
                           format="json"))
    assert body["state"] == "items_received"
    body = ok(liaison.post(url(f"central-submissions/{pk}/hand-over/"), {"handed_over_on": "2026-09-20"},
                           format="json"))
    assert body["state"] == "handed_over"
    body = ok(liaison.post(url(f"central-submissions/{pk}/close/"), {}, format="json"))
    assert body["state"] == "closed" and body["steps"] == []
    actions = [event["action"] for event in body["events"]]
    assert actions == ["central.drafted", "central.signed", "central.sent", "central.returned", "central.resent",
                       "central.received", "central.item_decided", "central.items_received", "central.handed_over",
                       "central.closed"]
    board = ok(liaison.get(url("central-board/"), {"status": "granted", "authority": "president"}))
    assert [(row["nominee"], row["decision_number"], row["submission_number"]) for row in board["results"]] == [
        ("Đặng Văn Tùng", "1234/QĐ-CTN", "01/TTr-UBND")]


def test_declined_item(api, province, who, forwarded):
    submission = drive(svc.create_submission(actor=who.liaison, province=province, title="Trình",
                                             nominations=forwarded), who, "received")
    item = submission.items.get()
    client = api(who.liaison)
    body = assert_error(client.post(url(f"central-items/{item.pk}/decision/"), {"granted": False}, format="json"),
                        400, "reason_required")
    assert body["message"] == "Hãy ghi lý do không được khen thưởng."
    body = ok(client.post(url(f"central-items/{item.pk}/decision/"),
                          {"granted": False, "reason": "Chưa đủ thời gian giữ hình thức khen thưởng trước"},
                          format="json"))
    assert body["items"][0]["status"] == "declined"


class TestRefusals:
    def test_roles(self, api, province, who, forwarded):
        ids = [n.pk for n in forwarded]
        assert_error(api(who.clerk).get(url("central-submissions/")), 403, "permission_denied")
        assert_error(api(who.clerk).get(url("central-board/")), 403, "permission_denied")
        body = assert_error(api(who.auditor).post(url("central-submissions/"), {"title": "X", "nominations": ids},
                                                  format="json"), 403, "permission_denied")
        assert body["message"] == "Chỉ Sở Nội vụ được lập hồ sơ trình Trung ương."
        submission = svc.create_submission(actor=who.specialist, province=province, title="Trình", nominations=forwarded)
        pk = submission.pk
        assert ok(api(who.auditor).get(url(f"central-submissions/{pk}/")))["steps"] == []
        assert_error(api(who.liaison).post(url(f"central-submissions/{pk}/sign/"), {}, format="json"),
                     403, "permission_denied")
        assert_error(api(who.auditor).post(url(f"central-submissions/{pk}/close/"), {}, format="json"),
                     403, "permission_denied")
        body = assert_error(api(who.liaison).post(url(f"central-submissions/{pk}/receive/"),
                                                  {"received_on": "2026-03-10"}, format="json"), 400, "invalid_state")
        assert body["message"] == "Hồ sơ trình đang ở bước “Đang soạn”, không ghi nhận tiếp nhận được."
        body = assert_error(api(who.liaison).post(url(f"central-submissions/{pk}/send/"), {"sent_on": "10/03"},
                                                  format="json"), 400, "invalid")
        assert {error["field"] for error in body["errors"]} == {"sent_on", "channel", "dispatch_number"}
        assert_error(api(who.clerk).get(url(f"central-submissions/{pk}/")), 404, "not_found")
        assert_error(api(who.clerk).get(url(f"central-submissions/{pk}/package.zip")), 404, "not_found")
        item = submission.items.get()
        assert_error(api(who.clerk).post(url(f"central-items/{item.pk}/decision/"), {"granted": False, "reason": "x"},
                                         format="json"), 404, "not_found")

    def test_another_province_sees_nothing(self, api, province, who, forwarded):
        submission = svc.create_submission(actor=who.liaison, province=province, title="Trình", nominations=forwarded)
        elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
        stranger = api(UserFactory(unit=elsewhere, roles=["central_liaison", "ha_specialist"]))
        assert ok(stranger.get(url("central-submissions/")))["count"] == 0
        assert ok(stranger.get(url("central-board/")))["count"] == 0
        assert_error(stranger.get(url(f"central-submissions/{submission.pk}/")), 404, "not_found")
        assert_error(stranger.post(url(f"central-submissions/{submission.pk}/close/"), {}, format="json"),
                     404, "not_found")
        body = assert_error(stranger.post(url("central-submissions/"), {"title": "X", "nominations": [
            forwarded[0].pk]}, format="json"), 400, "invalid")
        assert body["errors"][0]["field"] == "nominations"


class TestBoard:
    def test_filters_and_overdue(self, api, province, who):
        late = forwarded_rows(province, 2, code="BK_TTG_CN", year=2025)
        forwarded_rows(province, 1, code="HC_LD3_CN", year=2024)
        drive(svc.create_submission(actor=who.liaison, province=province, title="Trình", nominations=late), who,
              "sent", day=datetime.date(2026, 1, 5))
        client = api(who.liaison)
        assert ok(client.get(url("central-board/")))["count"] == 3
        rows = ok(client.get(url("central-board/"), {"overdue": "true"}))["results"]
        assert [(row["status"], row["overdue"], row["due_on"]) for row in rows] == [
            ("sent", True, "2026-01-12"), ("sent", True, "2026-01-12")]
        assert ok(client.get(url("central-board/"), {"year": 2024}))["results"][0]["authority"] == "president"
        assert ok(client.get(url("central-board/"), {"authority": "prime_minister", "status": "waiting"}))[
            "count"] == 0
        assert_error(client.get(url("central-board/"), {"status": "nonsense"}), 400, "invalid")

    def test_query_count_does_not_grow(self, api, province, who, django_assert_max_num_queries):
        drive(svc.create_submission(actor=who.liaison, province=province, title="Trình",
                                    nominations=forwarded_rows(province, 2)), who, "sent")
        client = api(who.liaison)
        client.get(url("central-board/"))
        client.get(url("central-submissions/"))
        with CaptureQueriesContext(connection) as board_few:
            client.get(url("central-board/"))
        with CaptureQueriesContext(connection) as list_few:
            client.get(url("central-submissions/"))
        for _ in range(5):
            drive(svc.create_submission(actor=who.liaison, province=province, title="Trình",
                                        nominations=forwarded_rows(province, 3, collective=True)), who, "received")
        forwarded_rows(province, 6)
        with django_assert_max_num_queries(len(board_few)):
            assert ok(client.get(url("central-board/"), {"overdue": "false"}))["count"] == 23
        with django_assert_max_num_queries(len(list_few)):
            assert ok(client.get(url("central-submissions/")))["count"] == 6


def test_package_download(api, province, who, forwarded):
    submission = drive(svc.create_submission(actor=who.liaison, province=province, title="Trình",
                                             nominations=forwarded), who, "signed")
    response = api(who.auditor).get(url(f"central-submissions/{submission.pk}/package.zip"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["submission"]["number"] == "01/TTr-UBND"
    attachment = forwarded[0].attachments.get()
    entry = next(e for e in manifest["files"] if e["original_name"] == "Báo cáo thành tích.pdf")
    assert entry["sha256"] == attachment.sha256 == hashlib.sha256(archive.read(entry["path"])).hexdigest()


def test_schema_lists_the_central_endpoints(client, db):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path in ("/api/v1/central-submissions/", "/api/v1/central-submissions/{id}/",
                 "/api/v1/central-submissions/{id}/sign/", "/api/v1/central-submissions/{id}/send/",
                 "/api/v1/central-submissions/{id}/receive/", "/api/v1/central-submissions/{id}/return/",
                 "/api/v1/central-submissions/{id}/items-received/", "/api/v1/central-submissions/{id}/hand-over/",
                 "/api/v1/central-submissions/{id}/close/", "/api/v1/central-submissions/{id}/package.zip",
                 "/api/v1/central-items/{id}/decision/", "/api/v1/central-board/"):
        assert path in paths, path
    assert "409" in paths["/api/v1/central-items/{id}/decision/"]["post"]["responses"]


def test_created_submission_keeps_the_order_sent(api, province, who):
    rows = forwarded_rows(province, 3)
    body = ok(api(who.specialist).post(url("central-submissions/"), {
        "title": "Trình", "nominations": [rows[2].pk, rows[0].pk, rows[1].pk]}, format="json"), 201)
    assert [item["nomination"] for item in body["items"]] == [rows[2].pk, rows[0].pk, rows[1].pk]
    assert CentralSubmission.objects.get().created_by == who.specialist

"""The central stage's API: supplementing a returned submission and what the re-send shows; the board by age."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import CentralAttachment
from dossiers.services import central as svc
from tests.api.helpers import assert_error, url
from tests.central_world import DAY, drive, forward_through_decision, forwarded_rows, people
from tests.factories import PDF_BYTES, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def who(province):
    return people(province)


@pytest.fixture
def forwarded(province, who):
    return forward_through_decision(province, who)


@pytest.fixture
def submission(province, who, forwarded):
    return svc.create_submission(actor=who.liaison, province=province, title="Trình", nominations=forwarded)


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def upload(client, pk, label="Xác nhận của cơ quan thuế", file=None, **extra):
    return client.post(url(f"central-submissions/{pk}/attachments/"),
                       {"label": label, "file": file or pdf_upload("xac-nhan-thue.pdf"), **extra}, format="multipart")


def test_supplement_and_send_again(api, who, submission, forwarded):
    client = api(who.liaison)
    pk = submission.pk
    first = ok(upload(client, pk, "Danh sách trích ngang", pdf_upload("danh-sach.pdf")), 201)
    assert (first["return_round"], first["nomination"], first["size"]) == (0, None, len(PDF_BYTES))
    drive(submission, who, "sent")
    body = assert_error(upload(client, pk), 400, "invalid_state")
    assert body["message"] == ("Hồ sơ trình đang ở bước “Đã gửi Bộ Nội vụ”: chỉ thêm tài liệu khi hồ sơ đang soạn, "
                               "đã ký nhưng chưa gửi, hoặc khi Bộ Nội vụ trả lại để bổ sung.")
    detail = ok(client.post(url(f"central-submissions/{pk}/return/"),
                            {"returned_on": "2026-03-13", "reason": "Thiếu xác nhận của cơ quan thuế"}, format="json"))
    assert detail["steps"] == ["send", "attach"] and detail["added_since_return"] == []

    added = ok(upload(client, pk, nomination=forwarded[0].pk), 201)
    assert (added["return_round"], added["nomination"], added["nominee"]) == (1, forwarded[0].pk, "Đặng Văn Tùng")
    assert added["uploaded_by"] == str(who.liaison)
    assert added["download_url"].endswith(f"/api/v1/central-attachments/{added['id']}/download/")
    detail = ok(client.get(url(f"central-submissions/{pk}/")))
    assert [a["original_name"] for a in detail["attachments"]] == ["danh-sach.pdf", "xac-nhan-thue.pdf"]
    assert [a["id"] for a in detail["added_since_return"]] == [added["id"]]

    detail = ok(client.post(url(f"central-submissions/{pk}/send/"), {
        "sent_on": "2026-03-20", "channel": "Hệ thống hồ sơ điện tử", "dispatch_number": "CV 145/UBND-NC"},
        format="json"))
    assert detail["state"] == "sent" and "attach" not in detail["steps"]
    assert [a["original_name"] for a in detail["added_since_return"]] == ["xac-nhan-thue.pdf"]
    resent = [e for e in detail["events"] if e["action"] == "central.resent"]
    assert resent[0]["details"]["supplements"] == ["Xác nhận của cơ quan thuế: xac-nhan-thue.pdf"]

    # Downloaded through the API, to readers of the submission only.
    response = api(who.auditor).get(url(f"central-attachments/{added['id']}/download/"))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert_error(api(who.clerk).get(url(f"central-attachments/{added['id']}/download/")), 404, "not_found")
    assert_error(api(who.clerk).get(url(f"central-submissions/{pk}/attachments/")), 404, "not_found")
    # Sent: nothing can be removed any more.
    body = assert_error(client.delete(url(f"central-attachments/{added['id']}/")), 400, "invalid_state")
    assert "không xóa được" in body["message"]


def test_refusals(api, province, who, submission):
    client = api(who.liaison)
    fake = SimpleUploadedFile("xac-nhan.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
    body = assert_error(upload(client, submission.pk, file=fake), 400, "file_type")
    assert body["message"].startswith("Tệp “xac-nhan.pdf” bị từ chối: Chỉ nhận tệp PDF, DOCX, XLSX")
    other = forwarded_rows(province, 1)[0]
    body = assert_error(upload(client, submission.pk, nomination=other.pk), 400, "invalid")
    assert body["errors"][0]["field"] == "nomination"
    body = assert_error(client.post(url(f"central-submissions/{submission.pk}/attachments/"), {"label": "X"},
                                    format="multipart"), 400, "invalid")
    assert {error["field"] for error in body["errors"]} == {"file"}
    body = assert_error(upload(api(who.auditor), submission.pk), 403, "permission_denied")
    assert body["message"] == "Chỉ cán bộ theo dõi Trung ương và Sở Nội vụ thêm tài liệu cho hồ sơ trình."
    assert not CentralAttachment.objects.exists()
    added = ok(upload(client, submission.pk), 201)
    assert_error(api(who.auditor).delete(url(f"central-attachments/{added['id']}/")), 403, "permission_denied")
    assert client.delete(url(f"central-attachments/{added['id']}/")).status_code == 204
    assert not CentralAttachment.objects.exists()


def test_attachment_list_query_count_does_not_grow(api, who, submission, django_assert_max_num_queries):
    client = api(who.liaison)
    for _ in range(2):
        ok(upload(client, submission.pk), 201)
    address = url(f"central-submissions/{submission.pk}/attachments/")
    detail = url(f"central-submissions/{submission.pk}/")
    client.get(address)
    counts = {}
    for name, target in (("list", address), ("detail", detail)):
        with CaptureQueriesContext(connection) as queries:
            client.get(target)
        counts[name] = len(queries)  # now: a later request empties the connection's query log
    for index in range(10):
        ok(upload(client, submission.pk, f"Tài liệu {index}"), 201)
    with django_assert_max_num_queries(counts["list"]):
        assert len(ok(client.get(address))) == 12
    with django_assert_max_num_queries(counts["detail"]):
        assert len(ok(client.get(detail))["attachments"]) == 12


def test_board_by_minimum_age_and_oldest_first(api, province, who):
    forward_through_decision(province, who, day=datetime.date(2026, 4, 28), unit_name="Sở Y tế",
                             nominees=(("Hoàng Thị Mai", "BK_TTG_CN"),))
    forward_through_decision(province, who, day=datetime.date(2026, 4, 23), unit_name="Sở Tài chính",
                             nominees=(("Đặng Văn Tùng", "HC_LD3_CN"),))
    client = api(who.liaison)
    with time_machine.travel(datetime.datetime(2026, 5, 5, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        rows = ok(client.get(url("central-board/"), {"sort": "age"}))["results"]
        assert [(row["nominee"], row["forwarded_on"], row["age"]) for row in rows] == [
            ("Đặng Văn Tùng", "2026-04-23", 5), ("Hoàng Thị Mai", "2026-04-28", 3)]
        rows = ok(client.get(url("central-board/"), {"min_age": 4}))["results"]
        assert [row["nominee"] for row in rows] == ["Đặng Văn Tùng"]
        assert ok(client.get(url("central-board/"), {"min_age": 6}))["count"] == 0
        assert_error(client.get(url("central-board/"), {"min_age": -1}), 400, "invalid")
        assert_error(client.get(url("central-board/"), {"sort": "name"}), 400, "invalid")


def test_schema_lists_the_new_endpoints(client, db):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path in ("/api/v1/central-submissions/{id}/attachments/", "/api/v1/central-attachments/{id}/",
                 "/api/v1/central-attachments/{id}/download/"):
        assert path in paths, path
    names = {p["name"] for p in paths["/api/v1/central-board/"]["get"]["parameters"]}
    assert {"min_age", "sort"} <= names


def test_returned_steps_for_a_resend_day(api, province, who, submission):
    """The re-send after a return is dated and numbered anew; the files added before it stay with it."""
    drive(submission, who, "sent")
    svc.record_returned(actor=who.liaison, submission=submission, returned_on=DAY, reason="Thiếu")
    client = api(who.liaison)
    ok(upload(client, submission.pk), 201)
    svc.record_sent(actor=who.liaison, submission=submission, sent_on=DAY, channel="Bưu điện", dispatch_number="CV 2")
    svc.record_returned(actor=who.liaison, submission=submission, returned_on=DAY, reason="Vẫn thiếu")
    detail = ok(client.get(url(f"central-submissions/{submission.pk}/")))
    # Returned a second time: nothing added since this return yet.
    assert detail["return_count"] == 2 and detail["added_since_return"] == []
    assert [a["return_round"] for a in detail["attachments"]] == [1]

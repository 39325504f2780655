"""The central stage's pages: a submission through every state, refusals per role, the board and its export.

Everything is done through the pages (forms posted as a browser would), and
checked by what a user sees: states, numbers, messages, the history, the
board's rows and the Excel file's cells.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
import zipfile
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers.models import AwardRecord, CentralSubmission, Dossier, Nomination
from dossiers.services import central as svc
from tests.central_world import drive, forward_through_decision, forwarded_rows, people
from tests.factories import ProvinceFactory, UnitFactory, UserFactory, award

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", text)


def follow(client, url, data):
    response = client.post(url, data, follow=True)
    assert response.status_code == 200, text_of(response)[:2000]
    return response


@pytest.fixture
def who(province):
    return people(province)


@pytest.fixture
def forwarded(province, who):
    return forward_through_decision(province, who)


def created(province, who, nominations, title="Đề nghị Chủ tịch nước tặng Huân chương Lao động hạng Ba"):
    return svc.create_submission(actor=who.liaison, province=province, title=title, nominations=nominations)


class TestWholeLife:
    def test_every_state_through_the_pages_with_a_return_and_a_resend(self, client, province, who, forwarded):
        nomination = forwarded[0]
        client.force_login(who.liaison)
        page = client.get(reverse("central_submission_create"))
        assert "Đặng Văn Tùng" in text_of(page)
        response = follow(client, reverse("central_submission_create"),
                          {"title": "Đề nghị Chủ tịch nước tặng Huân chương Lao động hạng Ba",
                           "nominations": [nomination.pk]})
        submission = CentralSubmission.objects.get()
        assert "Đã lập hồ sơ trình Trung ương với 1 đề nghị" in text_of(response)
        assert "Ký tờ trình" not in text_of(response)  # the liaison does not sign

        client.force_login(who.chairman)
        response = follow(client, reverse("central_sign", args=[submission.pk]),
                          {"capacity": "chairman", "signed_on": "10/03/2026"})
        assert "Đã ký Tờ trình số 01/TTr-UBND" in text_of(response)

        client.force_login(who.liaison)
        response = follow(client, reverse("central_send", args=[submission.pk]),
                          {"sent_on": "11/03/2026", "channel": "Hệ thống hồ sơ điện tử của Bộ Nội vụ",
                           "dispatch_number": "CV 123/UBND-NC"})
        assert "Đã ghi nhận gửi hồ sơ đến Bộ Nội vụ" in text_of(response)
        assert "Đã gửi Bộ Nội vụ" in text_of(response)
        # Five working days from 11/03/2026.
        assert "18/03/2026" in text_of(response)

        response = follow(client, reverse("central_return", args=[submission.pk]),
                          {"returned_on": "13/03/2026", "reason": "Thiếu xác nhận của cơ quan thuế"})
        page = text_of(response)
        assert "Bộ Nội vụ trả lại để bổ sung" in page and "Thiếu xác nhận của cơ quan thuế" in page
        assert "Ghi nhận gửi lại" in page

        follow(client, reverse("central_send", args=[submission.pk]),
               {"sent_on": "20/03/2026", "channel": "Hệ thống hồ sơ điện tử của Bộ Nội vụ",
                "dispatch_number": "CV 145/UBND-NC"})
        response = follow(client, reverse("central_receive", args=[submission.pk]), {"received_on": "24/03/2026"})
        assert "Bộ Nội vụ đã tiếp nhận" in text_of(response)
        item = submission.items.get()
        assert f'action="/trung-uong/ho-so/{submission.pk}/ket-qua/{item.pk}/"' in response.content.decode()

        prefix = f"item{item.pk}"
        response = follow(client, reverse("central_item_decision", args=[submission.pk, item.pk]), {
            f"{prefix}-result": "granted", f"{prefix}-authority": "president",
            f"{prefix}-decision_number": "1234/QĐ-CTN", f"{prefix}-decision_date": "20/08/2026"})
        page = text_of(response)
        assert "Đặng Văn Tùng được khen thưởng (Quyết định số 1234/QĐ-CTN)" in page
        assert "Quyết định số 1234/QĐ-CTN ngày 20/08/2026" in page
        assert Nomination.objects.get(pk=nomination.pk).outcome == "granted"
        assert Dossier.objects.get(pk=nomination.dossier_id).state == "closed"

        follow(client, reverse("central_items_received", args=[submission.pk]), {"day": "05/09/2026"})
        follow(client, reverse("central_hand_over", args=[submission.pk]), {"day": "20/09/2026"})
        response = follow(client, reverse("central_close", args=[submission.pk]), {"day": "21/09/2026"})
        submission.refresh_from_db()
        assert submission.state == "closed" and submission.return_count == 1
        page = text_of(response)
        assert "Hồ sơ trình đã kết thúc" in page
        history = page[page.index("Lịch sử xử lý"):]
        expected = ["Lập hồ sơ trình Trung ương", "Ký Tờ trình số 01/TTr-UBND", "Gửi hồ sơ đến Bộ Nội vụ",
                    "Bộ Nội vụ trả lại hồ sơ để bổ sung", "Gửi lại hồ sơ sau bổ sung", "Bộ Nội vụ tiếp nhận hồ sơ",
                    "Kết quả của Trung ương: Đặng Văn Tùng", "Nhận hiện vật khen thưởng từ Trung ương",
                    "Trao khen thưởng cho người, tập thể được khen", "Kết thúc theo dõi hồ sơ trình Trung ương"]
        positions = [history.index(message) for message in expected]
        assert positions == sorted(positions)
        assert "CV 145/UBND-NC" in history and "11/03/2026" in history

        # The award is in the history that eligibility reads, and on the award history page.
        record = AwardRecord.objects.get(nomination=nomination)
        assert (record.decision_number, record.decided_by) == ("1234/QĐ-CTN", "Chủ tịch nước")
        response = client.get(reverse("award_history"), {"q": "Đặng Văn Tùng"})
        assert response.status_code == 200
        page = text_of(response)
        assert "Huân chương Lao động hạng Ba" in page and "1234/QĐ-CTN" in page

    def test_declined_with_a_reason(self, client, province, who, forwarded):
        submission = drive(created(province, who, forwarded), who, "received")
        item = submission.items.get()
        client.force_login(who.liaison)
        prefix = f"item{item.pk}"
        url = reverse("central_item_decision", args=[submission.pk, item.pk])
        response = client.post(url, {f"{prefix}-result": "declined", f"{prefix}-reason": ""})
        assert response.status_code == 400
        assert "Hãy ghi lý do không được khen thưởng." in text_of(response)
        response = follow(client, url, {f"{prefix}-result": "declined",
                                        f"{prefix}-reason": "Chưa đủ thời gian giữ hình thức khen thưởng trước"})
        assert "Đặng Văn Tùng không được khen thưởng" in text_of(response)
        assert "Chưa đủ thời gian giữ hình thức khen thưởng trước" in text_of(response)
        assert not AwardRecord.objects.filter(nomination=forwarded[0]).exists()


class TestRefusals:
    def test_create_needs_home_affairs_and_a_selection(self, client, province, who, forwarded):
        client.force_login(who.auditor)
        assert client.get(reverse("central_submission_create")).status_code == 403
        client.force_login(who.chairman)
        assert client.get(reverse("central_submission_create")).status_code == 403
        client.force_login(who.specialist)
        response = client.post(reverse("central_submission_create"), {"title": "Trình"})
        assert response.status_code == 400
        assert "Hãy chọn ít nhất một đề nghị để đưa vào hồ sơ trình." in text_of(response)
        created(province, who, forwarded)
        response = client.post(reverse("central_submission_create"),
                               {"title": "Trình", "nominations": [forwarded[0].pk]})
        assert response.status_code == 400
        assert "chưa có trong hồ sơ trình khác" in text_of(response)

    def test_only_the_signer_signs_and_steps_keep_their_order(self, client, province, who, forwarded):
        submission = created(province, who, forwarded)
        client.force_login(who.liaison)
        response = client.post(reverse("central_sign", args=[submission.pk]),
                               {"capacity": "chairman", "signed_on": "10/03/2026"})
        assert response.status_code == 403
        assert "Chỉ Chủ tịch, Phó Chủ tịch UBND tỉnh ký tờ trình." in text_of(response)
        response = client.post(reverse("central_receive", args=[submission.pk]), {"received_on": "10/03/2026"})
        assert response.status_code == 400
        assert "Hồ sơ trình đang ở bước “Đang soạn”, không ghi nhận tiếp nhận được." in text_of(response)
        client.force_login(who.chairman)
        response = client.post(reverse("central_sign", args=[submission.pk]),
                               {"capacity": "chairman", "signed_on": "31/02/2026"})
        assert response.status_code == 400
        assert "Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy." in text_of(response)
        submission.refresh_from_db()
        assert submission.state == "drafted"

    def test_readers_see_no_forms_and_others_see_nothing(self, client, province, who, forwarded):
        submission = drive(created(province, who, forwarded), who, "received")
        url = reverse("central_submission", args=[submission.pk])
        client.force_login(who.auditor)
        response = client.get(url)
        assert response.status_code == 200
        assert "Bạn chỉ xem hồ sơ trình này." in text_of(response)
        assert "<form method=\"post\" action=\"/trung-uong/" not in response.content.decode()
        response = client.post(reverse("central_return", args=[submission.pk]),
                               {"returned_on": "10/03/2026", "reason": "x"})
        assert response.status_code == 403
        client.force_login(who.clerk)
        assert client.get(url).status_code == 404
        assert client.get(reverse("central_submissions")).status_code == 403
        assert client.get(reverse("central_board")).status_code == 403
        elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
        client.force_login(UserFactory(unit=elsewhere, roles=["central_liaison"]))
        assert client.get(url).status_code == 404
        assert client.get(reverse("central_package", args=[submission.pk])).status_code == 404
        assert client.post(reverse("central_close", args=[submission.pk]), {"day": "01/10/2026"}).status_code == 404


class TestList:
    def test_submissions_by_state_with_their_due_dates(self, client, province, who, forwarded):
        sent = drive(created(province, who, forwarded), who, "sent", day=datetime.date(2026, 3, 5))
        created(province, who, forwarded_rows(province, 2), title="Đề nghị Thủ tướng Chính phủ tặng Bằng khen")
        client.force_login(who.auditor)
        page = text_of(client.get(reverse("central_submissions")))
        assert "Đề nghị Chủ tịch nước tặng Huân chương Lao động hạng Ba" in page
        assert "Đề nghị Thủ tướng Chính phủ tặng Bằng khen" in page
        page = text_of(client.get(reverse("central_submissions"), {"state": "sent"}))
        assert sent.number in page and "Đề nghị Thủ tướng Chính phủ tặng Bằng khen" not in page
        assert "12/03/2026 Quá hạn" in page  # five working days after 05/03/2026, and today is later

    def test_query_count_does_not_grow(self, client, province, who, django_assert_max_num_queries):
        for _ in range(2):
            created(province, who, forwarded_rows(province, 2))
        client.force_login(who.liaison)
        client.get(reverse("central_submissions"))
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("central_submissions"))
        for _ in range(8):
            created(province, who, forwarded_rows(province, 3))
        with django_assert_max_num_queries(len(few)):
            response = client.get(reverse("central_submissions"))
        assert response.content.decode().count('href="/trung-uong/ho-so/') == 20


    def test_create_page_and_detail_page_queries_do_not_grow(self, client, province, who,
                                                              django_assert_max_num_queries):
        forwarded_rows(province, 2)
        small = drive(created(province, who, forwarded_rows(province, 2)), who, "received")
        client.force_login(who.liaison)
        counts = {}
        for name, address in (("create", reverse("central_submission_create")),
                              ("detail", reverse("central_submission", args=[small.pk]))):
            client.get(address)
            with CaptureQueriesContext(connection) as queries:
                client.get(address)
            counts[name] = len(queries)
        forwarded_rows(province, 20, collective=True)
        big = drive(created(province, who, forwarded_rows(province, 12)), who, "received")
        with django_assert_max_num_queries(counts["create"]):
            page = client.get(reverse("central_submission_create"))
        assert page.content.decode().count('name="nominations"') == 22
        with django_assert_max_num_queries(counts["detail"]):
            page = client.get(reverse("central_submission", args=[big.pk]))
        assert page.content.decode().count('class="central-decision-form"') == 12


@pytest.fixture
def board_world(province, who):
    """A board with rows in several states, units, awards and years."""
    finance = UnitFactory(province=province, name="Sở Tài chính")
    district = UnitFactory(province=province, name="Huyện Tam Đường")
    waiting = forwarded_rows(province, 2, unit=finance, code="BK_TTG_CN", year=2025)
    granted = forwarded_rows(province, 1, unit=district, code="HC_LD3_CN", year=2024)
    overdue = forwarded_rows(province, 1, unit=district, code="BK_TTG_CN", year=2025)
    decided = drive(created(province, who, granted, title="Trình Chủ tịch nước"), who, "decided")
    late = drive(created(province, who, overdue, title="Trình Thủ tướng"), who, "sent",
                 day=datetime.date(2026, 1, 5))
    return {"waiting": waiting, "granted": granted, "overdue": overdue, "decided": decided, "late": late}


class TestBoard:
    def rows(self, client, **params):
        response = client.get(reverse("central_board"), params)
        assert response.status_code == 200
        return response, re.findall(r'<tr class="central-row status-([a-z_]+)( is-overdue)?"', response.content.decode())

    def test_every_forwarded_nomination_with_filters(self, client, who, board_world):
        client.force_login(who.liaison)
        response, rows = self.rows(client)
        assert sorted(status for status, _ in rows) == ["granted", "sent", "waiting", "waiting"]
        assert ("sent", " is-overdue") in rows
        assert "Chưa đưa vào hồ sơ trình" in text_of(response)
        assert self.rows(client, status="waiting")[1] == [("waiting", ""), ("waiting", "")]
        assert self.rows(client, status="granted")[1] == [("granted", "")]
        assert self.rows(client, overdue="on")[1] == [("sent", " is-overdue")]
        assert len(self.rows(client, authority="president")[1]) == 1
        assert len(self.rows(client, authority="prime_minister")[1]) == 3
        assert len(self.rows(client, award="BK_TTG_CN")[1]) == 3
        assert len(self.rows(client, year=2024)[1]) == 1
        district = board_world["granted"][0].dossier.unit
        assert len(self.rows(client, unit=district.pk)[1]) == 2
        page = text_of(self.rows(client, status="granted")[0])
        assert "Chủ tịch nước" in page and "QĐ số 1234/QĐ-CTN ngày 05/03/2026" in page

    def test_excel_export_of_the_filtered_rows(self, client, who, board_world):
        client.force_login(who.liaison)
        response = client.get(reverse("central_board_export"), {"award": "BK_TTG_CN"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:8] == ("STT", "Cá nhân, tập thể", "Đơn vị", "Hình thức khen thưởng", "Năm thành tích",
                               "Cấp quyết định", "Tình trạng", "Tờ trình")
        assert len(rows) == 4
        header = rows[0]
        by_status = {row[header.index("Tình trạng")]: dict(zip(header, row, strict=True)) for row in rows[1:]}
        late = by_status["Đã gửi Bộ Nội vụ"]
        assert late["Đơn vị"] == "Huyện Tam Đường" and late["Cấp quyết định"] == "Thủ tướng Chính phủ"
        assert late["Tờ trình"] == board_world["late"].number
        assert late["Ngày gửi Bộ Nội vụ"].date() == datetime.date(2026, 1, 5)
        assert late["Hạn của bước hiện tại"].date() == datetime.date(2026, 1, 12)
        assert late["Quá hạn"] == "Quá hạn"
        assert "Chưa đưa vào hồ sơ trình" in by_status

    def test_age_in_working_days_since_the_chairmans_decision(self, client, province, who):
        """Thursday 23/4/2026 to Tuesday 5/5/2026: twelve days, five of them working days (Friday 24/4,
        Tuesday 28/4, Wednesday 29/4, Monday 4/5, Tuesday 5/5); the Hùng Kings' day observed on Monday 27/4,
        30/4 and 1/5 are public holidays, and the weekends are off."""
        forward_through_decision(province, who, day=datetime.date(2026, 4, 23))
        client.force_login(who.liaison)
        with time_machine.travel(datetime.datetime(2026, 5, 5, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
            response = client.get(reverse("central_board_export"))
            page = client.get(reverse("central_board")).content.decode()
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header, row = list(sheet.iter_rows(values_only=True))[:2]
        data = dict(zip(header, row, strict=True))
        assert data["Ngày đề nghị cấp trên"].date() == datetime.date(2026, 4, 23)
        assert data["Số ngày làm việc"] == 5
        assert re.search(r'<td class="num" title="Từ ngày 23/04/2026">5</td>', page)

    def test_query_count_does_not_grow(self, client, province, who, django_assert_max_num_queries):
        created(province, who, forwarded_rows(province, 2))
        forwarded_rows(province, 2)
        client.force_login(who.liaison)
        client.get(reverse("central_board"))
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("central_board"))
        drive(created(province, who, forwarded_rows(province, 10, collective=True)), who, "sent")
        forwarded_rows(province, 15, code="HC_LD3_CN")
        with django_assert_max_num_queries(len(few)):
            response = client.get(reverse("central_board"), {"overdue": ""})
        assert response.content.decode().count('class="central-row') == 29


class TestPackage:
    def test_zip_with_the_pdf_the_attachments_and_a_manifest(self, client, province, who):
        forwarded = forward_through_decision(province, who, files=[
            ("to_trinh", "Tờ trình đơn vị.pdf", None), ("bao_cao_ca_nhan", "Báo cáo <thành tích> | bản cuối?.PDF", 0),
            ("xac_nhan_sang_kien", "sang-kien.pdf", 0)])
        nomination = forwarded[0]
        dossier = nomination.dossier
        shared = dossier.attachments.get(nomination=None)
        report = dossier.attachments.get(document_type__code="bao_cao_ca_nhan")
        # A name that never went through the upload's cleaning (an older import, say): still only data.
        dossier.attachments.filter(document_type__code="xac_nhan_sang_kien").update(
            original_name="..\\..\\Windows\\win.ini")
        submission = drive(created(province, who, forwarded), who, "sent")
        client.force_login(who.liaison)
        response = client.get(reverse("central_package", args=[submission.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        names = archive.namelist()
        assert all(not name.startswith("/") and ".." not in name for name in names)
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["submission"]["number"] == "01/TTr-UBND"
        assert manifest["submission"]["dispatch_number"] == "CV 123/UBND-NC"
        assert manifest["nominees"][0]["name"] == "Đặng Văn Tùng"
        assert manifest["nominees"][0]["award"] == award("HC_LD3_CN").name
        assert manifest["units"] == [{"code": dossier.unit.code, "name": "Sở Tài chính"}]
        files = {entry["path"]: entry for entry in manifest["files"]}
        assert set(files) | {"manifest.json"} == set(names)
        for path, entry in files.items():
            content = archive.read(path)
            assert hashlib.sha256(content).hexdigest() == entry["sha256"] and len(content) == entry["size"]
        assert archive.read(manifest["document"]).startswith(b"%PDF")
        by_name = {entry["original_name"]: entry for entry in manifest["files"]}
        assert by_name["Tờ trình đơn vị.pdf"]["sha256"] == shared.sha256
        assert by_name["Báo cáo <thành tích> | bản cuối?.PDF"]["sha256"] == report.sha256
        own = ["de-nghi/001-dang-van-tung/01-bao-cao-thanh-tich-ban-cuoi.pdf", "de-nghi/001-dang-van-tung/02-win.ini"]
        assert [by_name["Báo cáo <thành tích> | bản cuối?.PDF"]["path"],
                by_name["..\\..\\Windows\\win.ini"]["path"]] == own
        assert by_name["Tờ trình đơn vị.pdf"]["path"].startswith("ho-so/01-hs-")
        assert manifest["nominees"][0]["files"] == [by_name["Tờ trình đơn vị.pdf"]["path"], *own]
        for attachment in dossier.attachments.all():
            assert files[by_name[attachment.original_name]["path"]]["sha256"] == attachment.sha256

    def test_a_changed_file_is_not_packed(self, client, province, who):
        forwarded = forward_through_decision(province, who, files=[("bao_cao_ca_nhan", "bao-cao.pdf", 0)])
        attachment = forwarded[0].attachments.get()
        with attachment.file.open("ab") as handle:
            handle.write(b"% changed on disk\n")
        submission = created(province, who, forwarded)
        client.force_login(who.liaison)
        response = client.get(reverse("central_package", args=[submission.pk]), follow=True)
        assert "không còn khớp mã băm lưu khi tải lên" in text_of(response)


def test_a_vice_chairman_signs_the_submission_in_his_own_capacity(client, province, who, forwarded):
    """The sign form shows the account's capacity; nothing to choose, so nothing to get wrong."""
    vice = UserFactory(unit=who.chairman.unit, roles=["signer"], username="pct", last_name="Tống",
                       first_name="Thanh Hải", signer_capacity="vice_chairman")
    submission = created(province, who, forwarded)
    client.force_login(vice)
    page = text_of(client.get(reverse("central_submission", args=[submission.pk])))
    assert "Thẩm quyền ký Phó Chủ tịch ký thay (KT. CHỦ TỊCH)" in page
    assert "Khối chữ ký KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" in page
    assert 'name="capacity"' not in client.get(reverse("central_submission", args=[submission.pk])).content.decode()
    response = follow(client, reverse("central_sign", args=[submission.pk]), {"signed_on": "10/03/2026"})
    assert "Đã ký Tờ trình số 01/TTr-UBND" in text_of(response)
    assert "Tống Thanh Hải (KT. Chủ tịch)" in text_of(response)
    submission.refresh_from_db()
    assert (submission.signed_by, submission.signer_capacity) == (vice, "vice_chairman")


def test_a_signer_without_a_capacity_is_refused_the_submission(client, province, who, forwarded):
    unset = UserFactory(unit=who.chairman.unit, roles=["signer"], username="ky", last_name="Bùi",
                        first_name="Đức Thịnh", signer_capacity="")
    submission = created(province, who, forwarded)
    client.force_login(unset)
    assert "Tài khoản của bạn chưa được khai báo thẩm quyền ký" in text_of(
        client.get(reverse("central_submission", args=[submission.pk])))
    response = client.post(reverse("central_sign", args=[submission.pk]), {"signed_on": "10/03/2026"})
    assert response.status_code == 400
    assert "Tài khoản Bùi Đức Thịnh chưa được khai báo thẩm quyền ký" in text_of(response)
    submission.refresh_from_db()
    assert submission.state == "drafted" and submission.number == ""

"""Supplementing a central submission: documents added to the submission itself, checked like a dossier's,
while it is drafted or signed (the first package) or after the Ministry returned it; the re-send says what was
added; the files download only through the permission-checked page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import AuditEvent, CentralAttachment
from dossiers.services import central as svc
from dossiers.services.audit import verify_chain
from tests.central_world import DAY, drive, forward_through_decision, forwarded_rows, people
from tests.factories import PDF_BYTES, ProvinceFactory, UnitFactory, UserFactory, docx_bytes, pdf_upload

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def stored_files() -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def central_files() -> list[Path]:
    return [p for p in stored_files() if "central" in p.parts]


@pytest.fixture
def who(province):
    return people(province)


@pytest.fixture
def forwarded(province, who):
    return forward_through_decision(province, who)


@pytest.fixture
def submission(province, who, forwarded):
    return svc.create_submission(actor=who.liaison, province=province, title="Trình Chủ tịch nước",
                                 nominations=forwarded)


def returned(submission, who, reason="Thiếu xác nhận của cơ quan thuế"):
    drive(submission, who, "sent")
    svc.record_returned(actor=who.liaison, submission=submission, returned_on=DAY, reason=reason)
    submission.refresh_from_db()
    return submission


def add(submission, who, label="Xác nhận của cơ quan thuế", name="xac-nhan-thue.pdf", **kwargs):
    return svc.add_central_attachment(actor=who.liaison, submission=submission, label=label,
                                      uploaded_file=pdf_upload(name), **kwargs)


class TestService:
    def test_the_first_package_and_each_return_round(self, submission, who, forwarded):
        draft = add(submission, who, "Danh sách trích ngang", "danh-sach.pdf")
        drive(submission, who, "signed")
        signed = add(submission, who, "Báo cáo tóm tắt thành tích", "tom-tat.pdf", nomination=forwarded[0])
        assert (draft.return_round, signed.return_round) == (0, 0)
        assert signed.nomination == forwarded[0] and signed.sha256 and signed.size == len(PDF_BYTES)
        assert signed.content_type == "application/pdf" and signed.uploaded_by == who.liaison
        returned(submission, who)
        first = add(submission, who)
        assert first.return_round == 1
        svc.record_sent(actor=who.liaison, submission=submission, sent_on=DAY, channel="Bưu điện",
                        dispatch_number="CV 145/UBND-NC")
        svc.record_returned(actor=who.liaison, submission=submission, returned_on=DAY, reason="Thiếu bản gốc")
        submission.refresh_from_db()
        assert add(submission, who, "Bản gốc", "ban-goc.pdf").return_round == 2
        assert list(submission.attachments.values_list("return_round", flat=True)) == [0, 0, 1, 2]
        assert len(central_files()) == 4
        assert verify_chain() == []

    @pytest.mark.parametrize("state", ["sent", "received", "decided", "closed"])
    def test_refused_once_the_ministry_holds_it(self, submission, who, state):
        drive(submission, who, state)
        with pytest.raises(DomainError, match="chỉ thêm tài liệu khi hồ sơ đang soạn, đã ký nhưng chưa gửi") as exc:
            add(submission, who)
        assert exc.value.code == "invalid_state"
        assert not CentralAttachment.objects.exists() and central_files() == []

    def test_checked_exactly_like_a_dossiers_documents(self, province, submission, who):
        fake = SimpleUploadedFile("xac-nhan.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
        with pytest.raises(DomainError) as exc:
            svc.add_central_attachment(actor=who.liaison, submission=submission, label="Xác nhận",
                                       uploaded_file=fake)
        assert exc.value.code == "file_type"
        assert exc.value.message.startswith("Tệp “xac-nhan.pdf” bị từ chối: Chỉ nhận tệp PDF, DOCX, XLSX")
        empty = SimpleUploadedFile("rong.pdf", b"", content_type="application/pdf")
        with pytest.raises(DomainError, match="Tệp “rong.pdf” rỗng."):
            svc.add_central_attachment(actor=who.liaison, submission=submission, label="X", uploaded_file=empty)
        province.attachment_max_mb = 1
        province.save()
        big = SimpleUploadedFile("lon.pdf", PDF_BYTES + b"0" * 1_200_000, content_type="application/pdf")
        with pytest.raises(DomainError, match="nặng 1,1 MB, vượt giới hạn 1 MB") as exc:
            svc.add_central_attachment(actor=who.liaison, submission=submission, label="X", uploaded_file=big)
        assert exc.value.code == "file_too_large"
        # A name claiming another kind than the content is refused (tests/security/test_uploads.py).
        with pytest.raises(DomainError, match="đuôi .pdf nhưng nội dung là tệp DOCX") as exc:
            svc.add_central_attachment(actor=who.liaison, submission=submission, label="Công văn",
                                       uploaded_file=SimpleUploadedFile("cong-van.pdf", docx_bytes()))
        assert exc.value.code == "file_extension"
        word = svc.add_central_attachment(actor=who.liaison, submission=submission, label="Công văn",
                                          uploaded_file=SimpleUploadedFile("cong-van", docx_bytes()))
        # Known by its content, not by its name.
        assert word.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        assert CentralAttachment.objects.count() == 1 and len(central_files()) == 1

    def test_label_nominee_and_roles(self, province, submission, who):
        with pytest.raises(DomainError, match="Hãy ghi tên tài liệu"):
            add(submission, who, label="  ")
        other = forwarded_rows(province, 1)[0]
        with pytest.raises(DomainError, match="Đề nghị không có trong hồ sơ trình này."):
            add(submission, who, nomination=other)
        for user in (who.auditor, who.clerk, who.chairman):
            with pytest.raises(PermissionDeniedError):
                svc.add_central_attachment(actor=user, submission=submission, label="X", uploaded_file=pdf_upload())
        elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
        with pytest.raises(PermissionDeniedError):
            svc.add_central_attachment(actor=UserFactory(unit=elsewhere, roles=["central_liaison"]),
                                       submission=submission, label="X", uploaded_file=pdf_upload())
        # Home Affairs may add as well as the liaison.
        svc.add_central_attachment(actor=who.specialist, submission=submission, label="Danh sách",
                                   uploaded_file=pdf_upload())
        assert CentralAttachment.objects.count() == 1 and len(central_files()) == 1

    def test_uploads_and_removals_are_audited(self, submission, who):
        attachment = add(submission, who)
        event = AuditEvent.objects.get(action="central.attachment_added")
        assert (event.object_type, event.object_id) == ("dossiers.centralsubmission", str(submission.pk))
        assert event.after["name"] == "xac-nhan-thue.pdf" and event.after["sha256"] == attachment.sha256
        assert event.after["return_round"] == 0
        svc.remove_central_attachment(actor=who.liaison, attachment=attachment)
        assert AuditEvent.objects.get(action="central.attachment_removed").before["sha256"] == attachment.sha256
        assert not CentralAttachment.objects.exists()
        assert verify_chain() == []

    def test_only_what_has_not_been_sent_can_be_removed(self, submission, who, django_capture_on_commit_callbacks):
        first_package = add(submission, who, "Danh sách", "danh-sach.pdf")
        returned(submission, who)
        with pytest.raises(DomainError, match="đã gửi Bộ Nội vụ cùng hồ sơ, không xóa được") as exc:
            svc.remove_central_attachment(actor=who.liaison, attachment=first_package)
        assert exc.value.code == "already_sent"
        mistake = add(submission, who, "Nhầm tệp", "nham.pdf")
        with django_capture_on_commit_callbacks(execute=True):
            svc.remove_central_attachment(actor=who.liaison, attachment=mistake)
        assert list(CentralAttachment.objects.all()) == [first_package]
        assert len(central_files()) == 1  # the removed file is gone from storage too
        svc.record_sent(actor=who.liaison, submission=submission, sent_on=DAY, channel="Bưu điện",
                        dispatch_number="CV 145/UBND-NC")
        with pytest.raises(DomainError, match="không xóa được"):
            svc.remove_central_attachment(actor=who.liaison, attachment=first_package)

    def test_the_resend_records_what_was_supplemented(self, submission, who):
        add(submission, who, "Danh sách", "danh-sach.pdf")
        returned(submission, who)
        add(submission, who)
        add(submission, who, "Báo cáo thành tích đã sửa", "bao-cao-sua.pdf")
        svc.record_sent(actor=who.liaison, submission=submission, sent_on=DAY, channel="Bưu điện",
                        dispatch_number="CV 145/UBND-NC")
        event = AuditEvent.objects.get(action="central.resent")
        assert event.after["supplements"] == ["Xác nhận của cơ quan thuế: xac-nhan-thue.pdf",
                                              "Báo cáo thành tích đã sửa: bao-cao-sua.pdf"]
        assert "supplements" not in AuditEvent.objects.get(action="central.sent").after


class TestPages:
    def test_supplement_after_a_return_and_send_again(self, client, submission, who, forwarded):
        returned(submission, who)
        client.force_login(who.liaison)
        url = reverse("central_submission", args=[submission.pk])
        page = text_of(client.get(url))
        assert "Chưa bổ sung tài liệu nào kể từ khi bị trả lại." in page
        assert "Thêm tài liệu bổ sung" in page
        response = client.post(reverse("central_attachment_upload", args=[submission.pk]), {
            "label": "Xác nhận của cơ quan thuế", "nomination": forwarded[0].pk,
            "file": pdf_upload("Xác nhận thuế.pdf")}, follow=True)
        assert response.status_code == 200
        page = text_of(response)
        assert "Đã thêm “Xác nhận thuế.pdf” vào hồ sơ trình." in page
        assert "Đã bổ sung 1 tài liệu kể từ khi bị trả lại, sẽ gửi kèm khi gửi lại:" in page
        assert "Xác nhận của cơ quan thuế: Xác nhận thuế.pdf (Đặng Văn Tùng)" in page
        assert "Bổ sung theo lần trả lại thứ 1" in page
        html = response.content.decode()
        added = CentralAttachment.objects.get()
        assert (added.return_round, added.nomination_id) == (1, forwarded[0].pk)
        assert f"/tai-lieu/{added.pk}/xoa/" in html and f'action="/trung-uong/ho-so/{submission.pk}/tai-lieu/"' in html
        response = client.post(reverse("central_send", args=[submission.pk]), {
            "sent_on": "20/03/2026", "channel": "Hệ thống hồ sơ điện tử của Bộ Nội vụ",
            "dispatch_number": "CV 145/UBND-NC"}, follow=True)
        page = text_of(response)
        history = page[page.index("Lịch sử xử lý"):]
        assert "Gửi lại hồ sơ sau bổ sung" in history
        assert "Tài liệu đã bổ sung: Xác nhận của cơ quan thuế: Xác nhận thuế.pdf" in history
        assert "Bổ sung tài liệu theo lần trả lại thứ 1" in history
        # Sent again: the files stay listed under their round, and can no longer be removed or added to.
        assert "Bổ sung theo lần trả lại thứ 1" in page
        html = response.content.decode()
        attachment = CentralAttachment.objects.get()
        assert f"/tai-lieu/{attachment.pk}/xoa/" not in html
        assert f'action="/trung-uong/ho-so/{submission.pk}/tai-lieu/"' not in html

    def test_refusals_on_the_page(self, client, submission, who):
        drive(submission, who, "sent")
        client.force_login(who.liaison)
        response = client.post(reverse("central_attachment_upload", args=[submission.pk]),
                               {"label": "Xác nhận", "file": pdf_upload()})
        assert response.status_code == 400
        assert ("Hồ sơ trình đang ở bước “Đã gửi Bộ Nội vụ”: chỉ thêm tài liệu khi hồ sơ đang soạn, đã ký nhưng "
                "chưa gửi, hoặc khi Bộ Nội vụ trả lại để bổ sung.") in text_of(response)
        svc.record_returned(actor=who.liaison, submission=submission, returned_on=DAY, reason="Thiếu")
        fake = SimpleUploadedFile("anh.png", b"GIF89a not a png", content_type="image/png")
        response = client.post(reverse("central_attachment_upload", args=[submission.pk]),
                               {"label": "Ảnh", "file": fake})
        assert response.status_code == 400
        assert "Tệp “anh.png” bị từ chối" in text_of(response)
        response = client.post(reverse("central_attachment_upload", args=[submission.pk]), {"file": pdf_upload()})
        assert response.status_code == 400
        assert "Hãy ghi tên tài liệu, ví dụ: Xác nhận của cơ quan thuế." in text_of(response)
        client.force_login(who.auditor)
        page = client.get(reverse("central_submission", args=[submission.pk])).content.decode()
        assert f'/trung-uong/ho-so/{submission.pk}/tai-lieu/"' not in page  # no upload form for readers
        response = client.post(reverse("central_attachment_upload", args=[submission.pk]),
                               {"label": "X", "file": pdf_upload()})
        assert response.status_code == 403
        assert not CentralAttachment.objects.exists() and central_files() == []

    def test_download_only_through_the_checked_view(self, client, province, submission, who):
        attachment = add(submission, who, name="Xác nhận thuế.pdf")
        url = reverse("central_attachment", args=[submission.pk, attachment.pk])
        for reader in (who.liaison, who.auditor, who.chairman):
            client.force_login(reader)
            response = client.get(url)
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Content-Type"] == "application/pdf"
            assert "filename*=UTF-8''X%C3%A1c%20nh%E1%BA%ADn%20thu%E1%BA%BF.pdf" in response["Content-Disposition"]
            assert response["X-Content-Type-Options"] == "nosniff"
        client.force_login(who.clerk)
        assert client.get(url).status_code == 404
        elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
        client.force_login(UserFactory(unit=elsewhere, roles=["central_liaison"]))
        assert client.get(url).status_code == 404
        # Another submission's address does not reach this file.
        other = svc.create_submission(actor=who.liaison, province=province, title="Trình khác",
                                      nominations=forwarded_rows(province, 1))
        client.force_login(who.liaison)
        assert client.get(reverse("central_attachment", args=[other.pk, attachment.pk])).status_code == 404
        page = client.get(reverse("central_submission", args=[submission.pk])).content.decode()
        assert url in page and attachment.file.name not in page  # linked through the view, never the storage path

    def test_remove_on_the_page(self, client, submission, who):
        attachment = add(submission, who)
        client.force_login(who.auditor)
        assert client.post(reverse("central_attachment_remove", args=[submission.pk, attachment.pk])).status_code == 403
        client.force_login(who.liaison)
        assert client.get(reverse("central_attachment_remove", args=[submission.pk, attachment.pk])).status_code == 405
        response = client.post(reverse("central_attachment_remove", args=[submission.pk, attachment.pk]), follow=True)
        assert "Đã xóa “xac-nhan-thue.pdf” khỏi hồ sơ trình." in text_of(response)
        assert not CentralAttachment.objects.exists()

    def test_detail_queries_do_not_grow_with_files(self, client, submission, who, django_assert_max_num_queries):
        returned(submission, who)
        add(submission, who)
        client.force_login(who.liaison)
        url = reverse("central_submission", args=[submission.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        few = len(few)
        assert few > 5
        for index in range(12):
            add(submission, who, f"Tài liệu {index}", f"tai-lieu-{index}.pdf")
        with django_assert_max_num_queries(few):
            page = client.get(url)
        assert page.content.decode().count('class="central-attachment"') == 13

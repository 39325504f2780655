"""Uploads refused by content, downloads only through the scoped view."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.models import Attachment, AuditEvent
from dossiers.services.attachments import upload_attachment
from dossiers.views.attachments import content_disposition
from tests.factories import (
    JPEG_BYTES,
    PDF_BYTES,
    DossierFactory,
    UserFactory,
    document_type,
    docx_bytes,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    "name, content",
    [
        ("to-trinh.pdf", b"MZ\x90\x00\x03\x00\x00\x00 not a pdf at all"),
        ("to-trinh.docx", b"<html><script>alert(1)</script></html>"),
        ("anh.png", b"GIF89a\x01\x00\x01\x00"),
        ("nen.zip", b"PK\x03\x04 broken zip"),
    ],
)
def test_upload_refused_by_content_and_nothing_stored(client, settings, clerk, dossier, name, content):
    client.force_login(clerk)
    response = client.post(reverse("attachment_upload", args=[dossier.pk]), {
        "document_type": document_type("to_trinh").pk,
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Tệp “{name}” bị từ chối" in html
    assert "Chỉ nhận tệp PDF, DOCX, XLSX, JPEG hoặc PNG" in html or "Tệp bị hỏng" in html or "Tệp nén" in html
    # The user's choice of document type is kept on the re-rendered form.
    assert f'<option value="{document_type("to_trinh").pk}" selected>' in html
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []
    assert not AuditEvent.objects.filter(action="attachment.uploaded").exists()


def test_upload_of_accepted_kinds(client, settings, clerk, dossier):
    client.force_login(clerk)
    for name, content in (("quyet-dinh.pdf", PDF_BYTES), ("bao-cao.docx", docx_bytes()), ("anh.jpg", JPEG_BYTES)):
        response = client.post(reverse("attachment_upload", args=[dossier.pk]), {
            "document_type": document_type("khac").pk,
            "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        })
        assert response.status_code == 302, response.content.decode()
    assert dossier.attachments.count() == 3
    assert len(stored_files(settings)) == 3


def test_report_needs_a_nomination(client, clerk, dossier):
    client.force_login(clerk)
    response = client.post(reverse("attachment_upload", args=[dossier.pk]), {
        "document_type": document_type("bao_cao_ca_nhan").pk, "file": pdf_upload(),
    })
    assert response.status_code == 400
    assert "phải gắn với một người hoặc tập thể" in response.content.decode()


def test_upload_without_file_shows_form_errors(client, clerk, dossier):
    client.force_login(clerk)
    response = client.post(reverse("attachment_upload", args=[dossier.pk]),
                           {"document_type": document_type("to_trinh").pk})
    assert response.status_code == 200
    assert "Chưa tải lên được tài liệu" in response.content.decode()
    assert not Attachment.objects.exists()


class TestDownload:
    @pytest.fixture
    def attachment(self, dossier, clerk):
        return upload_attachment(actor=clerk, dossier=dossier, document_type=document_type("to_trinh"),
                                 uploaded_file=pdf_upload("Tờ trình số 05 Sở Tài chính.pdf"))

    def test_download_headers(self, client, clerk, attachment):
        client.force_login(clerk)
        response = client.get(reverse("attachment_download", args=[attachment.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert attachment.original_name == "Tờ trình số 05 Sở Tài chính.pdf"
        assert "filename*=UTF-8''" + quote("Tờ trình số 05 Sở Tài chính.pdf", safe="") in disposition
        assert 'filename="To trinh so 05 So Tai chinh.pdf"' in disposition

    def test_content_disposition_encodes_vietnamese(self):
        header = content_disposition("Báo cáo thành tích Đặng Thị Ánh.pdf")
        assert header == (
            "attachment; filename=\"Bao cao thanh tich Dang Thi Anh.pdf\"; "
            "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A0nh%20t%C3%ADch%20%C4%90%E1%BA%B7ng%20Th%E1%BB%8B%20%C3%81nh.pdf"
        )
        assert '"' not in content_disposition('a"b;c.pdf').split("filename=")[1].split(";")[0].strip('"')

    def test_ha_may_download_from_a_submitted_dossier_only(self, client, ha_specialist, attachment):
        client.force_login(ha_specialist)
        assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 404

    def test_other_unit_gets_404(self, client, other_clerk, attachment):
        client.force_login(other_clerk)
        assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 404

    def test_user_of_a_parent_unit_may_read(self, client, province, unit, attachment):
        from tests.factories import UnitFactory

        parent = UnitFactory(province=province, name="UBND huyện thử")
        unit.parent = parent
        unit.save()
        reader = UserFactory(unit=parent, roles=["unit_clerk"])
        client.force_login(reader)
        assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 200

    def test_missing_file_is_404(self, client, clerk, attachment):
        attachment.file.storage.delete(attachment.file.name)
        client.force_login(clerk)
        assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 404

    def test_files_are_not_served_from_media_url(self, client, clerk, attachment):
        client.force_login(clerk)
        assert client.get("/media/" + attachment.file.name).status_code == 404


def test_remove_attachment_needs_edit_rights(client, head, unit, clerk):
    dossier = DossierFactory(unit=unit, created_by=clerk)
    attachment = upload_attachment(actor=clerk, dossier=dossier, document_type=document_type("to_trinh"),
                                   uploaded_file=pdf_upload())
    from dossiers.models import Dossier

    Dossier.objects.filter(pk=dossier.pk).update(state="withdrawn")
    client.force_login(head)
    response = client.post(reverse("attachment_delete", args=[attachment.pk]), {"confirm": "1"})
    assert response.status_code == 200
    assert "không còn sửa được" in response.content.decode()
    assert Attachment.objects.filter(pk=attachment.pk).exists()

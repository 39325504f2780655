"""Uploading, downloading and removing documents through the API."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Attachment
from tests.api.helpers import assert_error, url
from tests.factories import PDF_BYTES, NominationFactory, docx_bytes, pdf_upload


def stored_files() -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, dossier_id, code="to_trinh", file=None, **extra):
    return client.post(url(f"dossiers/{dossier_id}/attachments/"),
                       {"document_type": code, "file": file or pdf_upload(), **extra}, format="multipart")


class TestUpload:
    def test_pdf_is_stored_under_a_random_name(self, api, clerk, dossier):
        response = upload(api(clerk), dossier.pk, file=pdf_upload("Tờ trình số 12.pdf"))
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["original_name"] == "Tờ trình số 12.pdf"
        assert (body["document_type"], body["nomination"], body["size"]) == ("to_trinh", None, len(PDF_BYTES))
        assert body["uploaded_by"] == str(clerk)
        assert body["download_url"].endswith(f"/api/v1/attachments/{body['id']}/download/")
        [path] = stored_files()
        assert "Tờ" not in path.name and not path.name.endswith(".pdf")

    def test_wrong_content_behind_a_pdf_name_is_refused_and_nothing_stored(self, api, clerk, dossier):
        fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
        body = assert_error(upload(api(clerk), dossier.pk, file=fake), 400, "file_type")
        assert body["message"].startswith("Tệp “bao-cao.pdf” bị từ chối: Chỉ nhận tệp PDF, DOCX, XLSX")
        assert not Attachment.objects.exists()
        assert stored_files() == []

    def test_empty_file_is_refused(self, api, clerk, dossier):
        empty = SimpleUploadedFile("rong.pdf", b"", content_type="application/pdf")
        assert_error(upload(api(clerk), dossier.pk, file=empty), 400, "file_empty")
        assert stored_files() == []

    def test_docx_is_recognised_by_content(self, api, clerk, dossier):
        file = SimpleUploadedFile("bien-ban.bin", docx_bytes(), content_type="application/octet-stream")
        body = upload(api(clerk), dossier.pk, "bien_ban_hop", file=file).json()
        assert body["content_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def test_per_nominee_document_needs_the_nominee(self, api, clerk, dossier):
        assert_error(upload(api(clerk), dossier.pk, "bao_cao_ca_nhan"), 400, "nomination_required")

    def test_references_are_checked(self, api, clerk, dossier):
        other_nomination = NominationFactory()
        body = assert_error(upload(api(clerk), dossier.pk, "khong_co", nomination=other_nomination.pk),
                            400, "invalid")
        assert {e["field"] for e in body["errors"]} == {"document_type", "nomination"}
        body = assert_error(api(clerk).post(url(f"dossiers/{dossier.pk}/attachments/"),
                                            {"document_type": "to_trinh"}, format="multipart"), 400, "invalid")
        assert body["errors"] == [{"field": "file", "message": "Chưa gửi tệp.", "code": "required"}]


@pytest.fixture
def attachment(api, clerk, dossier):
    response = upload(api(clerk), dossier.pk, file=pdf_upload("Biên bản họp Hội đồng.pdf"))
    return Attachment.objects.get(pk=response.json()["id"])


class TestDownload:
    def test_streams_the_file_with_safe_headers(self, api, head, attachment):
        response = api(head).get(url(f"attachments/{attachment.pk}/download/"))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith('attachment; filename="Bien ban hop Hoi dong.pdf"; ')
        encoded = disposition.split("filename*=UTF-8''", 1)[1]
        assert unquote(encoded) == "Biên bản họp Hội đồng.pdf"
        assert " " not in encoded
        assert "no-store" in response["Cache-Control"]

    def test_any_accept_header_is_answered(self, api, head, attachment):
        response = api(head).get(url(f"attachments/{attachment.pk}/download/"), HTTP_ACCEPT="application/pdf")
        assert response.status_code == 200

    def test_not_found_is_json_even_for_pdf_clients(self, api, other_clerk, attachment):
        response = api(other_clerk).get(url(f"attachments/{attachment.pk}/download/"),
                                        HTTP_ACCEPT="application/pdf")
        assert_error(response, 404, "not_found")

    def test_needs_authentication(self, anon, attachment):
        assert_error(anon.get(url(f"attachments/{attachment.pk}/download/")), 401, "not_authenticated")


class TestRemove:
    def test_clerk_removes_a_document(self, api, clerk, attachment, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = api(clerk).delete(url(f"attachments/{attachment.pk}/"))
        assert response.status_code == 204
        assert not Attachment.objects.exists()
        assert stored_files() == []

    def test_metadata_and_list(self, api, clerk, dossier, attachment):
        body = api(clerk).get(url(f"attachments/{attachment.pk}/")).json()
        assert body["sha256"] == attachment.sha256
        rows = api(clerk).get(url(f"dossiers/{dossier.pk}/attachments/")).json()
        assert [a["id"] for a in rows] == [attachment.pk]

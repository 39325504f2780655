"""Attachments: recognised by content, limited in size, hashed, stored under a random name."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.exceptions import DomainError
from dossiers.models import Attachment, AuditEvent
from dossiers.services.attachments import remove_attachment, safe_original_name, upload_attachment
from tests.factories import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    NominationFactory,
    document_type,
    docx_bytes,
    pdf_upload,
    xlsx_bytes,
)


def upload(dossier, actor, name, content, code="khac", nomination=None):
    return upload_attachment(actor=actor, dossier=dossier, document_type=document_type(code),
                             uploaded_file=SimpleUploadedFile(name, content), nomination=nomination)


def stored_files() -> list[Path]:
    root = Path(default_storage.location)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("to trinh.pdf", PDF_BYTES, "application/pdf"),
        ("anh.png", PNG_BYTES, "image/png"),
        ("anh.jpg", JPEG_BYTES, "image/jpeg"),
        ("bao cao.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("danh sach.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        # recognised by content, not by name
        ("khong-duoi", PDF_BYTES, "application/pdf"),
    ],
)
def test_accepted_kinds(dossier, clerk, name, content, content_type):
    attachment = upload(dossier, clerk, name, content)
    assert attachment.content_type == content_type
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.size == len(content)
    assert attachment.original_name == name
    assert name not in attachment.file.name  # never used as a path
    assert default_storage.open(attachment.file.name).read() == content
    assert AuditEvent.objects.filter(action="attachment.uploaded", object_id=str(attachment.pk)).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("gia-mao.pdf", b"MZ\x90\x00 this is an exe", "Chỉ nhận tệp PDF, DOCX, XLSX, JPEG hoặc PNG"),
        ("trong.pdf", b"", "rỗng"),
        ("van-ban.txt", "Xin chào".encode(), "Chỉ nhận tệp PDF, DOCX, XLSX, JPEG hoặc PNG"),
        ("goi.docx", b"PK\x03\x04garbage-not-a-zip", "bị hỏng"),
    ],
)
def test_refused_files_leave_nothing(dossier, clerk, name, content, message):
    with pytest.raises(DomainError, match=message):
        upload(dossier, clerk, name, content)
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_zip_that_is_not_office_refused(dossier, clerk):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "hello")
    with pytest.raises(DomainError, match="không phải là tài liệu Word"):
        upload(dossier, clerk, "bao-cao.docx", buffer.getvalue())


def test_zip_bomb_disguised_as_docx_refused(dossier, clerk):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(DomainError, match="nghi là tệp độc hại"):
        upload(dossier, clerk, "bom.docx", buffer.getvalue())
    assert stored_files() == []


def test_path_traversal_inside_package_refused(dossier, clerk):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("../../etc/passwd", "x")
    with pytest.raises(DomainError, match="đường dẫn không an toàn"):
        upload(dossier, clerk, "x.xlsx", buffer.getvalue())


def test_size_limit_is_configurable_per_province(dossier, clerk):
    province = dossier.unit.province
    province.attachment_max_mb = 1
    province.save()
    big = PDF_BYTES + b"0" * (1024 * 1024)
    with pytest.raises(DomainError, match="vượt giới hạn 1 MB"):
        upload(dossier, clerk, "lon.pdf", big)
    assert stored_files() == []


def test_default_limit_is_20_mb(province):
    assert province.attachment_max_mb == 20


def test_original_name_is_sanitised():
    assert safe_original_name("../../etc/passwd") == "passwd"
    assert safe_original_name("C:\\Users\\a\\Tờ trình.pdf") == "Tờ trình.pdf"
    assert safe_original_name("a\x00b\x1f.pdf") == "ab.pdf"
    long_name = "Báo cáo thành tích " * 40 + ".pdf"
    assert len(safe_original_name(long_name)) <= 255 and safe_original_name(long_name).endswith(".pdf")


def test_per_nomination_document_needs_a_nomination(dossier, clerk):
    with pytest.raises(DomainError, match="phải gắn với một người"):
        upload(dossier, clerk, "bc.pdf", PDF_BYTES, code="bao_cao_ca_nhan")
    nomination = NominationFactory(dossier=dossier)
    attachment = upload(dossier, clerk, "bc.pdf", PDF_BYTES, code="bao_cao_ca_nhan", nomination=nomination)
    assert attachment.nomination == nomination


def test_nomination_of_another_dossier_refused(dossier, clerk):
    foreign = NominationFactory()
    with pytest.raises(DomainError, match="không thuộc hồ sơ"):
        upload(dossier, clerk, "bc.pdf", PDF_BYTES, code="bao_cao_ca_nhan", nomination=foreign)


def test_other_unit_cannot_upload(dossier, other_clerk):
    with pytest.raises(DomainError):
        upload_attachment(actor=other_clerk, dossier=dossier, document_type=document_type("khac"),
                          uploaded_file=pdf_upload())


def test_remove_deletes_file_after_commit(dossier, clerk, django_capture_on_commit_callbacks):
    attachment = upload(dossier, clerk, "a.pdf", PDF_BYTES)
    name = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        remove_attachment(actor=clerk, attachment=attachment)
    assert not default_storage.exists(name)
    assert AuditEvent.objects.filter(action="attachment.removed").exists()

"""Bad uploads, on every path a file comes in: each is refused with a clear Vietnamese message and leaves
nothing behind (no file under MEDIA_ROOT, no row), or, for hostile names, is stored under a safe name.

Paths: a dossier's documents (service, page, API), a central submission's supplementary documents (page, API)
and an absent council member's written opinion scan (page, API).
"""

from __future__ import annotations

import functools
import io
import json
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from councils.models import WrittenOpinion
from councils.services import sessions as session_services
from dossiers.exceptions import DomainError
from dossiers.files import MAX_ZIP_ENTRIES, FileRejected, check_zip_package, detect
from dossiers.models import Attachment, AuditEvent, CentralAttachment
from dossiers.services import central as central_services
from dossiers.services.attachments import upload_attachment
from tests.central_world import forward_through_decision, people
from tests.councils.conftest import (  # noqa: F401 - the councils' fixtures
    chair,
    council,
    make_session,
    members,
    office,
    secretary,
    waiting,
)
from tests.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES, document_type, docx_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

LIMIT_MB = 1


# ---- hostile files ----------------------------------------------------------------------------


def zip_bytes(parts: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


DOCX_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
              b'officedocument.wordprocessingml.document.main+xml"/></Types>')


def declare_size(package: bytes, member: str, size: int) -> bytes:
    """The package with ``member``'s uncompressed size in the central directory (and local header) set to
    ``size``: what a bomb declares, without the bytes it would expand to."""
    data = bytearray(package)
    encoded = member.encode()
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46:start + 46 + name_length] == encoded:
            struct.pack_into("<I", data, start + 24, size)
            local = struct.unpack_from("<I", data, start + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
            return bytes(data)
        start += 4
    raise AssertionError(f"{member} not in package")


@functools.cache
def declared_bomb() -> bytes:
    """A 1 KB DOCX whose image declares 3.9 GB once expanded."""
    package = zip_bytes({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w:document/>",
                         "word/media/image1.png": b"\0" * 4000})
    return declare_size(package, "word/media/image1.png", 3_900_000_000)


@functools.cache
def real_bomb() -> bytes:
    """An XLSX of some 30 KB whose sheet really expands to 30 MB."""
    workbook = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    parts = {info.filename: workbook.read(info.filename) for info in workbook.infolist()}
    parts["xl/worksheets/sheet2.xml"] = b"<row/>" * 5_000_000
    return zip_bytes(parts)


@functools.cache
def many_entries() -> bytes:
    return zip_bytes({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w:document/>",
                      **{f"word/media/{i}.xml": b"" for i in range(MAX_ZIP_ENTRIES)}})


def climbing_entry() -> bytes:
    return zip_bytes({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w:document/>",
                      "../../../etc/cron.d/evil": b"* * * * * root sh"})


def oversize() -> bytes:
    return PDF_BYTES + b"0" * (LIMIT_MB * 1024 * 1024 + 1 - len(PDF_BYTES))


@dataclass(frozen=True)
class Bad:
    label: str
    name: str
    content: bytes
    message: str  # what the user reads
    scan_message: str = ""  # the written-opinion scan's wording, where it differs


NOT_ACCEPTED = "Chỉ nhận tệp PDF, DOCX, XLSX, JPEG hoặc PNG"
BOMB = "nghi là tệp độc hại"
BAD = [
    Bad("executable behind .pdf", "to-trinh.pdf", b"MZ\x90\x00\x03\x00\x00\x00 This program cannot be run", NOT_ACCEPTED),
    Bad("html behind .pdf", "to-trinh.pdf", b"<html><script>alert(document.cookie)</script></html>", NOT_ACCEPTED),
    Bad("svg behind .png", "anh.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', NOT_ACCEPTED),
    Bad("text behind .jpg", "anh.jpg", "Xin chào".encode(), NOT_ACCEPTED),
    Bad("plain zip behind .docx", "bao-cao.docx", zip_bytes({"a.txt": b"x"}), "không phải là tài liệu Word"),
    Bad("png behind .pdf", "to-trinh.pdf", PNG_BYTES, "có đuôi .pdf nhưng nội dung là tệp PNG"),
    Bad("docx behind .xlsx", "danh-sach.xlsx", docx_bytes(), "có đuôi .xlsx nhưng nội dung là tệp DOCX"),
    Bad("damaged zip", "bao-cao.docx", b"PK\x03\x04" + b"\x00" * 200, "Tệp bị hỏng, không mở được"),
    Bad("empty", "trong.pdf", b"", "rỗng", scan_message="Hãy đính kèm bản chụp ý kiến bằng văn bản"),
    Bad("oversize", "lon.pdf", oversize(), "vượt giới hạn 1 MB", scan_message="Tệp quá lớn"),
    Bad("bomb declaring gigabytes", "bao-cao.docx", declared_bomb(), BOMB),
    Bad("bomb of real zeros", "bang.xlsx", real_bomb(), BOMB),
    Bad("too many entries", "bao-cao.docx", many_entries(), BOMB),
    Bad("entry climbing out", "bao-cao.docx", climbing_entry(), "đường dẫn không an toàn"),
]


def test_the_bombs_are_small_and_claim_a_lot():
    bomb = declared_bomb()
    assert len(bomb) < 2000
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) > 3_000_000_000
    real = real_bomb()
    assert len(real) < 100_000
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(real)).infolist()) > 29_000_000


def test_bombs_are_judged_without_decompressing(monkeypatch):
    """Only the declared sizes are read: opening any member for the bomb would fail this test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a member was decompressed")

    contents = (declared_bomb(), real_bomb(), many_entries(), climbing_entry())
    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    for content in contents:
        with pytest.raises(FileRejected):
            check_zip_package(io.BytesIO(content))
        with pytest.raises(FileRejected):
            detect(io.BytesIO(content))


def test_good_office_files_pass_the_package_check():
    for content in (docx_bytes(), xlsx_bytes()):
        check_zip_package(io.BytesIO(content))
    assert detect(io.BytesIO(docx_bytes()), name="bao-cao.docx").code == "docx"
    assert detect(io.BytesIO(JPEG_BYTES), name="anh.jpeg").code == "jpeg"
    assert detect(io.BytesIO(JPEG_BYTES), name="anh.JPG").code == "jpeg"


# ---- what is left behind ----------------------------------------------------------------------


def media_files() -> list[Path]:
    root = Path(default_storage.location)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Attachment, CentralAttachment, WrittenOpinion, AuditEvent)}


class Unchanged:
    """Assert that the block left no file and no row."""

    def __enter__(self):
        self.files, self.rows = media_files(), counts()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            assert media_files() == self.files
            assert counts() == self.rows


def text_of(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&quot;", '"').replace("&#x27;", "'")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def token_client(user) -> APIClient:
    from rest_framework.authtoken.models import Token

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return api


def assert_api_refusal(response, bad: Bad, message: str):
    assert response.status_code == 400, (bad.label, response.content)
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    text = body["message"] + " " + " ".join(str(e.get("message", "")) for e in body["errors"])
    assert message in text, (bad.label, body)


# ---- a dossier's documents --------------------------------------------------------------------


@pytest.fixture
def small_limit(province):
    province.attachment_max_mb = LIMIT_MB
    province.save()
    return province


@pytest.mark.parametrize("bad", BAD, ids=[b.label for b in BAD])
def test_dossier_service_refuses(small_limit, dossier, clerk, bad):
    with Unchanged(), pytest.raises(DomainError) as refused:
        upload_attachment(actor=clerk, dossier=dossier, document_type=document_type("khac"),
                          uploaded_file=upload(bad.name, bad.content))
    assert bad.message in refused.value.message
    if bad.content:
        assert refused.value.message.startswith(f"Tệp “{bad.name}”")  # the user knows which file


def test_dossier_page_refuses_every_bad_file(small_limit, client, dossier, clerk):
    client.force_login(clerk)
    url = reverse("attachment_upload", args=[dossier.pk])
    for bad in BAD:
        with Unchanged():
            response = client.post(url, {"document_type": document_type("khac").pk,
                                         "file": upload(bad.name, bad.content)})
        # An empty file is caught by the form (the page shown again with the error), the rest by the service.
        assert response.status_code == (200 if not bad.content else 400), bad.label
        page = text_of(response)
        assert bad.message in page or (not bad.content and "rỗng" in page), (bad.label, page[:3000])


def test_dossier_api_refuses_every_bad_file(small_limit, dossier, clerk):
    api = token_client(clerk)
    url = f"/api/v1/dossiers/{dossier.pk}/attachments/"
    for bad in BAD:
        with Unchanged():
            response = api.post(url, {"document_type": "khac", "file": upload(bad.name, bad.content)},
                                format="multipart")
        assert_api_refusal(response, bad, bad.message)


# ---- hostile names ----------------------------------------------------------------------------

NAMES = [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("/etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Windows\\System32\\to-trinh.pdf", "to-trinh.pdf"),
    ("..\\..\\..\\boot.pdf", "boot.pdf"),
    ("....//....//x.pdf", "x.pdf"),
    ("to\x00trinh\x07\x1b.pdf", "totrinh.pdf"),
    ("hoa-don\u202efdp.exe", "hoa-donfdp.exe.pdf"),  # a right-to-left override shows it as "hoa-donexe.pdf"
    ("bao\u200bcao\u2066.pdf", "baocao.pdf"),
    ("  Tờ   trình\n\tnăm 2025.pdf  ", "Tờ trình năm 2025.pdf"),
    ("...", "tai-lieu"),
]


@pytest.mark.parametrize(("name", "shown"), NAMES)
def test_hostile_names_are_normalised_and_never_used_as_paths(dossier, clerk, name, shown):
    attachment = upload_attachment(actor=clerk, dossier=dossier, document_type=document_type("khac"),
                                   uploaded_file=upload(name, PDF_BYTES))
    assert attachment.original_name == shown
    stored = Path(default_storage.path(attachment.file.name)).resolve()
    assert stored.is_relative_to(Path(default_storage.location).resolve())
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}", attachment.file.name)
    assert media_files() == [stored]


def test_a_thousand_character_nfd_name_is_shortened_composed_and_keeps_its_extension(dossier, clerk):
    long_name = unicodedata.normalize("NFD", "Báo cáo thành tích của đồng chí Nguyễn Thị Hường " * 25)[:1000]
    long_name += "\u202e\x00.pdf"
    assert len(long_name) > 1000
    attachment = upload_attachment(actor=clerk, dossier=dossier, document_type=document_type("khac"),
                                   uploaded_file=upload(long_name, PDF_BYTES))
    name = attachment.original_name
    assert len(name) <= 255 and name.endswith(".pdf")
    assert name == unicodedata.normalize("NFC", name)
    assert name.startswith("Báo cáo thành tích của đồng chí Nguyễn Thị Hường")
    assert not any(unicodedata.category(ch)[0] == "C" for ch in name)


def test_hostile_names_through_the_page_and_the_api(client, dossier, clerk):
    client.force_login(clerk)
    long_name = unicodedata.normalize("NFD", "Tờ trình đề nghị khen thưởng " * 40) + "\u202e.pdf"
    response = client.post(reverse("attachment_upload", args=[dossier.pk]),
                           {"document_type": document_type("khac").pk, "file": upload(long_name, PDF_BYTES)})
    assert response.status_code == 302
    api = token_client(clerk)
    response = api.post(f"/api/v1/dossiers/{dossier.pk}/attachments/",
                        {"document_type": "khac", "file": upload("../../../etc/passwd.pdf", PDF_BYTES)},
                        format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["original_name"] == "passwd.pdf"
    names = list(Attachment.objects.order_by("pk").values_list("original_name", flat=True))
    assert names[0].startswith("Tờ trình đề nghị khen thưởng") and names[0].endswith(".pdf")
    assert len(names[0]) <= 255 and "\u202e" not in names[0]
    assert all(re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}", a.file.name) for a in Attachment.objects.all())
    # The download offers the safe name.
    attachment = Attachment.objects.order_by("pk").last()
    response = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert 'filename="passwd.pdf"' in response["Content-Disposition"]


# ---- central submission supplements ------------------------------------------------------------


@pytest.fixture
def who(small_limit):
    return people(small_limit)


@pytest.fixture
def submission(small_limit, who):
    forwarded = forward_through_decision(small_limit, who)
    return central_services.create_submission(actor=who.liaison, province=small_limit, title="Trình Chủ tịch nước",
                                              nominations=forwarded)


def test_central_page_refuses_every_bad_file(client, submission, who):
    client.force_login(who.liaison)
    url = reverse("central_attachment_upload", args=[submission.pk])
    for bad in BAD:
        with Unchanged():
            response = client.post(url, {"label": "Xác nhận của cơ quan thuế", "file": upload(bad.name, bad.content)})
        assert response.status_code == 400, bad.label
        page = text_of(response)
        assert bad.message in page or (not bad.content and "rỗng" in page), (bad.label, page[:3000])


def test_central_api_refuses_every_bad_file(submission, who):
    api = token_client(who.liaison)
    url = f"/api/v1/central-submissions/{submission.pk}/attachments/"
    for bad in BAD:
        with Unchanged():
            response = api.post(url, {"label": "Xác nhận của cơ quan thuế", "file": upload(bad.name, bad.content)},
                                format="multipart")
        assert_api_refusal(response, bad, bad.message)


def test_central_service_normalises_hostile_names(submission, who):
    attachment = central_services.add_central_attachment(
        actor=who.liaison, submission=submission, label="Xác nhận",
        uploaded_file=upload("..\\..\\thue\u202efdp.exe", PDF_BYTES))
    assert attachment.original_name == "thuefdp.exe.pdf"
    assert "thue" not in attachment.file.name and ".." not in attachment.file.name


# ---- written opinion scans (councils) ----------------------------------------------------------


@pytest.fixture
def meeting(small_limit, council, secretary, waiting, members):  # noqa: F811 - fixtures
    session = make_session(council, secretary, waiting[:1])
    session_services.publish_agenda(actor=secretary, session=session)
    session_services.start_session(actor=secretary, session=session)
    session_services.record_attendance(actor=secretary, session=session,
                                       present_user_ids=[u.pk for u in members[:13]])
    return session


def scan_bad(bad: Bad) -> str:
    return bad.scan_message or bad.message


def test_written_opinion_page_refuses_every_bad_scan(client, meeting, secretary, members):  # noqa: F811
    absent = meeting.members.get(user=members[14])
    item = meeting.items.get()
    client.force_login(secretary)
    url = reverse("council_written_opinion", args=[meeting.pk])
    for bad in BAD:
        with Unchanged():
            response = client.post(url, {"opinion-member": absent.pk, f"opinion-item_{item.pk}": "agree",
                                         "opinion-scan": upload(bad.name, bad.content)})
        assert response.status_code == 400, bad.label
        page = text_of(response)
        ok = scan_bad(bad) in page or (not bad.content and "rỗng" in page)
        # A well-formed Word or Excel file is still no scan.
        ok = ok or (bad.label == "plain zip behind .docx" and "Bản chụp phải là tệp PDF, JPEG hoặc PNG" in page)
        assert ok, (bad.label, page[:3000])


def test_written_opinion_api_refuses_every_bad_scan(meeting, secretary, members):  # noqa: F811
    item = meeting.items.get()
    api = token_client(secretary)
    url = f"/api/v1/council-sessions/{meeting.pk}/written-opinions/"
    for bad in BAD:
        with Unchanged():
            response = api.post(url, {"member": members[14].pk, "choices": json.dumps({str(item.pk): "agree"}),
                                      "scan": upload(bad.name, bad.content)}, format="multipart")
        if not bad.content:
            assert response.status_code == 400 and "rỗng" in json.dumps(response.json(), ensure_ascii=False)
            continue
        message = scan_bad(bad)
        if bad.label == "plain zip behind .docx":
            message = "không phải là tài liệu Word"
        assert_api_refusal(response, bad, message)


def test_written_opinion_scan_name_is_normalised(meeting, secretary, members):  # noqa: F811
    from councils.services import voting

    item = meeting.items.get()
    opinion = voting.enter_written_opinion(actor=secretary, session=meeting,
                                           member=meeting.members.get(user=members[14]),
                                           choices={str(item.pk): "agree"},
                                           scan=upload("../../y\u202ekien\x00.jpg", JPEG_BYTES))
    assert opinion.original_name == "ykien.jpg"
    assert re.fullmatch(r"written-opinions/[0-9a-f]{32}\.jpeg", opinion.scan.name)

"""Recognising an uploaded file by its content, never by its name.

Accepted: PDF, DOCX, XLSX, JPEG, PNG. A DOCX or XLSX is a ZIP package whose
``[Content_Types].xml`` and main part say what it is; the package is also
checked for a decompression bomb (too many entries, too much expanded data,
an absurd compression ratio) and for entry names that climb out of it. The
bomb checks read only the sizes the package declares in its central directory:
nothing is decompressed except the first 200 KB of ``[Content_Types].xml``
(and ``zipfile`` never reads past a member's declared size, so a package that
lies about its sizes cannot make that read any larger).

The content decides the kind; a name whose extension names another accepted
kind (a PNG called ``to-trinh.pdf``) is refused, so the name shown and the
file downloaded never disagree.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_ZIP_ENTRIES = 2000
MAX_ZIP_EXPANDED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
# Below this a member's compression ratio is not looked at (small XML parts compress very well).
RATIO_FLOOR = 1024 * 1024
CONTENT_TYPES_READ = 200_000
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class FileKind:
    code: str
    content_type: str
    label: str


PDF = FileKind("pdf", "application/pdf", "PDF")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX")
JPEG = FileKind("jpeg", "image/jpeg", "JPEG")
PNG = FileKind("png", "image/png", "PNG")
ALLOWED = (PDF, DOCX, XLSX, JPEG, PNG)
EXTENSIONS = {"pdf": PDF, "docx": DOCX, "xlsx": XLSX, "jpg": JPEG, "jpeg": JPEG, "png": PNG}


class FileRejected(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def detect(fileobj, name: str | None = None) -> FileKind:
    """Return the kind of ``fileobj`` (seekable) or raise ``FileRejected``.

    ``name`` (default: the file's own ``name``) is only compared with the content: an extension of
    another accepted kind is refused.
    """
    kind = _detect_content(fileobj)
    if name is None:
        name = getattr(fileobj, "name", None) or ""
    extension = name.rsplit(".", 1)[-1].strip().lower() if "." in name else ""
    named = EXTENSIONS.get(extension)
    if named is not None and named != kind:
        raise FileRejected(
            "file_extension",
            _("Tên tệp có đuôi .%(extension)s nhưng nội dung là tệp %(kind)s. Hãy chọn đúng tệp, hoặc đổi tên tệp "
              "cho đúng loại.") % {"extension": extension, "kind": kind.label},
        )
    return kind


def _detect_content(fileobj) -> FileKind:
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _detect_ooxml(fileobj)
    raise FileRejected(
        "file_type",
        _("Chỉ nhận tệp PDF, DOCX, XLSX, JPEG hoặc PNG; nội dung tệp này không thuộc loại nào trong số đó."),
    )


def check_zip_package(fileobj) -> None:
    """Refuse a ZIP package (DOCX, XLSX) that is a decompression bomb or has unsafe entry names.

    Reads the central directory only. Raises ``FileRejected`` (also for a damaged package).
    """
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as package:
            _check_package(package.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileRejected("file_corrupt", _("Tệp bị hỏng, không mở được.")) from None
    finally:
        fileobj.seek(0)


def _detect_ooxml(fileobj) -> FileKind:
    try:
        with zipfile.ZipFile(fileobj) as package:
            infos = package.infolist()
            _check_package(infos)
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names:
                raise FileRejected("file_type", _("Tệp nén không phải là tài liệu Word hoặc Excel."))
            with package.open("[Content_Types].xml") as part:
                content_types = part.read(CONTENT_TYPES_READ)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise FileRejected("file_corrupt", _("Tệp bị hỏng, không mở được.")) from None
    finally:
        fileobj.seek(0)
    if "word/document.xml" in names and b"wordprocessingml.document.main" in content_types:
        return DOCX
    if "xl/workbook.xml" in names and b"spreadsheetml.sheet.main" in content_types:
        return XLSX
    raise FileRejected("file_type", _("Tệp nén không phải là tài liệu Word (DOCX) hoặc Excel (XLSX)."))


def _check_package(infos) -> None:
    if len(infos) > MAX_ZIP_ENTRIES:
        raise FileRejected("file_bomb", _("Tệp chứa quá nhiều thành phần, nghi là tệp độc hại."))
    expanded = compressed = 0
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or _DRIVE.match(name):
            raise FileRejected("file_unsafe", _("Tệp chứa đường dẫn không an toàn."))
        expanded += info.file_size
        compressed += info.compress_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise FileRejected("file_bomb", _("Tệp có tỷ lệ nén bất thường, nghi là tệp độc hại."))
    if expanded > MAX_ZIP_EXPANDED:
        raise FileRejected("file_bomb", _("Tệp khi giải nén quá lớn, nghi là tệp độc hại."))
    if expanded > RATIO_FLOOR and expanded > MAX_ZIP_RATIO * max(compressed, 1):
        raise FileRejected("file_bomb", _("Tệp có tỷ lệ nén bất thường, nghi là tệp độc hại."))

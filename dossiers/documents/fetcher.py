"""The only way a document can load a resource: bundled static files and data: URIs.

Documents name bundled files with the ``static:`` scheme, relative to the static
folders (``static:fonts/LiberationSerif-Regular.ttf``,
``static:documents/document.css``); the file is found by Django's staticfiles
finders, as ``{% static %}`` would find it, and must stay inside the folder the
finder found it in (symbolic links out of it are refused). ``data:`` URIs are
decoded in memory.

Everything else is refused: http(s), ftp, ``file://`` and any path on the
disk, ``..`` segments, absolute paths, back slashes, and file types a document
has no use for. There is no network access and no other local file.

WeasyPrint 70 needs a ``weasyprint.urls.URLFetcher`` (it reads attributes of the
fetcher; a plain function crashes it), so this is a subclass. The parent's
opener is used for ``data:`` only (``allowed_protocols={"data"}`` guards it a
second time).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from urllib.parse import unquote

from django.contrib.staticfiles import finders
from django.utils.translation import gettext as _
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_SCHEME = "static:"

# File types a document may load: style sheets, fonts and images.
CONTENT_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


class ResourceRefused(ValueError):
    """A document asked for a resource it may not load."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{reason}: {_short(url)}")


def _short(url: str) -> str:
    return url if len(url) <= 120 else f"{url[:117]}..."


def static_url(path: str) -> str:
    """``static_url("fonts/x.ttf")`` -> ``"static:fonts/x.ttf"``: how a template names a bundled file."""
    return f"{STATIC_SCHEME}{path}"


def resolve_static(url: str) -> Path:
    """The bundled file a ``static:`` URL names, or ``ResourceRefused``."""
    relative = unquote(url[len(STATIC_SCHEME):]).split("?", 1)[0].split("#", 1)[0]
    if not relative or "\\" in relative or "\x00" in relative:
        raise ResourceRefused(url, _("Đường dẫn tài nguyên không hợp lệ"))
    if relative.startswith("/") or ":" in relative.split("/", 1)[0]:
        raise ResourceRefused(url, _("Không được dùng đường dẫn tuyệt đối"))
    segments = relative.split("/")
    if any(segment in {"..", "."} for segment in segments) or posixpath.normpath(relative) != relative:
        raise ResourceRefused(url, _("Không được dùng đường dẫn ra ngoài thư mục tệp tĩnh"))
    if Path(relative).suffix.lower() not in CONTENT_TYPES:
        raise ResourceRefused(url, _("Loại tệp này không được dùng trong văn bản"))

    for finder in finders.get_finders():
        found = finder.find(relative)
        if not found:
            continue
        found_path = Path(os.path.realpath(found))
        roots = [Path(os.path.realpath(storage.location)) for storage in _storages(finder)]
        if found_path.is_file() and any(found_path.is_relative_to(root) for root in roots):
            return found_path
        raise ResourceRefused(url, _("Tệp nằm ngoài thư mục tệp tĩnh"))
    raise ResourceRefused(url, _("Không tìm thấy tệp tĩnh"))


def _storages(finder) -> list:
    storages = getattr(finder, "storages", None)
    if isinstance(storages, dict):
        return [storage for storage in storages.values() if getattr(storage, "location", None)]
    storage = getattr(finder, "storage", None)
    return [storage] if getattr(storage, "location", None) else []


class DocumentURLFetcher(URLFetcher):
    """Serves bundled static files (``static:``) and ``data:`` URIs; refuses everything else.

    One instance per rendering: ``refused`` lists what was refused, so the
    renderer can fail even where WeasyPrint would only log a warning.
    """

    def __init__(self, *, fail_on_errors: bool = True):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=fail_on_errors)
        self.refused: list[ResourceRefused] = []
        self.fetched: list[str] = []

    def fetch(self, url, headers=None):
        try:
            response = self._fetch(url, headers)
        except ResourceRefused as refusal:
            self.refused.append(refusal)
            raise
        self.fetched.append(url)
        return response

    def _fetch(self, url, headers):
        if not isinstance(url, str):
            raise ResourceRefused(repr(url), _("Địa chỉ tài nguyên không hợp lệ"))
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "static":
            path = resolve_static(url)
            content_type = CONTENT_TYPES[path.suffix.lower()]
            if content_type == "text/css":
                content_type = "text/css; charset=utf-8"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        if scheme == "data":
            return super().fetch(url, headers)
        raise ResourceRefused(url, _("Văn bản chỉ được dùng tệp tĩnh đi kèm và dữ liệu data:"))

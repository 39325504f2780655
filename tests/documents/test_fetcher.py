"""The document URL fetcher serves bundled static files and data: URIs, and nothing else."""

from __future__ import annotations

import base64
import socket
from pathlib import Path

import pytest
from django.conf import settings
from weasyprint.urls import URLFetcher

from dossiers.documents.fetcher import DocumentURLFetcher, ResourceRefused, static_url

FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "LiberationSerif-Regular.ttf"


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    attempts: list = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_is_a_weasyprint_url_fetcher():
    # WeasyPrint 70 reads attributes of the fetcher (a plain function crashes it).
    fetcher = DocumentURLFetcher()
    assert isinstance(fetcher, URLFetcher)
    assert fetcher._fail_on_errors is True


def test_serves_a_bundled_font():
    response = DocumentURLFetcher().fetch(static_url("fonts/LiberationSerif-Regular.ttf"))
    assert response.read() == FONT.read_bytes()
    assert response.content_type == "font/ttf"


def test_serves_the_document_stylesheet_as_css():
    response = DocumentURLFetcher().fetch("static:documents/document.css")
    assert response.content_type == "text/css"
    assert response.charset == "utf-8"
    assert b"@font-face" in response.read()


def test_serves_a_data_uri():
    payload = b"\x89PNG fake bytes"
    url = "data:image/png;base64," + base64.b64encode(payload).decode()
    response = DocumentURLFetcher().fetch(url)
    assert response.read() == payload
    assert response.content_type == "image/png"


@pytest.mark.parametrize("url", [
    "http://example.com/x.png",
    "https://example.com/x.png",
    "HTTP://EXAMPLE.COM/x.png",
    "ftp://example.com/x.png",
    "file:///etc/passwd",
    "file://localhost/etc/passwd",
    "/etc/passwd",
    "x.png",
    "//example.com/x.png",
    "javascript:alert(1)",
    "static:/etc/passwd",
    "static:///etc/passwd",
    "static:../config/settings.py",
    "static:../static/fonts/LiberationSerif-Regular.ttf",
    "static:fonts/../../config/settings.py",
    "static:fonts/../fonts/LiberationSerif-Regular.ttf",
    "static:./fonts/LiberationSerif-Regular.ttf",
    "static:fonts//LiberationSerif-Regular.ttf",
    "static:%2e%2e/config/settings.py",
    "static:fonts%2f..%2f..%2fconfig%2fsettings.py",
    "static:fonts\\..\\..\\config\\settings.py",
    "static:C:/Windows/win.ini",
    "static:file:///etc/passwd",
    "static:fonts/OFL.txt",                 # not a type a document loads
    "static:fonts/Missing.ttf",             # no such file
    "static:",
])
def test_refuses(url, no_network):
    fetcher = DocumentURLFetcher()
    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)
    assert [refusal.url for refusal in fetcher.refused] == [url]
    assert fetcher.fetched == []
    assert no_network == []


def test_refuses_a_symbolic_link_out_of_the_static_folder(settings, tmp_path):
    static_dir = tmp_path / "static"
    static_dir.mkdir()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for documents")
    (static_dir / "escape.png").symlink_to(secret)
    (static_dir / "inside.png").write_bytes(b"fine")
    settings.STATICFILES_DIRS = [static_dir]

    fetcher = DocumentURLFetcher()
    assert fetcher.fetch("static:inside.png").read() == b"fine"
    with pytest.raises(ResourceRefused):
        fetcher.fetch("static:escape.png")


def test_refuses_uploaded_files_and_project_files(settings, tmp_path, no_network):
    """Files outside the static folders (uploads in the media folder, the project's own files) never load."""
    media = tmp_path / "media" / "attachments"
    media.mkdir(parents=True)
    upload = media / "scan.png"
    upload.write_bytes(b"\x89PNG private scan")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}
    settings_file = Path(settings.BASE_DIR) / "config" / "settings.py"
    for url in (str(upload), f"file://{upload}", "static:attachments/scan.png", "media:attachments/scan.png",
                str(settings_file), f"file://{settings_file}"):
        fetcher = DocumentURLFetcher()
        with pytest.raises(ResourceRefused):
            fetcher.fetch(url)
        assert fetcher.fetched == []
    assert no_network == []


def test_an_official_document_with_hostile_text_loads_nothing_but_bundled_files(finance, no_network):
    """User-typed text is escaped: a URL in an achievement summary is printed, never fetched."""
    from dossiers.documents import official
    from dossiers.documents.render import pdf_from_parts
    from tests.documents import pdf as pdfread
    from tests.factories import DossierFactory, NominationFactory

    nomination = NominationFactory(
        dossier=DossierFactory(unit=finance),
        achievement_summary='<img src="file:///etc/passwd"><link rel="stylesheet" href="http://example.com/x.css">')
    prepared = official.prepare("achievement-report", nomination)
    pdf = pdf_from_parts(prepared.parts)
    printed = "".join(pdfread.text(pdf).split())
    assert '<imgsrc="file:///etc/passwd"><linkrel="stylesheet"href="http://example.com/x.css">' in printed
    assert no_network == []

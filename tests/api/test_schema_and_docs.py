"""The OpenAPI schema and Swagger UI, served without any outside resource."""

from __future__ import annotations

import re

import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command


def test_schema_endpoint(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in ("/api/v1/auth/token/", "/api/v1/dossiers/", "/api/v1/dossiers/{id}/submit/",
                 "/api/v1/dossiers/{id}/nominations/", "/api/v1/attachments/{id}/download/",
                 "/api/v1/catalogue/award-types/", "/api/v1/units/", "/api/v1/dossiers/{id}/import-nominees/"):
        assert path in paths, path
    assert "Error" in schema["components"]["schemas"]
    assert "403" in paths["/api/v1/dossiers/{id}/submit/"]["post"]["responses"]
    upload = paths["/api/v1/dossiers/{id}/attachments/"]["post"]["requestBody"]["content"]
    assert list(upload) == ["multipart/form-data"]


def test_schema_generates_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert yaml.safe_load(target.read_text())["info"]["title"] == "API hồ sơ đề nghị khen thưởng"


def test_docs_page_uses_only_local_files(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources, html
    # The start-up script is served by the same view (no inline script: Content Security Policy).
    scripts = [source for source in sources if source.startswith("/api/docs/?")]
    assert len(scripts) == 1, sources
    for source in sources:
        if source in scripts:
            continue
        assert source.startswith(("/static/drf_spectacular_sidecar/", "/static/css/")), source
        assert finders.find(source.removeprefix("/static/")), f"{source} is not shipped"
    assert "cdn" not in html.lower()
    assert not re.search(r'src="https?://', html)
    script = client.get(scripts[0].replace("&amp;", "&")).content.decode()
    assert "SwaggerUIBundle" in script
    # Swagger UI would otherwise send the schema to validator.swagger.io.
    assert '"validatorUrl": null' in script

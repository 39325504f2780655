"""The machinery of the authorisation matrix: enumerate endpoints, ask as every principal, judge the answers.

Endpoints come from the running configuration, so a new one is covered (and,
until the allow table lists it, fails): the URL resolver for pages (recursively,
every namespace; ``document_pdf`` once per document kind), drf-spectacular's
generator for the API, and the admin site as one "staff only" class.

Every request runs inside a transaction that is rolled back, so a POST that an
allowed user makes (an empty form, a claim, a delete) changes nothing for the
next one.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.security.allow_table import ANONYMOUS, NO_ROLE, Rule
from tests.security.world import OWN_UNIT, ROLES, UNIT_ROLE_NAMES, World

ADMIN_PREFIX = "admin/"
API_PREFIX = "api/"
# Resolver entries that are not pages of their own: the API (judged by its schema operations) and Django's
# language switch (a POST that only sets a cookie, judged separately).
SKIPPED_NAMESPACES = ("api",)


@dataclass(frozen=True)
class Page:
    name: str          # URL name; "document_pdf:<kind>" for each kind of official document
    route: str
    arguments: tuple[str, ...]


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str          # the schema's template, "/api/v1/dossiers/{id}/"


@dataclass(frozen=True)
class Principal:
    key: str           # "unit_clerk", "unit_clerk@other", "anonymous", "no_role"
    role: str          # the role it holds ("anonymous", "no_role" for those two)
    stranger: bool     # holds the role, not the scope


def _walk(resolver, prefix="", namespace=None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _walk(entry, prefix + str(entry.pattern), inner or None)
        elif isinstance(entry, URLPattern):
            yield namespace, entry, prefix + str(entry.pattern)


def _arguments(entry: URLPattern) -> tuple[str, ...]:
    converters = getattr(entry.pattern, "converters", {}) or {}
    groups = re.findall(r"\(\?P<(\w+)>", str(entry.pattern))
    return tuple(converters) or tuple(groups)


@cache
def pages() -> tuple[Page, ...]:
    """Every named page outside the admin and the API, ``document_pdf`` expanded per document kind."""
    from dossiers.documents.official import DOCUMENT_KINDS

    found = []
    for namespace, entry, route in _walk(get_resolver()):
        if route.startswith(ADMIN_PREFIX) or (namespace or "").split(":")[0] in SKIPPED_NAMESPACES:
            continue
        name = f"{namespace}:{entry.name}" if namespace else (entry.name or route)
        if name == "document_pdf":
            found += [Page(f"document_pdf:{kind}", route, ("kind", "pk")) for kind in DOCUMENT_KINDS]
        else:
            found.append(Page(name, route, _arguments(entry)))
    return tuple(found)


@cache
def admin_paths() -> tuple[str, ...]:
    """Every admin URL, with 1 (or a valid app label) for each argument."""
    paths = []
    for _, _entry, route in _walk(get_resolver()):
        if not route.startswith(ADMIN_PREFIX):
            continue
        path = "/" + route
        path = re.sub(r"\(\?P<app_label>[^)]*\)", "dossiers", path)
        path = re.sub(r"<path:[^>]+>|<int:[^>]+>|<[^>]+>", "1", path)
        path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path).replace("^", "").replace("$", "")
        paths.append(path)
    return tuple(sorted(set(paths)))


@cache
def operations() -> tuple[Operation, ...]:
    """Every operation of the OpenAPI schema, as drf-spectacular generates it."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return tuple(
        Operation(operation["operationId"], method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    )


def principals() -> list[Principal]:
    result = [Principal(ANONYMOUS, ANONYMOUS, False), Principal(NO_ROLE, NO_ROLE, False)]
    for role in ROLES:
        result += [Principal(role, role, False), Principal(f"{role}@other", role, True)]
    return result


def user_of(world: World, principal: Principal, unit_code: str | None):
    if principal.key == ANONYMOUS:
        return None
    if principal.key == NO_ROLE:
        return world.users[NO_ROLE]
    if principal.stranger:
        return world.stranger(principal.role)
    return world.own(principal.role, unit_code or OWN_UNIT)


# --------------------------------------------------------------------------- asking


def ask(world: World, user, method: str, path: str, *, api: bool, data=None):
    """One request as ``user`` (None: anonymous), rolled back afterwards."""
    with transaction.atomic():
        django_cache.clear()  # no throttling between principals
        client = APIClient() if api else Client()
        client.raise_request_exception = False
        if user is not None:
            if api:
                client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[user.username]}")
            else:
                client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[user.username]
        kwargs = {"format": "json"} if api and method in ("POST", "PUT", "PATCH") else {}
        response = getattr(client, method.lower())(path, data if data is not None else {}, **kwargs)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        transaction.set_rollback(True)
    return response, body


_extracted: dict[int, str] = {}


def text_of(response, body: bytes) -> str:
    """What a person could read in the answer: HTML/JSON text, a PDF's text, an archive's members."""
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        return _pdf_text(body)
    if "zip" in kind or "spreadsheet" in kind or "officedocument" in kind:
        parts = []
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for name in archive.namelist():
                data = archive.read(name)
                parts.append(name)
                parts.append(_pdf_text(data) if data[:5] == b"%PDF-" else data.decode("utf-8", "ignore"))
        return "\n".join(parts)
    return body.decode("utf-8", "ignore")


def _pdf_text(body: bytes) -> str:
    key = hash(body)
    if key not in _extracted:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(body))
        _extracted[key] = "\n".join(page.extract_text() or "" for page in reader.pages)
    return _extracted[key]


def forbidden_markers(world: World, principal: Principal, unit_code: str | None) -> set[str]:
    """Markers of dossiers ``principal`` must not read about (see ``world.py``)."""
    hidden = {marker for marker, scope in world.markers.items() if scope != "public"}
    if principal.stranger or principal.key in (ANONYMOUS, NO_ROLE):
        return hidden
    if principal.role in UNIT_ROLE_NAMES:
        own = unit_code or OWN_UNIT
        return {marker for marker in hidden if not world.markers[marker].endswith(f":{own}")}
    return {marker for marker in hidden if world.markers[marker].startswith("draft:")}


# --------------------------------------------------------------------------- judging


def allowed(rule: Rule, principal: Principal) -> bool:
    if principal.stranger and rule.scoped:
        return False
    return principal.role in rule.roles


def _to_login(response) -> bool:
    return response.status_code in (301, 302) and response["Location"].startswith(reverse("login"))


def judge(rule: Rule, principal: Principal, method: str, response, body: bytes, *, api: bool) -> str | None:
    """None if the answer is what the table says; else what is wrong."""
    status = response.status_code
    if status >= 500:
        return f"{method} answered {status}"
    if allowed(rule, principal):
        if status in (401, 403, 404):
            return f"{method} refused ({status}) but the table allows it"
        if method == "GET" and status >= 400 and status != 405:
            return f"GET answered {status}"
        return None
    if principal.key == ANONYMOUS and not api and _to_login(response):
        return None
    if status in (403, 404) or (api and principal.key == ANONYMOUS and status == 401):
        if api and _error_body_problem(body):
            return f"{method} {status} without the error body: {body[:200]!r}"
        return None
    return f"{method} answered {status} but the table refuses it"


def _error_body_problem(body: bytes) -> bool:
    import json

    try:
        data = json.loads(body)
    except ValueError:
        return True
    return not (isinstance(data, dict) and set(data) == {"code", "message", "errors"}
                and isinstance(data["message"], str) and data["message"] and isinstance(data["errors"], list))


def fill(path: str, kwargs: dict) -> str:
    """An API path from the schema's template: "/api/v1/dossiers/{id}/" with {"id": 3}."""
    for key, value in kwargs.items():
        path = path.replace("{" + key + "}", str(value))
    return path

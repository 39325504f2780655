"""Every page and every API operation, asked as every role, own scope and stranger, against the allow table.

- Pages come from the URL resolver, API operations from drf-spectacular's
  generator: a new endpoint is covered at once, and fails until
  ``tests/security/allow_table.py`` says who may reach it.
- Objects come from one fixture world per module (``tests/security/world.py``:
  the demo province plus strangers and markers); every request is rolled back.
- Besides the status: no answer a principal may read (page, JSON, file, PDF,
  spreadsheet, zip) carries a marker of a dossier outside their scope; the
  admin site is for staff only; a council member never sees another member's
  ballot.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from dossiers.models import User
from tests.security import allow_table, bindings, matrix
from tests.security.world import VOTED_MEMBER, build_world

PAGES = {page.name: page for page in matrix.pages()}
OPERATIONS = {operation.operation_id: operation for operation in matrix.operations()}
ADD_IT = "add it to tests/security/allow_table.py (who may reach it, and whether it is scoped to one object)"
WRITES = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(autouse=True)
def _fast_and_isolated():
    """The module's world keeps its own settings (see ``world``): no per-test media folder here."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                              "OPTIONS": {"location": str(media)}},
                  "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    ), django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# --------------------------------------------------------------------------- the table covers everything


def test_every_page_is_in_the_table():
    missing = sorted(set(PAGES) - set(allow_table.UI))
    assert not missing, f"Pages found by the URL resolver but not in the allow table: {missing}; {ADD_IT}"


def test_every_api_operation_is_in_the_table():
    missing = sorted(set(OPERATIONS) - set(allow_table.API))
    assert not missing, f"API operations in the OpenAPI schema but not in the allow table: {missing}; {ADD_IT}"


def test_the_table_names_no_endpoint_that_is_gone():
    assert not set(allow_table.UI) - set(PAGES), set(allow_table.UI) - set(PAGES)
    assert not set(allow_table.API) - set(OPERATIONS), set(allow_table.API) - set(OPERATIONS)


# --------------------------------------------------------------------------- asking every principal


def _leaks(world, principal, unit, response, body) -> list[str]:
    if response.status_code >= 300 or not body:
        return []
    text = matrix.text_of(response, body)
    return sorted(marker for marker in matrix.forbidden_markers(world, principal, unit) if marker in text)


def _judge_domain_code(rule, method, response, body) -> bool:
    """An allowed GET answered with the domain refusal the table expects for it."""
    if not rule.domain_code or response.status_code not in (400, 409):
        return False
    try:
        return json.loads(body).get("code") == rule.domain_code
    except ValueError:
        return False


def _policy_problem(response) -> str | None:
    """Every answer, whoever asks, carries a Content Security Policy that allows no inline code."""
    policy = response.headers.get("Content-Security-Policy", "")
    if not policy:
        return "no Content-Security-Policy header"
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        return f"a Content-Security-Policy allowing inline code: {policy}"
    return None


def _problems(world, rule, path, unit, *, api, method="GET"):
    problems = []
    for principal in matrix.principals():
        user = matrix.user_of(world, principal, unit)
        allowed = matrix.allowed(rule, principal)
        methods = [method]
        if not api:
            methods = ["GET", "POST"]
        for current in methods:
            response, body = matrix.ask(world, user, current, path, api=api)
            if policy := _policy_problem(response):
                problems.append(f"{principal.key}: {current} answered with {policy}")
            if not api and current == "GET" and response.status_code != 405 and allowed:
                problem = matrix.judge(rule, principal, current, response, body, api=False)
                if problem is None and (leaks := _leaks(world, principal, unit, response, body)):
                    problem = f"GET shows data outside the scope: {leaks}"
                if problem:
                    problems.append(f"{principal.key}: {problem}")
                break  # an allowed page that answers GET: its form is not posted empty
            if not api and current == "GET" and response.status_code == 405:
                continue
            problem = _judge(rule, principal, current, response, body, api=api)
            if problem is None and (leaks := _leaks(world, principal, unit, response, body)):
                problem = f"{current} shows data outside the scope: {leaks}"
            if problem:
                problems.append(f"{principal.key}: {problem}")
                break
    return problems


def _judge(rule, principal, method, response, body, *, api):
    problem = matrix.judge(rule, principal, method, response, body, api=api)
    if problem is None:
        return None
    allowed = matrix.allowed(rule, principal)
    if allowed and method == "GET" and _judge_domain_code(rule, method, response, body):
        return None
    # A write sent empty may be answered by validation before the permission check, and a POST to a page
    # that only reads by "method not allowed": never a success.
    if not allowed and method in WRITES and response.status_code in (400, 405, 415):
        return None
    return problem


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page(world, db, name):
    assert name in allow_table.UI, f"Page {name!r} ({PAGES[name].route}) is not in the allow table; {ADD_IT}"
    page = PAGES[name]
    if name.startswith("document_pdf:"):
        kwargs, unit = bindings.document_pdf(world, name.split(":", 1)[1])
        path = reverse("document_pdf", kwargs=kwargs)
    elif page.arguments:
        assert name in bindings.UI, f"Page {name!r} needs an object: add a binding to tests/security/bindings.py"
        kwargs, unit = bindings.UI[name](world)
        path = reverse(name, kwargs=kwargs)
    else:
        path, unit = reverse(name), None
    problems = _problems(world, allow_table.UI[name], path, unit, api=False)
    assert not problems, f"{name} ({path}):\n" + "\n".join(problems)


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_api_operation(world, db, operation_id):
    assert operation_id in allow_table.API, f"API operation {operation_id!r} is not in the allow table; {ADD_IT}"
    operation = OPERATIONS[operation_id]
    path, unit = operation.path, None
    if "{" in path:
        bind = bindings.api_binding(operation_id, path)
        assert bind is not None, f"{operation_id} needs an object: add a binding to tests/security/bindings.py"
        kwargs, unit = bind(world)
        path = matrix.fill(path, kwargs)
    problems = _problems(world, allow_table.API[operation_id], path, unit, api=True, method=operation.method)
    assert not problems, f"{operation.method} {path} ({operation_id}):\n" + "\n".join(problems)


# --------------------------------------------------------------------------- the admin site: staff only

ADMIN_SAMPLE = ("/admin/", "/admin/dossiers/dossier/", "/admin/dossiers/dossier/1/change/",
                "/admin/councils/ballot/", "/admin/auth/group/add/")


def test_admin_is_for_staff_only(world, db):
    paths = [path for path in matrix.admin_paths() if path not in ("/admin/login/", "/admin/logout/")]
    assert len(paths) > 50 and set(ADMIN_SAMPLE[:3]) <= set(paths)
    problems = []
    for principal in matrix.principals():
        user = matrix.user_of(world, principal, None)
        if user is not None and user.is_staff:
            continue  # the demo's administrator account is staff: checked below
        tried = paths if principal.key in ("anonymous", "no_role", "unit_clerk") else ADMIN_SAMPLE
        for path in tried:
            response, _ = matrix.ask(world, user, "GET", path, api=False)
            refused = response.status_code in (403, 404) or (
                response.status_code == 302 and response["Location"].startswith("/admin/login/"))
            if not refused:
                problems.append(f"{principal.key} GET {path}: {response.status_code}")
    assert not problems, "\n".join(problems)
    staff = User.objects.filter(is_staff=True, username=world.users["administrator"].username).first()
    assert staff is not None
    response, _ = matrix.ask(world, staff, "GET", "/admin/", api=False)
    assert response.status_code == 200


# --------------------------------------------------------------------------- ballots stay secret


def test_council_member_never_sees_another_members_ballot(world, db):
    """Another member voted "disagree" on every item of the open secret vote: member B sees none of it."""
    session = world.objects["session"]
    other = world.users["council_member"]
    assert other.username != VOTED_MEMBER
    receipt = world.objects["ballot_receipt"]

    # B's ballot page offers an empty ballot (nothing pre-chosen); A's receipt does not open A's ballot for B.
    response, body = matrix.ask(world, other, "GET", reverse("council_ballot", args=[session.pk]), api=False)
    assert response.status_code == 200
    assert not re.search(rb"<input[^>]*\bchecked\b", body)
    response, body = matrix.ask(world, other, "POST", reverse("council_ballot", args=[session.pk]), api=False,
                                data={"action": "load", "receipt": receipt})
    assert response.status_code in (200, 400) and b"disagree" not in body.lower().replace(b'value="disagree"', b"")
    assert not re.search(rb"<input[^>]*\bchecked\b", body)

    # The API: no ballot without one's own receipt; A's receipt finds nothing for B.
    api_path = f"/api/v1/council-sessions/{session.pk}/ballot/"
    response, body = matrix.ask(world, other, "GET", api_path, api=True)
    assert (response.status_code, json.loads(body)["code"]) == (400, "receipt_required")
    with transaction.atomic():
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[other.username]}",
                           HTTP_X_BALLOT_RECEIPT=receipt)
        response = client.get(api_path)
        transaction.set_rollback(True)
    assert response.status_code == 404 and response.json()["code"] == "ballot_not_found"

    # While the vote is open, nobody on the roster sees counts, and members do not see who has voted.
    response, body = matrix.ask(world, other, "GET", f"/api/v1/council-sessions/{session.pk}/agenda/", api=True)
    assert response.status_code == 200
    rows = json.loads(body)
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    assert rows and all(row.get(key) in (None, 0) for row in rows for key in ("agree", "disagree", "abstain"))
    for path, api in ((reverse("council_progress", args=[session.pk]), False),
                      (f"/api/v1/council-sessions/{session.pk}/progress/", True)):
        response, _ = matrix.ask(world, other, "GET", path, api=api)
        assert response.status_code == 403, path


# --------------------------------------------------------------------------- documents follow their pages


def _opens(world, user, name, pk) -> bool:
    response, _ = matrix.ask(world, user, "GET", reverse(name, args=[pk]), api=False)
    assert response.status_code < 500, (name, pk, response.status_code)
    return response.status_code == 200


def _reads(world, user, kind, obj) -> bool:
    """What ``document_pdf``, ``document_progress``, ``document_status`` and ``document_file`` let through;
    for an uploaded file, whether its download (page and API) answers with the file."""
    from django.contrib.auth.models import AnonymousUser

    from dossiers.documents import official

    if kind == "attachment":
        page, _ = matrix.ask(world, user, "GET", reverse("attachment_download", args=[obj.pk]), api=False)
        api, _ = matrix.ask(world, user, "GET", f"/api/v1/attachments/{obj.pk}/download/", api=True)
        assert (page.status_code == 200) == (api.status_code == 200), (obj.pk, page.status_code, api.status_code)
        return page.status_code == 200

    return official.DOCUMENT_KINDS[kind].scope(user or AnonymousUser()).filter(pk=obj.pk).exists()


def test_documents_follow_their_pages(world, db):
    """No PDF where the page is not (and none missing where it is), for every principal: a decision's
    documents (draft, awaiting signature, signed) as the decision's page, the central submission's as its
    page, a dossier's (proposal letter, achievement report, public notice, an uploaded file on the page and
    in the API) as the dossier's page in every state. The one exception is by law: a signed decision is published, so its PDF is for everyone."""
    from dossiers.models import DecisionState

    cases = []  # (page name, page object, unit of the object, [(kind, object)])
    for key in ("draft_decision", "pending_decision", "signed_decision"):
        decision = world.objects[key]
        kinds = [("ha-submission", decision), ("certificates", decision)]
        if decision.state not in (DecisionState.SIGNED, DecisionState.REVOKED):
            kinds.append(("decision", decision))
        cases.append(("decision_detail", decision, None, kinds))
    submission = world.objects["central_submission"]
    cases.append(("central_submission", submission, None, [("central-submission", submission)]))
    seen_states = set()
    for dossier in world.dossiers:
        if dossier.unit.code not in ("STC", "HTD") or (dossier.state, dossier.unit.code) in seen_states:
            continue
        seen_states.add((dossier.state, dossier.unit.code))
        kinds = [("proposal-letter", dossier)]
        if (nomination := dossier.nominations.order_by("pk").first()) is not None:
            kinds.append(("achievement-report", nomination))
        if (notice := getattr(dossier, "public_notice", None)) is not None:
            kinds.append(("public-notice", notice))
        if (attachment := dossier.attachments.order_by("pk").first()) is not None:
            kinds.append(("attachment", attachment))
        cases.append(("dossier_detail", dossier, dossier.unit.code, kinds))
    assert len([c for c in cases if c[0] == "dossier_detail"]) >= 5, "the world has dossiers in several states"
    assert sum(kind == "attachment" for c in cases for kind, _ in c[3]) >= 3, "and files in several of them"

    problems = []
    for principal in matrix.principals():
        for name, obj, unit, kinds in cases:
            user = matrix.user_of(world, principal, unit)
            page = _opens(world, user, name, obj.pk)
            for kind, document_object in kinds:
                if _reads(world, user, kind, document_object) != page:
                    problems.append(f"{principal.key}: {name} {obj.pk} ({getattr(obj, 'state', '')}) "
                                    f"{'opens' if page else 'is refused'}, but its {kind} PDF "
                                    f"{'is refused' if page else 'opens'}")
    signed = world.objects["signed_decision"]
    for principal in matrix.principals():
        if not _reads(world, matrix.user_of(world, principal, None), "decision", signed):
            problems.append(f"{principal.key}: the published decision's PDF is refused")
    assert not problems, "\n".join(problems)

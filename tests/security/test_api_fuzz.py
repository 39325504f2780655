"""Schemathesis against our OpenAPI schema, in-process, authenticated, over every operation.

- The schema is drf-spectacular's (the same the API serves at /api/schema/);
  requests go to Django's WSGI application in this process (no network,
  no server), inside the test's transaction, against the fixture world of the
  authorisation matrix (the demo province), so identifiers are mapped onto the
  range where its objects live.
- Two token users: one with broad read roles (auditor, administrator, signer,
  central liaison, council secretary, and a unit clerk's), one with Home
  Affairs' roles (specialist and lead). Every generated request is sent as the
  Home Affairs user, and reads again as the reader.
- Checks: no answer is a 5xx, and every 4xx carries our error body
  (``dossiers.api.errors``: code, Vietnamese message, list of errors).
- Bounded: ``FUZZ_EXAMPLES`` examples per operation (default 6, derandomised,
  no example database), about a minute for the whole API in CI.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token

from tests.security.world import build_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
ID_RANGE = 60  # the fixture world's objects have small keys: aim there, not at 404s only


def _schema():
    from drf_spectacular.generators import SchemaGenerator

    raw = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = get_wsgi_application()
    return loaded


SCHEMA = _schema()
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}


@SCHEMA.hook
def map_path_parameters(context, path_parameters):
    if not path_parameters:
        return path_parameters
    return {name: (value % ID_RANGE + 1 if isinstance(value, int) and not isinstance(value, bool) else value)
            for name, value in path_parameters.items()}


@pytest.fixture(autouse=True)
def _fast_and_isolated():
    """The module's world keeps its own settings (see ``world``)."""


@pytest.fixture(autouse=True)
def _connections_stay_open():
    """Django's WSGI handler closes the database connection after each request (``close_old_connections``);
    the test client does not (and connects it again after its own requests), and neither may we: every
    request runs inside the test's transaction (on SQLite in memory a close does nothing; on PostgreSQL it
    would end the transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from tests.factories import UserFactory

    media = tmp_path_factory.mktemp("media")
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                              "OPTIONS": {"location": str(media)}},
                  "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
        # The fuzzer sends far more than a person would: no throttling here (throttles have their own tests).
        REST_FRAMEWORK={**django_settings.REST_FRAMEWORK,
                        "DEFAULT_THROTTLE_CLASSES": [], "DEFAULT_THROTTLE_RATES": {}},
    ), django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        home_affairs = world.units["SNV"]
        reader = UserFactory(unit=home_affairs, username="fuzz.reader", roles=[
            "auditor", "administrator", "signer", "central_liaison", "council_secretary", "unit_clerk"])
        specialist = UserFactory(unit=home_affairs, username="fuzz.ha", roles=["ha_specialist", "ha_lead"])
        world.tokens["fuzz.reader"] = Token.objects.create(user=reader).key
        world.tokens["fuzz.ha"] = Token.objects.create(user=specialist).key
        yield world
        transaction.set_rollback(True)


def _error_body_problem(response) -> str | None:
    try:
        body = json.loads(response.content)
    except ValueError:
        return f"not JSON: {response.content[:200]!r}"
    if not (isinstance(body, dict) and set(body) == {"code", "message", "errors"}):
        return f"not our error body: {body!r:.300}"
    if not (isinstance(body["code"], str) and body["code"] and isinstance(body["message"], str) and body["message"]
            and isinstance(body["errors"], list)
            and all(isinstance(e, dict) and isinstance(e.get("message"), str) for e in body["errors"])):
        return f"incomplete error body: {body!r:.300}"
    return None


def _check(case, response) -> str | None:
    status = response.status_code
    where = f"{case.method} {case.formatted_path} -> {status}"
    if status >= 500:
        return f"{where}: server error {response.content[:300]!r}"
    if 400 <= status < 500 and (problem := _error_body_problem(response)):
        return f"{where}: {problem}"
    return None


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_operation_never_fails_and_refuses_in_our_error_body(world, db, label):
    operation = OPERATIONS[label]
    problems: list[str] = []

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(case):
        tokens = [world.tokens["fuzz.ha"]] + ([world.tokens["fuzz.reader"]] if case.method == "GET" else [])
        for token in tokens:
            with transaction.atomic():
                response = case.call(headers={"Authorization": f"Token {token}"})
                transaction.set_rollback(True)
            if problem := _check(case, response):
                problems.append(problem)

    run()
    assert not problems, f"{label}:\n" + "\n".join(sorted(set(problems))[:20])

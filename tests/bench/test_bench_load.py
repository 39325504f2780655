"""Benchmark 6 (bench.bench_load, bench/locustfile.py) on the tiny generated province, without a server.

Every action of the Locust users runs against the product through Django's test client (CSRF checks
on), so a broken page, refused permission or missing account in the workload fails here rather than
as errors in a load run; the plan gives each simulated person their own objects; the summary of a
run's samples counts from the last sign-in and every error. No timing is asserted.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
from types import SimpleNamespace

import pytest
from django.test import Client

from bench import bench_load
from bench.generate import generate
from councils.models import Ballot
from dossiers.models import Dossier, DossierState

pytestmark = pytest.mark.django_db


class Response:
    """What the locustfile reads of a response (status, text, JSON, final URL) and how it marks it."""

    def __init__(self, django_response, path):
        self.status_code = django_response.status_code
        self.text = django_response.content.decode(errors="replace")
        self.headers = dict(django_response.items())
        final = django_response.request["PATH_INFO"] if getattr(django_response, "redirect_chain", None) else path
        self.url = f"http://testserver{final}"
        self.request = SimpleNamespace(path_url=path)
        self.failed = None

    def json(self):
        return json.loads(self.text)

    def failure(self, message):
        self.failed = message

    def success(self):
        self.failed = None


class DjangoClientSession:
    """Locust's HttpSession over Django's test client, recording each request's name and outcome."""

    def __init__(self):
        self.django = Client(enforce_csrf_checks=True)
        self.requests: list[tuple[str, int, str | None]] = []

    @property
    def cookies(self):
        return {name: morsel.value for name, morsel in self.django.cookies.items()}

    @contextlib.contextmanager
    def _call(self, method, url, name, allow_redirects=True, **kwargs):
        response = Response(getattr(self.django, method)(url, follow=allow_redirects, **kwargs), url)
        yield response
        self.requests.append((name, response.status_code, response.failed))

    def get(self, url, name=None, catch_response=True, allow_redirects=True):
        return self._call("get", url, name, allow_redirects)

    def post(self, url, name=None, json=None, data=None, headers=None, catch_response=True, allow_redirects=True):
        extra = {"headers": headers or {}}
        if json is not None:
            extra.update(data=json, content_type="application/json")
        else:
            extra["data"] = data or {}
        return self._call("post", url, name, allow_redirects, **extra)


@pytest.fixture
def plan(tmp_path, monkeypatch):
    generate(scale="tiny", out=io.StringIO(), digest=False)
    plan = {**bench_load.build_plan(6), "wait_seconds": [0, 0]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    monkeypatch.setenv("BENCH_LOAD_PLAN", str(path))
    monkeypatch.setenv("LOCUST_SKIP_MONKEY_PATCH", "1")  # no gevent patching inside the test process
    return plan


@pytest.fixture
def locustfile(plan):
    import bench.locustfile

    return importlib.reload(bench.locustfile)


def person(locustfile, cls):
    from locust.env import Environment

    cls = type(cls.__name__, (cls,), {"host": "http://testserver"})
    user = cls(Environment(user_classes=[cls]))
    user.client = DjangoClientSession()
    user.on_start()
    return user


def test_the_plan_gives_every_role_accounts_and_objects_of_their_own(plan):
    assert {"clerks", "heads", "home_affairs", "members"} <= set(plan)
    assert all(plan[role] for role in ("clerks", "heads", "home_affairs", "members"))
    tasks = [pk for account in plan["home_affairs"] for pk in account["tasks"]]
    assert len(tasks) == len(set(tasks))  # nobody takes another's task
    ready = [pk for head in plan["heads"] for pk in head["ready"]]
    assert Dossier.objects.filter(pk__in=ready, state=DossierState.DRAFT, prepared_by__isnull=False).count() \
        == len(ready) > 0
    assert len(plan["items"]) > 0 and plan["session"]
    assert bench_load.workload_classes(plan) == list(bench_load.WORKLOAD_CLASSES)


def test_every_action_of_every_locust_user_succeeds_against_the_product(locustfile, plan):
    actions = {
        locustfile.UnitClerk: ["dossier_list", "dossier_detail", "api_list", "api_detail", "new_dossier"],
        locustfile.UnitHead: ["dossier_list", "dossier_detail", "submit"],
        locustfile.HomeAffairs: ["queue", "my_tasks", "task_detail", "dossier_detail", "api_tasks",
                                 "take_and_give_back"],
        locustfile.CouncilMember: ["session_page", "ballot_page", "cast", "cast"],
    }
    submitted = plan["heads"][0]["ready"][-1]
    for cls, names in actions.items():
        user = person(locustfile, cls)
        for name in names:
            getattr(user, name)()
        made = user.client.requests
        assert made[0][:2] == ("login page", 200) and made[1][:2] == ("login", 302)
        failures = [(name, status, failed) for name, status, failed in made if failed]
        assert failures == [], cls.__name__
    assert Dossier.objects.get(pk=submitted).state == DossierState.SUBMITTED
    # The second cast changed the first ballot with its receipt: one ballot.
    assert Ballot.objects.filter(session_id=plan["session"]).count() == 1


def test_the_summary_counts_from_the_last_sign_in_and_every_error():
    recorded = {"marks": {"spawned": 100.0, "last_login": 105.0}, "samples": [
        [101.0, "login", 400.0, True, ""],
        [104.0, "page", 900.0, False, "HTTP 500"],
        [106.0, "page", 20.0, True, ""],
        [107.0, "page", 40.0, True, ""],
        [109.96, "api", 40.0, True, ""],
    ]}
    summary = bench_load.summarise(recorded, signed_in=True)
    assert summary["requests"] == 3 and summary["errors"] == 1
    assert summary["window_seconds"] == 5.0 and summary["rps"] == 0.6
    assert summary["by_name"]["page"]["requests"] == 2 and summary["by_name"]["page"]["errors"] == 1
    assert summary["error_examples"] == ["page: HTTP 500"]


def test_worker_memory_is_read_from_proc_for_each_child():
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(5)"],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"  # running Python, not still being forked
        memory = bench_load.worker_memory(os.getpid())
        assert memory[child.pid]["peak_mib"] >= memory[child.pid]["rss_mib"] > 0
    finally:
        child.kill()
        child.wait()


def test_without_a_database_a_server_can_open_it_is_skipped():
    from bench.common import BenchContext

    ctx = BenchContext(scale="tiny", database_url="", database_label="test", vendor="sqlite", out=io.StringIO())
    assert bench_load.run(ctx) == []

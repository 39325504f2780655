"""Locust users of the load benchmark (bench.bench_load): unit clerks and heads, Home Affairs staff, council members.

    BENCH_LOAD_PLAN=plan.json BENCH_LOAD_SAMPLES=samples.json \\
        .venv/bin/python -m locust -f bench/locustfile.py --headless -u 30 -r 5 --run-time 80s \\
        --host http://127.0.0.1:8001 UnitClerk UnitHead HomeAffairs CouncilMember

Each simulated person signs in through the login page with a generated account (password
``ThiDua@2026``) and then works as that role does, with a think time between actions:

- **UnitClerk** (``canbo.<unit>``): the dossier list and a dossier's page, the same through the API, and
  now and then a new draft dossier with a nomination (API);
- **UnitHead** (``thutruong.<unit>``): the list and dossiers, and submits a draft its clerk handed over
  (``POST /api/v1/dossiers/{id}/submit/``: the transition, the completeness check and the review
  process's start);
- **HomeAffairs** (``chuyenvienNN.snv``): the queue, their own tasks, a task's page, a dossier's page,
  the task API, and takes a task from the queue and gives it back (two transitions through the web forms);
- **CouncilMember** (members present in the generated session with voting open): the session page, the
  ballot page, and casts a full ballot (a choice on every item) through the API, then changes it with
  the receipt (a secret ballot);
- **BareJson**: the baseline run's user: ``GET /bench/bare.json`` (``bench.load_urls``), same think time.

The plan (accounts, the dossiers, tasks and items each may act on, partitioned so that two simulated
people never race for the same task or dossier) is written by ``bench.bench_load``. Every request's start
time, name, response time and outcome is kept and written to ``BENCH_LOAD_SAMPLES`` when the run stops,
so the benchmark computes exact percentiles over the window after every user has signed in.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN: dict = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text(encoding="utf-8")) \
    if os.environ.get("BENCH_LOAD_PLAN") else {}
WAIT = tuple(PLAN.get("wait_seconds", (0.5, 2.0)))
SAMPLES: list[list] = []
MARKS: dict[str, float] = {}
_lock = threading.Lock()


def _cycle(role: str):
    accounts = PLAN.get(role) or []
    return itertools.cycle(accounts) if accounts else None


ACCOUNTS = {role: _cycle(role) for role in ("clerks", "heads", "home_affairs", "members")}


def next_account(role: str) -> dict:
    with _lock:
        return next(ACCOUNTS[role])


# --------------------------------------------------------------------------- recording


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, start_time=None, **kwargs):
    started = start_time if start_time is not None else time.time() - response_time / 1000
    SAMPLES.append([round(started, 4), name, round(response_time, 2), exception is None,
                    "" if exception is None else str(exception)[:300]])


@events.spawning_complete.add_listener
def _spawned(user_count, **kwargs):
    MARKS["spawned"] = time.time()


@events.test_stop.add_listener
def _write(environment=None, **kwargs):
    target = os.environ.get("BENCH_LOAD_SAMPLES")
    if target:
        Path(target).write_text(json.dumps({"marks": MARKS, "samples": SAMPLES}), encoding="utf-8")


# --------------------------------------------------------------------------- a signed-in person


class Person(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    role = ""

    def on_start(self):
        self.account = next_account(self.role)
        self.login(self.account["username"])

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def login(self, username: str) -> None:
        self.page("/login/", "login page")
        data = {"username": username, "password": PLAN["password"], "csrfmiddlewaretoken": self.csrf()}
        with self.client.post("/login/", data=data, name="login", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != 302 or "/login/" in response.headers.get("Location", "/login/"):
                response.failure(f"sign-in refused for {username}: HTTP {response.status_code}")
        with _lock:
            MARKS["last_login"] = max(MARKS.get("last_login", 0.0), time.time())

    def page(self, url: str, name: str) -> None:
        """GET a page or an API resource; anything but 200 (or a detour to the login page) is a failure."""
        with self.client.get(url, name=name, catch_response=True) as response:
            self._check(response, 200)

    def post(self, url: str, name: str, *, json_body=None, data=None, expect=(200,)):
        headers = {"X-CSRFToken": self.csrf()}
        with self.client.post(url, name=name, json=json_body, data=data, headers=headers,
                              catch_response=True) as response:
            self._check(response, *expect)
            return response

    @staticmethod
    def _check(response, *expected: int) -> None:
        if response.status_code not in expected:
            response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
        elif "/login/" in response.url and "/login/" not in response.request.path_url:
            response.failure("sent to the login page")
        else:
            response.success()


class UnitClerk(Person):
    weight = 4
    role = "clerks"

    @task(4)
    def dossier_list(self):
        self.page("/dossiers/", "unit: dossier list (page)")

    @task(4)
    def dossier_detail(self):
        self.page(f"/dossiers/{random.choice(self.account['dossiers'])}/", "unit: dossier (page)")

    @task(2)
    def api_list(self):
        self.page("/api/v1/dossiers/", "unit: dossier list (API)")

    @task(2)
    def api_detail(self):
        self.page(f"/api/v1/dossiers/{random.choice(self.account['dossiers'])}/", "unit: dossier (API)")

    @task(1)
    def new_dossier(self):
        body = {"kind": "regular", "year": PLAN["year"], "title": f"Đề nghị khen thưởng năm {PLAN['year']} (tải thử)"}
        response = self.post("/api/v1/dossiers/", "unit: new dossier (API)", json_body=body, expect=(201,))
        if response.status_code != 201:
            return
        nomination = {"award_type": PLAN["award_code"], "person_id": random.choice(self.account["people"]),
                      "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ được giao."}
        self.post(f"/api/v1/dossiers/{response.json()['id']}/nominations/", "unit: add nomination (API)",
                  json_body=nomination, expect=(201,))


class UnitHead(Person):
    weight = 2
    role = "heads"

    @task(3)
    def dossier_list(self):
        self.page("/dossiers/", "unit: dossier list (page)")

    @task(3)
    def dossier_detail(self):
        self.page(f"/dossiers/{random.choice(self.account['dossiers'])}/", "unit: dossier (page)")

    @task(1)
    def submit(self):
        ready = self.account["ready"]
        if not ready:
            return self.dossier_detail()
        self.post(f"/api/v1/dossiers/{ready.pop()}/submit/", "unit head: submit dossier (API)")


class HomeAffairs(Person):
    weight = 3
    role = "home_affairs"

    @task(3)
    def queue(self):
        self.page("/viec/hang-cho/", "HA: queue (page)")

    @task(2)
    def my_tasks(self):
        self.page("/viec/", "HA: my tasks (page)")

    @task(3)
    def task_detail(self):
        self.page(f"/viec/{random.choice(self.account['tasks'])}/", "HA: task (page)")

    @task(2)
    def dossier_detail(self):
        self.page(f"/dossiers/{random.choice(self.account['dossiers'])}/", "HA: dossier (page)")

    @task(2)
    def api_tasks(self):
        self.page("/api/v1/tasks/", "HA: task list (API)")

    @task(1)
    def take_and_give_back(self):
        pk = random.choice(self.account["tasks"])
        self.post(f"/viec/{pk}/nhan-viec/", "HA: take a task (form)", data={"csrfmiddlewaretoken": self.csrf()})
        self.post(f"/viec/{pk}/tra-hang-cho/", "HA: give a task back (form)",
                  data={"csrfmiddlewaretoken": self.csrf()})


class CouncilMember(Person):
    weight = 1
    role = "members"

    def on_start(self):
        super().on_start()
        self.receipt = ""

    @task(2)
    def session_page(self):
        self.page(f"/hoi-dong/{PLAN['session']}/", "council: session (page)")

    @task(1)
    def ballot_page(self):
        self.page(f"/hoi-dong/{PLAN['session']}/phieu/", "council: ballot (page)")

    @task(2)
    def cast(self):
        choices = {str(pk): random.choices(("agree", "disagree", "abstain"), weights=(85, 10, 5))[0]
                   for pk in PLAN["items"]}
        response = self.post(f"/api/v1/council-sessions/{PLAN['session']}/ballot/", "council: cast ballot (API)",
                             json_body={"choices": choices, "receipt": self.receipt}, expect=(200, 201))
        if response.status_code == 201:
            self.receipt = response.json()["receipt"]


class BareJson(HttpUser):
    """The baseline: a bare Django JSON view on the same server, the same think time."""

    weight = 1
    wait_time = between(*WAIT)

    @task
    def bare(self):
        with self.client.get("/bench/bare.json", name="bare JSON view", catch_response=True) as response:
            Person._check(response, 200)

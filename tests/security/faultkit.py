"""Real processes against a database of their own: the ground of the fault and backup tests.

A ``Site`` is what an installation is: a database (a SQLite file, or a
PostgreSQL database created for the test on the server the suite runs on), a
data directory with the media folder, and the environment every process of
the installation reads. On it the tests start the real web server (gunicorn,
as in production), the real task worker (``manage.py db_worker``), run
management commands, and look inside with ``tests.security.fault_probe``.

The demo province (``manage.py load_demo``: dossiers with attachments, a
signed decision and one waiting for the signature, a council, a central
submission, an audit chain) is built once per test process and copied for
each test (``CREATE DATABASE ... TEMPLATE`` on PostgreSQL, the SQLite backup
API otherwise).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import html.parser
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote, urlencode, urljoin

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
SECRET_KEY = "khoa-bi-mat-cua-phep-thu-su-co-" + "x" * 20
# Settings of the outer test run that must not leak into the installation's processes.
DROPPED_ENV = ("DATABASE_URL", "DJANGO_HTTPS", "REDIS_URL", "AUDIT_KEY", "AUDIT_KEY_FALLBACKS",
               "DJANGO_SECRET_KEY_FALLBACKS", "DJANGO_DEBUG", "DJANGO_EMAIL_FILE_PATH", "EMAIL_HOST")


def vendor() -> str:
    """The database the suite runs on: the installation under test uses the same kind."""
    engine = settings.DATABASES["default"]["ENGINE"]
    return "postgresql" if "postgresql" in engine else "sqlite"


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- PostgreSQL administration ------------------------------------------------------------------

def _pg_params() -> dict:
    db = settings.DATABASES["default"]
    return {"host": db.get("HOST") or "127.0.0.1", "port": str(db.get("PORT") or 5432),
            "user": db.get("USER") or "postgres", "password": db.get("PASSWORD") or ""}


def pg_connect(dbname: str = "postgres", autocommit: bool = True):
    import psycopg

    params = _pg_params()
    return psycopg.connect(host=params["host"], port=params["port"], user=params["user"],
                           password=params["password"] or None, dbname=dbname, autocommit=autocommit)


def pg_url(dbname: str) -> str:
    params = _pg_params()
    auth = quote(params["user"]) + (":" + quote(params["password"], safe="") if params["password"] else "")
    return f"postgres://{auth}@{params['host']}:{params['port']}/{dbname}"


def pg_create(dbname: str, template: str | None = None) -> None:
    with pg_connect() as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"' + (f' TEMPLATE "{template}"' if template else ""))


def pg_drop(dbname: str) -> None:
    with contextlib.suppress(Exception), pg_connect() as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [dbname])
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')


# ---- an installation ----------------------------------------------------------------------------

class Site:
    """One installation: its database, its data directory, the processes started on it."""

    def __init__(self, root: Path, *, kind: str, dbname: str | None = None):
        self.root = Path(root)
        self.kind = kind
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "media").mkdir(exist_ok=True)
        if kind == "postgresql":
            self.dbname = dbname or f"faults_{uuid.uuid4().hex[:12]}"
            self.database_url = pg_url(self.dbname)
        else:
            self.dbname = None
            self.database_url = f"sqlite:///{self.db_file}"
        self.processes: list[subprocess.Popen] = []

    @property
    def db_file(self) -> Path:
        return self.root / "db.sqlite3"

    @property
    def media(self) -> Path:
        return self.root / "media"

    def env(self, **extra: str) -> dict:
        env = {name: value for name, value in os.environ.items() if name not in DROPPED_ENV}
        env.update({
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": self.database_url,
            "DOSSIERS_DATA_DIR": str(self.root),
            "DJANGO_MEDIA_ROOT": str(self.media),
            "DJANGO_STATIC_ROOT": str(self.root / "static"),
            "DJANGO_EMAIL_FILE_PATH": str(self.root / "mail"),
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        })
        env.update({name: str(value) for name, value in extra.items()})
        return env

    def create_empty(self) -> None:
        if self.kind == "postgresql":
            pg_create(self.dbname)
            atexit.register(pg_drop, self.dbname)

    def drop(self) -> None:
        self.stop_all()
        if self.kind == "postgresql":
            pg_drop(self.dbname)

    # -- commands -------------------------------------------------------------------------------

    def run(self, *args: str, env: dict | None = None, check: bool = True, timeout: float = 600):
        result = subprocess.run([PYTHON, *args], cwd=ROOT, env=env or self.env(), capture_output=True,
                                text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(args)} exited {result.returncode}:\n{result.stdout[-3000:]}\n"
                                 f"{result.stderr[-3000:]}")
        return result

    def manage(self, *args: str, check: bool = True, **extra: str):
        return self.run("manage.py", *args, env=self.env(**extra), check=check)

    def probe(self, command: str, *args: str):
        return json.loads(self.run("-m", "tests.security.fault_probe", command, *args).stdout)

    def probe_many(self, *commands: str) -> dict:
        """Several probes in one process (each one is a Django start-up saved)."""
        return json.loads(self.run("-m", "tests.security.fault_probe", "--many", *commands).stdout)

    # -- processes ------------------------------------------------------------------------------

    def _start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        log = open(self.root / f"{name}-{len(self.processes)}.log", "ab")  # noqa: SIM115 (closed with the process)
        # A process group of its own: SIGKILL reaches gunicorn's master and its workers at once.
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        process.log_file = log
        process.log_path = Path(log.name)
        self.processes.append(process)
        return process

    def start_web(self, app: str = "config.wsgi:application", **extra: str) -> WebServer:
        """gunicorn as in production (one worker), on a free port; ready when the login page answers."""
        for attempt in range(3):
            port = free_port()
            argv = [GUNICORN, app, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120",
                    "--graceful-timeout", "2", "--log-level", "warning"]
            process = self._start("web", argv, self.env(**extra))
            server = WebServer(self, process, f"http://127.0.0.1:{port}")
            try:
                server.wait_ready()
            except AssertionError:
                # Another process took the port between free_port() and gunicorn's bind: try another.
                if attempt == 2 or "already in use" not in process.log_path.read_text(errors="replace"):
                    raise
                continue
            return server
        raise AssertionError("unreachable")

    def start_worker(self, module: str | None = None, **extra: str) -> subprocess.Popen:
        """``manage.py db_worker`` as in production, or a test module that runs it (``module``)."""
        args = ["-m", module] if module else ["manage.py", "db_worker"]
        argv = [PYTHON, *args, "--no-reload", "--no-startup-delay", "--interval", "0.2"]
        return self._start("worker", argv, self.env(**extra))

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the process and everything it started; nothing runs any clean-up."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        process.log_file.close()

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)
            process.log_file.close()

    def logs(self) -> str:
        return "\n".join(f"--- {p.log_path.name}\n{p.log_path.read_text(errors='replace')[-4000:]}"
                         for p in self.processes if p.log_path.exists())

    # -- copies ---------------------------------------------------------------------------------

    def clone(self, root: Path) -> Site:
        """A copy of this installation (database and media) under ``root``."""
        copy = Site(root, kind=self.kind)
        if self.kind == "postgresql":
            pg_create(copy.dbname, template=self.dbname)
            atexit.register(pg_drop, copy.dbname)
        else:
            source, target = sqlite3.connect(self.db_file), sqlite3.connect(copy.db_file)
            with target:
                source.backup(target)
            source.close()
            target.close()
        shutil.rmtree(copy.media)
        shutil.copytree(self.media, copy.media)
        return copy


_TEMPLATES: dict[str, Site] = {}


def demo_site(tmp_path_factory) -> Site:
    """The demo province, built once per test process (migrate, load_catalogue, load_demo).

    Its decision awaiting the signature is completed with the other nominee of its dossier still waiting, so
    that signing it decides the dossier and ends its review process.
    """
    kind = vendor()
    if kind not in _TEMPLATES:
        site = Site(tmp_path_factory.mktemp("demo-site"), kind=kind)
        site.create_empty()
        site.manage("migrate", "--noinput", "-v", "0")
        site.manage("load_catalogue")
        site.manage("load_demo")
        site.probe("complete_pending_decision")
        _TEMPLATES[kind] = site
    return _TEMPLATES[kind]


# ---- the web server and a user's browser --------------------------------------------------------

class WebServer:
    def __init__(self, site: Site, process: subprocess.Popen, url: str):
        self.site, self.process, self.url = site, process, url

    def wait_ready(self) -> None:
        def answers():
            if self.process.poll() is not None:
                raise AssertionError(f"the web server stopped (exit {self.process.returncode}):\n{self.site.logs()}")
            try:
                return Browser(self.url).get("/login/", timeout=2).status_code == 200
            except OSError:
                return False

        wait_for(answers, timeout=90, what="the web server", interval=0.2)

    def kill(self) -> None:
        self.site.kill(self.process)

    def browser(self) -> Browser:
        return Browser(self.url)


class _Forms(html.parser.HTMLParser):
    """The inputs of every form of a page, by the form's action."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = self.forms.setdefault(attrs.get("action") or "", {})
        elif tag == "input" and self._current is not None and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._current[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


class Response:
    def __init__(self, status_code: int, headers, content: bytes):
        self.status_code, self.headers, self.content = status_code, headers, content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.content)


class _StayOnRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx answer itself is returned


class Browser:
    """What a user's browser does: cookies, CSRF tokens, forms as the page fills them in (standard library only)."""

    def __init__(self, url: str):
        self.url = url
        self.cookies = http.cookiejar.CookieJar()
        self._following = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self._staying = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies),
                                                    _StayOnRedirect)

    def _open(self, request, *, allow_redirects: bool, timeout: float) -> Response:
        opener = self._following if allow_redirects else self._staying
        try:
            with opener.open(request, timeout=timeout) as answer:
                return Response(answer.status, answer.headers, answer.read())
        except HTTPError as error:
            return Response(error.code, error.headers, error.read())

    def get(self, path: str, *, allow_redirects: bool = True, timeout: float = 120) -> Response:
        return self._open(urllib.request.Request(urljoin(self.url, path)), allow_redirects=allow_redirects,
                          timeout=timeout)

    def post(self, path: str, data: dict, *, allow_redirects: bool = True, timeout: float = 120) -> Response:
        url = urljoin(self.url, path)
        request = urllib.request.Request(url, data=urlencode(data).encode(), method="POST",
                                         headers={"Referer": url,
                                                  "Content-Type": "application/x-www-form-urlencoded"})
        return self._open(request, allow_redirects=allow_redirects, timeout=timeout)

    def form(self, page: str, action: str | None = None) -> dict[str, str]:
        response = self.get(page)
        assert response.status_code == 200, (page, response.status_code)
        parser = _Forms()
        parser.feed(response.text)
        key = action if action is not None else page
        assert key in parser.forms, f"no form posting to {key} on {page}: {sorted(parser.forms)}"
        return parser.forms[key]

    def login(self, username: str, password: str) -> Browser:
        data = self.form("/login/")
        data.update({"username": username, "password": password})
        response = self.post("/login/", data)
        assert response.status_code == 200 and any(c.name == "sessionid" for c in self.cookies), (
            f"could not sign in as {username}: {response.status_code}")
        return self


class Request(threading.Thread):
    """A request sent in the background (it will not get an answer if the server dies)."""

    def __init__(self, call, *args, **kwargs):
        super().__init__(daemon=True)
        self.call, self.args, self.kwargs = call, args, kwargs
        self.response, self.error = None, None

    def run(self):
        try:
            self.response = self.call(*self.args, **self.kwargs)
        except OSError as error:  # the connection dropped (urllib's URLError is an OSError too)
            self.error = error


# ---- holding a process still at a known point ---------------------------------------------------

class FileLock:
    """An exclusive lock on a file, which test-only hooks (fault_wsgi, fault_worker) wait for."""

    def __init__(self, directory: Path):
        self.path = Path(directory) / "fault.lock"
        self.reached = Path(directory) / "fault.reached"
        self.path.touch()
        self._handle = None

    def env(self) -> dict:
        return {"FAULT_LOCK": str(self.path), "FAULT_REACHED": str(self.reached)}

    def acquire(self) -> None:
        self._handle = open(self.path, "rb")  # noqa: SIM115 (released in release())
        fcntl.flock(self._handle, fcntl.LOCK_EX)

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def wait_reached(self, timeout: float = 120) -> None:
        wait_for(self.reached.exists, timeout=timeout, what="the process to reach the held point")


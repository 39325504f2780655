"""Crashes: the web server and the task worker killed (SIGKILL) in the middle of their work.

Each test runs the real processes of an installation (gunicorn serving
``config.wsgi``, ``manage.py db_worker``) on a database of its own holding the
demo province: a SQLite file on SQLite runs, a PostgreSQL database made for the
test on PostgreSQL runs (``tests/security/faultkit.py``). The process is held
still at a known point of its work (a lock the test holds), killed there with
SIGKILL, which no code can catch or clean up after, and started again.

- Web server: the Chairman signs the decision waiting for his signature. The
  signing is stopped inside its transaction, after it has taken the decision's
  number and written the awards, and the server is killed. Afterwards the
  database is exactly as before the request (no half-signed decision, no number
  taken, no award), the dossiers and their review processes agree, the audit
  chain verifies, the number register has no gap; signing again works and takes
  the number the lost attempt would have had.
- Task worker: a background PDF is half rendered when its worker is killed. The
  user's progress page does not hang for ever: once the rendering is older than
  ``DOCUMENT_STALE_MINUTES`` it offers to produce the document again, which the
  restarted worker does, and the user downloads the file.
"""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.documents import pdf as pdfread
from tests.security.faultkit import FileLock, Request, demo_site, pg_connect, wait_for
from workflows.demo import PASSWORD


@pytest.fixture
def site(tmp_path_factory, tmp_path):
    site = demo_site(tmp_path_factory).clone(tmp_path / "site")
    yield site
    site.drop()


def sign_form(browser, decision_id: int) -> tuple[str, dict]:
    path = f"/quyet-dinh/{decision_id}/ky/"
    return path, browser.form(path)


def qd_register(registers: dict) -> list[int]:
    [numbers] = [r["numbers"] for key, r in registers.items() if key.endswith("|QĐ")]
    return numbers


class HeldOnSQLite:
    """SQLite: one writer locks the whole file, so the server is held by a test-only hook inside the signing."""

    app = "tests.security.fault_wsgi:application"

    def __init__(self, site, tmp_path, dossier_id):
        self.site, self.lock = site, FileLock(tmp_path)

    def __enter__(self):
        self.lock.acquire()
        return self

    def web_env(self) -> dict:
        return self.lock.env()

    def wait_until_held(self) -> None:
        self.lock.wait_reached()
        # The server holds the database's write lock: its transaction is open.
        probe = sqlite3.connect(self.site.db_file, timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                probe.execute("BEGIN IMMEDIATE")
        finally:
            probe.close()

    def __exit__(self, *exc):
        self.lock.release()

    def wait_gone(self) -> None:
        pass


class HeldOnPostgreSQL:
    """PostgreSQL: the test holds the dossier's row; the real server waits for it inside the signing."""

    app = "config.wsgi:application"

    def __init__(self, site, tmp_path, dossier_id):
        self.site, self.dossier_id = site, dossier_id
        self.server_backend = None

    def web_env(self) -> dict:
        return {}

    def __enter__(self):
        self.holder = pg_connect(self.site.dbname, autocommit=False)
        self.holder.execute("SELECT id FROM dossiers_dossier WHERE id = %s FOR UPDATE", [self.dossier_id])
        self.holder_pid = self.holder.execute("SELECT pg_backend_pid()").fetchone()[0]
        self.monitor = pg_connect(self.site.dbname)
        return self

    def wait_until_held(self) -> None:
        def blocked_backend():
            return self.monitor.execute(
                "SELECT pid, backend_xid IS NOT NULL FROM pg_stat_activity "
                "WHERE datname = %s AND %s = ANY(pg_blocking_pids(pid))",
                [self.site.dbname, self.holder_pid]).fetchone()

        self.server_backend, has_written = wait_for(blocked_backend, timeout=120, what="the signing to wait")
        # Its transaction has already written (the number, the awards): those writes must not survive.
        assert has_written

    def __exit__(self, *exc):
        self.holder.rollback()
        self.holder.close()

    def wait_gone(self) -> None:
        """The server's database session ends (rolling its transaction back) once it finds its client gone."""
        def gone():
            return self.monitor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                                        [self.server_backend]).fetchone()[0] == 0

        wait_for(gone, timeout=60, what="the killed server's database session to end")
        self.monitor.close()


def test_web_server_killed_in_the_middle_of_signing(site, tmp_path):
    start = site.probe_many("pending_decision", "consistency", "fingerprint")
    pending, before = start["pending_decision"], start["fingerprint"]
    decision_id, signer = pending["id"], pending["signer"]
    assert decision_id and signer and pending["dossiers"]
    assert start["consistency"]["problems"] == []
    numbers_before = qd_register(start["consistency"]["registers"])
    assert numbers_before == list(range(1, len(numbers_before) + 1))

    held = (HeldOnPostgreSQL if site.kind == "postgresql" else HeldOnSQLite)(site, tmp_path, pending["dossiers"][0])
    with held:
        web = site.start_web(app=held.app, **held.web_env())
        browser = web.browser().login(signer, PASSWORD)
        path, data = sign_form(browser, decision_id)
        request = Request(browser.post, path, data)
        request.start()
        held.wait_until_held()
        web.kill()
        request.join(timeout=30)
    held.wait_gone()

    assert request.response is None and request.error is not None, "the server answered: it was not killed"
    after = site.probe_many("fingerprint", "consistency")
    # Nothing of the lost signing remains: every table is as it was before the request.
    assert after["fingerprint"] == before
    report = after["consistency"]
    assert report["problems"] == []
    assert qd_register(report["registers"]) == numbers_before
    [decision] = [d for d in report["decisions"]["decisions"] if d["id"] == decision_id]
    assert decision["state"] == "checked" and decision["number"] == ""
    assert decision["dossier_states"] == ["awaiting_decision"]

    # Restarted, the production server signs: the number is the one the lost attempt had taken.
    web = site.start_web()
    browser = web.browser().login(signer, PASSWORD)
    path, data = sign_form(browser, decision_id)
    response = browser.post(path, data)
    number = f"{len(numbers_before) + 1:02d}/QĐ-UBND"
    assert response.status_code == 200 and f"Đã ký ban hành Quyết định số {number}." in response.text
    report = site.probe("consistency")
    assert report["problems"] == []
    assert qd_register(report["registers"]) == [*numbers_before, len(numbers_before) + 1]
    [decision] = [d for d in report["decisions"]["decisions"] if d["id"] == decision_id]
    assert decision["state"] == "signed" and decision["number"] == number
    assert decision["outcomes"] == ["awarded"]
    # Its dossier is decided and its review process has ended (the consistency report checks they agree).
    assert decision["dossier_states"] == ["closed"]
    web.kill()


def test_worker_killed_in_the_middle_of_a_pdf(site, tmp_path):
    pending = site.probe("pending_decision")
    signed_id, signer = pending["signed_id"], pending["signer"]
    # Every document goes to the task worker; a rendering older than a minute counts as lost.
    settings = {"DOCUMENT_BACKGROUND_ROWS": "0", "DOCUMENT_STALE_MINUTES": "1"}
    web = site.start_web(**settings)
    lock = FileLock(tmp_path)
    lock.acquire()
    worker = site.start_worker("tests.security.fault_worker", **settings, **lock.env())
    browser = web.browser().login(signer, PASSWORD)

    response = browser.get(f"/van-ban/decision/{signed_id}.pdf", allow_redirects=False)
    assert response.status_code == 302
    document_id = int(re.fullmatch(r"/van-ban/tep/(\d+)/", response.headers["Location"]).group(1))
    status_url = f"/van-ban/tep/{document_id}/trang-thai.json"
    lock.wait_reached()
    status = browser.get(status_url).json()
    assert status["state"] == "rendering" and status["pages_done"] == status["pages_total"] == 1
    assert status["file_url"] is None and status["retry_url"] is None

    site.kill(worker)
    lock.release()

    [document] = site.probe("documents")["documents"]
    assert document["state"] == "rendering" and document["file"] == ""
    site.start_worker(**settings)
    # Within the time a rendering may take, the user is told to wait.
    status = browser.get(status_url).json()
    assert status["state"] == "rendering" and status["retry_url"] is None
    # Once it is older than DOCUMENT_STALE_MINUTES (the clock moved on), the page offers to produce it again.
    site.probe("backdate_rendering", str(document_id), "2")
    status = browser.get(status_url).json()
    assert status["state"] == "rendering" and status["file_url"] is None
    assert status["retry_url"] == f"/van-ban/decision/{signed_id}.pdf"
    assert "Tạo lại văn bản" in status["message"]

    response = browser.get(status["retry_url"], allow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"] == f"/van-ban/tep/{document_id}/"

    def finished():
        status = browser.get(status_url).json()
        return status if status["state"] in ("done", "failed") else None

    status = wait_for(finished, timeout=180, what="the restarted worker to finish the document", interval=0.5)
    assert status["state"] == "done", site.logs()
    response = browser.get(status["file_url"])
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert "01/QĐ-UBND" in pdfread.flat(pdfread.text(response.content))
    assert site.probe("consistency")["problems"] == []

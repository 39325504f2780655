"""Concurrent use on PostgreSQL: one winner, clear conflict answers for the rest, nothing half done.

Skipped on SQLite, which serialises whole write transactions (and where
``select_for_update`` is a no-op), so no race can be staged there. Run with
``DATABASE_URL=postgres://... pytest -m postgres tests/security``.

- 20 parallel attempts at the same dossier transition, over the API as a user
  would make them (the unit head's submission; Home Affairs' intake
  acceptance): exactly one succeeds, the 19 others get HTTP 409 with a
  Vietnamese message in our error body, and afterwards the dossier's state,
  its review process and its tasks agree (one process, one open task of the
  right step, one audit event).
- 50 parallel document-number allocations: distinct and contiguous.
- A withdrawal racing a task action on the same dossier: no deadlock (both take
  the dossier row before the process row, ``workflows/locks.py``).
- Parallel ballots by one member record one ballot: proved by
  ``tests/councils/test_voting.py::test_parallel_ballots_by_one_member_record_one``
  (and ``tests/councils/test_ballot_storage.py`` for changes of a secret ballot).
"""

from __future__ import annotations

import contextlib
import threading
import time
import unicodedata

import pytest
from django.db import connection, connections, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dossiers.documents.numbering import allocate_number
from dossiers.models import AuditEvent, DocumentCounter, Dossier, DossierState
from dossiers.services.dossiers import send_to_head
from tests.api.helpers import complete
from tests.factories import DossierFactory
from workflows import services as wf
from workflows.models import DossierProcess

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ATTEMPTS = 20


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises write transactions and has no row locks")


def _in_parallel(count: int, work) -> list:
    """Run ``work()`` in ``count`` threads released together; each thread uses (and closes) its own connection."""
    barrier = threading.Barrier(count)
    results: list = []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait(timeout=30)
            result = work()
        except BaseException as error:  # reported in the test's thread
            result = error
        finally:
            connections.close_all()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == count, "a thread did not finish"
    return results


def _post_as(user, path: str, data: dict):
    token = Token.objects.get_or_create(user=user)[0].key

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = client.post(path, data, format="json")
        return response.status_code, response.json()

    return post


def _assert_one_winner_and_conflicts(results, winner_status=200):
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    statuses = sorted(status for status, _ in results)
    assert statuses == [winner_status] + [409] * (ATTEMPTS - 1), statuses
    for status, body in results:
        if status != 409:
            continue
        assert set(body) == {"code", "message", "errors"}, body
        assert body["code"] and isinstance(body["errors"], list)
        message = body["message"]
        assert message == unicodedata.normalize("NFC", message)
        assert any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", message)), message  # Vietnamese


@pytest.fixture
def prepared(province, unit, clerk, head):
    """A complete dossier the clerk has handed to the head."""
    dossier = DossierFactory(unit=unit, created_by=clerk)
    complete(dossier, clerk)
    return send_to_head(actor=clerk, dossier=dossier)


def _active_tasks(dossier):
    process = DossierProcess.objects.get(dossier=dossier)
    return sorted(task.flow_task.name for task in process.task_set.filter(status__in=wf.ACTIVE))


def test_twenty_parallel_submissions_one_wins_the_rest_conflict(prepared, head):
    results = _in_parallel(ATTEMPTS, _post_as(head, f"/api/v1/dossiers/{prepared.pk}/submit/", {}))

    _assert_one_winner_and_conflicts(results)
    dossier = Dossier.objects.get(pk=prepared.pk)
    assert dossier.state == DossierState.SUBMITTED
    assert DossierProcess.objects.filter(dossier=dossier).count() == 1
    assert _active_tasks(dossier) == ["intake"]
    assert AuditEvent.objects.filter(dossier_id_ref=dossier.pk, action="dossier.submitted").count() == 1


def test_twenty_parallel_intake_acceptances_one_wins_the_rest_conflict(prepared, head, ha_specialist):
    from dossiers.services.dossiers import submit_dossier

    submit_dossier(actor=head, dossier=prepared)
    task = wf.active_task(prepared, "intake")
    results = _in_parallel(ATTEMPTS, _post_as(ha_specialist, f"/api/v1/tasks/{task.pk}/complete/",
                                              {"decision": "accept"}))

    _assert_one_winner_and_conflicts(results)
    dossier = Dossier.objects.get(pk=prepared.pk)
    assert dossier.state == DossierState.UNDER_REVIEW
    assert _active_tasks(dossier) == ["appraisal"]
    assert AuditEvent.objects.filter(dossier_id_ref=dossier.pk, action="dossier.accepted").count() == 1


def test_fifty_parallel_number_allocations_are_distinct_and_contiguous():
    def allocate():
        with transaction.atomic():
            entry = allocate_number(issuer="UBND", type_code="QĐ", year=2027)
            time.sleep(0.005)  # hold the counter's lock a little, so the others queue behind it
        return entry.number

    results = _in_parallel(50, allocate)

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(results) == list(range(1, 51))
    assert DocumentCounter.objects.get(scope="", issuer="UBND", type_code="QĐ", year=2027).last_number == 50


def test_withdrawal_racing_a_task_action_on_the_same_dossier_never_deadlocks(prepared, head, ha_specialist,
                                                                           monkeypatch):
    """The unit head withdraws the dossier while Home Affairs accepts it at intake. Each holds its first lock
    when the other asks for its second (staged with a barrier at the point between the two): the withdrawal
    holds the dossier row and is about to cancel the process; the task action holds the process and is
    about to change the dossier. Taking the locks in the same order (the dossier row first) lets one wait
    for the other; in opposite orders PostgreSQL detects a deadlock and kills one of them (a 500)."""
    from dossiers.exceptions import DomainError
    from dossiers.services import review
    from dossiers.services.dossiers import submit_dossier, withdraw_dossier

    submit_dossier(actor=head, dossier=prepared)
    task = wf.active_task(prepared, "intake")
    between = threading.Barrier(2)

    def meet():
        with contextlib.suppress(threading.BrokenBarrierError):
            between.wait(timeout=5)  # in the same lock order the other side cannot get here: go on alone

    process_of, accept = wf.process_of, review.accept_for_review

    def process_of_after_meeting(dossier):
        if threading.current_thread().name == "withdraw":
            meet()
        return process_of(dossier)

    def accept_after_meeting(**kwargs):
        meet()
        return accept(**kwargs)

    monkeypatch.setattr(wf, "process_of", process_of_after_meeting)
    monkeypatch.setattr(review, "accept_for_review", accept_after_meeting)
    results: dict[str, object] = {}

    def run(name, work):
        try:
            results[name] = work()
        except DomainError as error:  # a refusal the user is told about (ConflictError is one)
            results[name] = error
        except BaseException as error:
            results[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(name="withdraw", target=run, args=("withdraw", lambda: withdraw_dossier(
            actor=head, dossier=Dossier.objects.get(pk=prepared.pk), reason="Rút để bổ sung minh chứng."))),
        threading.Thread(name="intake", target=run, args=("intake", lambda: wf.complete_intake(
            actor=ha_specialist, task=task, decision="accept"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert set(results) == {"withdraw", "intake"}, "a thread did not finish"
    unexpected = {name: f"{type(r).__name__}: {r}" for name, r in results.items()
                  if isinstance(r, BaseException) and not isinstance(r, DomainError)}
    assert not unexpected, unexpected  # e.g. OperationalError: deadlock detected

    # Whichever took the dossier first, the head's withdrawal stands: accepted first, then withdrawn (an
    # accepted dossier may still be withdrawn), or withdrawn first and the acceptance refused as a conflict.
    assert not isinstance(results["withdraw"], BaseException), results["withdraw"]
    if isinstance(results["intake"], BaseException):
        assert results["intake"].code == "task_closed", results["intake"]
    dossier = Dossier.objects.get(pk=prepared.pk)
    assert dossier.state == DossierState.WITHDRAWN
    assert _active_tasks(dossier) == [] and DossierProcess.objects.get(dossier=dossier).status == "CANCELED"

"""The document number register: per issuer, year and type; from 01 each year; no gaps, no duplicates."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.transaction import TransactionManagementError

from dossiers.documents.numbering import allocate_number
from dossiers.models import DocumentCounter, DocumentNumber


def numbers(**key) -> list[int]:
    return list(DocumentNumber.objects.filter(**key).order_by("number").values_list("number", flat=True))


@pytest.mark.django_db
def test_numbers_follow_one_another():
    allocated = [allocate_number(issuer="HĐTĐKT", type_code="BB", year=2026) for _ in range(3)]
    assert [entry.number for entry in allocated] == [1, 2, 3]
    assert [entry.number_line for entry in allocated] == ["Số: 01/BB-HĐTĐKT", "Số: 02/BB-HĐTĐKT",
                                                         "Số: 03/BB-HĐTĐKT"]
    assert allocated[0].symbol == "01/BB-HĐTĐKT"
    assert DocumentCounter.objects.get(issuer="HĐTĐKT", year=2026, type_code="BB").last_number == 3


@pytest.mark.django_db
def test_each_register_counts_on_its_own():
    assert allocate_number(issuer="HĐTĐKT", type_code="BB", year=2026).number == 1
    assert allocate_number(issuer="HĐTĐKT", type_code="TB", year=2026).number == 1
    assert allocate_number(issuer="UBND", type_code="QĐ", year=2026).number == 1
    assert allocate_number(issuer="UBND", type_code="QĐ", year=2026).number == 2
    assert allocate_number(issuer="HĐTĐKT", type_code="BB", year=2026).number == 2


@pytest.mark.django_db
def test_a_new_year_starts_again_at_01():
    for _ in range(3):
        allocate_number(issuer="UBND", type_code="QĐ", year=2025)
    entry = allocate_number(issuer="UBND", type_code="QĐ", year=2026)
    assert entry.number == 1
    assert entry.number_line == "Số: 01/QĐ-UBND"
    assert allocate_number(issuer="UBND", type_code="QĐ", year=2025).number == 4


@pytest.mark.django_db
def test_the_entry_names_what_it_numbers():
    entry = allocate_number(issuer="HĐTĐKT", type_code="BB", year=2026, object_type="councils.minutes",
                            object_id=42)
    entry.refresh_from_db()
    assert (entry.object_type, entry.object_id) == ("councils.minutes", "42")
    assert entry.created_at is not None


@pytest.mark.django_db
def test_a_rolled_back_allocation_leaves_no_gap():
    assert allocate_number(issuer="HĐTĐKT", type_code="BB", year=2026).number == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert allocate_number(issuer="HĐTĐKT", type_code="BB", year=2026).number == 2
        raise RuntimeError("the minutes could not be saved")
    assert allocate_number(issuer="HĐTĐKT", type_code="BB", year=2026).number == 2
    assert numbers(issuer="HĐTĐKT", type_code="BB", year=2026) == [1, 2]


@pytest.mark.django_db
def test_a_rolled_back_first_allocation_leaves_no_counter_behind():
    with pytest.raises(RuntimeError), transaction.atomic():
        allocate_number(issuer="SNV", type_code="TTr", year=2026)
        raise RuntimeError
    assert not DocumentCounter.objects.filter(issuer="SNV").exists()
    assert allocate_number(issuer="SNV", type_code="TTr", year=2026).number == 1


@pytest.mark.django_db
def test_a_number_is_unique_within_its_register():
    allocate_number(issuer="HĐTĐKT", type_code="BB", year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentNumber.objects.create(issuer="HĐTĐKT", type_code="BB", year=2026, number=1)


@pytest.mark.django_db
def test_issuer_codes_are_compared_in_nfc():
    # "Sở" typed with combining marks (o, horn, hook above) is the same issuer as the precomposed one.
    assert allocate_number(issuer="Sở Nội vụ", type_code="BC", year=2026).number == 1
    entry = allocate_number(issuer="So\u031b\u0309 Nội vụ", type_code="BC", year=2026)
    assert (entry.issuer, entry.number) == ("Sở Nội vụ", 2)


@pytest.mark.django_db
@pytest.mark.parametrize("arguments", [
    {"issuer": "", "type_code": "BB", "year": 2026},
    {"issuer": "HĐTĐKT", "type_code": " ", "year": 2026},
    {"issuer": "HĐTĐKT", "type_code": "BB", "year": 26},
])
def test_refuses_incomplete_keys(arguments):
    with pytest.raises(ValueError):
        allocate_number(**arguments)


@pytest.mark.django_db(transaction=True)
def test_refuses_to_allocate_outside_a_transaction():
    # Committed at once, the number would stay taken if the document then failed: a gap.
    with pytest.raises(TransactionManagementError):
        allocate_number(issuer="HĐTĐKT", type_code="BB", year=2026)
    assert not DocumentNumber.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_allocations_get_distinct_contiguous_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks (select_for_update is a no-op there) "
                    "and serialises whole transactions instead, so the race cannot be shown")
    workers = 20
    barrier = threading.Barrier(workers)
    results: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def allocate():
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                entry = allocate_number(issuer="HĐTĐKT", type_code="BB", year=2026)
                time.sleep(0.01)  # hold the lock a little, so the others queue behind it
            with lock:
                results.append(entry.number)
        except BaseException as error:  # reported below, in the test's thread
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(results) == list(range(1, workers + 1))
    assert numbers(issuer="HĐTĐKT", type_code="BB", year=2026) == list(range(1, workers + 1))
    assert DocumentCounter.objects.get(issuer="HĐTĐKT", type_code="BB", year=2026).last_number == workers

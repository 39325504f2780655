"""Allocating document numbers (Decree 30/2020/NĐ-CP Art. 15).

    with transaction.atomic():
        entry = allocate_number(issuer="HĐTĐKT", type_code="BB", year=2026,
                                object_type="councils.minutes", object_id=str(minutes.pk))
        minutes.number_line = entry.number_line      # "Số: 01/BB-HĐTĐKT"
        ...

One register per (province scope, issuer, year, type code): numbering restarts at 01 each year
and a number is unique within its register (database constraint). The number is
taken inside the caller's transaction, which must be open: the register's
counter row is created if missing, then locked with ``SELECT ... FOR UPDATE``
and advanced. A concurrent allocation in the same register waits for the lock
until the first transaction ends; if that transaction rolls back, so do its
counter and its entry, and the number goes to the next caller: no gaps, no
duplicates. (SQLite has no row locks; the project opens its SQLite transactions
with ``BEGIN IMMEDIATE``, which serialises writers the same way.)

Keep the transaction that allocates a number short: it holds the register's lock
until it commits. Render the PDF afterwards (or in the background), not inside it.
"""

from __future__ import annotations

import unicodedata

from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext as _

from dossiers.models.documents import DocumentCounter, DocumentNumber

__all__ = ["allocate_number"]


def allocate_number(*, issuer: str, type_code: str, year: int, scope: str = "", object_type: str = "",
                    object_id: str | int = "", using: str = "default") -> DocumentNumber:
    """The next number of the (scope, issuer, year, type code) register, recorded and locked in the caller's transaction.

    ``scope`` is the province's code, so that each province sharing a deployment numbers its own
    documents from 01.
    """
    scope = unicodedata.normalize("NFC", (scope or "").strip())
    issuer = unicodedata.normalize("NFC", (issuer or "").strip())
    type_code = unicodedata.normalize("NFC", (type_code or "").strip())
    if not issuer or not type_code:
        raise ValueError(_("Thiếu mã cơ quan ban hành hoặc mã loại văn bản."))
    if not 1900 <= int(year) <= 9999:
        raise ValueError(_("Năm của số văn bản không hợp lệ: %(year)s.") % {"year": year})
    if not transaction.get_connection(using).in_atomic_block:
        # Outside a transaction the number would be committed at once, and a later failure
        # of the document would leave a gap in the register.
        raise TransactionManagementError(_("Cấp số văn bản phải nằm trong giao dịch tạo văn bản (transaction.atomic)."))

    key = {"scope": scope, "issuer": issuer, "year": int(year), "type_code": type_code}
    counter, _created = DocumentCounter.objects.using(using).get_or_create(**key)
    counter = DocumentCounter.objects.using(using).select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"], using=using)
    return DocumentNumber.objects.using(using).create(
        **key, number=counter.last_number, object_type=object_type, object_id=str(object_id or ""),
    )

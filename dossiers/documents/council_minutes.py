"""The council minutes behind nominations, for this app's exports, without importing ``councils``.

Dependencies point one way (``councils -> dossiers``), so the central export
package cannot ask ``councils`` for its minutes. Instead ``councils`` provides
them when Django starts (``CouncilsConfig.ready`` calls ``provide``), the way
``workflows`` provides the working-day calendar (``dossiers.working_days``).
Without the councils app there are no minutes, and the package says so by
listing none.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MinutesDocument:
    """The minutes (biên bản) of one council session, as a PDF, with the nominations it voted on."""

    number: str                       # "01/BB-HĐTĐKT"
    date: datetime.date | None        # of the minutes
    session_date: datetime.date
    title: str
    filename: str
    content: bytes
    nomination_ids: tuple[int, ...]   # among those asked for


_provider: Callable[[list[int]], Iterable[MinutesDocument]] | None = None


def provide(provider: Callable[[list[int]], Iterable[MinutesDocument]]) -> None:
    """Register ``provider(nomination_ids)``: the signed minutes of the sessions that voted on them."""
    global _provider
    _provider = provider


def minutes_for(nomination_ids: Iterable[int]) -> list[MinutesDocument]:
    """The signed minutes of every council session that voted on one of these nominations (none without councils)."""
    if _provider is None:
        return []
    return list(_provider(sorted(set(nomination_ids))))

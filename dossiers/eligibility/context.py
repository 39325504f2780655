"""What a rule sees for one nomination (``Env``) and what it returns (``Outcome``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from dossiers.eligibility.history import HistoryIndex, Member, SubjectHistory
from dossiers.eligibility.i18n import gettext as _
from dossiers.models import VerdictResult

PASS, FAIL, UNKNOWN = VerdictResult.PASS.value, VerdictResult.FAIL.value, VerdictResult.UNKNOWN.value


@dataclass
class Outcome:
    result: str
    explanation: str
    initiative_ids: tuple[int, ...] = ()


@dataclass
class Env:
    """What a rule may look at for one nomination."""

    year: int
    today: datetime.date
    history: SubjectHistory
    is_collective: bool
    members: list[Member]
    index: HistoryIndex
    award_name: Callable[[str], str]
    window_first: int
    claimed: dict[int, str] = field(default_factory=dict)

    def names(self, codes: Iterable[str]) -> str:
        return (" " + _("hoặc") + " ").join(self.award_name(code) or code for code in codes)

    def record_name(self, record) -> str:
        return self.award_name(record.code) or record.name or record.code

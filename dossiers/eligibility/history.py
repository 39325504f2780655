"""The facts the evaluator reads, loaded for a whole batch of nominations at once.

Every table is read with one query filtered by the batch's nominees (a
subquery on the nominations, so the statement does not grow with the batch)
and by the years the criteria look at. Rows become small slotted records
indexed per nominee; the rules never touch the database.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from dossiers.models import AnnualRating, AwardRecord, DisciplineRecord, Initiative, Person

RATING_RANK = {"khtnv": 0, "htnv": 1, "httnv": 2, "htxsnv": 3}
LEVEL_RANK = {"unit": 0, "province": 1, "national": 2}
# Only these awards are the basis for a higher regular award (domain.md,
# "Kinds of commendation"): exceptional and thematic ones are not.
BASIS_KINDS = frozenset({"regular"})


@dataclass(slots=True)
class AwardRow:
    id: int
    code: str
    name: str
    year: int
    kind: str
    decision_number: str
    revoked: bool

    @property
    def counts(self) -> bool:
        return not self.revoked and self.kind in BASIS_KINDS


@dataclass(slots=True)
class InitiativeRow:
    id: int
    title: str
    year: int
    level: str
    is_research: bool
    recognised_by: str
    used_by: AwardRow | None


@dataclass(slots=True)
class DisciplineRow:
    id: int
    kind: str
    started_on: datetime.date
    ended_on: datetime.date | None
    description: str

    def is_open_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)

    def overlaps(self, first: datetime.date, last: datetime.date) -> bool:
        return self.started_on <= last and (self.ended_on is None or self.ended_on >= first)


@dataclass
class SubjectHistory:
    """Everything known about one person or one collective."""

    ratings: dict[int, str] = field(default_factory=dict)
    awards: list[AwardRow] = field(default_factory=list)
    initiatives: list[InitiativeRow] = field(default_factory=list)
    disciplines: list[DisciplineRow] = field(default_factory=list)
    _award_years: set[int] | None = None

    @property
    def last_discipline(self) -> DisciplineRow | None:
        """The discipline (kind "discipline") that ended last: achievements count after it."""
        ended = [d for d in self.disciplines if d.kind == "discipline" and d.ended_on is not None]
        return max(ended, key=lambda d: (d.ended_on, d.id)) if ended else None

    @property
    def counts_from(self) -> int | None:
        """First year whose ratings, titles and initiatives count, or None when all do."""
        last = self.last_discipline
        return last.ended_on.year + 1 if last else None

    def year_counts(self, year: int) -> bool:
        start = self.counts_from
        return start is None or year >= start

    def has_data(self, year: int) -> bool:
        """Whether anything was recorded for ``year`` (a rating or an award of any kind)."""
        if self._award_years is None:
            self._award_years = {a.year for a in self.awards}
        return year in self.ratings or year in self._award_years

    def has_any(self, first: int, last: int) -> bool:
        return (any(first <= y <= last for y in self.ratings)
                or any(first <= a.year <= last for a in self.awards)
                or any(first <= i.year <= last for i in self.initiatives))

    def awards_with(self, codes, year: int | None = None) -> list[AwardRow]:
        return [a for a in self.awards if a.code in codes and (year is None or a.year == year)]


EMPTY = SubjectHistory()


@dataclass
class Member:
    id: int
    name: str


@dataclass
class HistoryIndex:
    people: dict[int, SubjectHistory] = field(default_factory=lambda: defaultdict(SubjectHistory))
    collectives: dict[int, SubjectHistory] = field(default_factory=lambda: defaultdict(SubjectHistory))
    members: dict[int, list[Member]] = field(default_factory=lambda: defaultdict(list))

    def of_person(self, person_id: int) -> SubjectHistory:
        return self.people.get(person_id, EMPTY)

    def of_collective(self, collective_id: int) -> SubjectHistory:
        return self.collectives.get(collective_id, EMPTY)

    def _subject(self, person_id, collective_id) -> SubjectHistory:
        return self.people[person_id] if person_id else self.collectives[collective_id]


def load_history(*, person_ids: Iterable[int], collective_ids: Iterable[int], first_year: int, last_year: int,
                 with_members: bool, member_years: Iterable[int] | None = None) -> HistoryIndex:
    """Ratings, awards, initiatives and discipline of the given people and collectives.

    Awards are read without a lower year bound (``has_award_before`` looks
    before the window); discipline without any. With ``with_members``, the
    members of the collectives come too: their ratings and awards of
    ``member_years`` (the proposal years of the collectives' nominations: the
    only years the member criteria look at; by default every year read).
    Five queries, whatever the number of nominees (the evaluator passes
    at most ``CHUNK`` nominations' worth of ids, inside every database's
    parameter limit).

    Each query is a ``UNION ALL`` of one branch per kind of subject (the
    people, the collectives, the collectives' members), each filtered on its
    own indexed column by an explicit list of ids. A single ``WHERE person_id
    IN (subquery) OR collective_id IN (subquery)`` could use no index and read
    the whole table (2.4 million ratings at the large scale); a subquery per
    branch re-ran the batch's own query each time. See docs/performance.md.
    A member who is also a nominee comes twice; awards are kept once by id.
    """
    index = HistoryIndex()
    person_ids, collective_ids = sorted(set(person_ids)), sorted(set(collective_ids))
    years = Q(year__gte=first_year, year__lte=last_year)
    of_members = Q(year__in=sorted(set(member_years))) if member_years is not None else years
    member_ids = Person.objects.filter(collective_id__in=collective_ids).values("id")
    people, collectives, members = (Q(person_id__in=person_ids), Q(collective_id__in=collective_ids),
                                    Q(person_id__in=member_ids))
    with_members = with_members and bool(collective_ids)

    def union(model, branches, fields, *order):
        parts = [model.objects.filter(condition).order_by().values_list(*fields) for condition in branches]
        combined = parts[0].union(*parts[1:], all=True)
        return combined.order_by(*order) if order else combined

    if with_members:
        for person_id, name, collective_id in (
            Person.objects.filter(collective_id__in=collective_ids)
            .order_by("sort_key", "id").values_list("id", "full_name", "collective_id")
        ):
            index.members[collective_id].append(Member(person_id, name))

    branches = [people & years, collectives & years] + ([members & of_members] if with_members else [])
    for person_id, collective_id, year, rating in union(
            AnnualRating, branches, ("person_id", "collective_id", "year", "rating")):
        index._subject(person_id, collective_id).ratings[year] = rating

    until = Q(year__lte=last_year)
    branches = [people & until, collectives & until] + ([members & of_members] if with_members else [])
    seen: set[int] = set()
    for row in union(AwardRecord, branches, ("person_id", "collective_id", "id", "award_code", "award_name", "year",
                                             "kind", "decision_number", "revoked"), "year", "id"):
        if row[2] not in seen:
            seen.add(row[2])
            index._subject(row[0], row[1]).awards.append(AwardRow(*row[2:]))

    for row in union(Initiative, [people & years, collectives & years],
                     ("person_id", "collective_id", "id", "title", "year", "level", "is_research", "recognised_by",
                      "used_by_id", "used_by__award_code", "used_by__award_name", "used_by__year", "used_by__kind",
                      "used_by__decision_number", "used_by__revoked"), "year", "id"):
        used_by = AwardRow(row[8], *row[9:]) if row[8] else None
        index._subject(row[0], row[1]).initiatives.append(InitiativeRow(*row[2:8], used_by))

    for row in union(DisciplineRecord, [people, collectives],
                     ("person_id", "collective_id", "id", "kind", "started_on", "ended_on", "description"),
                     "started_on", "id"):
        index._subject(row[0], row[1]).disciplines.append(DisciplineRow(*row[2:]))
    return index

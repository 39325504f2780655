"""The eligibility engine: the catalogue's criteria evaluated over the history tables.

``evaluate(nominations)`` judges a batch of nominations at once. It reads
the criteria of the award types involved, the award names, and the
nominees' ratings, awards, initiatives and discipline with a fixed number of
queries per ``CHUNK`` nominations (see ``history.load_history``), and
returns one ``NominationVerdict`` per nomination: a tree of
``CriterionVerdict`` mirroring the criteria, each with pass / fail / unknown
and one Vietnamese sentence saying why.

- The proposal year is the dossier's year; the regulation is the one the
  nomination's award type belongs to (submission aligns award types to the
  regulation in force on the submission date).
- The catalogue's criteria describe regular awards (domain.md, "Criteria that
  a system can check"). For a dossier of another kind (exceptional, thematic,
  long service...) only the standing blocks (``STANDING_KEYS``) apply.
- An initiative counts once: within one evaluation, nominations are judged in
  id order and a nomination that does not fail keeps the initiatives its
  criteria needed; later nominations cannot count them again. An ``any_of``
  satisfied without initiatives keeps none.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from dossiers.eligibility import explain as ex
from dossiers.eligibility.context import FAIL, PASS, UNKNOWN, Env, Outcome
from dossiers.eligibility.history import HistoryIndex, load_history
from dossiers.eligibility.i18n import gettext as _
from dossiers.eligibility.i18n import remembered_translations
from dossiers.eligibility.rules import RULES, years_spanned
from dossiers.eligibility.vocabulary import COMBINATORS
from dossiers.models import AwardKind, AwardType, Criterion, Nomination, Regulation

# Criteria that apply to every kind of commendation, not only to regular awards.
STANDING_KEYS = frozenset({"not_disciplined"})
# Nominations are judged in chunks of this many: the history statements carry
# the chunk's people and collectives as id lists (the collectives twice, for
# their members), which must stay inside every database's parameter limit
# (32,766 on SQLite).
CHUNK = 10_000
# What judging reads of a nomination and its dossier: loading whole rows (the dossier's search text, the
# nominee's names) for 10,000 nominations cost more than judging them. The award types (a catalogue's worth)
# are read apart, once, and shared.
FIELDS = ("id", "person", "collective", "award_type", "outcome", "dossier", "dossier__id", "dossier__year",
          "dossier__kind", "dossier__state", "dossier__unit")


@dataclass
class CriterionVerdict:
    criterion: Criterion | None
    key: str
    description: str
    result: str
    explanation: str
    children: list[CriterionVerdict] = field(default_factory=list)
    # Initiatives this criterion counted (ids); informative, not stored.
    initiative_ids: tuple[int, ...] = ()


@dataclass
class NominationVerdict:
    nomination: Nomination
    regulation: Regulation
    criteria: list[CriterionVerdict]
    result: str
    # Initiatives kept for this nomination in this evaluation (ids).
    initiative_ids: tuple[int, ...] = ()


def combine(key: str, results: Iterable[str]) -> str:
    """all_of: fail if any fails, else unknown if any unknown, else pass; any_of the mirror."""
    results = list(results)
    if key == "any_of":
        if PASS in results:
            return PASS
        return UNKNOWN if UNKNOWN in results else FAIL
    if FAIL in results:
        return FAIL
    return UNKNOWN if UNKNOWN in results else PASS


# ---------------------------------------------------------------- the catalogue side

@dataclass
class _Node:
    criterion: Criterion
    children: list[_Node] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.criterion.key

    def leaves(self):
        if self.key in COMBINATORS:
            for child in self.children:
                yield from child.leaves()
        else:
            yield self


class _Catalogue:
    """Criteria trees of the award types in the batch, and award names by code."""

    def __init__(self, award_type_ids: set[int]):
        by_parent: dict[int | None, list[Criterion]] = defaultdict(list)
        for criterion in Criterion.objects.filter(award_type_id__in=award_type_ids).order_by("order", "id"):
            by_parent[criterion.parent_id].append(criterion)

        def build(criterion):
            return _Node(criterion, [build(c) for c in by_parent.get(criterion.pk, [])])

        self.roots: dict[int, list[_Node]] = defaultdict(list)
        for criterion in by_parent.get(None, []):
            self.roots[criterion.award_type_id].append(build(criterion))
        self.spans = {
            award_type_id: max((years_spanned(leaf.key, leaf.criterion.params)
                                for root in roots for leaf in root.leaves()), default=1)
            for award_type_id, roots in self.roots.items()
        }
        self._names: dict[tuple[int, str], str] = {}
        self._any_name: dict[str, str] = {}
        for regulation_id, code, name in AwardType.objects.order_by(
                "regulation__effective_from", "id").values_list("regulation_id", "code", "name"):
            self._names[(regulation_id, code)] = name
            self._any_name[code] = name

    def namer(self, regulation_id: int):
        def award_name(code: str) -> str:
            return self._names.get((regulation_id, code)) or self._any_name.get(code, "")
        return award_name


# ---------------------------------------------------------------- evaluation

def evaluate(nominations: Iterable[Nomination], *, today: datetime.date | None = None) -> dict[int, NominationVerdict]:
    """Judge every nomination; the result is keyed by nomination id, in id order.

    ``nominations`` is a queryset or any iterable of nominations; the number of
    queries does not depend on its size up to ``CHUNK`` (then 7 more per
    ``CHUNK`` nominations). ``today`` is
    the evaluation day (open discipline is judged on it); it defaults to today.
    """
    today = today or timezone.localdate()
    claimed: dict[int, str] = {}
    verdicts: dict[int, NominationVerdict] = {}
    with remembered_translations():
        for loaded in _batches(nominations):
            if not loaded:
                continue
            catalogue = _Catalogue({n.award_type_id for n in loaded})
            first_year = min(n.dossier.year - catalogue.spans.get(n.award_type_id, 1) + 1 for n in loaded)
            last_year = max(n.dossier.year for n in loaded)
            index = load_history(person_ids={n.person_id for n in loaded if n.person_id},
                                 collective_ids={n.collective_id for n in loaded if n.collective_id},
                                 first_year=first_year, last_year=last_year,
                                 with_members=any(n.collective_id for n in loaded),
                                 member_years={n.dossier.year for n in loaded if n.collective_id})
            for nomination in loaded:
                verdicts[nomination.pk] = _evaluate_one(nomination, catalogue, index, today, claimed)
    return verdicts


def _batches(nominations):
    """The nominations with what judging reads, in id order, ``CHUNK`` at a time."""
    if isinstance(nominations, QuerySet) and not nominations.query.is_sliced:
        loaded = load(nominations)
        for start in range(0, len(loaded), CHUNK):
            yield loaded[start:start + CHUNK]
        return
    ids = sorted({n.pk for n in nominations})
    for start in range(0, len(ids), CHUNK):
        yield load(Nomination.objects.filter(pk__in=ids[start:start + CHUNK]))


def load(queryset: QuerySet) -> list[Nomination]:
    """The nominations of ``queryset`` in id order, with their dossier's year and kind and their award type (and
    its regulation): two queries."""
    loaded = list(queryset.select_related("dossier").only(*FIELDS).order_by("pk"))
    awards = AwardType.objects.select_related("regulation").in_bulk({n.award_type_id for n in loaded})
    for nomination in loaded:
        nomination.award_type = awards[nomination.award_type_id]
    return loaded


def _evaluate_one(nomination: Nomination, catalogue: _Catalogue, index: HistoryIndex, today, claimed) -> NominationVerdict:
    dossier = nomination.dossier
    roots = catalogue.roots.get(nomination.award_type_id, [])
    if dossier.kind != AwardKind.REGULAR:
        roots = [r for r in roots if r.key in STANDING_KEYS]
    span = max((years_spanned(leaf.key, leaf.criterion.params) for r in roots for leaf in r.leaves()
                if leaf.key not in STANDING_KEYS), default=1)
    is_collective = nomination.collective_id is not None
    env = Env(
        year=dossier.year,
        today=today,
        history=index.of_collective(nomination.collective_id) if is_collective else index.of_person(nomination.person_id),
        is_collective=is_collective,
        members=index.members.get(nomination.collective_id, []) if is_collective else [],
        index=index,
        award_name=catalogue.namer(nomination.award_type.regulation_id),
        window_first=dossier.year - span + 1,
        claimed=claimed,
    )
    criteria = [_judge(node, env) for node in roots]
    result = combine("all_of", (c.result for c in criteria))
    kept: tuple[int, ...] = ()
    if result != FAIL:
        kept = tuple(sorted(set().union(*(_needed(c) for c in criteria))))
        label = _("đề nghị %(award)s của hồ sơ %(dossier)s") % {"award": nomination.award_type.name,
                                                                 "dossier": dossier.reference}
        for initiative_id in kept:
            claimed[initiative_id] = label
    return NominationVerdict(nomination=nomination, regulation=nomination.award_type.regulation,
                             criteria=criteria, result=result, initiative_ids=kept)


def _judge(node: _Node, env: Env) -> CriterionVerdict:
    criterion = node.criterion
    if node.key in COMBINATORS:
        children = [_judge(child, env) for child in node.children]
        result = combine(node.key, (c.result for c in children))
        return CriterionVerdict(criterion, node.key, criterion.description, result,
                                _explain_combination(node.key, result, children), children)
    rule = RULES.get(node.key)
    if rule is None:
        outcome = Outcome(UNKNOWN, _("Loại tiêu chuẩn “%(key)s” chưa được hỗ trợ.") % {"key": node.key})
    else:
        outcome = rule(env, criterion.params or {})
    return CriterionVerdict(criterion, node.key, criterion.description, outcome.result, outcome.explanation,
                            [], outcome.initiative_ids)


def _chosen(children: list[CriterionVerdict]) -> CriterionVerdict | None:
    """The passing alternative of an any_of that is relied on: one that spends no initiative if possible."""
    passing = [c for c in children if c.result == PASS]
    free = [c for c in passing if not _needed(c)]
    return (free or passing or [None])[0]


def _needed(verdict: CriterionVerdict) -> set[int]:
    """Initiatives the verdict relies on."""
    if verdict.key == "any_of":
        chosen = _chosen(verdict.children) if verdict.result == PASS else None
        return _needed(chosen) if chosen else set()
    if verdict.key == "all_of":
        if verdict.result == FAIL:
            return set()
        return set().union(*(_needed(c) for c in verdict.children))
    return set(verdict.initiative_ids) if verdict.result == PASS else set()


def _explain_combination(key: str, result: str, children: list[CriterionVerdict]) -> str:
    def items(verdicts):
        return ", ".join(ex.quoted(v.description) for v in verdicts)

    if not children:
        return _("Không có tiêu chuẩn thành phần.")
    if key == "any_of":
        if result == PASS:
            return _("Đạt theo căn cứ %(items)s.") % {"items": items([_chosen(children)])}
        if result == UNKNOWN:
            return _("Chưa đạt căn cứ nào; chưa đủ dữ liệu để kết luận: %(items)s.") % {
                "items": items([c for c in children if c.result == UNKNOWN])}
        return _("Không đạt căn cứ nào: %(items)s.") % {"items": items(children)}
    if result == PASS:
        return _("Đạt đủ các tiêu chuẩn: %(items)s.") % {"items": items(children)}
    if result == UNKNOWN:
        return _("Chưa đủ dữ liệu để kết luận: %(items)s.") % {
            "items": items([c for c in children if c.result == UNKNOWN])}
    return _("Không đạt: %(items)s.") % {"items": items([c for c in children if c.result == FAIL])}

"""Scoped reads behind the decision pages and the decision API.

Who sees which decisions of their province:
- Home Affairs (specialist, lead): every decision, drafts included;
- the signer: what has been put up for signature, and what is signed;
- the auditor, the central liaison, the administrator: signed decisions;
- anyone else (unit users, council members): none, so a decision is "not found" (404).

Every list here runs a fixed number of queries whatever its length: counts and
totals are subqueries, rows are joined, never fetched one by one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from dossiers.models import (
    Authority,
    AwardRecord,
    BaseSalary,
    Decision,
    DecisionItem,
    DecisionState,
    Dossier,
    Nomination,
    RevocationItem,
    Unit,
    cash_amount,
)
from dossiers.models.users import HA_ROLES, PROVINCE_READ_ROLES, UNIT_ROLES, Role
from dossiers.services.decisions import public_decisions, ready_for_decision
from dossiers.text import fold

ISSUED = (DecisionState.SIGNED, DecisionState.REVOKED)
PENDING = (DecisionState.DRAFT, DecisionState.CHECKED)
# Province roles that read signed decisions (Home Affairs and the signer read more).
ISSUED_READERS = frozenset({Role.AUDITOR, Role.CENTRAL_LIAISON, Role.ADMINISTRATOR})


# -- who sees what ------------------------------------------------------------------------------


def is_ha(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.roles & HA_ROLES and user.province_id)


def is_ha_lead(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and Role.HA_LEAD in user.roles and user.province_id)


def is_signer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and Role.SIGNER in user.roles and user.province_id)


def reads_decisions(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.province_id:
        return False
    return bool(user.roles & (HA_ROLES | ISSUED_READERS | {Role.SIGNER}))


def decisions_for(user) -> QuerySet[Decision]:
    """The decisions ``user`` may read (see the module's docstring)."""
    if not reads_decisions(user):
        return Decision.objects.none()
    qs = Decision.objects.filter(province_id=user.province_id)
    roles = user.roles
    if roles & HA_ROLES:
        return qs
    if Role.SIGNER in roles:
        return qs.exclude(state=DecisionState.DRAFT)
    return qs.filter(state__in=ISSUED)


def decision_for(user, pk) -> QuerySet[Decision]:
    """A one-row queryset for ``get_object_or_404``."""
    return decisions_for(user).filter(pk=pk).select_related("province", "created_by", "checked_by", "signed_by",
                                                            "revokes")


def decision_rows(user, *, state: str = "", kind: str = "") -> QuerySet[Decision]:
    """Decisions as list rows, with their counts and cash total as subqueries."""
    items = DecisionItem.objects.filter(decision=OuterRef("pk")).order_by()
    qs = decisions_for(user).select_related("created_by", "signed_by").annotate(
        item_count=Coalesce(Subquery(items.values("decision").annotate(n=Count("id")).values("n")), 0),
        forwarded_count=Coalesce(Subquery(items.filter(forwarded=True).values("decision")
                                          .annotate(n=Count("id")).values("n")), 0),
        cash_total=Coalesce(Subquery(items.values("decision").annotate(total=Sum("cash_amount")).values("total")), 0),
        revocation_count=Coalesce(Subquery(RevocationItem.objects.filter(decision=OuterRef("pk")).order_by()
                                           .values("decision").annotate(n=Count("id")).values("n")), 0),
    )
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by(Case(When(state=DecisionState.CHECKED, then=Value(0)),
                            When(state=DecisionState.DRAFT, then=Value(1)), default=Value(2),
                            output_field=IntegerField()), "-decision_date", "-created_at", "-id")


def state_counts(user) -> dict[str, int]:
    """How many decisions the user sees in each state (one query)."""
    counts = dict(decisions_for(user).order_by().values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in DecisionState.values}


# -- the pool of nominations ready for a decision ---------------------------------------------------


POOL_FILTERS = ("year", "award_code", "unit_id", "session_id", "dossier_id")


def pool(*, province, **filters) -> QuerySet[Nomination]:
    """``ready_for_decision`` with the page's filters (year, award, unit, council session, dossier)."""
    return ready_for_decision(province=province, **{k: v for k, v in filters.items() if k in POOL_FILTERS and v})


@dataclass
class PoolGroup:
    code: str
    name: str
    forwarded: bool
    count: int
    rows: list


def pool_groups(queryset: QuerySet[Nomination], rows: list[Nomination]) -> list[PoolGroup]:
    """Rows (one page of the pool) grouped by award, each with the count of the whole filtered pool."""
    counts = {
        row["award_type__code"]: row for row in queryset.order_by().values(
            "award_type__code", "award_type__name", "award_type__forwarded", "award_type__rank")
        .annotate(n=Count("id"))
    }
    groups: dict[str, PoolGroup] = {}
    for code, row in sorted(counts.items(), key=lambda kv: (kv[1]["award_type__rank"], kv[0])):
        groups.setdefault(code, PoolGroup(code, row["award_type__name"], row["award_type__forwarded"], 0, []))
        groups[code].count += row["n"]
    for nomination in rows:
        groups[nomination.award_type.code].rows.append(nomination)
    return list(groups.values())


def pool_choices(province) -> dict[str, list[tuple]]:
    """What the pool's filters offer: only values that the pool holds (five small queries)."""
    everything = ready_for_decision(province=province).order_by()
    ids = everything.values("pk")
    years = sorted(set(everything.values_list("dossier__year", flat=True).distinct()), reverse=True)
    awards = list(everything.values_list("award_type__code", "award_type__name", "award_type__rank").distinct())
    awards = [(code, name) for code, name, _rank in sorted(set(awards), key=lambda a: (a[2], a[0]))]
    units = list(Unit.objects.filter(pk__in=everything.values("dossier__unit_id")).order_by("name_key", "id")
                 .values_list("pk", "name"))
    # Council sessions through the reverse relation of agenda items: no import of the councils app.
    sessions = sorted(
        {(row[0], row[1], row[2]) for row in Nomination.objects.filter(pk__in=ids, agenda_items__isnull=False)
         .values_list("agenda_items__session_id", "agenda_items__session__title", "agenda_items__session__date")},
        key=lambda s: (s[2] or datetime.date.min, s[0]), reverse=True)
    dossiers = [(d.pk, f"{d.reference} · {d.unit.name}") for d in
                Dossier.objects.filter(pk__in=everything.values("dossier_id")).select_related("unit")
                .only("id", "year", "state", "unit__name").order_by("-year", "id")]
    return {
        "years": [(y, str(y)) for y in years],
        "awards": awards,
        "units": units,
        "sessions": [(pk, title) for pk, title, _date in sessions],
        "dossiers": dossiers,
    }


# -- a decision's content -------------------------------------------------------------------------


def decision_items(decision: Decision) -> list[DecisionItem]:
    """The listed nominations, provincial awards first, then those proposed upward, in the annex's order."""
    items = list(decision.items.select_related(
        "award_type", "nomination__person", "nomination__collective", "nomination__dossier__unit",
    ).order_by("forwarded", "position", "id"))
    return items


def preview_cash(items: list[DecisionItem], *, day: datetime.date | None = None) -> dict:
    """Cash per item at the base salary in force on ``day`` (today): what signing today would pay."""
    day = day or timezone.localdate()
    salary = BaseSalary.in_force_on(day)
    total = 0
    for item in items:
        multiple = item.award_type.cash_multiple
        if item.forwarded or not multiple or salary is None:
            item.preview_amount = 0
        else:
            item.preview_amount = cash_amount(multiple, salary.amount)
        total += item.preview_amount
    return {"day": day, "base_salary": salary.amount if salary else None, "total": total}


def award_records_of_items(decision: Decision, items: list[DecisionItem]) -> None:
    """For a signed decision: each provincial item's award record (revoked or not), and for a revoked one
    the decision that revoked it (``record.revoking``); two queries."""
    ids = [item.nomination_id for item in items if not item.forwarded]
    records = {r.nomination_id: r for r in AwardRecord.objects.filter(nomination_id__in=ids,
                                                                       decision_number=decision.number)
               .annotate(pending_revocation=_pending_revocation())}
    revoking = revocations_of_records([r.pk for r in records.values() if r.revoked])
    for record in records.values():
        record.revoking = revoking.get(record.pk)
    for item in items:
        item.record = records.get(item.nomination_id)


def revocations_of_records(record_ids) -> dict[int, Decision]:
    """The signed revocation decision of each revoked award record (one query; none when no ids)."""
    if not record_ids:
        return {}
    rows = (RevocationItem.objects.filter(award_record_id__in=list(record_ids), decision__state=DecisionState.SIGNED)
            .select_related("decision").only("award_record_id", "decision__id", "decision__number",
                                             "decision__decision_date", "decision__state"))
    return {row.award_record_id: row.decision for row in rows}


def revoking_decision_list(records) -> list[Decision]:
    """The distinct decisions that revoked some of ``records``, in order of date."""
    found = {r.revoking.pk: r.revoking for r in records if r is not None and getattr(r, "revoking", None)}
    return sorted(found.values(), key=lambda d: (d.decision_date, d.pk))


def revocation_items(decision: Decision) -> list[RevocationItem]:
    return list(decision.revocations.select_related(
        "award_record__person__unit", "award_record__collective__unit").order_by("id"))


# -- award history (khen thưởng đã nhận) -------------------------------------------------------------


def _pending_revocation():
    return Exists(RevocationItem.objects.filter(award_record=OuterRef("pk"), decision__state__in=PENDING))


def award_records_for(user, *, query: str = "") -> QuerySet[AwardRecord]:
    """Award records of people and collectives the user sees: the province for its roles, the units' own
    for unit users; by name (diacritics ignored) or decision number."""
    if not getattr(user, "is_authenticated", False) or not user.province_id:
        return AwardRecord.objects.none()
    roles = user.roles
    if roles & PROVINCE_READ_ROLES:
        scope = Q(person__unit__province_id=user.province_id) | Q(collective__unit__province_id=user.province_id)
    elif roles & UNIT_ROLES:
        from dossiers.selectors import visible_unit_ids

        units = visible_unit_ids(user)
        scope = Q(person__unit_id__in=units) | Q(collective__unit_id__in=units)
    else:
        return AwardRecord.objects.none()
    qs = AwardRecord.objects.filter(scope).select_related("person__unit", "collective__unit", "award_type")
    folded = fold(query)
    if folded:
        qs = qs.filter(Q(person__search_key__contains=folded) | Q(collective__search_key__contains=folded)
                       | Q(decision_number__icontains=query.strip()))
    return qs.annotate(
        pending_revocation=_pending_revocation(),
        name_order=Coalesce("person__sort_key", "collective__sort_key"),
    ).order_by("name_order", "person_id", "collective_id", "-year", "-id")


def revocable(record: AwardRecord) -> bool:
    """What the province may revoke: its own awards (Chairman), not yet revoked, not in a pending draft."""
    if record.revoked or getattr(record, "pending_revocation", False):
        return False
    return record.award_type_id is None or record.award_type.authority == Authority.PROVINCIAL_CHAIRMAN


def records_for_revocation(user, ids) -> list[AwardRecord]:
    """The chosen records, in the user's scope, in the order of the history page."""
    wanted = {int(pk) for pk in ids}
    return list(award_records_for(user).filter(pk__in=wanted))


# -- public ---------------------------------------------------------------------------------------


PUBLIC_ITEM_FIELDS = (
    "id", "decision_id", "forwarded", "position",
    "nomination__id", "nomination__outcome", "nomination__person__full_name", "nomination__collective__name",
    "nomination__dossier__id", "nomination__dossier__state", "nomination__dossier__unit__name",
    "award_type__id", "award_type__name", "award_type__rank", "award_type__code",
)


def public_decision_page_rows(decisions: list[Decision]) -> None:
    """Each decision's awardees, as the public may see them (name, unit, award: nothing else), and for a
    revoked award the number and date of the decision that revoked it; two queries."""
    by_decision: dict[int, list] = {d.pk: [] for d in decisions}
    numbers = {d.pk: d.number for d in decisions}
    if decisions:
        for item in (DecisionItem.objects.filter(decision_id__in=list(by_decision), forwarded=False)
                     .select_related("nomination__person", "nomination__collective", "nomination__dossier__unit",
                                     "award_type")
                     .only(*PUBLIC_ITEM_FIELDS).order_by("decision_id", "position", "id")):
            by_decision[item.decision_id].append(item)
    revoked = [item for items in by_decision.values() for item in items if item.nomination.outcome == "revoked"]
    revoking = {}
    if revoked:
        for row in (RevocationItem.objects.filter(decision__state=DecisionState.SIGNED,
                                                  award_record__nomination_id__in=[i.nomination_id for i in revoked])
                    .values("award_record__nomination_id", "award_record__decision_number", "decision__number",
                            "decision__decision_date")):
            revoking[(row["award_record__nomination_id"], row["award_record__decision_number"])] = row
    for decision in decisions:
        decision.awardees = by_decision[decision.pk]
        found = {}
        for item in decision.awardees:
            row = revoking.get((item.nomination_id, numbers[decision.pk]))
            item.revoking = {"number": row["decision__number"], "day": row["decision__decision_date"]} \
                if row else None
            if row:
                found[row["decision__number"]] = item.revoking
        decision.revoking_decisions = sorted(found.values(), key=lambda d: (d["day"], d["number"]))


def public_decision_list() -> QuerySet[Decision]:
    """Signed award decisions of every province of this deployment, newest first."""
    return public_decisions().select_related("province").only(
        "id", "state", "kind", "number", "decision_date", "title", "signer_capacity", "province__name",
    )


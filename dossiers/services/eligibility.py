"""Home Affairs' eligibility check: stored verdicts, written overrides.

``check_eligibility`` runs the engine (``dossiers.eligibility.evaluator``)
over a dossier and stores its verdicts, replacing the previous ones; an
override given earlier stays attached when its criterion still has the same
result. ``override_verdict`` records a reviewer's written acceptance of a
criterion that failed (or could not be checked); ``effective_result`` then
counts it as passed.
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import permissions
from dossiers.eligibility.evaluator import NominationVerdict, combine, evaluate
from dossiers.eligibility.vocabulary import COMBINATORS
from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import (
    DossierState,
    EligibilityOverride,
    EligibilityVerdict,
    NominationOutcome,
    VerdictResult,
)
from dossiers.services.audit import record_event
from dossiers.services.dossiers import lock_dossier
from dossiers.text import nfc

PASS, FAIL, UNKNOWN = VerdictResult.PASS.value, VerdictResult.FAIL.value, VerdictResult.UNKNOWN.value
OVERRIDABLE = (FAIL, UNKNOWN)


def _require_reviewer(actor, dossier, message) -> None:
    if not permissions.can_review.test(actor, dossier):
        raise PermissionDeniedError("permission_denied", message)


@transaction.atomic
def check_eligibility(*, actor, dossier) -> dict[int, NominationVerdict]:
    """Evaluate every nomination of the dossier that is not withdrawn and store the verdicts."""
    dossier = lock_dossier(dossier)
    _require_reviewer(actor, dossier, _("Chỉ Sở Nội vụ của tỉnh được kiểm tra điều kiện khen thưởng."))
    if dossier.state == DossierState.DRAFT:
        raise DomainError("invalid_state", _("Hồ sơ chưa được trình, chưa kiểm tra điều kiện được."))
    nominations = dossier.nominations.exclude(outcome=NominationOutcome.WITHDRAWN)
    results = evaluate(nominations)

    old = list(EligibilityVerdict.objects.filter(nomination_id__in=list(results)).select_related("override"))
    old_overrides = {
        (v.nomination_id, v.criterion_id): (v, v.override)
        for v in old if v.criterion_id is not None and _override_of(v) is not None
    }
    now = timezone.now()
    stored = _store(results, now)

    kept, dropped = [], []
    for (nomination_id, criterion_id), (old_verdict, override) in old_overrides.items():
        new_verdict = stored.get((nomination_id, criterion_id))
        if new_verdict is not None and new_verdict.result in OVERRIDABLE and new_verdict.result == old_verdict.result:
            override.verdict = new_verdict
            kept.append(override)
        else:
            dropped.append({"override": override.pk, "nomination": nomination_id, "criterion": criterion_id,
                            "result_before": old_verdict.result,
                            "result_now": new_verdict.result if new_verdict else None,
                            "reason": override.reason})
    if kept:
        EligibilityOverride.objects.bulk_update(kept, ["verdict"])
    EligibilityVerdict.objects.filter(pk__in=[v.pk for v in old]).delete()

    counts = Counter(v.result for v in results.values())
    effective = {pk: effective_result(roots) for pk, roots in stored_verdicts(dossier).items() if pk in results}
    record_event(
        actor=actor, action="eligibility.checked", obj=dossier, dossier=dossier,
        after={
            "regulations": sorted({v.regulation.code for v in results.values()}),
            "results": {str(pk): v.result for pk, v in results.items()},
            "effective": {str(pk): r for pk, r in effective.items()},
            "counts": {key: counts.get(key, 0) for key in (PASS, FAIL, UNKNOWN)},
            "overrides_kept": sorted(o.pk for o in kept),
            "overrides_dropped": dropped,
        },
        message=_("Kiểm tra điều kiện khen thưởng: %(passed)d đạt, %(failed)d không đạt, "
                  "%(unknown)d chưa đủ dữ liệu.") % {"passed": counts.get(PASS, 0), "failed": counts.get(FAIL, 0),
                                                    "unknown": counts.get(UNKNOWN, 0)},
    )
    return results


def _store(results: dict[int, NominationVerdict], now) -> dict[tuple[int, int], EligibilityVerdict]:
    """Insert the verdict trees level by level (one insert per level); return them by (nomination, criterion)."""
    level = [(None, nomination_verdict.nomination.pk, nomination_verdict.regulation.pk, order, verdict)
             for nomination_verdict in results.values()
             for order, verdict in enumerate(nomination_verdict.criteria)]
    stored: dict[tuple[int, int], EligibilityVerdict] = {}
    while level:
        rows = [
            EligibilityVerdict(
                nomination_id=nomination_id, criterion=verdict.criterion, parent=parent, key=verdict.key,
                description=verdict.description[:500], result=verdict.result, explanation=verdict.explanation,
                regulation_id=regulation_id, order=order, evaluated_at=now,
            )
            for parent, nomination_id, regulation_id, order, verdict in level
        ]
        EligibilityVerdict.objects.bulk_create(rows)
        next_level = []
        for row, (_parent, nomination_id, regulation_id, _order, verdict) in zip(rows, level, strict=True):
            if verdict.criterion is not None:
                stored[(nomination_id, verdict.criterion.pk)] = row
            next_level += [(row, nomination_id, regulation_id, order, child)
                           for order, child in enumerate(verdict.children)]
        level = next_level
    return stored


def _override_of(verdict: EligibilityVerdict) -> EligibilityOverride | None:
    return getattr(verdict, "override", None)


def _nomination_roots(nomination_id: int) -> list[EligibilityVerdict]:
    rows = EligibilityVerdict.objects.filter(nomination_id=nomination_id).select_related("override")
    return _build_trees(rows).get(nomination_id, [])


def _snapshot(verdict: EligibilityVerdict) -> dict:
    return {"verdict": verdict.pk, "nomination": verdict.nomination_id, "criterion": verdict.criterion_id,
            "key": verdict.key, "description": verdict.description, "result": verdict.result}


def _lock_for_override(actor, dossier):
    dossier = lock_dossier(dossier)
    _require_reviewer(actor, dossier, _("Chỉ chuyên viên, lãnh đạo Sở Nội vụ của tỉnh được chấp nhận ngoại lệ."))
    if dossier.state != DossierState.UNDER_REVIEW:
        raise DomainError("invalid_state", _("Chỉ chấp nhận hoặc bỏ chấp nhận ngoại lệ khi hồ sơ đang thẩm định."))
    return dossier


@transaction.atomic
def override_verdict(*, actor, verdict: EligibilityVerdict, reason: str) -> EligibilityOverride:
    """Accept, with a written reason, a criterion that failed or could not be checked."""
    verdict = EligibilityVerdict.objects.select_related("nomination__dossier").get(pk=verdict.pk)
    dossier = _lock_for_override(actor, verdict.nomination.dossier)
    if verdict.result not in OVERRIDABLE:
        raise DomainError("verdict_passed", _("Tiêu chuẩn này đã đạt, không cần chấp nhận ngoại lệ."))
    reason = nfc(reason) or ""
    if not reason:
        raise DomainError("reason_required", _("Hãy ghi lý do bằng văn bản khi chấp nhận tiêu chuẩn không đạt."))
    if EligibilityOverride.objects.filter(verdict=verdict).exists():
        raise DomainError("already_overridden", _("Tiêu chuẩn này đã được chấp nhận ngoại lệ."))
    before = effective_result(_nomination_roots(verdict.nomination_id))
    override = EligibilityOverride.objects.create(verdict=verdict, reason=reason, created_by=actor)
    after = effective_result(_nomination_roots(verdict.nomination_id))
    record_event(
        actor=actor, action="eligibility.overridden", obj=override, dossier=dossier,
        before={**_snapshot(verdict), "nomination_result": before},
        after={**_snapshot(verdict), "accepted": True, "reason": reason, "nomination_result": after},
        message=_("Chấp nhận ngoại lệ: %(criterion)s") % {"criterion": verdict.description},
    )
    return override


@transaction.atomic
def remove_override(*, actor, override: EligibilityOverride) -> None:
    override = EligibilityOverride.objects.select_related("verdict__nomination__dossier").get(pk=override.pk)
    verdict = override.verdict
    dossier = _lock_for_override(actor, verdict.nomination.dossier)
    before = effective_result(_nomination_roots(verdict.nomination_id))
    record_event(
        actor=actor, action="eligibility.override_removed", obj=override, dossier=dossier,
        before={**_snapshot(verdict), "accepted": True, "reason": override.reason,
                "created_by": override.created_by_id, "nomination_result": before},
        after={**_snapshot(verdict), "accepted": False},
        message=_("Bỏ chấp nhận ngoại lệ: %(criterion)s") % {"criterion": verdict.description},
    )
    override.delete()


def stored_verdicts(dossier) -> dict[int, list[EligibilityVerdict]]:
    """The dossier's stored verdicts: roots per nomination id, children and overrides loaded (one query)."""
    rows = (EligibilityVerdict.objects.filter(nomination__dossier=dossier)
            .select_related("override__created_by", "criterion", "regulation"))
    return _build_trees(rows)


def _build_trees(rows) -> dict[int, list[EligibilityVerdict]]:
    """Roots per nomination, each verdict's ``children`` filled in as if prefetched."""
    rows = sorted(rows, key=lambda v: (v.order, v.pk))
    children: dict[int, list[EligibilityVerdict]] = {v.pk: [] for v in rows}
    roots: dict[int, list[EligibilityVerdict]] = {}
    by_pk = {v.pk: v for v in rows}
    for verdict in rows:
        if verdict.parent_id is None:
            roots.setdefault(verdict.nomination_id, []).append(verdict)
        elif verdict.parent_id in children:
            children[verdict.parent_id].append(verdict)
            EligibilityVerdict.parent.field.set_cached_value(verdict, by_pk[verdict.parent_id])
    for verdict in rows:
        queryset = EligibilityVerdict.objects.filter(parent=verdict)
        queryset._result_cache = children[verdict.pk]
        queryset._prefetch_done = True
        verdict._prefetched_objects_cache = {"children": queryset}
    return dict(sorted(roots.items()))


def _children(verdict) -> list:
    children = verdict.children
    return list(children.all()) if hasattr(children, "all") else list(children)


def _effective(verdict) -> str:
    if _override_of(verdict) is not None:
        return PASS
    if verdict.key in COMBINATORS:
        kids = _children(verdict)
        if kids:
            return combine(verdict.key, (_effective(c) for c in kids))
    return verdict.result


def effective_result(verdicts) -> str:
    """A nomination's result where an overridden criterion counts as passed.

    ``verdicts`` are its root verdicts (as ``stored_verdicts`` gives them; a
    flat list with children is accepted too: only roots are read). With no
    verdict at all the result is "unknown": the check has not run.
    """
    verdicts = list(verdicts)
    roots = [v for v in verdicts if getattr(v, "parent_id", None) is None]
    if not roots:
        return UNKNOWN
    return combine("all_of", (_effective(v) for v in roots))

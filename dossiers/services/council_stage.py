"""The dossier's side of the council stage: into the session, and out with the results.

The council app decides *when*; these functions make the legal changes on the
dossier and its nominations, audit them, and send ``council_result_final`` so
the review process moves on (inside the same transaction).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from dossiers.exceptions import DomainError
from dossiers.models import Dossier, DossierState, Nomination, NominationOutcome
from dossiers.services.audit import record_event
from dossiers.services.dossiers import _save_transition, lock_dossier


def awaits_vote(nomination: Nomination) -> bool:
    return nomination.outcome == NominationOutcome.ELIGIBLE and nomination.award_type.vote_required


@transaction.atomic
def take_into_council(*, actor, dossier: Dossier) -> Dossier:
    """A session took up (some of) the dossier's nominations."""
    dossier = lock_dossier(dossier)
    if dossier.state == DossierState.IN_COUNCIL:
        return dossier
    if dossier.state != DossierState.AWAITING_COUNCIL:
        raise DomainError("invalid_state", _("Hồ sơ %(ref)s không ở trạng thái chờ Hội đồng xét.")
                          % {"ref": dossier.reference})
    dossier.take_into_council()
    _save_transition(dossier)
    record_event(actor=actor, action="dossier.in_council", obj=dossier, dossier=dossier,
                 before={"state": DossierState.AWAITING_COUNCIL}, after={"state": dossier.state},
                 message=_("Đưa vào phiên họp Hội đồng"))
    return dossier


@transaction.atomic
def release_from_council(*, actor, dossier: Dossier) -> Dossier:
    """None of its nominations is on an open session any more: back to the pool."""
    dossier = lock_dossier(dossier)
    if dossier.state != DossierState.IN_COUNCIL:
        return dossier
    dossier.back_to_council_pool()
    _save_transition(dossier)
    record_event(actor=actor, action="dossier.council_pool", obj=dossier, dossier=dossier,
                 before={"state": DossierState.IN_COUNCIL}, after={"state": dossier.state},
                 message=_("Để lại chờ phiên họp sau"))
    return dossier


@transaction.atomic
def record_council_results(*, actor, dossier: Dossier, results: dict[int, bool], session_label: str) -> Dossier:
    """Apply a session's confirmed results to the dossier's nominations, then move the dossier on.

    If nominations that need a vote remain without a result (left for a later
    session), the dossier goes back to the council pool; otherwise it goes to the
    decision when anything is left to decide, or closes.
    """
    from dossiers.signals import council_result_final

    dossier = lock_dossier(dossier)
    if dossier.state != DossierState.IN_COUNCIL:
        raise DomainError("invalid_state", _("Hồ sơ %(ref)s không ở trạng thái Hội đồng đang xét.")
                          % {"ref": dossier.reference})
    nominations = {n.pk: n for n in dossier.nominations.select_related("award_type", "person", "collective")}
    outcome = {}
    for nomination_id, passed in results.items():
        nomination = nominations[nomination_id]
        if passed:
            nomination.council_pass()
        else:
            nomination.council_fail()
        nomination.save()
        outcome[nomination.subject_name] = nomination.outcome
    waiting = [n for n in nominations.values() if n.pk not in results and awaits_vote(n)]
    before = dossier.state
    if waiting:
        dossier.back_to_council_pool()
    elif any(n.outcome == NominationOutcome.COUNCIL_PASSED for n in nominations.values()) or any(
        n.outcome == NominationOutcome.ELIGIBLE and not n.award_type.vote_required for n in nominations.values()
    ):
        dossier.council_done()
    else:
        dossier.close_after_council()
    _save_transition(dossier)
    record_event(actor=actor, action="dossier.council_results", obj=dossier, dossier=dossier,
                 before={"state": before}, after={"state": dossier.state, **outcome},
                 message=_("Kết quả xét của Hội đồng: %(session)s") % {"session": session_label})
    if not waiting:
        council_result_final.send(sender=Dossier, dossier=dossier)
    return dossier


@transaction.atomic
def record_session_results(*, actor, results: dict[int, bool], session_label: str) -> list[Dossier]:
    """A whole session's confirmed results at once, in a number of queries that does not grow with them.

    The same legal changes as ``record_council_results`` per dossier: every
    nomination passes or fails (checked by its FSM transition in memory, then
    written with one UPDATE per outcome), every dossier moves to its next state
    (one UPDATE per target state), one audit event per dossier (written
    together), then one ``council_result_final`` (``dossiers=``) for the dossiers that have nothing
    left for a later session.
    """
    from django.utils import timezone

    from dossiers.services.audit import record_events
    from dossiers.signals import council_result_final

    if not results:
        return []
    nominations = list(Nomination.objects.filter(dossier__in=Nomination.objects.filter(pk__in=results)
                                                 .values("dossier_id"))
                       .select_related("award_type", "person", "collective").order_by("dossier_id", "pk"))
    dossier_ids = sorted({n.dossier_id for n in nominations if n.pk in results})
    dossiers = {d.pk: d for d in Dossier.objects.select_for_update().filter(pk__in=dossier_ids)
                .select_related("unit", "unit__province").order_by("pk")}
    for dossier in dossiers.values():
        if dossier.state != DossierState.IN_COUNCIL:
            raise DomainError("invalid_state", _("Hồ sơ %(ref)s không ở trạng thái Hội đồng đang xét.")
                              % {"ref": dossier.reference})
    if set(results) - {n.pk for n in nominations}:
        raise DomainError("invalid", _("Có đề nghị không còn trong hồ sơ."))
    by_dossier: dict[int, list[Nomination]] = {}
    for nomination in nominations:
        by_dossier.setdefault(nomination.dossier_id, []).append(nomination)
        if nomination.pk in results:
            # The transition checks the source state; the row is written below with its peers.
            if results[nomination.pk]:
                nomination.council_pass()
            else:
                nomination.council_fail()
    now = timezone.now()
    for outcome in (NominationOutcome.COUNCIL_PASSED, NominationOutcome.COUNCIL_FAILED):
        ids = [n.pk for n in nominations if n.pk in results and n.outcome == outcome]
        if ids and Nomination.objects.filter(pk__in=ids, outcome=NominationOutcome.ELIGIBLE).update(
                outcome=outcome) != len(ids):
            raise DomainError("conflict", _("Đề nghị vừa được người khác thay đổi. Hãy tải lại trang và thử lại."))
    moves: dict[str, list[int]] = {}
    entries, final = [], []
    for dossier_id in dossier_ids:
        dossier, own = dossiers[dossier_id], by_dossier[dossier_id]
        waiting = [n for n in own if n.pk not in results and awaits_vote(n)]
        if waiting:
            dossier.back_to_council_pool()
        elif any(n.outcome == NominationOutcome.COUNCIL_PASSED for n in own) or any(
            n.outcome == NominationOutcome.ELIGIBLE and not n.award_type.vote_required for n in own
        ):
            dossier.council_done()
        else:
            dossier.close_after_council()
        moves.setdefault(dossier.state, []).append(dossier_id)
        entries.append({
            "action": "dossier.council_results", "obj": dossier, "dossier": dossier,
            "before": {"state": DossierState.IN_COUNCIL},
            "after": {"state": dossier.state, **{n.subject_name: n.outcome for n in own if n.pk in results}},
            "message": _("Kết quả xét của Hội đồng: %(session)s") % {"session": session_label},
        })
        if not waiting:
            final.append(dossier)
    for state, ids in moves.items():
        fields = {"state": state, "updated_at": now}
        if state == DossierState.CLOSED:
            fields["closed_at"] = now
            for dossier_id in ids:
                dossiers[dossier_id].closed_at = now
        Dossier.objects.filter(pk__in=ids, state=DossierState.IN_COUNCIL).update(**fields)
    record_events(actor=actor, entries=entries)
    if final:
        # One signal for the whole session: its receivers wake every process in queries that do not grow with them.
        council_result_final.send(sender=Dossier, dossiers=final)
    return [dossiers[pk] for pk in dossier_ids]

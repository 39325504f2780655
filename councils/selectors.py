"""Reads for councils: the pool waiting for a session, sessions a user may see, rosters."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from councils.models import AgendaItem, CouncilMembership, CouncilSession, SessionState
from dossiers.models import DossierState, Nomination, NominationOutcome


def memberships_on(council, day: datetime.date) -> QuerySet[CouncilMembership]:
    return council.memberships.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def council_pool(*, province, year=None, kind=None, award_code=None, unit_id=None) -> QuerySet[Nomination]:
    """Nominations waiting for the council and not yet on an open session's agenda."""
    busy = AgendaItem.objects.exclude(session__state=SessionState.FINALISED).values("nomination_id")
    qs = (
        Nomination.objects.filter(
            dossier__unit__province=province,
            dossier__state__in=[DossierState.AWAITING_COUNCIL, DossierState.IN_COUNCIL],
            outcome=NominationOutcome.ELIGIBLE,
            award_type__vote_required=True,
        )
        .exclude(pk__in=busy)
        .select_related("award_type", "dossier", "dossier__unit", "person", "collective")
    )
    if year:
        qs = qs.filter(dossier__year=year)
    if kind:
        qs = qs.filter(dossier__kind=kind)
    if award_code:
        qs = qs.filter(award_type__code=award_code)
    if unit_id:
        qs = qs.filter(dossier__unit_id=unit_id)
    return qs.order_by("award_type__rank", "dossier__unit__name_key", "person__sort_key", "collective__sort_key",
                       "id")


def sessions_for(user) -> QuerySet[CouncilSession]:
    """Sessions of the user's province for council staff and readers; their own sessions for members."""
    from councils.permissions import READ_ROLES

    if not getattr(user, "is_authenticated", False):
        return CouncilSession.objects.none()
    condition = Q(members__user=user) & ~Q(state=SessionState.DRAFT)
    if user.roles & READ_ROLES and user.unit_id:
        condition |= Q(council__province_id=user.unit.province_id)
    return CouncilSession.objects.filter(condition).distinct().select_related("council")


def agenda(session: CouncilSession) -> list[AgendaItem]:
    return list(
        session.items.select_related(
            "nomination", "nomination__award_type", "nomination__person", "nomination__collective",
            "nomination__dossier", "nomination__dossier__unit", "paper_tally",
        ).order_by("position", "id")
    )


def ballot_agenda(session: CouncilSession) -> list[AgendaItem]:
    """The agenda as the ballot shows it: only the columns the ballot reads (a ballot of 1,000 items would
    otherwise load every column of seven joined tables). The FSM state fields stay loaded, since the
    models read them when they are built."""
    return list(
        session.items.select_related(
            "nomination", "nomination__award_type", "nomination__person", "nomination__collective",
            "nomination__dossier", "nomination__dossier__unit",
        ).only(
            "id", "session_id", "position", "nomination_id",
            "nomination__id", "nomination__outcome", "nomination__achievement_summary", "nomination__award_type_id",
            "nomination__person_id", "nomination__collective_id", "nomination__dossier_id",
            "nomination__award_type__id", "nomination__award_type__name",
            "nomination__person__id", "nomination__person__full_name",
            "nomination__collective__id", "nomination__collective__name",
            "nomination__dossier__id", "nomination__dossier__state", "nomination__dossier__unit_id",
            "nomination__dossier__unit__id", "nomination__dossier__unit__name",
        ).order_by("position", "id")
    )


def agenda_details(items: list[AgendaItem], *, with_documents: bool) -> dict[int, dict]:
    """Per nomination on the agenda: its stored eligibility verdicts (trees), their effective result, and its
    documents (the dossier's own and the nomination's). Two queries, whatever the number of items."""
    from dossiers.models import Attachment, EligibilityVerdict
    from dossiers.services.eligibility import _build_trees, effective_result

    nomination_ids = [item.nomination_id for item in items]
    dossier_ids = sorted({item.nomination.dossier_id for item in items})
    roots = _build_trees(EligibilityVerdict.objects.filter(nomination_id__in=nomination_ids)
                         .select_related("override__created_by", "criterion", "regulation"))
    documents: dict[tuple[int, int | None], list] = {}
    if with_documents and dossier_ids:
        for attachment in (Attachment.objects.filter(dossier_id__in=dossier_ids)
                           .filter(Q(nomination__isnull=True) | Q(nomination_id__in=nomination_ids))
                           .select_related("document_type").order_by("document_type__order", "id")):
            documents.setdefault((attachment.dossier_id, attachment.nomination_id), []).append(attachment)
    details = {}
    for item in items:
        nomination = item.nomination
        own = roots.get(nomination.pk, [])
        details[nomination.pk] = {
            "roots": own,
            "result": effective_result(own) if own else "",
            "documents": (documents.get((nomination.dossier_id, None), [])
                          + documents.get((nomination.dossier_id, nomination.pk), [])) if with_documents else None,
        }
    return details

"""Reads behind the public notice (công khai) pages and Home Affairs' feedback queue.

The public pages need no login, so what they load is limited here, not in the
templates: a nomination is public only while it is listed on an open notice,
and only the columns the public may see are read (nominee name, unit, award,
achievement summary, notice period). A template that reached for a birth year
or a position would cost an extra query per row, which the tests catch.
"""

from __future__ import annotations

import datetime

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from dossiers.models import DossierState, FeedbackStatus, Nomination, NominationOutcome, PublicFeedback
from dossiers.text import fold

# The only columns a public page reads. The FSM fields (outcome, state) must be
# loaded too: ``ConcurrentTransitionMixin`` reads them when a row is built.
PUBLIC_NOMINATION_FIELDS = (
    "id",
    "outcome",
    "achievement_summary",
    "person__full_name",
    "collective__name",
    "award_type__name",
    "award_type__code",
    "award_type__rank",
    "dossier__id",
    "dossier__state",
    "dossier__unit__name",
    "dossier__public_notice__starts_on",
    "dossier__public_notice__ends_on",
)


def needing_notice_q() -> Q:
    """Nominations that must be noticed: found eligible, for an award that requires a notice."""
    return Q(outcome=NominationOutcome.ELIGIBLE, award_type__public_notice_required=True)


def open_notice_q(today: datetime.date) -> Q:
    """Nominations listed on a notice open on ``today``."""
    return needing_notice_q() & Q(
        dossier__state=DossierState.PUBLIC_NOTICE,
        dossier__public_notice__starts_on__lte=today,
        dossier__public_notice__ends_on__gte=today,
        dossier__public_notice__closed_at__isnull=True,
    )


def _public_queryset(today: datetime.date | None) -> QuerySet[Nomination]:
    today = today or timezone.localdate()
    return (
        Nomination.objects.filter(open_notice_q(today))
        .select_related("person", "collective", "award_type", "dossier__unit", "dossier__public_notice")
        .only(*PUBLIC_NOMINATION_FIELDS)
    )


def public_nominations(*, query: str = "", today: datetime.date | None = None) -> QuerySet[Nomination]:
    """Every nomination under an open notice, by award, then individuals before
    collectives, each in Vietnamese name order. Search ignores diacritics and
    matches the nominee's name or the unit's name."""
    qs = _public_queryset(today)
    folded = fold(query)
    if folded:
        qs = qs.filter(
            Q(person__search_key__contains=folded)
            | Q(collective__search_key__contains=folded)
            | Q(dossier__unit__search_key__contains=folded)
        )
    return qs.annotate(
        subject_order=Case(When(person__isnull=False, then=Value(0)), default=Value(1), output_field=IntegerField()),
        name_order=Coalesce("person__sort_key", "collective__sort_key"),
    ).order_by("award_type__rank", "award_type__name", "subject_order", "name_order", "id")


def public_nomination(*, pk: int, today: datetime.date | None = None) -> QuerySet[Nomination]:
    """A one-row queryset for ``get_object_or_404``: not under an open notice means not found."""
    return _public_queryset(today).filter(pk=pk)


def feedback_queue(*, province_id: int | None) -> QuerySet[PublicFeedback]:
    """Open feedback about nominations of the province's dossiers, oldest first."""
    if province_id is None:
        return PublicFeedback.objects.none()
    return (
        PublicFeedback.objects.filter(status=FeedbackStatus.OPEN, nomination__dossier__unit__province_id=province_id)
        .select_related(
            "nomination__person",
            "nomination__collective",
            "nomination__award_type",
            "nomination__dossier__unit",
            "nomination__dossier__public_notice",
        )
        .order_by("created_at", "id")
    )


def feedback_for_staff(*, province_id: int | None, pk: int) -> QuerySet[PublicFeedback]:
    """A one-row queryset of one feedback of the province (any status)."""
    if province_id is None:
        return PublicFeedback.objects.none()
    return PublicFeedback.objects.filter(pk=pk, nomination__dossier__unit__province_id=province_id).select_related(
        "nomination__dossier__unit"
    )

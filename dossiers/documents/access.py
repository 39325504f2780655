"""Who may read which official document: scoped querysets per object type.

The same scope as the rest of the project (``dossiers.selectors``,
``dossiers.permissions``): an object outside it is "not found" (404).

- Province documents (decisions, the HA submission, certificates, the central
  submission): the province roles (Home Affairs, council secretary, signer,
  central liaison, auditor, administrator) of the same province.
- A signed (or later revoked) decision is published: anyone may read it, unit
  users and visitors without an account included. Drafts stay inside the
  province roles.
- A unit's own documents (proposal letter, achievement reports, the notice of
  its dossier): whoever may read the dossier.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from dossiers.models import CentralSubmission, Decision, DecisionState, Dossier, Nomination, PublicNotice
from dossiers.models.users import PROVINCE_READ_ROLES
from dossiers.selectors import dossier_scope

PUBLISHED = (DecisionState.SIGNED, DecisionState.REVOKED)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def reader_province_id(user) -> int | None:
    """The province whose provincial documents ``user`` reads, if any."""
    if not _active(user) or not user.unit_id or not (user.roles & PROVINCE_READ_ROLES):
        return None
    return user.unit.province_id


def decisions(user) -> QuerySet[Decision]:
    """Every decision of the reader's province; published decisions for everyone else."""
    condition = Q(state__in=PUBLISHED)
    province_id = reader_province_id(user)
    if province_id:
        condition |= Q(province_id=province_id)
    return Decision.objects.filter(condition).select_related("province", "province__home_affairs_unit",
                                                             "signed_by", "checked_by")


def provincial_decisions(user) -> QuerySet[Decision]:
    """Decisions as the province works on them (HA submission, certificates): province roles only."""
    province_id = reader_province_id(user)
    if not province_id:
        return Decision.objects.none()
    return Decision.objects.filter(province_id=province_id).select_related(
        "province", "province__home_affairs_unit", "signed_by", "checked_by")


def award_decisions(user) -> QuerySet[Decision]:
    return provincial_decisions(user).filter(kind="award")


def central_submissions(user) -> QuerySet[CentralSubmission]:
    province_id = reader_province_id(user)
    if not province_id:
        return CentralSubmission.objects.none()
    return CentralSubmission.objects.filter(province_id=province_id).select_related(
        "province", "province__home_affairs_unit", "signed_by")


def dossiers(user) -> QuerySet[Dossier]:
    return Dossier.objects.filter(dossier_scope(user)).select_related(
        "unit", "unit__province", "unit__parent", "movement", "submitted_by", "created_by")


def nominations(user) -> QuerySet[Nomination]:
    return Nomination.objects.filter(dossier__in=Dossier.objects.filter(dossier_scope(user))).select_related(
        "dossier", "dossier__unit", "dossier__unit__province", "dossier__movement", "person", "collective",
        "award_type", "dossier__submitted_by")


def public_notices(user) -> QuerySet[PublicNotice]:
    """A notice is readable by whoever may read its dossier."""
    return PublicNotice.objects.filter(dossier__in=Dossier.objects.filter(dossier_scope(user))).select_related(
        "dossier", "dossier__unit", "dossier__unit__province", "dossier__unit__province__home_affairs_unit")

"""Who may read which official document: scoped querysets per object type.

The same scope as the rest of the project (``dossiers.selectors``,
``dossiers.permissions``): an object outside it is "not found" (404).

A document is readable exactly where the page of its object is
(``tests/security/test_authorization_matrix.py::test_documents_follow_their_pages``):

- A decision's documents (the decision, the HA submission TTr-SNV, the
  certificates): whoever opens the decision's page
  (``dossiers.selectors_decisions.decisions_for``): Home Affairs every
  decision of the province, the signer those checked or signed, the auditor,
  the central liaison and the administrator only signed (or revoked) ones; the
  council secretary none. A signed or revoked decision itself is published:
  anyone may read its PDF, unit users and visitors without an account
  included.
- The central submission: whoever opens its page
  (``dossiers.selectors_central.submissions_for``).
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


def _decision_pages(user) -> QuerySet[Decision]:
    """The decisions whose page ``user`` opens (imported here: the selectors import the services)."""
    from dossiers.selectors_decisions import decisions_for

    return decisions_for(user)


def decisions(user) -> QuerySet[Decision]:
    """Published decisions for everyone; the others for those who open their page."""
    condition = Q(state__in=PUBLISHED) | Q(pk__in=_decision_pages(user).values("pk"))
    return Decision.objects.filter(condition).select_related("province", "province__home_affairs_unit",
                                                             "signed_by", "checked_by")


def provincial_decisions(user) -> QuerySet[Decision]:
    """Decisions as the province works on them (HA submission, certificates): as the decision's page."""
    return Decision.objects.filter(pk__in=_decision_pages(user).values("pk")).select_related(
        "province", "province__home_affairs_unit", "signed_by", "checked_by")


def award_decisions(user) -> QuerySet[Decision]:
    return provincial_decisions(user).filter(kind="award")


def central_submissions(user) -> QuerySet[CentralSubmission]:
    from dossiers.selectors_central import submissions_for

    return CentralSubmission.objects.filter(pk__in=submissions_for(user).values("pk")).select_related(
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

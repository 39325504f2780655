"""Scoped reads: every list and detail goes through here.

A user never gets a queryset wider than their scope; views and the API call
``get_object_or_404`` on these querysets, so an object outside the scope is
simply "not found" (404), never "forbidden" (which would confirm it exists).
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from dossiers.models import (
    Attachment,
    Collective,
    Dossier,
    DossierState,
    Nomination,
    Person,
    Unit,
)
from dossiers.models.users import PROVINCE_READ_ROLES, UNIT_ROLES
from dossiers.text import fold


def compute_unit_scope(user) -> tuple[frozenset[int], frozenset[int]]:
    """(acting, viewing) unit ids of ``user``, in one query.

    Acting: the user's own unit and every unit merged into it (transitively).
    Viewing: acting, plus every unit below those in the tree and the units
    merged into any of them.
    """
    if not getattr(user, "is_authenticated", False) or not user.unit_id:
        return frozenset(), frozenset()
    rows = list(
        Unit.objects.filter(province__units__id=user.unit_id).values_list("id", "path", "successor_id")
    )
    predecessors: dict[int, list[int]] = {}
    paths = {}
    for unit_id, path, successor_id in rows:
        paths[unit_id] = path
        if successor_id:
            predecessors.setdefault(successor_id, []).append(unit_id)

    def with_predecessors(ids):
        result, stack = set(ids), list(ids)
        while stack:
            for pred in predecessors.get(stack.pop(), []):
                if pred not in result:
                    result.add(pred)
                    stack.append(pred)
        return result

    acting = with_predecessors({user.unit_id})
    prefixes = tuple(paths[u] for u in acting if u in paths)
    below = {uid for uid, path in paths.items() if path.startswith(prefixes)}
    viewing = with_predecessors(acting | below)
    return frozenset(acting), frozenset(viewing)


def visible_unit_ids(user) -> frozenset[int]:
    from dossiers.permissions import viewing_unit_ids

    return viewing_unit_ids(user)


def acting_unit_ids(user) -> frozenset[int]:
    from dossiers.permissions import acting_unit_ids as _acting

    return _acting(user)


def dossier_scope(user) -> Q:
    """The filter of dossiers ``user`` may read."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    roles = user.roles
    if roles & UNIT_ROLES:
        condition |= Q(unit_id__in=visible_unit_ids(user))
    if roles & PROVINCE_READ_ROLES and user.unit_id:
        condition |= Q(unit__province_id=user.unit.province_id) & ~Q(state=DossierState.DRAFT)
    return condition


def dossier_list(*, user, query: str = "", state: str = "", year: int | None = None,
                 unit_id: int | None = None) -> QuerySet[Dossier]:
    """Dossiers ``user`` may read, newest first, with what a list row shows.

    Constant in queries: the unit comes by join, the nomination count by
    aggregate.
    """
    qs = (
        Dossier.objects.filter(dossier_scope(user))
        .select_related("unit", "movement")
        .annotate(nomination_count=Count("nominations", distinct=True))
    )
    if query:
        qs = qs.filter(search_text__contains=fold(query))
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(year=year)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("-created_at", "-id")


def dossier_for_user(*, user, pk) -> QuerySet[Dossier]:
    """A one-row queryset for ``get_object_or_404``: out of scope means not found."""
    return Dossier.objects.filter(dossier_scope(user), pk=pk).select_related(
        "unit", "unit__province", "movement", "regulation", "created_by", "prepared_by", "submitted_by"
    )


def nominations_of(dossier: Dossier) -> list[Nomination]:
    """Nominations in Vietnamese name order: individuals first, then collectives."""
    nominations = list(
        dossier.nominations.select_related("person", "collective", "award_type", "award_type__regulation").prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.select_related("document_type"))
        )
    )
    return sorted(
        nominations,
        key=lambda n: (0, n.person.sort_key, n.id) if n.person_id else (1, n.collective.sort_key, n.id),
    )


def nomination_for_user(*, user, pk) -> QuerySet[Nomination]:
    """A one-row queryset of a nomination whose dossier ``user`` may read."""
    return (
        Nomination.objects.filter(pk=pk, dossier__in=Dossier.objects.filter(dossier_scope(user)))
        .select_related("dossier", "dossier__unit", "person", "collective", "award_type")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.select_related("document_type")))
    )


def attachment_for_user(*, user, pk) -> QuerySet[Attachment]:
    return Attachment.objects.filter(pk=pk, dossier__in=Dossier.objects.filter(dossier_scope(user)))


def people_of_units(*, user, query: str = "") -> QuerySet[Person]:
    """People of the units the user sees, in Vietnamese name order."""
    qs = Person.objects.filter(unit_id__in=visible_unit_ids(user)).select_related("unit")
    if query:
        qs = qs.filter(search_key__contains=fold(query))
    return qs.order_by("sort_key", "id")


def collectives_of_units(*, user, query: str = "") -> QuerySet[Collective]:
    qs = Collective.objects.filter(unit_id__in=visible_unit_ids(user)).select_related("unit")
    if query:
        qs = qs.filter(search_key__contains=fold(query))
    return qs.order_by("sort_key", "id")


def units_for_user(user) -> QuerySet[Unit]:
    """Units the user may see: their scope, or the whole province for province roles."""
    if not getattr(user, "is_authenticated", False) or not user.unit_id:
        return Unit.objects.none()
    if user.roles & PROVINCE_READ_ROLES:
        return Unit.objects.filter(province_id=user.unit.province_id).select_related("parent", "successor")
    return Unit.objects.filter(id__in=visible_unit_ids(user)).select_related("parent", "successor")

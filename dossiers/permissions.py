"""Who may do what, as ``rules`` predicates.

Object scope: unit users act on their own unit (and the units merged into it)
and read the units below theirs too; province-level roles read every dossier
of their province once it has been submitted. The same predicates guard the
FSM transitions, the views, the API and file downloads.
"""

from __future__ import annotations

import rules

from dossiers.models.users import HA_ROLES, PROVINCE_READ_ROLES, UNIT_ROLES, Role

# The state sets below are the one source of truth: ``dossiers.models.dossier``
# builds its ``UNIT_EDITABLE_STATES``, ``WITHDRAWABLE_STATES`` and the sources of
# its transitions from them (this module cannot import the models: they import it).
DRAFT = "draft"
EDITABLE = ("draft", "returned")
# Before the council takes the dossier up.
WITHDRAWABLE = ("draft", "submitted", "returned", "under_review", "public_notice", "awaiting_council")
RETURNABLE = ("submitted", "under_review")


def _units(user):
    """Cached (acting, viewing) unit id sets for this user object."""
    cached = getattr(user, "_unit_scope_cache", None)
    if cached is None:
        from dossiers.selectors import compute_unit_scope

        cached = compute_unit_scope(user)
        user._unit_scope_cache = cached
    return cached


def acting_unit_ids(user) -> frozenset[int]:
    return _units(user)[0]


def viewing_unit_ids(user) -> frozenset[int]:
    return _units(user)[1]


def _roles(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.roles


@rules.predicate
def has_unit_role(user) -> bool:
    return bool(_roles(user) & UNIT_ROLES)


@rules.predicate
def is_unit_clerk(user) -> bool:
    return Role.UNIT_CLERK in _roles(user)


@rules.predicate
def is_unit_head(user) -> bool:
    return Role.UNIT_HEAD in _roles(user)


@rules.predicate
def is_ha_staff(user) -> bool:
    return bool(_roles(user) & HA_ROLES)


@rules.predicate
def reads_province(user) -> bool:
    return bool(_roles(user) & PROVINCE_READ_ROLES)


@rules.predicate
def acts_for_dossier_unit(user, dossier) -> bool:
    return dossier is not None and dossier.unit_id in acting_unit_ids(user)


@rules.predicate
def sees_dossier_unit(user, dossier) -> bool:
    return dossier is not None and dossier.unit_id in viewing_unit_ids(user)


@rules.predicate
def in_user_province(user, dossier) -> bool:
    unit = getattr(user, "unit", None)
    return dossier is not None and unit is not None and dossier.unit.province_id == unit.province_id


@rules.predicate
def is_submitted(user, dossier) -> bool:
    return dossier is not None and dossier.state != DRAFT


@rules.predicate
def is_draft(user, dossier) -> bool:
    return dossier is not None and dossier.state == DRAFT


@rules.predicate
def is_unit_editable(user, dossier) -> bool:
    return dossier is not None and dossier.state in EDITABLE


@rules.predicate
def is_withdrawable(user, dossier) -> bool:
    return dossier is not None and dossier.state in WITHDRAWABLE


@rules.predicate
def is_returnable(user, dossier) -> bool:
    return dossier is not None and dossier.state in RETURNABLE


@rules.predicate
def is_prepared(user, dossier) -> bool:
    return dossier is not None and dossier.prepared_at is not None


@rules.predicate
def separation_respected(user, dossier) -> bool:
    """The one who sent the dossier to the head may not also submit it."""
    if dossier is None:
        return False
    if dossier.unit.allow_self_submit:
        return True
    return dossier.prepared_by_id is not None and dossier.prepared_by_id != user.pk


can_view = (has_unit_role & sees_dossier_unit) | (reads_province & is_submitted & in_user_province)
can_edit = (is_unit_clerk | is_unit_head) & acts_for_dossier_unit & is_unit_editable
can_send_to_head = is_unit_clerk & acts_for_dossier_unit & is_unit_editable
can_submit = is_unit_head & acts_for_dossier_unit & is_unit_editable & separation_respected
can_withdraw = ((is_unit_head & acts_for_dossier_unit) | (is_unit_clerk & acts_for_dossier_unit & is_draft)) & (
    is_withdrawable
)
can_review = is_ha_staff & in_user_province


@rules.predicate
def is_ha_lead(user) -> bool:
    return Role.HA_LEAD in _roles(user)


can_route = is_ha_lead & in_user_province

# What a user may do to a dossier now; the UI shows these buttons, the API lists
# them. The services check again when the action is taken.
DOSSIER_ACTIONS = {
    "edit": can_edit,
    "send_to_head": can_send_to_head & ~is_prepared,
    "submit": can_submit,
    "withdraw": can_withdraw,
}


def allowed_actions(user, dossier) -> list[str]:
    return [name for name, predicate in DOSSIER_ACTIONS.items() if predicate.test(user, dossier)]

rules.add_perm("dossiers.view_dossier", can_view)
rules.add_perm("dossiers.change_dossier", can_edit)
rules.add_perm("dossiers.send_dossier_to_head", can_send_to_head)
rules.add_perm("dossiers.submit_dossier", can_submit)
rules.add_perm("dossiers.withdraw_dossier", can_withdraw)
rules.add_perm("dossiers.create_dossier", has_unit_role)


# django-fsm-2 calls ``permission(instance, user)``; rules predicates take (user, obj).
def can_submit_dossier(instance, user) -> bool:
    return can_submit.test(user, instance)


def can_resubmit_dossier(instance, user) -> bool:
    return can_submit.test(user, instance)


def can_withdraw_dossier(instance, user) -> bool:
    return can_withdraw.test(user, instance)


def can_review_dossier(instance, user) -> bool:
    return can_review.test(user, instance)


def can_route_dossier(instance, user) -> bool:
    return can_route.test(user, instance)

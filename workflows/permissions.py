"""Who may take which task: rules predicates behind the flow's permission names."""

from __future__ import annotations

import rules

from dossiers.models.users import Role


def _roles(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.roles


def _province_of_process(process):
    from workflows.flows import dossier_of

    return dossier_of(process).unit.province_id


@rules.predicate
def is_specialist(user) -> bool:
    return Role.HA_SPECIALIST in _roles(user)


@rules.predicate
def is_lead(user) -> bool:
    return Role.HA_LEAD in _roles(user)


@rules.predicate
def same_province(user, process) -> bool:
    # viewflow also asks without an object; only an object of the user's province passes.
    if process is None:
        return False
    unit = getattr(user, "unit", None)
    return unit is not None and _province_of_process(process) == unit.province_id


rules.add_perm("workflows.specialist_task", is_specialist & same_province)
rules.add_perm("workflows.lead_task", is_lead & same_province)
# viewflow asks this (without an object) before releasing or reassigning someone else's task.
rules.add_perm("workflows.manage_dossierprocess", is_lead)
rules.add_perm("workflows.view_dossierprocess", is_specialist | is_lead)
# The same for the flow of one public feedback (FeedbackFlow).
rules.add_perm("workflows.manage_feedbackprocess", is_lead)
rules.add_perm("workflows.view_feedbackprocess", is_specialist | is_lead)

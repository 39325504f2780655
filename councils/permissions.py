"""Who may do what with councils and their sessions (rules predicates)."""

from __future__ import annotations

import rules

from dossiers.models.users import Role

MANAGE_ROLES = frozenset({Role.COUNCIL_SECRETARY})
READ_ROLES = frozenset({Role.COUNCIL_SECRETARY, Role.COUNCIL_CHAIR, Role.HA_LEAD, Role.HA_SPECIALIST, Role.AUDITOR,
                        Role.ADMINISTRATOR})
# Who may open the list of sessions (the page and the API alike): council roles, Home Affairs and the readers.
# Anyone else (a unit's clerk or head, the signer, the central liaison) is refused, not shown an empty list.
LIST_ROLES = READ_ROLES | frozenset({Role.COUNCIL_MEMBER})


def _roles(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.roles


def _province_id(user):
    unit = getattr(user, "unit", None)
    return unit.province_id if unit is not None else None


def same_province(user, session) -> bool:
    return session is not None and _province_id(user) == session.council.province_id


@rules.predicate
def is_secretary(user, session=None) -> bool:
    return bool(_roles(user) & MANAGE_ROLES) and (session is None or same_province(user, session))


@rules.predicate
def is_chair(user, session=None) -> bool:
    return Role.COUNCIL_CHAIR in _roles(user) and (session is None or same_province(user, session))


@rules.predicate
def on_roster(user, session) -> bool:
    if session is None or not getattr(user, "is_authenticated", False):
        return False
    return session.members.filter(user=user).exists()


@rules.predicate
def reads_sessions(user, session=None) -> bool:
    return bool(_roles(user) & READ_ROLES) and (session is None or same_province(user, session))


@rules.predicate
def lists_sessions(user) -> bool:
    return bool(_roles(user) & LIST_ROLES)


def reads_documents(user, session) -> bool:
    """The agenda's documents: the roster, the secretary, the chair and Home Affairs staff of the province."""
    from dossiers.models.users import HA_ROLES

    if on_roster.test(user, session):
        return True
    if is_secretary.test(user, session) or is_chair.test(user, session):
        return True
    return bool(_roles(user) & HA_ROLES) and same_province(user, session)


def reads_agenda_details(user, session) -> bool:
    """Nominees' summaries, verdicts and documents: once the agenda is published (the secretary: from the draft)."""
    from councils.models import SessionState

    if session.state == SessionState.DRAFT:
        return is_secretary.test(user, session)
    return reads_documents(user, session)


can_manage_session = is_secretary
can_confirm_results = is_secretary | is_chair
can_sign_minutes = is_chair
can_view_session = reads_sessions | on_roster

rules.add_perm("councils.manage_session", can_manage_session)
rules.add_perm("councils.view_session", can_view_session)

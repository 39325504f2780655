"""Who hears about each step: the unit, the HA specialists, the HA leads."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from dossiers.models import Role


def _dossier_url(dossier) -> str:
    try:
        return reverse("dossier_detail", args=[dossier.pk])
    except NoReverseMatch:
        return ""


def notify_unit(dossier, kind: str, message: str) -> None:
    from workflows.notifications import notify, users_with_role

    recipients = list(users_with_role(Role.UNIT_CLERK, unit=dossier.unit)) + list(
        users_with_role(Role.UNIT_HEAD, unit=dossier.unit)
    )
    notify(recipients=recipients, kind=kind, message=message, url=_dossier_url(dossier), dossier=dossier)


def notify_units(messages, *, roles=(Role.UNIT_CLERK, Role.UNIT_HEAD)) -> None:
    """``notify_unit`` for many dossiers at once: ``messages`` are ``(dossier, kind, message)``; the people of
    every unit are read in one query and the notifications written together."""
    from workflows.notifications import notify_many, users_with_roles

    messages = list(messages)
    if not messages:
        return
    people: dict[int, list] = {}
    for user in users_with_roles(roles, units={dossier.unit_id for dossier, _k, _m in messages}):
        people.setdefault(user.unit_id, []).append(user)
    notify_many([(people.get(dossier.unit_id, []), kind, message, _dossier_url(dossier), dossier)
                 for dossier, kind, message in messages])


def notify_specialists(dossier, kind: str, message: str, *, task=None) -> None:
    """The province's HA specialists; the link opens ``task`` when given, else the dossier."""
    from workflows.notifications import notify, users_with_role

    url = _dossier_url(dossier)
    if task is not None:
        from workflows.deadlines import task_url

        url = task_url(task, dossier) or url
    notify(recipients=users_with_role(Role.HA_SPECIALIST, province=dossier.unit.province), kind=kind,
           message=message, url=url, dossier=dossier)


def notify_leads(dossier, kind: str, message: str) -> None:
    from workflows.notifications import notify, users_with_role

    notify(recipients=users_with_role(Role.HA_LEAD, province=dossier.unit.province), kind=kind,
           message=message, url=_dossier_url(dossier), dossier=dossier)

"""Changes to the units tree: merging a unit into its successor."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import Unit
from dossiers.models.users import Role
from dossiers.services.audit import record_event


@transaction.atomic
def merge_unit(*, actor, unit: Unit, successor: Unit, merged_on: datetime.date) -> Unit:
    """Merge ``unit`` into ``successor``.

    The merged unit keeps its rows (people, dossiers, history) and points to its
    successor; the successor's users see and act on them from then on. Units
    below the merged one move under the successor.
    """
    if not (actor.is_superuser or actor.has_role(Role.ADMINISTRATOR)):
        raise PermissionDeniedError("permission_denied", _("Chỉ quản trị hệ thống được hợp nhất đơn vị."))
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    successor = Unit.objects.get(pk=successor.pk)
    if unit.pk == successor.pk:
        raise DomainError("invalid", _("Không thể hợp nhất một đơn vị vào chính nó."))
    if unit.province_id != successor.province_id:
        raise DomainError("invalid", _("Hai đơn vị không cùng tỉnh."))
    if unit.successor_id:
        raise DomainError("already_merged", _("%(unit)s đã hợp nhất vào %(successor)s.")
                          % {"unit": unit, "successor": unit.successor})
    if successor.path.startswith(unit.path):
        raise DomainError("invalid", _("Không thể hợp nhất một đơn vị vào đơn vị cấp dưới của nó."))
    chain, current = set(), successor
    while current.successor_id:
        if current.successor_id in chain or current.successor_id == unit.pk:
            raise DomainError("invalid", _("Hợp nhất này tạo thành vòng lặp."))
        chain.add(current.successor_id)
        current = current.successor
    for child in unit.children.all():
        child.parent = successor
        child.save()
    unit.successor, unit.merged_on = successor, merged_on
    unit.save()
    record_event(actor=actor, action="unit.merged", obj=unit, unit=unit,
                 after={"successor": successor.pk, "merged_on": merged_on.isoformat()},
                 message=_("Hợp nhất %(unit)s vào %(successor)s") % {"unit": unit, "successor": successor})
    return unit

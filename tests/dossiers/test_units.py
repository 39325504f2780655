"""Merging units."""

from __future__ import annotations

import datetime

import pytest

from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import AuditEvent
from dossiers.services.units import merge_unit
from tests.factories import PersonFactory, UnitFactory, UserFactory

DAY = datetime.date(2025, 3, 1)


@pytest.fixture
def admin(unit):
    return UserFactory(unit=unit, roles=["administrator"])


def test_merge_keeps_history_and_moves_children(province, admin):
    old = UnitFactory(province=province, name="Sở Kế hoạch và Đầu tư")
    child = UnitFactory(province=province, parent=old, name="Trung tâm Xúc tiến đầu tư")
    successor = UnitFactory(province=province, name="Sở Tài chính")
    person = PersonFactory(unit=old)
    merge_unit(actor=admin, unit=old, successor=successor, merged_on=DAY)
    old.refresh_from_db()
    child.refresh_from_db()
    assert old.successor == successor and old.merged_on == DAY and old.is_merged
    assert child.parent == successor and child.path.startswith(successor.path)
    assert person.unit == old  # history stays where it was made
    assert AuditEvent.objects.filter(action="unit.merged", object_id=str(old.pk)).exists()


def test_merge_refusals(province, admin, clerk):
    a = UnitFactory(province=province)
    b = UnitFactory(province=province, parent=a)
    with pytest.raises(PermissionDeniedError):
        merge_unit(actor=clerk, unit=a, successor=b, merged_on=DAY)
    with pytest.raises(DomainError, match="chính nó"):
        merge_unit(actor=admin, unit=a, successor=a, merged_on=DAY)
    with pytest.raises(DomainError, match="cấp dưới"):
        merge_unit(actor=admin, unit=a, successor=b, merged_on=DAY)
    c = UnitFactory(province=province)
    merge_unit(actor=admin, unit=c, successor=a, merged_on=DAY)
    with pytest.raises(DomainError, match="đã hợp nhất"):
        merge_unit(actor=admin, unit=c, successor=b, merged_on=DAY)
    with pytest.raises(DomainError, match="vòng lặp"):
        merge_unit(actor=admin, unit=a, successor=c, merged_on=DAY)

"""Object scope: who sees which dossiers, through the selectors every view uses."""

from __future__ import annotations

import datetime

import pytest

from dossiers.models import Dossier
from dossiers.selectors import compute_unit_scope, dossier_for_user, dossier_list, units_for_user
from dossiers.services.units import merge_unit
from tests.factories import DossierFactory, UnitFactory, UserFactory


@pytest.fixture
def tree(province):
    """district -> commune A, commune B; department elsewhere."""
    district = UnitFactory(province=province, name="Huyện Tam Đường", kind="district")
    commune_a = UnitFactory(province=province, parent=district, name="Xã Bình Lư", kind="commune")
    commune_b = UnitFactory(province=province, parent=district, name="Xã Sơn Bình", kind="commune")
    department = UnitFactory(province=province, name="Sở Tài chính")
    return district, commune_a, commune_b, department


def test_paths_are_materialised(tree):
    district, commune_a, _, department = tree
    assert commune_a.path == f"{district.path}{commune_a.pk}/"
    assert department.path == f"/{department.pk}/"


def test_moving_a_unit_moves_its_subtree(tree, province):
    district, commune_a, _, department = tree
    village = UnitFactory(province=province, parent=commune_a, name="Bản Thẳm")
    commune_a.parent = department
    commune_a.save()
    village.refresh_from_db()
    assert village.path == f"{department.path}{commune_a.pk}/{village.pk}/"


def test_unit_users_see_their_unit_and_below(tree):
    district, commune_a, commune_b, department = tree
    dossiers = {unit: DossierFactory(unit=unit) for unit in tree}
    district_clerk = UserFactory(unit=district, roles=["unit_clerk"])
    commune_clerk = UserFactory(unit=commune_a, roles=["unit_clerk"])
    assert set(dossier_list(user=district_clerk)) == {dossiers[district], dossiers[commune_a], dossiers[commune_b]}
    assert set(dossier_list(user=commune_clerk)) == {dossiers[commune_a]}


def test_out_of_scope_detail_is_not_found(tree):
    _, commune_a, commune_b, _ = tree
    dossier = DossierFactory(unit=commune_b)
    commune_clerk = UserFactory(unit=commune_a, roles=["unit_clerk"])
    assert not dossier_for_user(user=commune_clerk, pk=dossier.pk).exists()


def test_parent_unit_reads_but_does_not_act(tree):
    district, commune_a, _, _ = tree
    head = UserFactory(unit=district, roles=["unit_head"])
    acting, viewing = compute_unit_scope(head)
    assert commune_a.pk in viewing and commune_a.pk not in acting


def test_ha_sees_submitted_dossiers_of_the_province_but_not_drafts(tree, province):
    _, commune_a, _, department = tree
    draft = DossierFactory(unit=commune_a)
    submitted = DossierFactory(unit=department, state="submitted")
    specialist = UserFactory(unit=UnitFactory(province=province, name="Sở Nội vụ"), roles=["ha_specialist"])
    assert list(dossier_list(user=specialist)) == [submitted]
    assert not dossier_for_user(user=specialist, pk=draft.pk).exists()


def test_other_province_is_invisible_to_ha(tree):
    from tests.factories import ProvinceFactory

    other = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"))
    DossierFactory(unit=other, state="submitted")
    specialist = UserFactory(unit=tree[3], roles=["ha_specialist"])
    assert list(dossier_list(user=specialist)) == []


def test_user_without_role_or_inactive_sees_nothing(tree):
    DossierFactory(unit=tree[1])
    nobody = UserFactory(unit=tree[1])
    gone = UserFactory(unit=tree[1], roles=["unit_clerk"], is_active=False)
    assert list(dossier_list(user=nobody)) == []
    assert list(dossier_list(user=gone)) == []


def test_council_member_has_no_direct_dossier_access(tree):
    DossierFactory(unit=tree[3], state="submitted")
    member = UserFactory(unit=tree[3], roles=["council_member"])
    assert list(dossier_list(user=member)) == []


def test_merged_unit_history_visible_and_actionable_under_successor(tree):
    district, commune_a, commune_b, _ = tree
    old = DossierFactory(unit=commune_b)
    admin = UserFactory(unit=district, roles=["administrator"])
    merge_unit(actor=admin, unit=commune_b, successor=commune_a, merged_on=datetime.date(2025, 7, 1))
    successor_clerk = UserFactory(unit=commune_a, roles=["unit_clerk"])
    assert old in set(dossier_list(user=successor_clerk))
    acting, _ = compute_unit_scope(successor_clerk)
    assert commune_b.pk in acting


def test_units_for_user(tree):
    district, commune_a, commune_b, department = tree
    clerk = UserFactory(unit=district, roles=["unit_clerk"])
    assert set(units_for_user(clerk)) == {district, commune_a, commune_b}
    auditor = UserFactory(unit=department, roles=["auditor"])
    assert set(units_for_user(auditor)) == set(tree)


def test_dossier_list_query_count_is_constant(tree, django_assert_max_num_queries):
    clerk = UserFactory(unit=tree[0], roles=["unit_clerk"])
    for count in (3, 30):
        for _ in range(count):
            DossierFactory(unit=tree[1], created_by=clerk)
        clerk = type(clerk).objects.get(pk=clerk.pk)
        with django_assert_max_num_queries(4):
            rows = [(d.unit.name, d.nomination_count, d.reference) for d in dossier_list(user=clerk)]
        assert len(rows) == Dossier.objects.count()


@pytest.mark.django_db
def test_every_role_group_exists_after_migrate():
    from django.contrib.auth.models import Group

    from dossiers.models import Role

    assert set(Role.values) <= set(Group.objects.values_list("name", flat=True))

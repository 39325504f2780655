"""The admin edits data (catalogue, units) with audit events; dossiers stay read-only there."""

from __future__ import annotations

import pytest

from dossiers.models import AuditEvent
from dossiers.services.audit import verify_chain
from tests.factories import DossierFactory, UserFactory, award


@pytest.fixture
def admin_client(client, unit):
    admin = UserFactory(unit=unit, roles=["administrator"], is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_catalogue_edit_in_admin_is_audited(admin_client):
    bk = award("BK_TINH_CN")
    page = admin_client.get(f"/admin/dossiers/awardtype/{bk.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["kinds"] = '["regular", "exceptional"]'
    data["cash_multiple"] = "1.5"
    for prefix, formset in ((f.formset.prefix, f) for f in page.context["inline_admin_formsets"]):
        management = formset.formset.management_form
        for field in management.fields:
            data[f"{prefix}-{field}"] = management[field].value()
        for index, inline_form in enumerate(formset.formset.forms):
            for field in inline_form.fields:
                value = inline_form[field].value()
                data[f"{prefix}-{index}-{field}"] = "" if value is None else value
    response = admin_client.post(f"/admin/dossiers/awardtype/{bk.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    bk.refresh_from_db()
    assert str(bk.cash_multiple) == "1.50"
    event = AuditEvent.objects.filter(action="admin.changed", object_id=str(bk.pk)).latest("id")
    assert event.after["cash_multiple"] == "1.5"
    assert verify_chain() == []


def test_dossiers_are_read_only_in_admin(admin_client, unit):
    dossier = DossierFactory(unit=unit)
    page = admin_client.get(f"/admin/dossiers/dossier/{dossier.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin_client.get("/admin/dossiers/dossier/add/").status_code == 403


class TestUnitMerge:
    """Administrators merge units in the admin, through ``merge_unit`` (audit, refusals)."""

    CHANGELIST = "/admin/dossiers/unit/"

    def choose(self, client, units):
        return client.post(self.CHANGELIST, {"action": "merge_into_successor",
                                             "_selected_action": [u.pk for u in units]})

    def confirm(self, client, units, successor, day="2025-07-01"):
        return client.post(self.CHANGELIST, {
            "action": "merge_into_successor", "_selected_action": [u.pk for u in units], "apply": "yes",
            "successor": successor.pk, "merged_on": day,
        }, follow=True)

    def test_confirmation_page_then_merge(self, admin_client, province):
        import datetime

        from dossiers.models import Unit
        from tests.factories import PersonFactory, UnitFactory

        old = UnitFactory(province=province, name="Sở Kế hoạch và Đầu tư")
        child = UnitFactory(province=province, parent=old, name="Trung tâm Xúc tiến đầu tư")
        PersonFactory(unit=old)
        successor = UnitFactory(province=province, name="Sở Tài chính mới")
        page = self.choose(admin_client, [old])
        assert page.status_code == 200
        html = page.content.decode()
        assert "Hợp nhất đơn vị" in html and "Sở Kế hoạch và Đầu tư" in html
        assert "Đơn vị kế thừa" in html and "không hoàn tác được" in html
        assert successor.name in html
        old.refresh_from_db()
        assert old.successor_id is None  # nothing happens before confirmation
        assert not AuditEvent.objects.filter(action="unit.merged").exists()

        response = self.confirm(admin_client, [old], successor)
        assert response.status_code == 200
        assert "Đã hợp nhất 1 đơn vị vào Sở Tài chính mới" in response.content.decode()
        old = Unit.objects.get(pk=old.pk)
        assert old.successor == successor and old.merged_on == datetime.date(2025, 7, 1)
        assert Unit.objects.get(pk=child.pk).parent == successor
        event = AuditEvent.objects.get(action="unit.merged", object_id=str(old.pk))
        assert event.after == {"successor": successor.pk, "merged_on": "2025-07-01"}
        assert verify_chain() == []

    def test_successor_must_be_chosen(self, admin_client, province):
        from tests.factories import UnitFactory

        old = UnitFactory(province=province)
        response = admin_client.post(self.CHANGELIST, {"action": "merge_into_successor", "apply": "yes",
                                                       "_selected_action": [old.pk], "merged_on": "2025-07-01"})
        assert response.status_code == 200
        assert "Hợp nhất đơn vị" in response.content.decode()
        old.refresh_from_db()
        assert old.successor_id is None

    def test_refusals_are_shown_and_the_rest_merges(self, admin_client, province):
        from dossiers.models import Unit
        from tests.factories import UnitFactory

        parent = UnitFactory(province=province, name="Huyện Tam Đường")
        below = UnitFactory(province=province, parent=parent, name="Xã Bản Bo")
        other = UnitFactory(province=province, name="Xã Bình Lư")
        response = self.confirm(admin_client, [parent, other], below)
        html = response.content.decode()
        assert "Không hợp nhất được Huyện Tam Đường: Không thể hợp nhất một đơn vị vào đơn vị cấp dưới của nó." in html
        assert "Đã hợp nhất 1 đơn vị vào Xã Bản Bo: Xã Bình Lư." in html
        assert Unit.objects.get(pk=parent.pk).successor_id is None
        assert Unit.objects.get(pk=other.pk).successor_id == below.pk

    def test_staff_without_administrator_role_is_refused(self, client, unit, province):
        from django.contrib.auth.models import Permission

        from dossiers.models import Unit
        from tests.factories import UnitFactory

        staff = UserFactory(unit=unit, roles=["ha_specialist"], is_staff=True)
        staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_unit", "change_unit"]))
        client.force_login(staff)
        old = UnitFactory(province=province, name="Sở Khoa học và Công nghệ")
        successor = UnitFactory(province=province, name="Sở Tài chính mới")
        response = self.confirm(client, [old], successor)
        assert response.status_code == 200
        assert "Không hợp nhất được Sở Khoa học và Công nghệ: Chỉ quản trị hệ thống được hợp nhất đơn vị." in (
            response.content.decode()
        )
        assert Unit.objects.get(pk=old.pk).successor_id is None
        assert not AuditEvent.objects.filter(action="unit.merged").exists()

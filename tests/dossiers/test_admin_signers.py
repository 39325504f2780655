"""The administrator sets who signs as what on the signer's account; the signature follows the account."""

from __future__ import annotations

import pytest

from dossiers.models import AuditEvent
from dossiers.services import decisions as svc
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, unit):
    admin = UserFactory(unit=unit, roles=["administrator"], is_staff=True, is_superuser=True, username="quantri")
    client.force_login(admin)
    return client


def form_data(page) -> dict:
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if hasattr(value, "date") and hasattr(value, "time"):  # a date and a time, in two inputs
            data[f"{name}_0"], data[f"{name}_1"] = value.strftime("%Y-%m-%d"), value.strftime("%H:%M:%S")
            continue
        data[name] = [str(v) for v in value] if isinstance(value, (list, tuple)) else value
    return data


def test_the_administrator_sets_the_signers_capacity(admin_client, province, ready, ha_specialist, lead, office):
    signer = UserFactory(unit=office, roles=["signer"], username="pct", last_name="Tống", first_name="Thanh Hải",
                         signer_capacity="")
    url = f"/admin/dossiers/user/{signer.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="signer_capacity"' in content and "Phó Chủ tịch ký thay (KT. CHỦ TỊCH)" in content
    response = admin_client.post(url, {**form_data(page), "signer_capacity": "vice_chairman"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    signer.refresh_from_db()
    assert signer.signer_capacity == "vice_chairman"
    event = AuditEvent.objects.filter(action="admin.changed", object_id=str(signer.pk)).latest("id")
    assert (event.before["signer_capacity"], event.after["signer_capacity"]) == ("", "vice_chairman")
    # From now on what he signs reads "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" without his choosing it.
    decision = svc.create_decision(actor=ha_specialist, province=province, title="X", nominations=ready[:1])
    svc.check_decision(actor=lead, decision=decision)
    assert svc.sign_decision(actor=signer, decision=decision).signer_capacity == "vice_chairman"

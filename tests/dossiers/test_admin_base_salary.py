"""The base salary table (lương cơ sở) in the admin: listed by date, edits audited, used rows kept as they are."""

from __future__ import annotations

import datetime
import re

import pytest

from dossiers.models import AuditEvent, BaseSalary, Decision
from dossiers.services import decisions as svc
from dossiers.services.audit import verify_chain
from dossiers.services.salaries import decisions_using_salary
from tests.factories import UserFactory

CHANGELIST = "/admin/dossiers/basesalary/"
DAY = datetime.date(2026, 3, 5)


def change_url(salary) -> str:
    return f"{CHANGELIST}{salary.pk}/change/"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def admin_client(client, unit):
    admin = UserFactory(unit=unit, roles=["administrator"], is_staff=True, is_superuser=True, username="quantri")
    client.force_login(admin)
    return client


@pytest.fixture
def current():
    """The row the seeded table has in force in 2026: 2,340,000 from 01/07/2024."""
    return BaseSalary.objects.get(effective_from=datetime.date(2024, 7, 1))


@pytest.fixture
def signed_decision(province, ready, ha_specialist, lead, chairman):
    decision = svc.create_decision(actor=ha_specialist, province=province, title="Về việc tặng danh hiệu thi đua",
                                   nominations=ready[:2])
    svc.check_decision(actor=lead, decision=decision, submission_date=DAY)
    return svc.sign_decision(actor=chairman, decision=decision, decision_date=DAY)


def test_listed_newest_first_with_dotted_amounts_and_legal_basis(admin_client, signed_decision):
    page = admin_client.get(CHANGELIST)
    assert page.status_code == 200
    table = re.search(r'<table id="result_list">(.*?)</table>', page.content.decode(), flags=re.S).group(1)
    body = table[table.index("<tbody>"):]
    cells = [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
             for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)]
    assert cells == [
        ["Ngày 01 tháng 7 năm 2024", "2.340.000", "Nghị định số 73/2024/NĐ-CP", "1"],
        ["Ngày 01 tháng 7 năm 2023", "1.800.000", "Nghị định số 24/2023/NĐ-CP", "0"],
        ["Ngày 01 tháng 7 năm 2019", "1.490.000", "Nghị định số 38/2019/NĐ-CP", "0"],
    ]  # the last column: how many signed decisions used the row (the 2026 decision used the one in force)
    assert "delete_selected" not in page.content.decode()  # one row at a time, each checked


def test_the_list_costs_the_same_queries_whatever_its_length(admin_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as few:
        assert admin_client.get(CHANGELIST).status_code == 200
    BaseSalary.objects.bulk_create(BaseSalary(amount=1_000_000 + year, effective_from=datetime.date(year, 1, 1))
                                   for year in range(1990, 2015))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = admin_client.get(CHANGELIST)
    assert "1.002.014" in page.content.decode()


def test_a_new_row_is_added_and_audited(admin_client):
    response = admin_client.post(f"{CHANGELIST}add/", {
        "effective_from": "2026-07-01", "amount": "2530000",
        "legal_basis": "Nghị định quy định mức lương cơ sở từ 01/7/2026"})
    assert response.status_code == 302, text_of(response)[:2000]
    salary = BaseSalary.objects.get(effective_from=datetime.date(2026, 7, 1))
    assert salary.amount == 2_530_000
    event = AuditEvent.objects.get(action="admin.created", object_id=str(salary.pk))
    assert event.object_type == "dossiers.basesalary" and event.after["amount"] == 2_530_000
    assert verify_chain() == []


def test_an_unused_row_is_changed_and_audited(admin_client, current):
    response = admin_client.post(change_url(current), {
        "effective_from": "2024-07-01", "amount": "2340000", "legal_basis": "Nghị định 73/2024/NĐ-CP (sửa)"})
    assert response.status_code == 302, text_of(response)[:2000]
    current.refresh_from_db()
    assert current.legal_basis == "Nghị định 73/2024/NĐ-CP (sửa)"
    event = AuditEvent.objects.get(action="admin.changed", object_id=str(current.pk))
    assert event.after == {"legal_basis": "Nghị định 73/2024/NĐ-CP (sửa)"}
    assert event.actor.username == "quantri"


def test_a_row_a_signed_decision_used_cannot_be_changed(admin_client, current, signed_decision):
    page = admin_client.get(change_url(current))
    assert "Quyết định số 01/QĐ-UBND ngày 05/03/2026" in text_of(page)
    response = admin_client.post(change_url(current), {
        "effective_from": "2024-07-01", "amount": "2430000", "legal_basis": current.legal_basis})
    assert response.status_code == 200
    assert ("Không sửa được mức lương cơ sở 2.340.000 đồng áp dụng từ ngày 01/07/2024: đã dùng để tính tiền "
            "thưởng của quyết định đã ký (Quyết định số 01/QĐ-UBND ngày 05/03/2026). Khi có mức lương cơ sở "
            "mới, hãy thêm một dòng mới với ngày áp dụng mới.") in text_of(response)
    current.refresh_from_db()
    assert current.amount == 2_340_000
    assert not AuditEvent.objects.filter(action="admin.changed", object_type="dossiers.basesalary").exists()
    # Moving its date is changing it too.
    response = admin_client.post(change_url(current), {
        "effective_from": "2026-04-01", "amount": "2340000", "legal_basis": current.legal_basis})
    assert response.status_code == 200 and "Không sửa được mức lương cơ sở" in text_of(response)
    current.refresh_from_db()
    assert current.effective_from == datetime.date(2024, 7, 1)


def test_a_row_a_signed_decision_used_cannot_be_deleted(admin_client, current, signed_decision):
    delete_url = f"{CHANGELIST}{current.pk}/delete/"
    response = admin_client.post(delete_url, {"post": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(current)
    assert ("Không xóa được mức lương cơ sở 2.340.000 đồng áp dụng từ ngày 01/07/2024: đã dùng để tính tiền "
            "thưởng của quyết định đã ký (Quyết định số 01/QĐ-UBND ngày 05/03/2026).") in text_of(response)
    assert BaseSalary.objects.filter(pk=current.pk).exists()
    assert not AuditEvent.objects.filter(action="admin.deleted").exists()


def test_an_unused_row_is_deleted_and_audited(admin_client, signed_decision):
    older = BaseSalary.objects.get(effective_from=datetime.date(2019, 7, 1))
    response = admin_client.post(f"{CHANGELIST}{older.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not BaseSalary.objects.filter(pk=older.pk).exists()
    event = AuditEvent.objects.get(action="admin.deleted", object_id=str(older.pk))
    assert event.before["amount"] == 1_490_000


def test_a_decision_at_another_amount_did_not_use_the_row(admin_client, signed_decision):
    """A row entered after a decision was signed on the old amount is not the one that decision used."""
    late = BaseSalary.objects.create(amount=2_500_000, effective_from=datetime.date(2026, 1, 1))
    assert list(decisions_using_salary(late)) == []
    response = admin_client.post(change_url(late), {"effective_from": "2026-01-01", "amount": "2530000",
                                                    "legal_basis": ""})
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.amount == 2_530_000
    assert Decision.objects.get().base_salary == 2_340_000

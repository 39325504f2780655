"""The work lists as the performance work left them: one province alone, a page loaded by its ids, the dossier's
tasks found through its processes (docs/performance.md)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DossierFactory, ProvinceFactory, UnitFactory, UserFactory
from tests.workflows.test_flow import submitted_dossier, task
from workflows import selectors
from workflows import services as wf

pytestmark = pytest.mark.django_db


def new_dossier(unit, clerk, head, title):
    return submitted_dossier(DossierFactory(unit=unit, created_by=clerk, title=title), clerk, head)


def tab_counts(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<span class="count[^"]*">(\d+)</span>', html)]


def test_one_province_alone_and_beside_another_show_the_same_tasks(client, unit, clerk, head, ha_specialist):
    for number in range(3):
        new_dossier(unit, clerk, head, f"Hồ sơ của tỉnh số {number}")
    client.force_login(ha_specialist)
    alone = client.get(reverse("tasks_queue")).content.decode()
    assert all(f"Hồ sơ của tỉnh số {n}" in alone for n in range(3))
    assert tab_counts(alone) == [0, 3, 0]

    other = ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên")
    other_unit = UnitFactory(province=other, name="Sở Y tế Điện Biên")
    new_dossier(other_unit, UserFactory(unit=other_unit, roles=["unit_clerk"]),
                UserFactory(unit=other_unit, roles=["unit_head"]), "Hồ sơ của tỉnh khác")
    beside = client.get(reverse("tasks_queue")).content.decode()
    assert "Hồ sơ của tỉnh khác" not in beside
    assert all(f"Hồ sơ của tỉnh số {n}" in beside for n in range(3))
    assert tab_counts(beside) == [0, 3, 0]


def test_a_page_of_the_queue_is_read_by_its_ids_in_due_order(unit, clerk, head, ha_specialist):
    dossiers = [new_dossier(unit, clerk, head, f"Hồ sơ thứ {n}") for n in range(4)]
    queue = selectors.queue_tasks(ha_specialist)
    paged = selectors.PagedTasks(queue)
    assert paged.count() == 4
    assert [t.pk for t in paged[1:3]] == list(queue.values_list("pk", flat=True)[1:3])
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.decorate(paged[0:25])
    # The ids, the rows with everything a row shows, the calendar: nothing per row.
    assert len(queries) == 3
    assert {t.dossier.pk for t in rows} == {d.pk for d in dossiers}
    assert {t.dossier.unit.name for t in rows} == {unit.name}


def test_the_dossier_page_finds_its_tasks_in_constant_queries(client, unit, clerk, head, ha_specialist):
    dossier = new_dossier(unit, clerk, head, "Hồ sơ có việc")
    wf.claim_task(actor=ha_specialist, task=task(dossier, "intake"))
    client.force_login(clerk)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dossier_detail", args=[dossier.pk]))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    few, html = count()
    assert "Kiểm tra, tiếp nhận hồ sơ" in html
    for number in range(5):  # other dossiers' tasks do not show here and cost nothing
        other = DossierFactory(unit=unit, created_by=clerk, title=f"Hồ sơ khác {number}")
        submitted_dossier(other, clerk, head)
    assert [t.flow_task.name for t in selectors.active_tasks_of(dossier)] == ["intake"]
    many, _html = count()
    assert many == few

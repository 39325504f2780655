"""The task work lists through the API are paged like the HTML lists: counted and sliced on the lean query, only
the page's tasks read with their joined rows (docs/performance.md), in queries that do not grow with the list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.helpers import url
from tests.factories import DossierFactory
from tests.workflows.test_flow import submitted_dossier
from workflows import selectors

pytestmark = pytest.mark.django_db


def add_submitted(unit, clerk, head, count, start=0):
    return [submitted_dossier(DossierFactory(unit=unit, created_by=clerk, title=f"Hồ sơ hàng chờ {start + n}"),
                              clerk, head) for n in range(count)]


def test_queue_api_queries_do_not_grow_and_rows_keep_the_queue_order(api, unit, clerk, head, ha_specialist,
                                                                      django_assert_max_num_queries):
    client = api(ha_specialist)
    add_submitted(unit, clerk, head, 3)
    with CaptureQueriesContext(connection) as few:
        body = client.get(url("tasks/"), {"scope": "queue"}).json()
    assert body["count"] == 3
    add_submitted(unit, clerk, head, 12, start=3)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url("tasks/"), {"scope": "queue", "page_size": 10})
    body = response.json()
    assert body["count"] == 15 and body["next"] and len(body["results"]) == 10
    expected = list(selectors.queue_tasks(ha_specialist).values_list("pk", flat=True))
    second = client.get(url("tasks/"), {"scope": "queue", "page_size": 10, "page": 2}).json()
    assert [row["id"] for row in body["results"] + second["results"]] == expected
    row = body["results"][0]
    assert row["node"] == "intake" and row["owner"] is None and row["dossier"]["unit"]["name"] == unit.name
    assert row["dossier"]["title"].startswith("Hồ sơ hàng chờ")


def test_only_the_page_is_read_with_the_joined_tables(api, unit, clerk, head, ha_specialist):
    add_submitted(unit, clerk, head, 6)
    client = api(ha_specialist)
    with CaptureQueriesContext(connection) as context:
        body = client.get(url("tasks/"), {"scope": "queue", "page_size": 2}).json()
    assert len(body["results"]) == 2
    joined = [q["sql"] for q in context.captured_queries if "dossiers_unit" in q["sql"]
              and "viewflow_task" in q["sql"]]
    # The rows' query with every joined table is limited to the page's ids, not the whole sorted list.
    assert joined and all('"viewflow_task"."id" IN (' in sql for sql in joined)


@pytest.mark.parametrize("scope", ["mine", "overdue"])
def test_the_other_scopes_are_paged_the_same(api, unit, clerk, head, ha_specialist, scope,
                                             django_assert_max_num_queries):
    from workflows import services as wf

    client = api(ha_specialist)
    for dossier in add_submitted(unit, clerk, head, 2):
        wf.claim_task(actor=ha_specialist, task=selectors.active_tasks_of(dossier)[0])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("tasks/"), {"scope": scope}).status_code == 200
    for dossier in add_submitted(unit, clerk, head, 6, start=2):
        wf.claim_task(actor=ha_specialist, task=selectors.active_tasks_of(dossier)[0])
    with django_assert_max_num_queries(len(few)):
        body = client.get(url("tasks/"), {"scope": scope}).json()
    if scope == "mine":
        assert body["count"] == 8
        assert [row["id"] for row in body["results"]] == list(
            selectors.my_tasks(ha_specialist).values_list("pk", flat=True))

"""The shape of the work lists' queries: what kept the HA queue and "my tasks" in the database for half a
second at the large scale (issue 6, docs/performance.md "6. Load")."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import DossierFactory, UserFactory
from tests.workflows.test_flow import accept, appraise, submitted_dossier, task
from tests.workflows.test_work_lists_at_scale import tab_counts
from workflows import selectors
from workflows import services as wf
from workflows.models import TaskDeadline

pytestmark = pytest.mark.django_db


def sql_of(queryset) -> str:
    return str(queryset.query)


def test_the_leads_queue_does_not_join_every_approval_to_its_dossier(unit, clerk, head, ha_unit):
    """Separation of duties by the processes of the dossiers the lead appraised, not by a join per row."""
    lead = UserFactory(unit=ha_unit, roles=["ha_lead"])
    both = UserFactory(unit=ha_unit, roles=["ha_specialist", "ha_lead"])
    theirs = submitted_dossier(DossierFactory(unit=unit, created_by=clerk, title="Hồ sơ người khác thẩm định"),
                               clerk, head)
    accept(theirs, both)
    appraise(theirs, both)

    for user in (lead, both):
        sql = sql_of(selectors.task_model().objects.filter(selectors.queue_q(user)).values("pk"))
        assert '"viewflow_process"' not in sql and 'JOIN "dossiers_dossier" ON' not in sql
    assert [t.process.dossierprocess.dossier for t in selectors.queue_tasks(lead)] == [theirs]
    assert list(selectors.queue_tasks(both)) == []


def task_counting_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"] and 'FROM "viewflow_task"' in q["sql"]]


@pytest.mark.parametrize("name", ["tasks", "tasks_queue", "tasks_overdue"])
def test_a_work_list_page_counts_its_three_tabs_in_one_query(client, unit, clerk, head, ha_unit, ha_specialist,
                                                             name):
    """The open tasks are read once for the three tab counts (and the paginator takes the tab's own)."""
    lead = UserFactory(unit=ha_unit, roles=["ha_lead"])
    mine = submitted_dossier(DossierFactory(unit=unit, created_by=clerk, title="Hồ sơ đã nhận"), clerk, head)
    accept(mine, ha_specialist)
    appraise(mine, ha_specialist)  # an approval for the lead
    waiting = submitted_dossier(DossierFactory(unit=unit, created_by=clerk, title="Hồ sơ chờ nhận"), clerk, head)
    wf.claim_task(actor=ha_specialist, task=task(waiting, "intake"))
    submitted_dossier(DossierFactory(unit=unit, created_by=clerk, title="Hồ sơ trong hàng chờ"), clerk, head)
    TaskDeadline.objects.filter(task=task(waiting, "intake")).update(due_on=timezone.localdate()
                                                                      - datetime.timedelta(days=1))

    expected = {ha_specialist: [1, 1, 1], lead: [0, 1, 1]}
    for user, counts in expected.items():
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name))
        assert response.status_code == 200
        assert tab_counts(response.content.decode()) == counts
        assert len(task_counting_queries(queries)) == 1


def test_the_lists_look_up_due_dates_by_task_not_by_joining_every_deadline(unit, clerk, head, ha_specialist):
    """Ordered by due date (none last, then oldest), each task's date read by its id: the lists and the counts
    do not join the deadline table (which holds a row for every timed task ever)."""
    dossiers = [submitted_dossier(DossierFactory(unit=unit, created_by=clerk, title=f"Hồ sơ {n}"), clerk, head)
                for n in range(3)]
    intakes = [task(dossier, "intake") for dossier in dossiers]
    today = timezone.localdate()
    TaskDeadline.objects.filter(task=intakes[0]).update(due_on=today + datetime.timedelta(days=3))
    TaskDeadline.objects.filter(task=intakes[1]).delete()
    TaskDeadline.objects.filter(task=intakes[2]).update(due_on=today - datetime.timedelta(days=1))

    queue = selectors.queue_tasks(ha_specialist)
    assert [t.pk for t in queue] == [intakes[2].pk, intakes[0].pk, intakes[1].pk]
    assert [t.pk for t in selectors.PagedTasks(queue)[0:25]] == [intakes[2].pk, intakes[0].pk, intakes[1].pk]
    assert selectors.task_counts(ha_specialist) == selectors.TaskCounts(mine=0, queue=3, overdue=1)
    assert 'JOIN "workflows_taskdeadline"' not in sql_of(queue.values("pk"))
    with CaptureQueriesContext(connection) as queries:
        selectors.task_counts(ha_specialist)
    assert 'JOIN "workflows_taskdeadline"' not in queries[-1]["sql"]

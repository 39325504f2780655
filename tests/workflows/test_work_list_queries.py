"""The shape of the work lists' queries: what kept the HA queue and "my tasks" in the database for half a
second at the large scale (issue 6, docs/performance.md "6. Load")."""

from __future__ import annotations

import pytest

from tests.factories import DossierFactory, UserFactory
from tests.workflows.test_flow import accept, appraise, submitted_dossier
from workflows import selectors

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

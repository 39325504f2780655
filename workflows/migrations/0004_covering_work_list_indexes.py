"""Covering indexes for the work lists' counts and pages (PostgreSQL only).

The HA queue, "my tasks" and the overdue tab count the open tasks by node and
owner and read each one's due date by its task id. With the columns those
queries read inside the index (``INCLUDE``), PostgreSQL answers them by an
index-only scan instead of one heap page per open task (about 29,000 open
tasks over 13,500 pages of the task table at the large scale): measured on the
generated large province, vacuumed, a lead's tab counts 75 -> 32 ms, a
specialist's 32 -> 22 ms, the page's ids 29 -> 18 ms (docs/performance.md).
The covering open-task index replaces 0003's partial index there; SQLite has
no ``INCLUDE`` and keeps 0003's.
"""

from django.db import migrations

OPEN = "('NEW', 'ASSIGNED', 'STARTED')"

FORWARD = [
    f"CREATE INDEX IF NOT EXISTS workflows_open_task_cover_idx ON viewflow_task (flow_task, owner_id) "
    f"INCLUDE (id, process_id, created) WHERE status IN {OPEN}",
    "DROP INDEX IF EXISTS workflows_open_task_idx",
    "CREATE INDEX IF NOT EXISTS workflows_deadline_task_cover_idx ON workflows_taskdeadline (task_id) "
    "INCLUDE (due_on)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS workflows_deadline_task_cover_idx",
    f"CREATE INDEX IF NOT EXISTS workflows_open_task_idx ON viewflow_task (flow_task, owner_id, process_id) "
    f"WHERE status IN {OPEN}",
    "DROP INDEX IF EXISTS workflows_open_task_cover_idx",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)
    return apply


class Migration(migrations.Migration):

    dependencies = [
        ('workflows', '0003_open_task_index'),
    ]

    operations = [
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]

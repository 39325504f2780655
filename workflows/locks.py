"""The process lock the flows use: ``SELECT ... FOR UPDATE`` on the process row, waiting for its holder.

viewflow's ``select_for_update_lock`` asks with NOWAIT and, when the row is
taken, catches the database error inside a savepoint and tries again. Inside
the caller's transaction (every task action runs in one) PostgreSQL has by
then aborted that transaction, so the retry and everything after it fail: two
people completing the same task at once gave the second a 500. Waiting for
the lock instead lets the second go on once the first has committed; it then
re-reads the task (``Task.activation``), finds it done and is refused with a
conflict (409). On SQLite ``select_for_update`` is a no-op and write
transactions are serialised anyway.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction


class WaitingSelectForUpdateLock:
    """Locks the process's dossier row, then the process row.

    Every service that changes a dossier locks its row first (``lock_dossier``)
    and may then touch its processes (a withdrawal cancels them). A task action
    takes this lock and then changes the dossier; taking the process first there
    would be the opposite order, and a withdrawal racing a task action deadlocked
    (PostgreSQL killed one of them: a 500). Same order everywhere: dossier, then
    process (``tests/security/test_concurrency.py``).
    """

    @contextmanager
    def __call__(self, flow_class, process_pk):
        from dossiers.models import Dossier

        processes = flow_class.process_class._default_manager.filter(pk=process_pk)
        with transaction.atomic():
            dossier_id = processes.values_list("dossier_id", flat=True).first()
            if dossier_id is not None:
                Dossier.objects.filter(pk=dossier_id).select_for_update().exists()
            processes.select_for_update().exists()
            yield


waiting_select_for_update_lock = WaitingSelectForUpdateLock()

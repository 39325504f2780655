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
    @contextmanager
    def __call__(self, flow_class, process_pk):
        with transaction.atomic():
            flow_class.process_class._default_manager.filter(pk=process_pk).select_for_update().exists()
            yield


waiting_select_for_update_lock = WaitingSelectForUpdateLock()

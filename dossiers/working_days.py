"""Working days, as the dossiers app sees them: the product's one calendar, handed over by ``workflows``.

The calendar (``workflows.calendar.WorkingCalendar``: Vietnamese public
holidays, Tết, the days off and make-up days an administrator enters) lives
in ``workflows``, and dependencies point one way (``workflows -> dossiers``).
So this app never imports it: ``workflows`` provides it when Django starts
(``WorkflowsConfig.ready`` calls ``provide``), the way it listens to this
app's signals. The central stage's due dates and ages are counted with it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_factory: Callable | None = None


def provide(factory: Callable) -> None:
    """Register the calendar class: ``factory(start, end)`` gives a calendar loaded for those years."""
    global _factory
    _factory = factory


def calendar(start: datetime.date | None = None, end: datetime.date | None = None):
    """A working-day calendar for one piece of work (a page, a command run); keep it no longer than that.

    It answers ``is_working_day``, ``add_working_days``, ``subtract_working_days``
    and ``working_days_between`` (the number of working days in ``(start, end]``).
    """
    if _factory is None:
        raise ImproperlyConfigured("No working-day calendar: the 'workflows' app provides it (INSTALLED_APPS).")
    return _factory(start, end)

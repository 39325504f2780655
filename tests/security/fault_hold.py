"""Test-only: hold a server process still at a known point until the test lets it go.

Loaded only by ``tests.security.fault_wsgi`` and ``tests.security.fault_worker``,
which the fault tests start instead of the production entry points; nothing in
the project imports it, so no request can reach it in production.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


def hold() -> None:
    """Say the point is reached (``FAULT_REACHED``), then wait for the test's lock (``FAULT_LOCK``)."""
    Path(os.environ["FAULT_REACHED"]).touch()
    with open(os.environ["FAULT_LOCK"], "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        fcntl.flock(handle, fcntl.LOCK_UN)

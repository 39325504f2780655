"""Test-only WSGI entry point: the production application, held still in the middle of signing a decision.

``tests/security/test_faults.py`` serves this module with gunicorn on SQLite,
where one writer locks the whole database and a test cannot hold a single row
to stop the server inside its transaction (on PostgreSQL the test holds the
dossier's row instead and serves ``config.wsgi`` itself). Signing a decision
waits here after it has taken the decision's number from the register,
awarded the nominees, written their award history and its audit event, and
before it moves the dossiers on: the transaction is open and has written.
"""

from config.wsgi import application
from dossiers.services import decisions
from tests.security.fault_hold import hold

_move_dossier_on = decisions._move_dossier_on


def _held_move_dossier_on(*args, **kwargs):
    hold()
    return _move_dossier_on(*args, **kwargs)


decisions._move_dossier_on = _held_move_dossier_on

__all__ = ["application"]

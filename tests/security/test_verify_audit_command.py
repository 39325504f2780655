"""``manage.py verify_audit`` (the command an operator runs, not only ``verify_chain``) fails on every kind of
tampering: an edited, deleted (in the middle or at the end), reordered, id-swapped or inserted event.

The tampering itself is done with plain SQL by the cases of ``tests/dossiers/test_audit.py``, which also check
what ``verify_chain`` reports; here the command must refuse the chain ("KHÔNG toàn vẹn", a non-zero exit).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.dossiers import test_audit as cases
from tests.dossiers.test_audit import chain  # noqa: F401  (the fixture: four events of one dossier)

TAMPERING = {
    "edited_text": cases.test_edited_event_detected,
    "edited_json": cases.test_edited_json_detected,
    "deleted_in_the_middle": cases.test_deleted_event_detected,
    "deleted_last": cases.test_deleted_last_event_detected,
    "reordered": cases.test_reordered_events_detected,
    "ids_swapped": cases.test_swapped_ids_detected,
    "forged_and_inserted": cases.test_forged_event_inserted_in_the_middle_detected,
}


def test_the_command_passes_an_intact_chain(chain, capsys):  # noqa: F811
    call_command("verify_audit")
    assert "Đầu chuỗi" in capsys.readouterr().out


@pytest.mark.parametrize("tampering", sorted(TAMPERING))
def test_the_command_fails_on_tampering(chain, tampering):  # noqa: F811
    TAMPERING[tampering](chain)
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn"):
        call_command("verify_audit")

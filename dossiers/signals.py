"""Signals the dossiers app sends; ``workflows`` listens (dependencies point one way).

Each is sent inside the transaction that caused it, so a receiver that fails
(the review process cannot start, say) rolls the change back with it: the
dossier and its process never disagree.
"""

from django.dispatch import Signal

# A dossier was submitted (or resubmitted after a return).
# kwargs: dossier, actor, resubmission (bool)
dossier_submitted = Signal()

# A dossier left the process early (withdrawn by its unit). kwargs: dossier, actor
dossier_withdrawn = Signal()

# Someone from the public commented on a nominee under public notice.
# kwargs: feedback
feedback_received = Signal()

# Home Affairs resolved a feedback (dismissed or upheld). kwargs: feedback, actor
feedback_resolved = Signal()

# Waiting points of the review process, sent by the later stages' owners:
# the council's results for a dossier's nominations are final (kwargs: dossier, or dossiers: a whole
# confirmed session's at once),
# a decision covering the dossier was signed (kwargs: dossier, decision),
# the central level decided the dossier's forwarded nominations (kwargs: dossier).
council_result_final = Signal()
decision_signed = Signal()
central_decided = Signal()

# A central submission stayed in a timed stage past its due date (sent once per stage; see
# dossiers.services.central_deadlines). kwargs: submission, state, due_on
central_overdue = Signal()

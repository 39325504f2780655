"""Who may reach which page and which API operation: the authorisation policy, as data.

``test_authorization_matrix`` enumerates every page (URL resolver) and every API
operation (the OpenAPI schema) and asks each of them as every principal: the
11 role groups, each twice (an "own" user who holds the role and the scope of
the object the URL is tried on, and a "stranger" who holds the role but not
the scope: a unit of the same province without the dossier, another province,
a council member on no roster), a signed-in user without any role, and an
anonymous visitor. An endpoint that is not listed here fails the test: add it.

``Rule(roles, scoped)``:

- ``roles``: the principals the endpoint lets through (2xx/3xx; for a write
  sent with an empty body, a validation answer such as 400 also counts as
  "let through"; 401/403/404 never does). Everyone else is refused: 403 or 404
  (404 for objects outside their scope), a page sends an anonymous visitor to
  the login form, the API answers 401 with our error body.
- ``scoped``: the endpoint is about one object (a dossier, a session, ...);
  strangers are refused even though they hold the role. Unscoped endpoints
  (lists, forms to create, public pages) let strangers in, and the matrix
  checks that they show nothing of the objects outside the stranger's scope.
- ``domain_code``: for an allowed GET that answers a domain refusal by design
  (a secret ballot is only read with its receipt), that error code.

Writes are tried with an empty body: a refused principal may get a validation
answer (400/415) instead of 403/404 where the view checks the input first, but
never a success.
"""

from __future__ import annotations

from dataclasses import dataclass

ANONYMOUS = "anonymous"
NO_ROLE = "no_role"

CLERK, HEAD = "unit_clerk", "unit_head"
SPECIALIST, LEAD = "ha_specialist", "ha_lead"
SECRETARY, MEMBER, CHAIR = "council_secretary", "council_member", "council_chair"
SIGNER, LIAISON, AUDITOR, ADMINISTRATOR = "signer", "central_liaison", "auditor", "administrator"

ROLES = frozenset({CLERK, HEAD, SPECIALIST, LEAD, SECRETARY, MEMBER, CHAIR, SIGNER, LIAISON, AUDITOR, ADMINISTRATOR})
SIGNED_IN = ROLES | {NO_ROLE}
EVERYONE = SIGNED_IN | {ANONYMOUS}
UNIT = frozenset({CLERK, HEAD})
HOME_AFFAIRS = frozenset({SPECIALIST, LEAD})
# Read every submitted dossier and the province's documents (dossiers.models.users.PROVINCE_READ_ROLES).
PROVINCE = frozenset({SPECIALIST, LEAD, SECRETARY, SIGNER, LIAISON, AUDITOR, ADMINISTRATOR})
# Read the province's decisions and central submissions at work (not the council secretary).
DECISION_READERS = frozenset({SPECIALIST, LEAD, SIGNER, LIAISON, AUDITOR, ADMINISTRATOR})
CENTRAL_WORKERS = frozenset({SPECIALIST, LEAD, LIAISON})  # dossiers.services.central.LIAISON_ROLES
# Sessions: the secretary, the chair, Home Affairs, auditors, administrators; members of the roster.
COUNCIL_READERS = frozenset({SECRETARY, CHAIR, MEMBER, SPECIALIST, LEAD, AUDITOR, ADMINISTRATOR})
VOTERS = frozenset({SECRETARY, CHAIR, MEMBER})  # on the roster, with a vote
# The agenda's documents: the roster, the secretary, the chair, Home Affairs (councils.permissions.reads_documents).
AGENDA_DOCUMENT_READERS = frozenset({SECRETARY, CHAIR, MEMBER, SPECIALIST, LEAD})


@dataclass(frozen=True)
class Rule:
    roles: frozenset
    scoped: bool = True
    domain_code: str = ""


def rule(*groups, scoped=True, domain_code="") -> Rule:
    roles = frozenset()
    for group in groups:
        roles |= group if isinstance(group, frozenset) else frozenset({group})
    return Rule(roles, scoped, domain_code)


def open_to(*groups) -> Rule:
    return rule(*groups, scoped=False)


# --------------------------------------------------------------------------- pages (URL names)

UI: dict[str, Rule] = {
    # Signing in and out, language, home.
    "login": open_to(EVERYONE),
    "logout": open_to(EVERYONE),
    "set_language": open_to(EVERYONE),
    "home": open_to(SIGNED_IN),
    # Notifications: each user's own.
    "notifications": open_to(SIGNED_IN),
    "notifications_read_all": open_to(SIGNED_IN),
    "notification_read": rule(SPECIALIST),  # the recipient only
    "notification_open": rule(SPECIALIST),
    # Home Affairs' work lists and tasks (intake and appraisal: specialists; approval: leads).
    "tasks": open_to(HOME_AFFAIRS),
    "tasks_queue": open_to(HOME_AFFAIRS),
    "tasks_overdue": open_to(HOME_AFFAIRS),
    "task_detail": rule(HOME_AFFAIRS),
    "feedback_task": rule(HOME_AFFAIRS),
    "task_claim": rule(SPECIALIST),
    "task_release": rule(HOME_AFFAIRS),
    "task_reassign": rule(LEAD),
    "task_complete": rule(SPECIALIST),
    "task_check_eligibility": rule(SPECIALIST),
    "task_override": rule(SPECIALIST),
    "task_override_remove": rule(SPECIALIST),
    # Council sessions.
    "council_sessions": open_to(COUNCIL_READERS),
    "council_session_create": open_to(SECRETARY),
    "council_session": rule(COUNCIL_READERS),
    "council_session_edit": rule(SECRETARY),
    "council_agenda_add": rule(SECRETARY),
    "council_agenda_remove": rule(SECRETARY),
    "council_publish": rule(SECRETARY),
    "council_start": rule(SECRETARY),
    "council_attendance": rule(SECRETARY),
    "council_open_voting": rule(SECRETARY),
    "council_close_voting": rule(SECRETARY),
    "council_confirm": rule(SECRETARY, CHAIR),
    "council_finalise": rule(CHAIR),
    "council_correct": rule(SECRETARY, CHAIR),
    "council_ballot": rule(VOTERS),
    "council_ballot_done": rule(COUNCIL_READERS),  # a redirect back to the session for those who did not vote
    "council_progress": rule(SECRETARY, CHAIR),  # who has voted: never the members
    "council_written_opinion": rule(SECRETARY),
    "council_paper_tally": rule(SECRETARY),
    "council_document": rule(AGENDA_DOCUMENT_READERS),
    "council_minutes": rule(COUNCIL_READERS),
    # Dossiers, nominations, attachments.
    "dossier_list": open_to(SIGNED_IN),
    "dossier_create": open_to(UNIT),
    "dossier_detail": rule(UNIT, PROVINCE),
    "dossier_edit": rule(UNIT),
    "dossier_send_to_head": rule(CLERK),
    "dossier_submit": rule(HEAD),
    "dossier_withdraw": rule(HEAD),  # a submitted dossier: the head only
    "nomination_create": rule(UNIT),
    "nomination_edit": rule(UNIT),
    "nomination_delete": rule(UNIT),
    "nominee_import": rule(UNIT),
    "attachment_upload": rule(UNIT),
    "attachment_download": rule(UNIT, PROVINCE),
    "attachment_delete": rule(UNIT),
    "nominee_template": open_to(SIGNED_IN),
    "history_template": open_to(SIGNED_IN),
    "history_import": open_to(UNIT),
    "people_list": open_to(SIGNED_IN),
    # Public notice (công khai): public pages, and Home Affairs' feedback queue.
    "public_notice_list": open_to(EVERYONE),
    "public_feedback": open_to(EVERYONE),
    "public_feedback_thanks": open_to(EVERYONE),
    "feedback_queue": open_to(HOME_AFFAIRS),
    "feedback_resolve": rule(HOME_AFFAIRS),
    # Official documents: a signed decision is public; the rest follows its object's scope.
    # A decision's documents follow the decision's page (test_documents_follow_their_pages): the HA submission
    # is tried on a decision awaiting signature (Home Affairs and the signer), the certificates on a signed one.
    "document_pdf:decision": open_to(EVERYONE),
    "document_pdf:ha-submission": rule(HOME_AFFAIRS, SIGNER),
    "document_pdf:certificates": rule(DECISION_READERS),
    "document_pdf:central-submission": rule(DECISION_READERS),
    "document_pdf:public-notice": rule(UNIT, PROVINCE),
    "document_pdf:proposal-letter": rule(UNIT, PROVINCE),
    "document_pdf:achievement-report": rule(UNIT, PROVINCE),
    "document_progress": rule(UNIT, PROVINCE),
    "document_status": rule(UNIT, PROVINCE),
    "document_file": rule(UNIT, PROVINCE),
    "certificate_test_print": rule(HOME_AFFAIRS, ADMINISTRATOR),  # the admin's staff and who prints certificates
    # Decisions and revocation.
    "decision_list": open_to(DECISION_READERS),
    "decision_to_sign": open_to(SIGNER),
    "decision_create": open_to(HOME_AFFAIRS),
    "decision_detail": rule(HOME_AFFAIRS, SIGNER),
    "decision_edit": rule(HOME_AFFAIRS),
    "decision_add_items": rule(HOME_AFFAIRS),
    "decision_remove_item": rule(HOME_AFFAIRS),
    "decision_check": rule(HOME_AFFAIRS),
    "decision_send_back": rule(LEAD, SIGNER),
    "decision_sign": rule(SIGNER),
    "revocation_create": open_to(HOME_AFFAIRS),
    "award_history": open_to(UNIT, PROVINCE),
    "public_decision_list": open_to(EVERYONE),
    # The central stage.
    "central_submissions": open_to(DECISION_READERS),
    "central_submission_create": open_to(CENTRAL_WORKERS),
    "central_board": open_to(DECISION_READERS),
    "central_board_export": open_to(DECISION_READERS),
    "central_submission": rule(DECISION_READERS),
    "central_sign": rule(SIGNER),
    "central_send": rule(CENTRAL_WORKERS),
    "central_receive": rule(CENTRAL_WORKERS),
    "central_return": rule(CENTRAL_WORKERS),
    "central_item_decision": rule(CENTRAL_WORKERS),
    "central_items_received": rule(CENTRAL_WORKERS),
    "central_hand_over": rule(CENTRAL_WORKERS),
    "central_close": rule(CENTRAL_WORKERS),
    "central_package": rule(DECISION_READERS),
    "central_attachment_upload": rule(CENTRAL_WORKERS),
    "central_attachment": rule(DECISION_READERS),
    "central_attachment_remove": rule(CENTRAL_WORKERS),
}

# --------------------------------------------------------------------------- API operations (operationId)

API: dict[str, Rule] = {
    # Authentication, catalogue, reference lists.
    "v1_auth_token_create": open_to(EVERYONE),
    "v1_catalogue_award_types_list": open_to(SIGNED_IN),
    "v1_catalogue_award_types_retrieve": open_to(SIGNED_IN),
    "v1_catalogue_document_types_list": open_to(SIGNED_IN),
    "v1_catalogue_document_types_retrieve": open_to(SIGNED_IN),
    "v1_catalogue_regulations_list": open_to(SIGNED_IN),
    "v1_catalogue_regulations_retrieve": open_to(SIGNED_IN),
    "v1_return_reasons_list": open_to(SIGNED_IN),
    "v1_units_list": open_to(SIGNED_IN),  # each sees the units of their scope
    "v1_units_retrieve": rule(UNIT, PROVINCE, NO_ROLE),  # a user's own unit, even without a role
    "v1_notifications_list": open_to(SIGNED_IN),
    "v1_notifications_read_create": open_to(SIGNED_IN),
    # Dossiers, nominations, attachments.
    "v1_dossiers_list": open_to(SIGNED_IN),
    "v1_dossiers_create": open_to(UNIT),
    "v1_dossiers_retrieve": rule(UNIT, PROVINCE),
    "v1_dossiers_update": rule(UNIT),
    "v1_dossiers_partial_update": rule(UNIT),
    "v1_dossiers_attachments_list": rule(UNIT, PROVINCE),
    "v1_dossiers_attachments_create": rule(UNIT),
    "v1_dossiers_history_list": rule(UNIT, PROVINCE),
    "v1_dossiers_import_nominees_create": rule(UNIT),
    "v1_dossiers_nominations_list": rule(UNIT, PROVINCE),
    "v1_dossiers_nominations_create": rule(UNIT),
    "v1_dossiers_process_retrieve": rule(UNIT, PROVINCE),
    "v1_dossiers_send_to_head_create": rule(CLERK),
    "v1_dossiers_submit_create": rule(HEAD),
    "v1_dossiers_withdraw_create": rule(HEAD),
    "v1_dossiers_eligibility_list": rule(HOME_AFFAIRS),
    "v1_dossiers_eligibility_check_create": rule(SPECIALIST),
    "v1_eligibility_verdicts_override_create": rule(SPECIALIST),
    "v1_eligibility_overrides_destroy": rule(SPECIALIST),
    "v1_nominations_retrieve": rule(UNIT, PROVINCE),
    "v1_nominations_update": rule(UNIT),
    "v1_nominations_partial_update": rule(UNIT),
    "v1_nominations_destroy": rule(UNIT),
    "v1_attachments_retrieve": rule(UNIT, PROVINCE),
    "v1_attachments_destroy": rule(UNIT),
    "v1_attachments_download_retrieve": rule(UNIT, PROVINCE),
    # Home Affairs' tasks and the public feedback queue.
    "v1_tasks_list": open_to(HOME_AFFAIRS),
    "v1_tasks_retrieve": rule(HOME_AFFAIRS),
    "v1_tasks_claim_create": rule(SPECIALIST),
    "v1_tasks_complete_create": rule(SPECIALIST),
    "v1_tasks_reassign_create": rule(LEAD),
    "v1_tasks_release_create": rule(HOME_AFFAIRS),
    "v1_public_feedback_list": open_to(HOME_AFFAIRS),
    "v1_public_feedback_resolve_create": rule(HOME_AFFAIRS),
    # Public (no account): nominees under notice and feedback on them.
    "v1_public_nominations_list": open_to(EVERYONE),
    "v1_public_nominations_retrieve": open_to(EVERYONE),
    "v1_public_nominations_feedback_create": open_to(EVERYONE),
    # Council sessions.
    "v1_council_sessions_list": open_to(COUNCIL_READERS),  # as the page; members: their own sessions only
    "v1_council_sessions_create": open_to(SECRETARY),
    "v1_council_sessions_retrieve": rule(COUNCIL_READERS),
    "v1_council_sessions_partial_update": rule(SECRETARY),
    "v1_council_sessions_agenda_list": rule(COUNCIL_READERS),
    "v1_council_sessions_pool_list": rule(SECRETARY),
    "v1_council_sessions_items_create": rule(SECRETARY),
    "v1_agenda_items_destroy": rule(SECRETARY),
    "v1_council_sessions_publish_create": rule(SECRETARY),
    "v1_council_sessions_start_create": rule(SECRETARY),
    "v1_council_sessions_attendance_create": rule(SECRETARY),
    "v1_council_sessions_quorum_retrieve": rule(COUNCIL_READERS),
    "v1_council_sessions_open_voting_create": rule(SECRETARY),
    "v1_council_sessions_ballot_retrieve": rule(VOTERS, domain_code="receipt_required"),  # own ballot, by receipt
    "v1_council_sessions_ballot_create": rule(VOTERS),
    "v1_council_sessions_progress_retrieve": rule(SECRETARY, CHAIR),  # who has voted: never the members
    "v1_council_sessions_written_opinions_create": rule(SECRETARY),
    "v1_agenda_items_paper_tally_create": rule(SECRETARY),
    "v1_council_sessions_close_voting_create": rule(SECRETARY),
    "v1_council_sessions_reopen_voting_create": rule(SECRETARY),
    "v1_council_sessions_confirm_create": rule(SECRETARY, CHAIR),
    "v1_council_sessions_corrections_create": rule(SECRETARY, CHAIR),
    "v1_council_sessions_finalise_create": rule(CHAIR),
    "v1_council_sessions_documents_retrieve": rule(AGENDA_DOCUMENT_READERS),
    "v1_council_sessions_minutes_pdf": rule(COUNCIL_READERS),
    # Decisions.
    "v1_decisions_list": open_to(SIGNED_IN),  # signed decisions are public; drafts stay with Home Affairs
    "v1_decisions_ready_list": open_to(HOME_AFFAIRS),
    "v1_decisions_create": open_to(HOME_AFFAIRS),
    "v1_decisions_revocations_create": open_to(HOME_AFFAIRS),
    "v1_decisions_retrieve": rule(HOME_AFFAIRS, SIGNER),
    "v1_decisions_partial_update": rule(HOME_AFFAIRS),
    "v1_decisions_items_create": rule(HOME_AFFAIRS),
    "v1_decisions_items_destroy": rule(HOME_AFFAIRS),
    "v1_decisions_check_create": rule(LEAD),
    "v1_decisions_send_back_create": rule(LEAD, SIGNER),
    "v1_decisions_sign_create": rule(SIGNER),
    # The central stage.
    "v1_central_submissions_list": open_to(DECISION_READERS),
    "v1_central_submissions_create": open_to(CENTRAL_WORKERS),
    "v1_central_board_list": open_to(DECISION_READERS),
    "v1_central_submissions_retrieve": rule(DECISION_READERS),
    "v1_central_submissions_package": rule(DECISION_READERS),
    "v1_central_submissions_attachments_list": rule(DECISION_READERS),
    "v1_central_submissions_attachments_create": rule(CENTRAL_WORKERS),
    "v1_central_attachments_retrieve": rule(DECISION_READERS),
    "v1_central_attachments_download_retrieve": rule(DECISION_READERS),
    "v1_central_attachments_destroy": rule(CENTRAL_WORKERS),
    "v1_central_submissions_sign_create": rule(SIGNER),
    "v1_central_submissions_send_create": rule(CENTRAL_WORKERS),
    "v1_central_submissions_receive_create": rule(CENTRAL_WORKERS),
    "v1_central_submissions_return_create": rule(CENTRAL_WORKERS),
    "v1_central_items_decision_create": rule(CENTRAL_WORKERS),
    "v1_central_submissions_items_received_create": rule(CENTRAL_WORKERS),
    "v1_central_submissions_hand_over_create": rule(CENTRAL_WORKERS),
    "v1_central_submissions_close_create": rule(CENTRAL_WORKERS),
}

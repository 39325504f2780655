"""Which object of the fixture world each URL and API operation is tried on.

``UI[url_name](world)`` and ``API[operation_id](world)`` give the URL's keyword
arguments and the code of the unit that owns the object (the unit whose clerk
and head are "own" for it), or ``None`` when no unit owns it. An entry is
needed only for URLs with arguments; the test fails for one that has none.
"""

from __future__ import annotations

from dossiers.models import EligibilityOverride, EligibilityVerdict, PublicFeedback
from workflows import services as wf
from workflows.models import Notification

# Dossier indices in the demo (creation order): what each is for.
DRAFT, SENT_TO_HEAD, SUBMITTED, RETURNED, WITHDRAWN, APPRAISAL, APPROVAL = 0, 1, 2, 3, 4, 5, 6
AWAITING_COUNCIL, NOTICE, AWAITING_DECISION, DECIDED, REJECTED, CENTRAL = 7, 8, 9, 10, 11, 12


def _dossier(index):
    def bind(world):
        dossier = world.dossiers[index]
        return {"pk": dossier.pk}, dossier.unit.code
    return bind


def _nomination(index):
    def bind(world):
        dossier = world.dossiers[index]
        return {"pk": dossier.pk, "nomination_pk": dossier.nominations.order_by("pk").first().pk}, dossier.unit.code
    return bind


def _attachment(index):
    def bind(world):
        dossier = world.dossiers[index]
        return {"pk": dossier.attachments.order_by("pk").first().pk}, dossier.unit.code
    return bind


def _task(index, name):
    def bind(world):
        return {"pk": wf.active_task(world.dossiers[index], name).pk}, None
    return bind


def _verdict(world):
    nomination = world.dossiers[APPRAISAL].nominations.order_by("pk").first()
    return EligibilityVerdict.objects.filter(nomination=nomination, parent__isnull=True).order_by("pk").first()


def _override(world):
    return EligibilityOverride.objects.filter(verdict__nomination__dossier=world.dossiers[APPRAISAL]).order_by(
        "pk").first()


def _feedback(world):
    return PublicFeedback.objects.filter(nomination__dossier=world.dossiers[NOTICE]).order_by("pk").first()


def _notification(world):
    return Notification.objects.filter(recipient=world.users["ha_specialist"]).order_by("pk").first()


def _obj(name, key="pk"):
    return lambda world: ({key: world.objects[name].pk}, None)


def _session_item(world):
    session = world.objects["session"]
    return {"pk": session.pk, "item_pk": session.items.order_by("position", "pk").first().pk}, None


def _session_document(world, key="attachment_id"):
    from dossiers.models import Attachment

    session = world.objects["session"]
    attachment = Attachment.objects.filter(nomination__agenda_items__session=session).order_by("pk").first()
    return {"pk": session.pk, key: attachment.pk}, None


def _central_item(world):
    submission = world.objects["central_submission"]
    return {"pk": submission.pk, "item_pk": submission.items.order_by("pk").first().pk}, None


def _central_attachment(world):
    attachment = world.objects["central_attachment"]
    return {"pk": attachment.submission_id, "attachment_pk": attachment.pk}, None


def _decision_item(world):
    decision = world.objects["draft_decision"]
    return {"pk": decision.pk, "item_pk": decision.items.order_by("pk").first().pk}, None


def _notice_nomination(world):
    return {"nomination_id": world.dossiers[NOTICE].nominations.order_by("pk").first().pk}, world.dossiers[NOTICE].unit.code


def _generated(world):
    return {"pk": world.objects["generated_documents"]["proposal-letter"].pk}, world.dossiers[SUBMITTED].unit.code


def document_pdf(world, kind):
    """``document_pdf`` is one URL per document kind: the object each kind is tried on."""
    obj = world.objects[f"document:{kind}"]
    unit = None
    dossier = getattr(obj, "dossier", None) if kind != "proposal-letter" else obj
    if dossier is not None and kind in ("public-notice", "proposal-letter", "achievement-report"):
        unit = dossier.unit.code
    return {"kind": kind, "pk": obj.pk}, unit


UI = {
    "notification_read": lambda w: ({"pk": _notification(w).pk}, None),
    "notification_open": lambda w: ({"pk": _notification(w).pk}, None),
    "task_detail": _task(SUBMITTED, "intake"),
    "task_claim": _task(SUBMITTED, "intake"),
    "task_complete": _task(SUBMITTED, "intake"),
    "task_release": _task(APPRAISAL, "appraisal"),
    "task_reassign": _task(APPRAISAL, "appraisal"),
    "task_check_eligibility": _task(APPRAISAL, "appraisal"),
    "task_override": lambda w: ({"pk": wf.active_task(w.dossiers[APPRAISAL], "appraisal").pk,
                                 "verdict_pk": _verdict(w).pk}, None),
    "task_override_remove": lambda w: ({"pk": wf.active_task(w.dossiers[APPRAISAL], "appraisal").pk,
                                        "override_pk": _override(w).pk}, None),
    "feedback_task": lambda w: ({"feedback_pk": _feedback(w).pk}, None),
    "council_session": _obj("session"),
    "council_session_edit": _obj("session"),
    "council_agenda_add": _obj("session"),
    "council_agenda_remove": _session_item,
    "council_publish": _obj("session"),
    "council_start": _obj("session"),
    "council_attendance": _obj("session"),
    "council_open_voting": _obj("session"),
    "council_close_voting": _obj("session"),
    "council_confirm": _obj("session"),
    "council_finalise": _obj("voted_session"),
    "council_correct": _obj("voted_session"),
    "council_ballot": _obj("session"),
    "council_ballot_done": _obj("session"),
    "council_progress": _obj("session"),
    "council_written_opinion": _obj("session"),
    "council_paper_tally": _session_item,
    "council_document": _session_document,
    "council_minutes": _obj("voted_session"),
    "dossier_detail": _dossier(SUBMITTED),
    "dossier_edit": _dossier(DRAFT),
    "dossier_send_to_head": _dossier(DRAFT),
    "dossier_submit": _dossier(SENT_TO_HEAD),
    "dossier_withdraw": _dossier(SUBMITTED),
    "nomination_create": _dossier(DRAFT),
    "nomination_edit": _nomination(DRAFT),
    "nomination_delete": _nomination(DRAFT),
    "nominee_import": _dossier(DRAFT),
    "attachment_upload": _dossier(DRAFT),
    "attachment_download": _attachment(SUBMITTED),
    "attachment_delete": _attachment(DRAFT),
    "public_feedback": _notice_nomination,
    "public_feedback_thanks": _notice_nomination,
    "feedback_resolve": lambda w: ({"pk": _feedback(w).pk}, None),
    "document_progress": _generated,
    "document_status": _generated,
    "document_file": _generated,
    "certificate_test_print": _obj("certificate_layout"),
    "decision_detail": _obj("pending_decision"),
    "decision_edit": _obj("draft_decision"),
    "decision_add_items": _obj("draft_decision"),
    "decision_remove_item": _decision_item,
    "decision_check": _obj("draft_decision"),
    "decision_send_back": _obj("pending_decision"),
    "decision_sign": _obj("pending_decision"),
    "central_submission": _obj("central_submission"),
    "central_sign": _obj("central_submission"),
    "central_send": _obj("central_submission"),
    "central_receive": _obj("central_submission"),
    "central_return": _obj("central_submission"),
    "central_item_decision": _central_item,
    "central_items_received": _obj("central_submission"),
    "central_hand_over": _obj("central_submission"),
    "central_close": _obj("central_submission"),
    "central_package": _obj("central_submission"),
    "central_attachment_upload": _obj("central_submission"),
    "central_attachment": _central_attachment,
    "central_attachment_remove": _central_attachment,
}


def _api(bind, rename=None):
    """An API binding from a UI one: the schema calls every object key ``id``."""
    def api_bind(world):
        kwargs, unit = bind(world)
        kwargs = dict(kwargs)
        kwargs["id"] = kwargs.pop("pk")
        for old, new in (rename or {}).items():
            kwargs[new] = kwargs.pop(old)
        return kwargs, unit
    return api_bind


def _api_nomination(index):
    def bind(world):
        dossier = world.dossiers[index]
        return {"id": dossier.nominations.order_by("pk").first().pk}, dossier.unit.code
    return bind


def _catalogue(model):
    def bind(world):
        from dossiers.models import AwardType, DocumentType, Regulation

        models = {"regulation": Regulation, "award_type": AwardType, "document_type": DocumentType}
        return {"id": models[model].objects.order_by("pk").first().pk}, None
    return bind


def _agenda_item(world):
    return {"id": world.objects["session"].items.order_by("position", "pk").first().pk}, None


def _central_item_api(world):
    return {"id": world.objects["central_submission"].items.order_by("pk").first().pk}, None


def _public_nomination(world):
    return {"id": world.dossiers[NOTICE].nominations.order_by("pk").first().pk}, world.dossiers[NOTICE].unit.code


API = {
    "v1_agenda_items_destroy": _agenda_item,
    "v1_agenda_items_paper_tally_create": _agenda_item,
    "v1_attachments_retrieve": _api(_attachment(SUBMITTED)),
    "v1_attachments_destroy": _api(_attachment(DRAFT)),
    "v1_attachments_download_retrieve": _api(_attachment(SUBMITTED)),
    "v1_catalogue_award_types_retrieve": _catalogue("award_type"),
    "v1_catalogue_document_types_retrieve": _catalogue("document_type"),
    "v1_catalogue_regulations_retrieve": _catalogue("regulation"),
    "v1_central_attachments_retrieve": lambda w: ({"id": w.objects["central_attachment"].pk}, None),
    "v1_central_attachments_destroy": lambda w: ({"id": w.objects["central_attachment"].pk}, None),
    "v1_central_attachments_download_retrieve": lambda w: ({"id": w.objects["central_attachment"].pk}, None),
    "v1_central_items_decision_create": _central_item_api,
    "v1_council_sessions_documents_retrieve": _api(_session_document),
    "v1_council_sessions_minutes_pdf": _api(_obj("voted_session")),
    "v1_council_sessions_finalise_create": _api(_obj("voted_session")),
    "v1_council_sessions_corrections_create": _api(_obj("voted_session")),
    "v1_decisions_retrieve": _api(_obj("pending_decision")),
    "v1_decisions_partial_update": _api(_obj("draft_decision")),
    "v1_decisions_check_create": _api(_obj("draft_decision")),
    "v1_decisions_items_create": _api(_obj("draft_decision")),
    "v1_decisions_items_destroy": _api(_decision_item),
    "v1_decisions_send_back_create": _api(_obj("pending_decision")),
    "v1_decisions_sign_create": _api(_obj("pending_decision")),
    "v1_dossiers_retrieve": _api(_dossier(SUBMITTED)),
    "v1_dossiers_update": _api(_dossier(DRAFT)),
    "v1_dossiers_partial_update": _api(_dossier(DRAFT)),
    "v1_dossiers_attachments_list": _api(_dossier(SUBMITTED)),
    "v1_dossiers_attachments_create": _api(_dossier(DRAFT)),
    "v1_dossiers_eligibility_list": _api(_dossier(APPRAISAL)),
    "v1_dossiers_eligibility_check_create": _api(_dossier(APPRAISAL)),
    "v1_dossiers_history_list": _api(_dossier(SUBMITTED)),
    "v1_dossiers_import_nominees_create": _api(_dossier(DRAFT)),
    "v1_dossiers_nominations_list": _api(_dossier(SUBMITTED)),
    "v1_dossiers_nominations_create": _api(_dossier(DRAFT)),
    "v1_dossiers_process_retrieve": _api(_dossier(SUBMITTED)),
    "v1_dossiers_send_to_head_create": _api(_dossier(DRAFT)),
    "v1_dossiers_submit_create": _api(_dossier(SENT_TO_HEAD)),
    "v1_dossiers_withdraw_create": _api(_dossier(SUBMITTED)),
    "v1_eligibility_overrides_destroy": lambda w: ({"id": _override(w).pk}, None),
    "v1_eligibility_verdicts_override_create": lambda w: ({"id": _verdict(w).pk}, None),
    "v1_nominations_retrieve": _api_nomination(SUBMITTED),
    "v1_nominations_update": _api_nomination(DRAFT),
    "v1_nominations_partial_update": _api_nomination(DRAFT),
    "v1_nominations_destroy": _api_nomination(DRAFT),
    "v1_public_feedback_resolve_create": lambda w: ({"id": _feedback(w).pk}, None),
    "v1_public_nominations_retrieve": _public_nomination,
    "v1_public_nominations_feedback_create": _public_nomination,
    "v1_tasks_retrieve": _api(_task(SUBMITTED, "intake")),
    "v1_tasks_claim_create": _api(_task(SUBMITTED, "intake")),
    "v1_tasks_complete_create": _api(_task(SUBMITTED, "intake")),
    "v1_tasks_reassign_create": _api(_task(APPRAISAL, "appraisal")),
    "v1_tasks_release_create": _api(_task(APPRAISAL, "appraisal")),
    "v1_units_retrieve": lambda w: ({"id": w.units["STC"].pk}, "STC"),
}


def api_binding(operation_id: str, path: str):
    """The binding of an operation: listed above, or by its path (every council-session or central-submission
    operation on ``{id}`` is tried on the demo's published session / central submission)."""
    if operation_id in API:
        return API[operation_id]
    if path.startswith("/api/v1/council-sessions/{id}/"):
        return _api(_obj("session"))
    if path.startswith("/api/v1/central-submissions/{id}/"):
        return _api(_obj("central_submission"))
    return None

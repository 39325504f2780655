"""Home Affairs' review of a dossier: intake, return for supplement, appraisal, approval, routing.

These are the legal state changes; who works on what and by when is the
workflow's business (``workflows``), which calls these functions from its
task actions. Time limits in working days are computed there and passed in.
``actor=None`` means the system itself (a timer), which needs no permission.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import permissions
from dossiers.exceptions import DomainError, PermissionDeniedError
from dossiers.models import (
    AuditEvent,
    DocumentType,
    Dossier,
    DossierState,
    Nomination,
    NominationOutcome,
    ReturnReason,
    SupplementItem,
    SupplementRequest,
)
from dossiers.services.audit import record_event
from dossiers.services.dossiers import _save_transition, lock_dossier
from dossiers.text import nfc

REVIEWABLE = (DossierState.SUBMITTED, DossierState.UNDER_REVIEW)


def _require_reviewer(actor, dossier: Dossier) -> None:
    if actor is not None and not permissions.can_review.test(actor, dossier):
        raise PermissionDeniedError("permission_denied", _("Chỉ chuyên viên, lãnh đạo Sở Nội vụ được xử lý hồ sơ này."))


def _require_lead(actor, dossier: Dossier) -> None:
    if actor is not None and not permissions.can_route.test(actor, dossier):
        raise PermissionDeniedError("permission_denied", _("Chỉ lãnh đạo Sở Nội vụ được duyệt hồ sơ."))


def _require_state(dossier: Dossier, states, message: str) -> None:
    """``message`` is a whole sentence with a %(state)s placeholder (no sentence built from pieces)."""
    if dossier.state not in states:
        raise DomainError("invalid_state", message % {"state": dossier.get_state_display()})


def _reason(text: str, message: str) -> str:
    text = nfc(text) or ""
    if not text:
        raise DomainError("reason_required", message)
    return text


@transaction.atomic
def accept_for_review(*, actor, dossier: Dossier) -> Dossier:
    """Intake found the dossier complete: it goes on to appraisal."""
    dossier = lock_dossier(dossier)
    _require_state(dossier, (DossierState.SUBMITTED,),
                   _("Hồ sơ đang ở trạng thái “%(state)s”, không tiếp nhận được."))
    _require_reviewer(actor, dossier)
    dossier.start_review()
    _save_transition(dossier)
    record_event(actor=actor, action="dossier.accepted", obj=dossier, dossier=dossier,
                 before={"state": DossierState.SUBMITTED}, after={"state": dossier.state},
                 message=_("Tiếp nhận hồ sơ, chuyển thẩm định"))
    return dossier


@dataclass(frozen=True)
class ItemInput:
    """One thing to supplement: a reason code, optionally a nomination or a document, and free text."""

    reason: str
    text: str = ""
    nomination_id: int | None = None
    document_type: str | None = None


@transaction.atomic
def return_for_supplement(*, actor, dossier: Dossier, items: list[ItemInput], note: str,
                          due_on: datetime.date) -> SupplementRequest:
    """Return the dossier to its unit with what must be supplemented, by ``due_on``."""
    dossier = lock_dossier(dossier)
    _require_state(dossier, REVIEWABLE, _("Hồ sơ đang ở trạng thái “%(state)s”, không trả lại được."))
    _require_reviewer(actor, dossier)
    note = nfc(note) or ""
    if not items and not note:
        raise DomainError("reason_required", _("Hãy nêu ít nhất một nội dung cần bổ sung."))
    reasons = {r.code: r for r in ReturnReason.objects.filter(code__in={i.reason for i in items})}
    nominations = {n.pk: n for n in dossier.nominations.select_related("person", "collective")}
    doc_types = {d.code: d for d in DocumentType.objects.filter(code__in={i.document_type for i in items if i.document_type})}
    rows, lines = [], []
    for index, item in enumerate(items, start=1):
        reason = reasons.get(item.reason)
        if reason is None:
            raise DomainError("invalid", _("Nội dung %(n)d: lý do “%(code)s” không có trong danh mục.")
                              % {"n": index, "code": item.reason})
        nomination = nominations.get(item.nomination_id) if item.nomination_id else None
        if item.nomination_id and nomination is None:
            raise DomainError("invalid", _("Nội dung %(n)d: đề nghị không thuộc hồ sơ này.") % {"n": index})
        doc_type = doc_types.get(item.document_type) if item.document_type else None
        if item.document_type and doc_type is None:
            raise DomainError("invalid", _("Nội dung %(n)d: loại tài liệu không hợp lệ.") % {"n": index})
        text = nfc(item.text) or ""
        rows.append(SupplementItem(reason=reason, nomination=nomination, document_type=doc_type, text=text))
        target = " – ".join(x for x in (nomination.subject_name if nomination else "",
                                          doc_type.name if doc_type else "") if x)
        lines.append("; ".join(x for x in (reason.name, target, text) if x))
    if due_on < timezone.localdate():
        raise DomainError("invalid", _("Hạn bổ sung không được trước hôm nay."))
    number = (dossier.supplement_requests.aggregate(n=Max("number"))["n"] or 0) + 1
    mark = AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0
    request = SupplementRequest.objects.create(dossier=dossier, number=number, note=note, due_on=due_on,
                                               created_by=actor, audit_mark=mark)
    for row in rows:
        row.request = request
    SupplementItem.objects.bulk_create(rows)
    summary = "\n".join([note, *lines]).strip()
    before = dossier.state
    dossier.return_for_supplement(reason=summary)
    _save_transition(dossier)
    for nomination in dossier.nominations.filter(outcome__in=[NominationOutcome.ELIGIBLE, NominationOutcome.INELIGIBLE]):
        nomination.reopen()
        nomination.save()
    dossier.appraised_by, dossier.appraised_at = None, None
    dossier.save(update_fields=["appraised_by", "appraised_at"])
    record_event(actor=actor, action="dossier.returned", obj=dossier, dossier=dossier,
                 before={"state": before},
                 after={"state": dossier.state, "return_count": dossier.return_count, "due_on": due_on,
                        "items": lines, "note": note},
                 message=_("Trả lại để bổ sung (lần %(n)d)") % {"n": number})
    return request


def mark_supplement_resolved(dossier: Dossier) -> None:
    """Called when the unit resubmits: the open request is answered."""
    dossier.supplement_requests.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())


@transaction.atomic
def reject_dossier(*, actor, dossier: Dossier, reason: str) -> Dossier:
    """Refuse the dossier altogether; the unit sees the reason."""
    dossier = lock_dossier(dossier)
    _require_state(dossier, REVIEWABLE, _("Hồ sơ đang ở trạng thái “%(state)s”, không từ chối được."))
    _require_reviewer(actor, dossier)
    reason = _reason(reason, _("Hãy nêu lý do không chấp nhận hồ sơ."))
    before = dossier.state
    dossier.reject(reason=reason)
    _save_transition(dossier)
    for nomination in dossier.nominations.exclude(outcome=NominationOutcome.WITHDRAWN):
        if nomination.outcome != NominationOutcome.INELIGIBLE:
            nomination.mark_ineligible()
            nomination.save()
    record_event(actor=actor, action="dossier.rejected", obj=dossier, dossier=dossier,
                 before={"state": before}, after={"state": dossier.state, "reason": reason},
                 message=_("Không chấp nhận hồ sơ"))
    return dossier


@dataclass(frozen=True)
class AppraisalInput:
    nomination_id: int
    eligible: bool
    note: str = ""


@transaction.atomic
def record_appraisal(*, actor, dossier: Dossier, decisions: list[AppraisalInput]) -> Dossier:
    """The specialist's conclusion on every nomination: eligible or not, with a note.

    A nomination whose eligibility check failed can be found eligible only when
    every failed criterion carries a written override.
    """
    from dossiers.services.eligibility import effective_result, stored_verdicts

    dossier = lock_dossier(dossier)
    _require_state(dossier, (DossierState.UNDER_REVIEW,),
                   _("Hồ sơ đang ở trạng thái “%(state)s”, không thẩm định được."))
    _require_reviewer(actor, dossier)
    nominations = {n.pk: n for n in dossier.nominations.exclude(outcome=NominationOutcome.WITHDRAWN)
                   .select_related("person", "collective", "award_type")}
    given = {d.nomination_id: d for d in decisions}
    missing = [n.subject_name for pk, n in nominations.items() if pk not in given]
    if missing:
        raise DomainError("appraisal_incomplete", _("Chưa có kết luận cho: %(names)s.") % {"names": ", ".join(missing)})
    unknown = set(given) - set(nominations)
    if unknown:
        raise DomainError("invalid", _("Có kết luận cho đề nghị không thuộc hồ sơ này."))
    verdicts = stored_verdicts(dossier)
    summary = {}
    for pk, nomination in nominations.items():
        decision = given[pk]
        note = nfc(decision.note) or ""
        if decision.eligible:
            result = effective_result(verdicts.get(pk, []))
            if not verdicts.get(pk):
                raise DomainError("eligibility_not_checked",
                                  _("Chưa kiểm tra điều kiện cho %(name)s.") % {"name": nomination.subject_name})
            if result != "pass":
                raise DomainError(
                    "eligibility_failed",
                    _("%(name)s chưa đạt tiêu chuẩn: hãy ghi lý do chấp nhận từng tiêu chuẩn không đạt, "
                      "hoặc kết luận không đủ điều kiện.") % {"name": nomination.subject_name},
                )
            nomination.mark_eligible()
        else:
            if not note:
                raise DomainError("reason_required", _("Hãy ghi lý do %(name)s không đủ điều kiện.")
                                  % {"name": nomination.subject_name})
            nomination.mark_ineligible()
        nomination.appraisal_note = note
        nomination.save()
        summary[nomination.subject_name] = nomination.outcome
    dossier.appraised_by, dossier.appraised_at = actor, timezone.now()
    dossier.save(update_fields=["appraised_by", "appraised_at"])
    record_event(actor=actor, action="dossier.appraised", obj=dossier, dossier=dossier, after=summary,
                 message=_("Thẩm định các đề nghị"))
    return dossier


def eligible_nominations(dossier: Dossier) -> list[Nomination]:
    return list(dossier.nominations.filter(outcome=NominationOutcome.ELIGIBLE).select_related("award_type"))


def route_for(dossier: Dossier) -> str:
    """Where an approved dossier goes: public notice, council, decision, or nowhere."""
    eligible = eligible_nominations(dossier)
    if not eligible:
        return DossierState.CLOSED
    if dossier.state == DossierState.UNDER_REVIEW and any(n.award_type.public_notice_required for n in eligible):
        return DossierState.PUBLIC_NOTICE
    if any(n.award_type.vote_required for n in eligible):
        return DossierState.AWAITING_COUNCIL
    return DossierState.AWAITING_DECISION


@transaction.atomic
def approve(*, actor, dossier: Dossier, notice_starts_on: datetime.date | None = None,
            notice_ends_on: datetime.date | None = None) -> Dossier:
    """The HA lead approves the appraisal; the dossier moves on by its nominations' awards.

    The lead who approves may not be the specialist who appraised.
    """
    dossier = lock_dossier(dossier)
    _require_state(dossier, (DossierState.UNDER_REVIEW,),
                   _("Hồ sơ đang ở trạng thái “%(state)s”, không duyệt được."))
    _require_lead(actor, dossier)
    if dossier.appraised_by_id is None:
        raise DomainError("not_appraised", _("Hồ sơ chưa được thẩm định."))
    if actor is not None and dossier.appraised_by_id == actor.pk:
        raise PermissionDeniedError("separation_of_duties",
                                    _("Người đã thẩm định hồ sơ không được tự duyệt hồ sơ đó."))
    dossier.approved_by, dossier.approved_at = actor, timezone.now()
    dossier.save(update_fields=["approved_by", "approved_at"])
    destination = route_for(dossier)
    if destination == DossierState.PUBLIC_NOTICE:
        if notice_starts_on is None or notice_ends_on is None:
            raise DomainError("invalid", _("Thiếu thời gian công khai."))
        from dossiers.services.notice import open_public_notice

        open_public_notice(actor=actor, dossier=dossier, starts_on=notice_starts_on, ends_on=notice_ends_on)
        dossier = Dossier.objects.get(pk=dossier.pk)
    else:
        _move_on(actor=actor, dossier=dossier, destination=destination)
    record_event(actor=actor, action="dossier.approved", obj=dossier, dossier=dossier,
                 after={"state": dossier.state, "eligible": len(eligible_nominations(dossier))},
                 message=_("Lãnh đạo Sở duyệt kết quả thẩm định"))
    return dossier


def _move_on(*, actor, dossier: Dossier, destination: str) -> None:
    before = dossier.state
    method = {
        DossierState.AWAITING_COUNCIL: dossier.send_to_council,
        DossierState.AWAITING_DECISION: dossier.send_to_decision,
        DossierState.CLOSED: dossier.close_without_award,
    }[destination]
    method()
    _save_transition(dossier)
    messages = {
        DossierState.AWAITING_COUNCIL: _("Chuyển chờ Hội đồng xét"),
        DossierState.AWAITING_DECISION: _("Chuyển chờ quyết định khen thưởng"),
        DossierState.CLOSED: _("Kết thúc: không có đề nghị nào đủ điều kiện"),
    }
    record_event(actor=actor, action="dossier.routed", obj=dossier, dossier=dossier,
                 before={"state": before}, after={"state": dossier.state}, message=messages[destination])


@transaction.atomic
def send_back_to_appraisal(*, actor, dossier: Dossier, note: str) -> Dossier:
    """The lead does not approve yet: the specialist appraises again."""
    dossier = lock_dossier(dossier)
    _require_state(dossier, (DossierState.UNDER_REVIEW,),
                   _("Hồ sơ đang ở trạng thái “%(state)s”, không trả lại thẩm định được."))
    _require_lead(actor, dossier)
    note = _reason(note, _("Hãy nêu nội dung cần thẩm định lại."))
    dossier.appraised_by, dossier.appraised_at = None, None
    dossier.save(update_fields=["appraised_by", "appraised_at"])
    record_event(actor=actor, action="dossier.sent_back", obj=dossier, dossier=dossier, after={"note": note},
                 message=_("Lãnh đạo yêu cầu thẩm định lại"))
    return dossier


@transaction.atomic
def finish_public_notice(*, actor, dossier: Dossier) -> Dossier:
    """After the notice period and its feedback: on to the council or the decision."""
    from dossiers.services.notice import close_public_notice

    dossier = lock_dossier(dossier)
    _require_state(dossier, (DossierState.PUBLIC_NOTICE,),
                   _("Hồ sơ đang ở trạng thái “%(state)s”, không kết thúc công khai được."))
    close_public_notice(actor=actor, dossier=dossier)
    dossier = lock_dossier(dossier)
    _move_on(actor=actor, dossier=dossier, destination=route_for(dossier))
    return dossier


def changes_since_return(dossier: Dossier) -> list[AuditEvent]:
    """What the unit changed between the latest return and now (for Home Affairs)."""
    request = dossier.supplement_requests.order_by("-number").first()
    if request is None:
        return []
    return list(AuditEvent.objects.filter(dossier_id_ref=dossier.pk, id__gt=request.audit_mark)
                .exclude(action__in=["dossier.returned"]).order_by("id"))

"""Forwarding to the central level and tracking it to the end.

drafted -> signed (TTr-UBND numbered) -> sent -> received by the Ministry
-> (returned for supplement -> sent again) -> decided per item -> award items
received -> handed over -> closed. Granted items become award records like
provincial ones; when every forwarded nomination of a dossier is decided the
dossier closes and its review process ends.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from dossiers.documents.numbering import allocate_number
from dossiers.exceptions import ConflictError, DomainError, PermissionDeniedError
from dossiers.models import (
    Authority,
    AwardRecord,
    CentralAttachment,
    CentralItem,
    CentralItemStatus,
    CentralState,
    CentralSubmission,
    Dossier,
    DossierState,
    Nomination,
    NominationOutcome,
    Source,
)
from dossiers.models.central import central_attachment_path
from dossiers.models.users import Role
from dossiers.services.attachments import check_upload, delete_files_on_commit, store_checked
from dossiers.services.audit import record_event
from dossiers.services.dossiers import _save_transition, lock_dossier
from dossiers.services.signers import signer_capacity_of
from dossiers.text import clean_line

PROVINCE_ISSUER = "UBND"
CENTRAL_AUTHORITIES = (Authority.PRIME_MINISTER, Authority.PRESIDENT)
# Who drafts a submission (Home Affairs, the central liaison among them).
CREATE_ROLES = (Role.HA_SPECIALIST, Role.HA_LEAD, Role.CENTRAL_LIAISON)


def _in_province(user, province) -> bool:
    return user.unit is not None and user.unit.province_id == province.pk


def _require(actor, province, roles, message):
    if not (actor.has_role(*roles) and _in_province(actor, province)):
        raise PermissionDeniedError("permission_denied", message)


def _lock(submission: CentralSubmission) -> CentralSubmission:
    return CentralSubmission.objects.select_for_update().select_related("province").get(pk=submission.pk)


def _save(submission: CentralSubmission) -> None:
    try:
        submission.save()
    except ConcurrentTransition:
        raise ConflictError("conflict", _("Hồ sơ trình vừa được người khác thay đổi. Hãy tải lại trang.")) from None


def _state(submission, states, message):
    if submission.state not in states:
        raise DomainError("invalid_state", message % {"state": submission.get_state_display()})


def forwardable(*, province) -> QuerySet[Nomination]:
    """Forwarded nominations (agreed by the Chairman) not yet in a submission."""
    taken = CentralItem.objects.values("nomination_id")
    return (
        Nomination.objects.filter(dossier__unit__province=province, outcome=NominationOutcome.FORWARDED)
        .exclude(pk__in=taken)
        .select_related("award_type", "dossier", "dossier__unit", "person", "collective")
        .order_by("award_type__rank", "dossier__unit__name_key", "person__sort_key", "collective__sort_key", "id")
    )


@transaction.atomic
def create_submission(*, actor, province, title: str, nominations) -> CentralSubmission:
    _require(actor, province, CREATE_ROLES, _("Chỉ Sở Nội vụ được lập hồ sơ trình Trung ương."))
    title = clean_line(title)
    if not title:
        raise DomainError("invalid", _("Hãy nhập trích yếu của tờ trình."))
    wanted = [n.pk for n in nominations]
    ready = {n.pk: n for n in forwardable(province=province).filter(pk__in=wanted)}
    if not wanted or len(ready) != len(wanted):
        raise DomainError("not_ready", _("Chỉ đưa vào được các đề nghị đã được Chủ tịch UBND tỉnh đồng ý trình cấp "
                                         "trên và chưa có trong hồ sơ trình khác."))
    submission = CentralSubmission.objects.create(province=province, title=title, created_by=actor)
    CentralItem.objects.bulk_create(
        CentralItem(submission=submission, nomination=ready[pk], position=index)
        for index, pk in enumerate(wanted, start=1)
    )
    record_event(actor=actor, action="central.drafted", obj=submission, after={"title": title, "items": len(wanted)},
                 message=_("Lập hồ sơ trình Trung ương"))
    return submission


@transaction.atomic
def sign_submission(*, actor, submission: CentralSubmission, capacity: str | None = None,
                    signed_on: datetime.date | None = None) -> CentralSubmission:
    """The Chairman (or a Vice-Chairman for him) signs the TTr-UBND, in the capacity set on his account."""
    submission = _lock(submission)
    _require(actor, submission.province, (Role.SIGNER,), _("Chỉ Chủ tịch, Phó Chủ tịch UBND tỉnh ký tờ trình."))
    _state(submission, (CentralState.DRAFTED,), _("Hồ sơ trình đang ở bước “%(state)s”, không ký được."))
    capacity = signer_capacity_of(actor, capacity)
    day = signed_on or timezone.localdate()
    number = allocate_number(scope=submission.province.code, issuer=PROVINCE_ISSUER, type_code="TTr", year=day.year,
                             object_type="dossiers.centralsubmission", object_id=str(submission.pk))
    submission.number, submission.signed_on = number.symbol, day
    submission.signed_by, submission.signer_capacity = actor, capacity
    submission.sign()
    _save(submission)
    record_event(actor=actor, action="central.signed", obj=submission,
                 after={"number": submission.number, "date": day, "capacity": capacity},
                 message=_("Ký Tờ trình số %(number)s") % {"number": submission.number})
    return submission


LIAISON_ROLES = (Role.CENTRAL_LIAISON, Role.HA_LEAD, Role.HA_SPECIALIST)


@transaction.atomic
def record_sent(*, actor, submission, sent_on: datetime.date, channel: str, dispatch_number: str):
    submission = _lock(submission)
    _require(actor, submission.province, LIAISON_ROLES, _("Chỉ cán bộ theo dõi Trung ương cập nhật hồ sơ trình."))
    _state(submission, (CentralState.SIGNED, CentralState.RETURNED),
           _("Hồ sơ trình đang ở bước “%(state)s”, không ghi nhận gửi được."))
    channel, dispatch_number = clean_line(channel), clean_line(dispatch_number)
    if not channel or not dispatch_number:
        raise DomainError("invalid", _("Hãy nhập hình thức gửi và số công văn, mã hồ sơ gửi."))
    submission.sent_on, submission.channel, submission.dispatch_number = sent_on, channel, dispatch_number
    resend = submission.state == CentralState.RETURNED
    after = {"sent_on": sent_on, "channel": channel, "dispatch_number": dispatch_number}
    if resend:  # what this sending adds to the Ministry's copy: the files supplemented since the return
        after["supplements"] = [f"{a.label}: {a.original_name}" for a in submission.attachments.filter(
            return_round=submission.return_count).order_by("id")]
    submission.send()
    _save(submission)
    record_event(actor=actor, action="central.resent" if resend else "central.sent", obj=submission, after=after,
                 message=_("Gửi lại hồ sơ sau bổ sung") if resend else _("Gửi hồ sơ đến Bộ Nội vụ"))
    return submission


@transaction.atomic
def record_received(*, actor, submission, received_on: datetime.date):
    submission = _lock(submission)
    _require(actor, submission.province, LIAISON_ROLES, _("Chỉ cán bộ theo dõi Trung ương cập nhật hồ sơ trình."))
    _state(submission, (CentralState.SENT,), _("Hồ sơ trình đang ở bước “%(state)s”, không ghi nhận tiếp nhận được."))
    submission.received_on = received_on
    submission.receive()
    _save(submission)
    record_event(actor=actor, action="central.received", obj=submission, after={"received_on": received_on},
                 message=_("Bộ Nội vụ tiếp nhận hồ sơ"))
    return submission


@transaction.atomic
def record_returned(*, actor, submission, returned_on: datetime.date, reason: str):
    submission = _lock(submission)
    _require(actor, submission.province, LIAISON_ROLES, _("Chỉ cán bộ theo dõi Trung ương cập nhật hồ sơ trình."))
    _state(submission, (CentralState.SENT, CentralState.RECEIVED),
           _("Hồ sơ trình đang ở bước “%(state)s”, không ghi nhận trả lại được."))
    reason = clean_line(reason)
    if not reason:
        raise DomainError("reason_required", _("Hãy ghi lý do Bộ Nội vụ trả lại."))
    submission.returned_on, submission.return_reason = returned_on, reason
    submission.return_for_supplement()
    _save(submission)
    record_event(actor=actor, action="central.returned", obj=submission, after={"reason": reason},
                 message=_("Bộ Nội vụ trả lại hồ sơ để bổ sung"))
    return submission


@transaction.atomic
def record_item_decision(*, actor, item: CentralItem, granted: bool, authority: str = "", decision_number: str = "",
                         decision_date: datetime.date | None = None, reason: str = "") -> CentralItem:
    """The Prime Minister or the President decided one nomination (granted with the decision, or declined)."""
    from dossiers.signals import central_decided

    submission = _lock(item.submission)
    _require(actor, submission.province, LIAISON_ROLES, _("Chỉ cán bộ theo dõi Trung ương cập nhật kết quả."))
    _state(submission, (CentralState.RECEIVED, CentralState.DECIDED),
           _("Hồ sơ trình đang ở bước “%(state)s”, chưa ghi kết quả được."))
    item = CentralItem.objects.select_for_update(of=("self",)).select_related(
        "nomination", "nomination__award_type", "nomination__dossier", "nomination__person",
        "nomination__collective").get(pk=item.pk)
    if item.status != CentralItemStatus.PENDING:
        raise ConflictError("already_decided", _("Đề nghị này đã có kết quả."))
    nomination = item.nomination
    if granted:
        authority = authority or nomination.award_type.authority
        if authority not in CENTRAL_AUTHORITIES:
            raise DomainError("invalid", _("Cấp quyết định phải là Thủ tướng Chính phủ hoặc Chủ tịch nước."))
        decision_number = clean_line(decision_number)
        if not decision_number or decision_date is None:
            raise DomainError("invalid", _("Hãy nhập số và ngày quyết định khen thưởng."))
        item.status, item.deciding_authority = CentralItemStatus.GRANTED, authority
        item.decision_number, item.decision_date = decision_number, decision_date
        nomination.grant()
        AwardRecord.objects.create(
            person=nomination.person, collective=nomination.collective, award_type=nomination.award_type,
            award_code=nomination.award_type.code, award_name=nomination.award_type.name,
            year=nomination.dossier.year, kind=nomination.dossier.kind, decision_number=decision_number,
            decision_date=decision_date, decided_by=str(Authority(authority).label), nomination=nomination,
            source=Source.SYSTEM,
        )
    else:
        reason = clean_line(reason)
        if not reason:
            raise DomainError("reason_required", _("Hãy ghi lý do không được khen thưởng."))
        item.status, item.reason = CentralItemStatus.DECLINED, reason
        nomination.decline()
    item.save()
    nomination.save()
    if submission.state == CentralState.RECEIVED:
        submission.mark_decided()
        submission.decided_on = timezone.localdate()
        _save(submission)
    record_event(actor=actor, action="central.item_decided", obj=submission, dossier=nomination.dossier,
                 after={"nominee": nomination.subject_name, "granted": granted, "decision_number": decision_number,
                        "reason": reason},
                 message=_("Kết quả của Trung ương: %(name)s") % {"name": nomination.subject_name})
    dossier = lock_dossier(nomination.dossier)
    if dossier.state == DossierState.FORWARDED and not dossier.nominations.filter(
            outcome=NominationOutcome.FORWARDED).exists():
        dossier.close()
        _save_transition(dossier)
        record_event(actor=actor, action="dossier.closed", obj=dossier, dossier=dossier,
                     before={"state": DossierState.FORWARDED}, after={"state": dossier.state},
                     message=_("Đã có kết quả của Trung ương cho mọi đề nghị"))
        central_decided.send(sender=Dossier, dossier=dossier)
    return item


def _advance(actor, submission, *, method: str, states, date_field: str, day, action: str, message: str):
    submission = _lock(submission)
    _require(actor, submission.province, LIAISON_ROLES, _("Chỉ cán bộ theo dõi Trung ương cập nhật hồ sơ trình."))
    _state(submission, states, _("Hồ sơ trình đang ở bước “%(state)s”, không chuyển tiếp được."))
    if submission.items.filter(status=CentralItemStatus.PENDING).exists():
        raise DomainError("items_pending", _("Còn đề nghị chưa có kết quả của Trung ương."))
    setattr(submission, date_field, day)
    getattr(submission, method)()
    _save(submission)
    record_event(actor=actor, action=action, obj=submission, after={date_field: day}, message=message)
    return submission


@transaction.atomic
def record_items_received(*, actor, submission, received_on: datetime.date):
    return _advance(actor, submission, method="receive_items", states=(CentralState.DECIDED,),
                    date_field="items_received_on", day=received_on, action="central.items_received",
                    message=_("Nhận hiện vật khen thưởng từ Trung ương"))


@transaction.atomic
def record_handed_over(*, actor, submission, handed_over_on: datetime.date):
    return _advance(actor, submission, method="hand_over", states=(CentralState.ITEMS_RECEIVED,),
                    date_field="handed_over_on", day=handed_over_on, action="central.handed_over",
                    message=_("Trao khen thưởng cho người, tập thể được khen"))


@transaction.atomic
def close_submission(*, actor, submission, closed_on: datetime.date | None = None):
    return _advance(actor, submission, method="close", states=(CentralState.HANDED_OVER, CentralState.DECIDED),
                    date_field="closed_on", day=closed_on or timezone.localdate(), action="central.closed",
                    message=_("Kết thúc theo dõi hồ sơ trình Trung ương"))


# --------------------------------------------------------------------------- supplementary documents

# A file joins the submission itself while the province still holds it: with the first package (drafted,
# signed), or to answer the Ministry's return (returned), before it is sent (again).
SUPPLEMENT_STATES = (CentralState.DRAFTED, CentralState.SIGNED, CentralState.RETURNED)


def current_round(submission: CentralSubmission) -> int:
    """Which sending a file added now goes with: 0 the first, ``n`` the one answering the n-th return."""
    return submission.return_count if submission.state == CentralState.RETURNED else 0


@transaction.atomic
def add_central_attachment(*, actor, submission: CentralSubmission, label: str, uploaded_file,
                           nomination: Nomination | None = None) -> CentralAttachment:
    """Add a document to the submission (e.g. the tax office's confirmation the Ministry asked for).

    The file is checked exactly as a dossier's documents are (``check_upload``), stored under a random name,
    and its SHA-256 kept; the export package carries it and the manifest its checksum.
    """
    submission = _lock(submission)
    _require(actor, submission.province, LIAISON_ROLES,
             _("Chỉ cán bộ theo dõi Trung ương và Sở Nội vụ thêm tài liệu cho hồ sơ trình."))
    _state(submission, SUPPLEMENT_STATES,
           _("Hồ sơ trình đang ở bước “%(state)s”: chỉ thêm tài liệu khi hồ sơ đang soạn, đã ký nhưng chưa gửi, "
             "hoặc khi Bộ Nội vụ trả lại để bổ sung."))
    label = clean_line(label)
    if not label:
        raise DomainError("label_required", _("Hãy ghi tên tài liệu, ví dụ: Xác nhận của cơ quan thuế."))
    if nomination is not None and not submission.items.filter(nomination=nomination).exists():
        raise DomainError("invalid", _("Đề nghị không có trong hồ sơ trình này."))
    checked = check_upload(uploaded_file, province=submission.province)
    round_ = current_round(submission)

    def create(stored_name: str) -> CentralAttachment:
        attachment = CentralAttachment.objects.create(
            submission=submission, nomination=nomination, label=label, file=stored_name,
            original_name=checked.original_name, content_type=checked.content_type, size=checked.size,
            sha256=checked.sha256, return_round=round_, uploaded_by=actor,
        )
        record_event(actor=actor, action="central.attachment_added", obj=submission,
                     after={"label": label, "name": checked.original_name, "size": checked.size,
                            "sha256": checked.sha256, "return_round": round_,
                            "nominee": nomination.subject_name if nomination is not None else ""},
                     message=(_("Bổ sung tài liệu theo lần trả lại thứ %(round)d") % {"round": round_}) if round_
                     else _("Thêm tài liệu vào hồ sơ trình"))
        return attachment

    return store_checked(uploaded_file, central_attachment_path(None, checked.original_name), create)


@transaction.atomic
def remove_central_attachment(*, actor, attachment: CentralAttachment) -> None:
    """Remove a document added by mistake, while it has not gone to the Ministry yet."""
    submission = _lock(attachment.submission)
    _require(actor, submission.province, LIAISON_ROLES,
             _("Chỉ cán bộ theo dõi Trung ương và Sở Nội vụ thêm tài liệu cho hồ sơ trình."))
    _state(submission, SUPPLEMENT_STATES,
           _("Hồ sơ trình đang ở bước “%(state)s”: tài liệu đã gửi Bộ Nội vụ, không xóa được."))
    if attachment.return_round != current_round(submission):
        raise DomainError("already_sent", _("Tài liệu “%(name)s” đã gửi Bộ Nội vụ cùng hồ sơ, không xóa được.")
                          % {"name": attachment.original_name})
    record_event(actor=actor, action="central.attachment_removed", obj=submission,
                 before={"label": attachment.label, "name": attachment.original_name, "sha256": attachment.sha256,
                         "return_round": attachment.return_round},
                 message=_("Xóa tài liệu “%(name)s” khỏi hồ sơ trình") % {"name": attachment.original_name})
    name = attachment.file.name
    attachment.delete()
    delete_files_on_commit([name])

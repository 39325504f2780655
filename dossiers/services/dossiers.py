"""The unit's side of a dossier: draft, nominees, hand-over, submission, withdrawal.

Every function takes keyword arguments and an explicit ``actor``, runs in one
transaction, refuses with a ``DomainError`` carrying a Vietnamese message, and
writes an audit event for what it changed.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, has_transition_perm

from dossiers import permissions
from dossiers.exceptions import ConflictError, DomainError, PermissionDeniedError
from dossiers.models import (
    AwardType,
    Collective,
    CollectiveKind,
    Dossier,
    DossierState,
    Nomination,
    Person,
    Regulation,
    SubjectKind,
)
from dossiers.models.dossier import WITHDRAWABLE_STATES
from dossiers.requirements import missing_documents
from dossiers.services.audit import record_event
from dossiers.text import clean_line, fold, nfc

DOSSIER_FIELDS = ("kind", "year", "title", "movement_id")


def _require(predicate, user, obj, message):
    if not predicate.test(user, obj):
        raise PermissionDeniedError("permission_denied", message)


def lock_dossier(dossier: Dossier) -> Dossier:
    """Re-read the dossier under a row lock (a real lock on PostgreSQL)."""
    return Dossier.objects.select_for_update().select_related("unit", "unit__province").get(pk=dossier.pk)


def _snapshot(dossier: Dossier) -> dict:
    return {
        "kind": dossier.kind,
        "year": dossier.year,
        "title": dossier.title,
        "movement_id": dossier.movement_id,
        "state": dossier.state,
    }


# Separation of duties after the hand-over.
#
# Rule: sending a dossier to the head certifies its content as it stands. Any
# later change to that content (header details, nominations, attachments, an
# imported list), by anyone, the clerk who sent it included, cancels the
# hand-over: a clerk must check the dossier and send it to the head again
# before the head can submit it. So the head always submits exactly what a
# clerk handed over, and a user holding both roles who changes a dossier that
# someone else handed over becomes its preparer when resending it, and may not
# submit it himself (unless the unit allows one person to prepare and submit).

HANDOVER_CANCELLED = "dossier.handover_cancelled"


def cancel_handover(*, actor, dossier: Dossier) -> bool:
    """Cancel the hand-over of a dossier whose content ``actor`` has just changed.

    Called by every service that changes a dossier's content, inside its
    transaction, with the dossier already locked. Returns whether there was a
    hand-over to cancel.
    """
    if dossier.prepared_at is None:
        return False
    before = {"prepared_by": dossier.prepared_by_id}
    dossier.prepared_by, dossier.prepared_at = None, None
    dossier.save(update_fields=["prepared_by", "prepared_at", "updated_at"])
    # The change itself is the event just before this one in the dossier's history.
    record_event(actor=actor, action=HANDOVER_CANCELLED, obj=dossier, dossier=dossier,
                 before=before, after={"prepared_by": None},
                 message=_("Hồ sơ được sửa sau khi chuyển thủ trưởng: cần chuyển lại"))
    return True


def not_handed_over_message(dossier: Dossier) -> str:
    """Why a dossier without a hand-over cannot be submitted, naming a cancelling change if there was one."""
    from dossiers.models import AuditEvent

    last = (
        AuditEvent.objects.filter(dossier_id_ref=dossier.pk,
                                  action__in=[HANDOVER_CANCELLED, "dossier.sent_to_head", "dossier.returned"])
        .order_by("-id").first()
    )
    if last is not None and last.action == HANDOVER_CANCELLED:
        return _("Hồ sơ đã được %(name)s sửa lúc %(time)s, sau khi chuyển thủ trưởng; mọi thay đổi sau khi "
                 "chuyển đều hủy lần chuyển đó. Cán bộ TĐKT phải kiểm tra và chuyển lại hồ sơ thì thủ trưởng "
                 "mới trình được.") % {
            "name": last.actor_name or "?",
            "time": timezone.localtime(last.occurred_at).strftime("%H:%M %d/%m/%Y"),
        }
    return _("Hồ sơ chưa được cán bộ TĐKT chuyển cho thủ trưởng.")


def separation_message(dossier: Dossier) -> str:
    """Why ``separation_respected`` fails for this dossier, in words for the head."""
    if dossier.prepared_by_id is None:
        return not_handed_over_message(dossier)
    return _("Người chuyển hồ sơ không được tự trình hồ sơ đó "
             "(đơn vị không cho phép một người vừa lập vừa trình).")


def refresh_search_text(dossier: Dossier) -> None:
    """Keep the folded text that list search matches: title, unit, nominees."""
    names = [
        person or collective
        for person, collective in dossier.nominations.values_list("person__full_name", "collective__name")
    ]
    text = " | ".join([fold(dossier.title), fold(dossier.unit.name), *(fold(n) for n in names)])
    Dossier.objects.filter(pk=dossier.pk).update(search_text=text)


def proposable_award_types(*, kind: str, day=None):
    """Award types a unit may propose to the province for ``kind`` on ``day``.

    Awards a unit head decides alone are not proposed upward; they are entered
    as history instead.
    """
    regulation = Regulation.objects.in_force_on(day or timezone.localdate())
    return [
        award
        for award in regulation.award_types.filter(is_active=True).exclude(authority="unit_head")
        if kind in (award.kinds or [])
    ]


def _validate_header(*, kind, year, title, movement):
    errors = []
    if not clean_line(title):
        errors.append({"field": "title", "message": _("Trích yếu không được để trống.")})
    current = timezone.localdate().year
    if not isinstance(year, int) or year < 2000 or year > current + 1:
        errors.append({"field": "year", "message": _("Năm thành tích không hợp lệ.")})
    if kind == "thematic" and movement is None:
        errors.append({"field": "movement", "message": _("Khen thưởng chuyên đề phải chọn phong trào thi đua.")})
    if errors:
        raise DomainError("invalid", errors[0]["message"], details=errors)


@transaction.atomic
def create_dossier(*, actor, unit, kind: str, year: int, title: str, movement=None) -> Dossier:
    if not (permissions.has_unit_role.test(actor) and unit.pk in permissions.acting_unit_ids(actor)):
        raise PermissionDeniedError("permission_denied", _("Bạn không được lập hồ sơ cho đơn vị này."))
    if unit.is_merged:
        raise DomainError("unit_merged", _("Đơn vị đã hợp nhất vào %(unit)s; hãy lập hồ sơ cho đơn vị kế thừa.")
                          % {"unit": unit.successor})
    _validate_header(kind=kind, year=year, title=title, movement=movement)
    dossier = Dossier.objects.create(
        unit=unit, kind=kind, year=year, title=clean_line(title), movement=movement, created_by=actor
    )
    record_event(actor=actor, action="dossier.created", obj=dossier, dossier=dossier,
                 after=_snapshot(dossier), message=_("Lập hồ sơ"))
    refresh_search_text(dossier)
    return dossier


@transaction.atomic
def update_dossier(*, actor, dossier: Dossier, kind: str, year: int, title: str, movement=None) -> Dossier:
    dossier = lock_dossier(dossier)
    _require(permissions.can_edit, actor, dossier, _("Hồ sơ không còn sửa được hoặc bạn không có quyền sửa."))
    _validate_header(kind=kind, year=year, title=title, movement=movement)
    if kind != dossier.kind and dossier.nominations.exists():
        allowed = {a.code for a in proposable_award_types(kind=kind)}
        wrong = dossier.nominations.exclude(award_type__code__in=allowed).select_related("award_type")
        if wrong.exists():
            raise DomainError("kind_mismatch", _("Không đổi được loại hình: %(award)s không áp dụng cho loại hình mới.")
                              % {"award": wrong.first().award_type.name})
    before = _snapshot(dossier)
    dossier.kind, dossier.year, dossier.title, dossier.movement = kind, year, clean_line(title), movement
    dossier.save()
    after = _snapshot(dossier)
    changed = {k for k in after if before[k] != after[k]}
    if changed:
        record_event(actor=actor, action="dossier.updated", obj=dossier, dossier=dossier,
                     before={k: before[k] for k in changed}, after={k: after[k] for k in changed},
                     message=_("Sửa thông tin hồ sơ"))
        cancel_handover(actor=actor, dossier=dossier)
        refresh_search_text(dossier)
    return dossier


def find_or_create_person(*, unit, full_name: str, birth_year: int | None, gender: str = "",
                          position: str = "") -> Person:
    """The unit's person with this name (case aside, diacritics kept) and year of birth, created if new."""
    name = clean_line(full_name)
    existing = Person.objects.filter(unit=unit, search_key=fold(name), birth_year=birth_year)
    for person in existing:
        if person.full_name.casefold() == name.casefold():
            changed = False
            if gender and person.gender != gender:
                person.gender, changed = gender, True
            if position and person.position != clean_line(position):
                person.position, changed = clean_line(position), True
            if changed:
                person.save()
            return person
    return Person.objects.create(
        unit=unit, full_name=name, birth_year=birth_year, gender=gender, position=clean_line(position)
    )


def find_or_create_collective(*, unit, name: str, kind: str = CollectiveKind.COLLECTIVE) -> Collective:
    clean = clean_line(name)
    for collective in Collective.objects.filter(unit=unit, search_key=fold(clean)):
        if collective.name.casefold() == clean.casefold():
            return collective
    return Collective.objects.create(unit=unit, name=clean, kind=kind)


def _check_award(dossier: Dossier, award_type: AwardType, *, is_person: bool) -> None:
    allowed = {a.pk for a in proposable_award_types(kind=dossier.kind)}
    if award_type.pk not in allowed:
        raise DomainError("award_not_allowed", _("%(award)s không áp dụng cho loại hình %(kind)s.")
                          % {"award": award_type.name, "kind": dossier.get_kind_display()})
    if is_person != (award_type.subject == SubjectKind.INDIVIDUAL):
        raise DomainError("award_subject", _("%(award)s dành cho %(subject)s.")
                          % {"award": award_type.name, "subject": award_type.get_subject_display().lower()})


def _nomination_snapshot(nomination: Nomination) -> dict:
    return {
        "nominee": nomination.subject_name,
        "award": nomination.award_type.code,
        "achievement_summary": nomination.achievement_summary,
    }


@transaction.atomic
def add_nomination(*, actor, dossier: Dossier, award_type: AwardType, achievement_summary: str,
                   person: Person | None = None, collective: Collective | None = None) -> Nomination:
    dossier = lock_dossier(dossier)
    _require(permissions.can_edit, actor, dossier, _("Hồ sơ không còn sửa được hoặc bạn không có quyền sửa."))
    if (person is None) == (collective is None):
        raise DomainError("invalid", _("Mỗi đề nghị phải có đúng một cá nhân hoặc một tập thể."))
    subject = person or collective
    if subject.unit_id not in permissions.viewing_unit_ids(actor):
        raise PermissionDeniedError("permission_denied", _("Người được đề nghị không thuộc đơn vị của bạn."))
    _check_award(dossier, award_type, is_person=person is not None)
    summary = nfc(achievement_summary) or ""
    if not summary:
        raise DomainError("invalid", _("Tóm tắt thành tích không được để trống."),
                          details=[{"field": "achievement_summary", "message": _("Bắt buộc.")}])
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                dossier=dossier, person=person, collective=collective, award_type=award_type,
                achievement_summary=summary,
            )
    except IntegrityError:
        raise DomainError("duplicate_nominee", _("%(name)s đã được đề nghị %(award)s trong hồ sơ này.")
                          % {"name": subject, "award": award_type.name}) from None
    record_event(actor=actor, action="nomination.added", obj=nomination, dossier=dossier,
                 after=_nomination_snapshot(nomination), message=_("Thêm đề nghị"))
    cancel_handover(actor=actor, dossier=dossier)
    refresh_search_text(dossier)
    return nomination


@transaction.atomic
def update_nomination(*, actor, nomination: Nomination, award_type: AwardType,
                      achievement_summary: str) -> Nomination:
    dossier = lock_dossier(nomination.dossier)
    _require(permissions.can_edit, actor, dossier, _("Hồ sơ không còn sửa được hoặc bạn không có quyền sửa."))
    nomination = Nomination.objects.select_related("person", "collective", "award_type").get(pk=nomination.pk)
    _check_award(dossier, award_type, is_person=nomination.person_id is not None)
    summary = nfc(achievement_summary) or ""
    if not summary:
        raise DomainError("invalid", _("Tóm tắt thành tích không được để trống."))
    before = _nomination_snapshot(nomination)
    nomination.award_type, nomination.achievement_summary = award_type, summary
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        raise DomainError("duplicate_nominee", _("%(name)s đã được đề nghị %(award)s trong hồ sơ này.")
                          % {"name": nomination.subject_name, "award": award_type.name}) from None
    after = _nomination_snapshot(nomination)
    if before != after:
        record_event(actor=actor, action="nomination.updated", obj=nomination, dossier=dossier,
                     before=before, after=after, message=_("Sửa đề nghị"))
        cancel_handover(actor=actor, dossier=dossier)
    return nomination


@transaction.atomic
def remove_nomination(*, actor, nomination: Nomination) -> None:
    dossier = lock_dossier(nomination.dossier)
    _require(permissions.can_edit, actor, dossier, _("Hồ sơ không còn sửa được hoặc bạn không có quyền sửa."))
    nomination = Nomination.objects.select_related("person", "collective", "award_type").get(pk=nomination.pk)
    before = _nomination_snapshot(nomination)
    files = [a.file.name for a in nomination.attachments.all()]
    record_event(actor=actor, action="nomination.removed", obj=nomination, dossier=dossier,
                 before=before, message=_("Xóa đề nghị"))
    nomination.delete()
    cancel_handover(actor=actor, dossier=dossier)
    from dossiers.services.attachments import delete_files_on_commit

    delete_files_on_commit(files)
    refresh_search_text(dossier)


@transaction.atomic
def send_to_head(*, actor, dossier: Dossier) -> Dossier:
    """The clerk hands the finished draft to the unit head for review and submission."""
    dossier = lock_dossier(dossier)
    _require(permissions.can_send_to_head, actor, dossier,
             _("Chỉ cán bộ TĐKT của đơn vị được chuyển hồ sơ đang soạn cho thủ trưởng."))
    _check_complete(dossier)
    dossier.prepared_by, dossier.prepared_at = actor, timezone.now()
    dossier.save(update_fields=["prepared_by", "prepared_at", "updated_at"])
    record_event(actor=actor, action="dossier.sent_to_head", obj=dossier, dossier=dossier,
                 after={"prepared_by": actor.pk}, message=_("Chuyển thủ trưởng xem xét, trình"))
    return dossier


def _check_complete(dossier: Dossier) -> None:
    nominations = list(dossier.nominations.select_related("person", "collective", "award_type"))
    if not nominations:
        raise DomainError("no_nominations", _("Hồ sơ chưa có người hoặc tập thể nào được đề nghị."))
    missing = missing_documents(dossier, nominations)
    if missing:
        raise DomainError(
            "missing_documents",
            _("Hồ sơ còn thiếu %(count)d tài liệu: %(list)s.")
            % {"count": len(missing), "list": "; ".join(r.label for r in missing)},
            details=[
                {"document_type": r.document_type.code, "nomination": r.nomination.pk if r.nomination else None,
                 "message": r.label}
                for r in missing
            ],
        )


def _align_to_regulation(*, actor, dossier: Dossier, regulation: Regulation) -> None:
    """Nominations drafted under an older regulation move to the one in force now."""
    stale = list(dossier.nominations.exclude(award_type__regulation=regulation).select_related("award_type"))
    if not stale:
        return
    current = {a.code: a for a in regulation.award_types.filter(code__in={n.award_type.code for n in stale})}
    for nomination in stale:
        replacement = current.get(nomination.award_type.code)
        if replacement is None:
            raise DomainError(
                "award_not_in_regulation",
                _("%(award)s không còn trong %(regulation)s; hãy chọn lại hình thức cho %(name)s.")
                % {"award": nomination.award_type.name, "regulation": regulation.name,
                   "name": nomination.subject_name},
            )
        old = nomination.award_type
        nomination.award_type = replacement
        nomination.save(update_fields=["award_type"])
        record_event(actor=actor, action="nomination.regulation_aligned", obj=nomination, dossier=dossier,
                     before={"award_type": old.pk, "regulation": old.regulation.code},
                     after={"award_type": replacement.pk, "regulation": regulation.code},
                     message=_("Chuyển sang văn bản đang có hiệu lực"))


@transaction.atomic
def submit_dossier(*, actor, dossier: Dossier) -> Dossier:
    """The unit head submits (or, after a return, resubmits) the dossier to Home Affairs."""
    seen = dossier.state
    dossier = lock_dossier(dossier)
    if dossier.state != seen and dossier.state not in (DossierState.DRAFT, DossierState.RETURNED):
        # Someone submitted (or withdrew) it while we waited for the lock: a conflict, not a mistake (409).
        raise ConflictError("conflict", _("Hồ sơ vừa được người khác chuyển sang trạng thái “%(state)s”, không "
                                          "trình được nữa. Hãy tải lại trang.") % {"state": dossier.get_state_display()})
    if dossier.state not in (DossierState.DRAFT, DossierState.RETURNED):
        raise DomainError("invalid_state", _("Hồ sơ đang ở trạng thái “%(state)s”, không trình được.")
                          % {"state": dossier.get_state_display()})
    if not permissions.is_unit_head.test(actor) or not permissions.acts_for_dossier_unit.test(actor, dossier):
        raise PermissionDeniedError("permission_denied", _("Chỉ thủ trưởng đơn vị được trình hồ sơ."))
    if not permissions.separation_respected.test(actor, dossier):
        raise PermissionDeniedError("separation_of_duties", separation_message(dossier))
    _check_complete(dossier)
    now = timezone.now()
    regulation = Regulation.objects.in_force_on(timezone.localdate(now))
    _align_to_regulation(actor=actor, dossier=dossier, regulation=regulation)
    before = dossier.state
    method = dossier.submit if dossier.state == DossierState.DRAFT else dossier.resubmit
    if not has_transition_perm(method, actor):
        raise PermissionDeniedError("permission_denied", _("Bạn không được trình hồ sơ này."))
    method(by=actor, at=now)
    dossier.regulation = regulation
    _save_transition(dossier)
    record_event(actor=actor, action="dossier.submitted" if before == DossierState.DRAFT else "dossier.resubmitted",
                 obj=dossier, dossier=dossier, before={"state": before},
                 after={"state": dossier.state, "regulation": regulation.code},
                 message=_("Trình hồ sơ") if before == DossierState.DRAFT else _("Trình lại hồ sơ sau bổ sung"))
    if before == DossierState.RETURNED:
        from dossiers.services.review import mark_supplement_resolved

        mark_supplement_resolved(dossier)
    from dossiers.signals import dossier_submitted

    # Inside the transaction: the review process starts (or wakes) with the
    # submission, or neither happens.
    dossier_submitted.send(sender=Dossier, dossier=dossier, actor=actor, resubmission=before != DossierState.DRAFT)
    return dossier


def _save_transition(dossier: Dossier) -> None:
    try:
        dossier.save()
    except ConcurrentTransition:
        raise ConflictError("conflict", _("Hồ sơ vừa được người khác thay đổi. Hãy tải lại trang và thử lại.")) from None


@transaction.atomic
def withdraw_dossier(*, actor, dossier: Dossier, reason: str) -> Dossier:
    dossier = lock_dossier(dossier)
    if dossier.state not in WITHDRAWABLE_STATES:
        raise DomainError("invalid_state", _("Hồ sơ đang ở trạng thái “%(state)s”, không rút được.")
                          % {"state": dossier.get_state_display()})
    if not has_transition_perm(dossier.withdraw, actor):
        raise PermissionDeniedError("permission_denied",
                                    _("Chỉ thủ trưởng đơn vị được rút hồ sơ (cán bộ TĐKT chỉ hủy được hồ sơ đang soạn)."))
    reason = nfc(reason) or ""
    if dossier.state != DossierState.DRAFT and not reason:
        raise DomainError("reason_required", _("Hãy nêu lý do rút hồ sơ đã trình."))
    before = dossier.state
    dossier.withdraw(reason=reason)
    _save_transition(dossier)
    for nomination in dossier.nominations.all():
        nomination.withdraw()
        nomination.save()
    record_event(actor=actor, action="dossier.withdrawn", obj=dossier, dossier=dossier,
                 before={"state": before}, after={"state": dossier.state, "reason": reason},
                 message=_("Rút hồ sơ"))
    from dossiers.signals import dossier_withdrawn

    dossier_withdrawn.send(sender=Dossier, dossier=dossier, actor=actor)
    return dossier

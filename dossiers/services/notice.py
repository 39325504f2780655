"""Public notice (công khai) of the proposed nominees and the public's feedback.

Home Affairs' lead opens the notice of a dossier under review; while it runs,
anyone may send feedback about a listed nominee from the public page (no
login). HA resolves every feedback: an upheld one makes the nomination
ineligible. The notice can close once its period is over and no feedback is
left open; the workflow then moves the dossier on.

Which nominations are listed is data: those found eligible whose award type
has ``public_notice_required``. The notice period itself is computed by the
caller (the workflow, in working days).

Anonymous feedback is rate-limited per client through the Django cache. The
client is known only by ``client_key``: an HMAC of its IP address under a salt
derived from ``SECRET_KEY`` and the date, so no raw IP is stored and keys of
two different days cannot be linked.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from dossiers import permissions
from dossiers.exceptions import ConflictError, DomainError, PermissionDeniedError
from dossiers.models import (
    Dossier,
    DossierState,
    FeedbackStatus,
    Nomination,
    PublicFeedback,
    PublicNotice,
)
from dossiers.selectors_public import needing_notice_q, open_notice_q
from dossiers.services.audit import record_event
from dossiers.services.dossiers import lock_dossier
from dossiers.text import clean_line, nfc

FEEDBACK_TEXT_MAX_LENGTH = 2000
FEEDBACK_FIELD_MAX_LENGTH = 150
# At most this many feedbacks per client (fixed windows: the clock hour and the day).
FEEDBACK_PER_HOUR = 5
FEEDBACK_PER_DAY = 20


class RateLimitedError(DomainError):
    """Too many feedbacks from one client: try again later."""

    status_code = 429


# Reads -----------------------------------------------------------------------


def nominations_needing_notice(dossier: Dossier) -> list[Nomination]:
    """The dossier's nominations found eligible for an award that must be noticed."""
    return list(
        dossier.nominations.filter(needing_notice_q())
        .select_related("person", "collective", "award_type")
        .order_by("id")
    )


def _notice_of(dossier: Dossier) -> PublicNotice | None:
    try:
        return dossier.public_notice
    except PublicNotice.DoesNotExist:
        return None


def open_feedback_count(dossier: Dossier) -> int:
    return PublicFeedback.objects.filter(nomination__dossier=dossier, status=FeedbackStatus.OPEN).count()


def notice_is_over(dossier: Dossier, today: datetime.date | None = None) -> bool:
    """The notice period has ended (False when the dossier has no notice)."""
    notice = _notice_of(dossier)
    if notice is None:
        return False
    return (today or timezone.localdate()) > notice.ends_on


def notice_can_close(dossier: Dossier, today: datetime.date | None = None) -> bool:
    """The period is over and no feedback on the dossier is waiting for HA.

    Does not look at ``closed_at``: a notice already closed still "can close",
    so a workflow that retries reads the same answer (``close_public_notice``
    itself refuses a second close).
    """
    return notice_is_over(dossier, today) and open_feedback_count(dossier) == 0


def client_key(ip: str, *, day: datetime.date | None = None) -> str:
    """The rate-limit identity of a client: its IP hashed under a daily salt; never the IP itself."""
    day = day or timezone.localdate()
    salt = hmac.new(settings.SECRET_KEY.encode(), f"public-feedback:{day.isoformat()}".encode(),
                    hashlib.sha256).digest()
    return hmac.new(salt, (ip or "").encode(), hashlib.sha256).hexdigest()


# Opening and closing -----------------------------------------------------------


def _save_transition(obj) -> None:
    try:
        obj.save()
    except ConcurrentTransition:
        raise ConflictError("conflict", _("Hồ sơ vừa được người khác thay đổi. Hãy tải lại trang và thử lại.")) from None


@transaction.atomic
def open_public_notice(*, actor, dossier: Dossier, starts_on: datetime.date, ends_on: datetime.date) -> PublicNotice:
    """HA's lead lists the dossier's eligible nominees on the public page from ``starts_on`` to ``ends_on``."""
    dossier = lock_dossier(dossier)
    # Always a person (``PublicNotice.created_by`` is required): no system actor here.
    if actor is None or not permissions.can_route.test(actor, dossier):
        raise PermissionDeniedError("permission_denied", _("Chỉ lãnh đạo Sở Nội vụ được mở công khai danh sách đề nghị."))
    if dossier.state != DossierState.UNDER_REVIEW:
        raise DomainError("invalid_state", _("Hồ sơ đang ở trạng thái “%(state)s”, không mở công khai được.")
                          % {"state": dossier.get_state_display()})
    if PublicNotice.objects.filter(dossier=dossier).exists():
        raise DomainError("already_noticed", _("Hồ sơ này đã được công khai."))
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
        raise DomainError("invalid_period", _("Hãy nhập ngày bắt đầu và ngày kết thúc công khai."))
    if ends_on < starts_on:
        raise DomainError("invalid_period", _("Ngày kết thúc công khai (%(end)s) không được trước ngày bắt đầu (%(start)s).")
                          % {"end": ends_on.strftime("%d/%m/%Y"), "start": starts_on.strftime("%d/%m/%Y")},
                          details=[{"field": "ends_on", "message": _("Phải từ ngày bắt đầu trở đi.")}])
    listed = nominations_needing_notice(dossier)
    if not listed:
        raise DomainError("nothing_to_notice",
                          _("Hồ sơ không có đề nghị nào phải công khai (đủ điều kiện và thuộc hình thức phải công khai)."))
    if not has_transition_perm(dossier.open_public_notice, actor):
        raise PermissionDeniedError("permission_denied", _("Chỉ lãnh đạo Sở Nội vụ được mở công khai danh sách đề nghị."))
    before = dossier.state
    dossier.open_public_notice()
    _save_transition(dossier)
    notice = PublicNotice.objects.create(dossier=dossier, starts_on=starts_on, ends_on=ends_on, created_by=actor)
    record_event(
        actor=actor, action="notice.opened", obj=notice, dossier=dossier,
        before={"state": before},
        after={"state": dossier.state, "starts_on": starts_on, "ends_on": ends_on,
               "nominations": [n.pk for n in listed]},
        message=_("Công khai %(count)d đề nghị từ %(start)s đến hết %(end)s")
        % {"count": len(listed), "start": starts_on.strftime("%d/%m/%Y"), "end": ends_on.strftime("%d/%m/%Y")},
    )
    return notice


@transaction.atomic
def close_public_notice(*, actor, dossier: Dossier) -> PublicNotice:
    """End the notice once its period is over and every feedback is resolved (the workflow moves the dossier on).

    ``actor=None`` is the system (the workflow's timer), which needs no permission;
    a person must be HA's lead.
    """
    dossier = lock_dossier(dossier)
    if actor is not None and not permissions.can_route.test(actor, dossier):
        raise PermissionDeniedError("permission_denied", _("Chỉ lãnh đạo Sở Nội vụ được kết thúc công khai."))
    notice = PublicNotice.objects.select_for_update().filter(dossier=dossier).first()
    if notice is None or dossier.state != DossierState.PUBLIC_NOTICE:
        raise DomainError("invalid_state", _("Hồ sơ không đang trong thời gian công khai."))
    if notice.closed_at is not None:
        raise DomainError("already_closed", _("Đợt công khai này đã kết thúc."))
    if timezone.localdate() <= notice.ends_on:
        raise DomainError("notice_running", _("Chưa hết thời gian công khai (đến hết ngày %(end)s).")
                          % {"end": notice.ends_on.strftime("%d/%m/%Y")})
    pending = open_feedback_count(dossier)
    if pending:
        raise DomainError("feedback_open", _("Còn %(count)d góp ý của người dân chưa xử lý.") % {"count": pending})
    notice.closed_at = timezone.now()
    notice.save(update_fields=["closed_at"])
    record_event(actor=actor, action="notice.closed", obj=notice, dossier=dossier,
                 after={"closed_at": notice.closed_at}, message=_("Kết thúc công khai"))
    return notice


# Feedback ----------------------------------------------------------------------


def _clean_text(value: str | None) -> str:
    """NFC, control characters dropped, line breaks as ``\\n`` (a browser sends ``\\r\\n``)."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return nfc(text) or ""


def _validate_feedback(*, name: str, contact: str, text: str) -> tuple[str, str, str]:
    name, contact, text = clean_line(name), clean_line(contact), _clean_text(text)
    errors = []
    if not text:
        errors.append({"field": "text", "message": _("Hãy nhập nội dung góp ý.")})
    elif len(text) > FEEDBACK_TEXT_MAX_LENGTH:
        errors.append({"field": "text",
                       "message": _("Nội dung góp ý dài %(length)d ký tự, vượt quá giới hạn %(limit)d ký tự.")
                       % {"length": len(text), "limit": FEEDBACK_TEXT_MAX_LENGTH}})
    for field, value, label in (("name", name, _("Họ tên")), ("contact", contact, _("Thông tin liên hệ"))):
        if len(value) > FEEDBACK_FIELD_MAX_LENGTH:
            errors.append({"field": field, "message": _("%(label)s không được dài quá %(limit)d ký tự.")
                           % {"label": label, "limit": FEEDBACK_FIELD_MAX_LENGTH}})
    if errors:
        raise DomainError("invalid", errors[0]["message"], details=errors)
    return name, contact, text


def _rate_windows(key: str) -> list[tuple[str, int, int, str]]:
    now = timezone.localtime()
    return [
        (f"public-feedback:h:{now:%Y%m%d%H}:{key}", FEEDBACK_PER_HOUR, 3600 + 60,
         _("Mỗi người chỉ gửi được tối đa %(limit)d góp ý trong một giờ. Vui lòng thử lại sau.")
         % {"limit": FEEDBACK_PER_HOUR}),
        (f"public-feedback:d:{now:%Y%m%d}:{key}", FEEDBACK_PER_DAY, 86400 + 60,
         _("Mỗi người chỉ gửi được tối đa %(limit)d góp ý trong một ngày. Vui lòng thử lại vào ngày mai.")
         % {"limit": FEEDBACK_PER_DAY}),
    ]


def _take_rate_slot(key: str) -> None:
    """Count one feedback for ``key``; refuse when a window is full (fixed hour and day windows)."""
    windows = _rate_windows(key)
    for cache_key, limit, _timeout, message in windows:
        if (cache.get(cache_key) or 0) >= limit:
            raise RateLimitedError("rate_limited", message)
    for cache_key, limit, timeout, message in windows:
        if cache.add(cache_key, 1, timeout=timeout):
            continue
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=timeout)
            count = 1
        else:
            # The file-based cache (the default) gives an incremented key its default timeout of five
            # minutes: give it the window's timeout again, or the hourly count would reset early.
            cache.touch(cache_key, timeout)
        if count > limit:  # another request took the last slot meanwhile
            raise RateLimitedError("rate_limited", message)


@transaction.atomic
def submit_feedback(*, nomination: Nomination, name: str, contact: str, text: str, client_key: str) -> PublicFeedback:
    """Anyone's opinion about a nominee listed on an open notice (no login)."""
    if not client_key or len(client_key) > 64:
        raise DomainError("invalid", _("Không xác định được người gửi."))
    name, contact, text = _validate_feedback(name=name, contact=contact, text=text)
    listed = (
        Nomination.objects.filter(open_notice_q(timezone.localdate()), pk=nomination.pk)
        .select_related("dossier", "person", "collective")
        .first()
    )
    if listed is None:
        raise DomainError("notice_closed", _("Đề nghị này không (còn) trong thời gian công khai, không nhận góp ý."))
    _take_rate_slot(client_key)
    feedback = PublicFeedback.objects.create(
        nomination=listed, name=name, contact=contact, text=text, client_key=client_key,
    )
    record_event(
        actor=None, action="feedback.received", obj=feedback, dossier=listed.dossier,
        after={"nomination": listed.pk, "nominee": listed.subject_name},
        message=_("Người dân gửi góp ý về %(nominee)s") % {"nominee": listed.subject_name},
    )
    from dossiers.signals import feedback_received

    feedback_received.send(sender=PublicFeedback, feedback=feedback)
    return feedback


@transaction.atomic
def resolve_feedback(*, actor, feedback: PublicFeedback, upheld: bool, note: str) -> PublicFeedback:
    """HA settles one feedback; an upheld one makes the nomination ineligible, with the reason."""
    current = PublicFeedback.objects.select_related("nomination__dossier").filter(pk=feedback.pk).first()
    if current is None:
        raise DomainError("not_found", _("Không tìm thấy góp ý."))
    dossier = lock_dossier(current.nomination.dossier)
    if not permissions.can_review.test(actor, dossier):
        raise PermissionDeniedError("permission_denied", _("Chỉ Sở Nội vụ được xử lý góp ý của người dân."))
    feedback = PublicFeedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.status != FeedbackStatus.OPEN:
        raise DomainError("already_resolved", _("Góp ý này đã được xử lý (%(status)s).")
                          % {"status": feedback.get_status_display()})
    note = nfc(note) or ""
    if not note:
        raise DomainError("note_required", _("Hãy ghi kết quả xem xét góp ý."),
                          details=[{"field": "note", "message": _("Bắt buộc.")}])
    nomination = Nomination.objects.select_related("person", "collective", "award_type").get(pk=current.nomination_id)
    now = timezone.now()
    if upheld:
        if not can_proceed(nomination.mark_ineligible):
            raise DomainError("invalid_state", _("Đề nghị đang ở tình trạng “%(outcome)s”, không chuyển sang không đủ điều kiện được.")
                              % {"outcome": nomination.get_outcome_display()})
        before_outcome = nomination.outcome
        nomination.mark_ineligible()
        reason = _("Góp ý của người dân có cơ sở (%(day)s): %(note)s") % {
            "day": timezone.localdate(now).strftime("%d/%m/%Y"), "note": note}
        nomination.appraisal_note = "\n".join(part for part in (nomination.appraisal_note, reason) if part)
        _save_transition(nomination)
        record_event(actor=actor, action="nomination.marked_ineligible", obj=nomination, dossier=dossier,
                     before={"outcome": before_outcome},
                     after={"outcome": nomination.outcome, "nominee": nomination.subject_name, "reason": note},
                     message=_("Không đủ điều kiện do góp ý của người dân có cơ sở"))
    feedback.status = FeedbackStatus.UPHELD if upheld else FeedbackStatus.DISMISSED
    feedback.resolution_note = note
    feedback.resolved_by = actor
    feedback.resolved_at = now
    feedback.save(update_fields=["status", "resolution_note", "resolved_by", "resolved_at"])
    feedback.nomination = nomination
    record_event(
        actor=actor, action="feedback.resolved", obj=feedback, dossier=dossier,
        before={"status": FeedbackStatus.OPEN.value},
        after={"status": feedback.status, "nomination": nomination.pk, "nominee": nomination.subject_name,
               "reason": note},
        message=(_("Góp ý về %(nominee)s có cơ sở") if upheld else _("Góp ý về %(nominee)s không có cơ sở"))
        % {"nominee": nomination.subject_name},
    )
    from dossiers.signals import feedback_resolved

    feedback_resolved.send(sender=PublicFeedback, feedback=feedback, actor=actor)
    return feedback

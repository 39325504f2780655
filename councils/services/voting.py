"""Ballots, written opinions and paper tallies.

A member casts one ballot covering every item. In a secret session the
ballot names nobody: the member gets a receipt code, and only a SHA-256 of
(session, member, code) is stored on the ballot; with the code (kept in their
browser, or typed in) the same member, and only they, may change the ballot
until voting closes, if the session allows it. Another member who learns the
code cannot use it: their hash differs.

Every cast first locks the session row (as ``close_voting`` does, in the same
order: session, then the vote tables), so a ballot racing the close is either
counted or refused, never accepted and lost, and parallel submissions by one
member record one ballot.

In a secret session every cast ends by rewriting *all* the session's ballots
and voter records, in random order, with fresh random keys
(``shuffle_vote_tables``): after each commit every row of both tables was
written by the same transaction (the same ``xmin`` on PostgreSQL) and their
physical order is random, so neither the transaction id nor the row order of
a dump taken while voting is open says which ballot came with which voter.
"""

from __future__ import annotations

import hashlib
import random
import secrets

from django.db import connection, transaction
from django.utils.translation import gettext as _

from councils import permissions
from councils.models import (
    AgendaItem,
    Ballot,
    Choice,
    CouncilSession,
    PaperTally,
    SessionMember,
    SessionState,
    VoterRecord,
    VotingMode,
    WrittenOpinion,
)
from dossiers.exceptions import ConflictError, DomainError, PermissionDeniedError
from dossiers.files import FileRejected, detect
from dossiers.services.attachments import safe_original_name
from dossiers.services.audit import record_event

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def receipt_hash(session: CouncilSession, member: SessionMember, receipt: str) -> str:
    """The stored form of a receipt: bound to the session and to the member, who is not stored with it.

    The code carries 80 random bits, so the hash cannot be reversed or guessed
    from the roster; and a code is worth nothing in another member's hands.
    """
    normalised = receipt.strip().upper().replace(" ", "").replace("-", "")
    return hashlib.sha256(f"ballot-receipt:{session.pk}:{member.pk}:{normalised}".encode()).hexdigest()


def shuffle_vote_tables(session: CouncilSession) -> None:
    """Rewrite the session's ballots and voter records in random order with new random keys.

    One DELETE and one multi-row INSERT per table, in the caller's transaction:
    nothing in the rows links the two tables, every row gets the same
    transaction id, and the physical order of the new rows is random.
    """
    if connection.vendor == "postgresql":
        _shuffle_on_the_server(session)
        return
    rng = random.SystemRandom()
    ballots = list(Ballot.objects.filter(session=session).values_list("receipt_hash", "member_id", "choices"))
    voters = list(VoterRecord.objects.filter(session=session).values_list("member_id", "has_voted"))
    rng.shuffle(ballots)
    rng.shuffle(voters)
    Ballot.objects.filter(session=session).delete()
    VoterRecord.objects.filter(session=session).delete()
    Ballot.objects.bulk_create(Ballot(session=session, receipt_hash=h, member_id=m, choices=c) for h, m, c in ballots)
    VoterRecord.objects.bulk_create(VoterRecord(session=session, member_id=m, has_voted=v) for m, v in voters)


def _shuffle_on_the_server(session: CouncilSession) -> None:
    """PostgreSQL: the same rewrite without sending the ballots to Python and back.

    Each statement deletes the rows and re-inserts them ordered by their new
    key, a fresh ``gen_random_uuid()`` (from the server's strong random
    source): a random permutation. The sort consumes the whole DELETE before
    the first INSERT, so the unique constraints see the old rows gone.
    """
    ballot, voter = Ballot._meta.db_table, VoterRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH old AS (DELETE FROM {ballot} WHERE session_id = %s RETURNING receipt_hash, member_id, choices) "
            f"INSERT INTO {ballot} (id, session_id, receipt_hash, member_id, choices) "
            "SELECT gen_random_uuid() AS id, %s, receipt_hash, member_id, choices FROM old ORDER BY 1",
            [session.pk, session.pk])
        cursor.execute(
            f"WITH old AS (DELETE FROM {voter} WHERE session_id = %s RETURNING member_id, has_voted) "
            f"INSERT INTO {voter} (id, session_id, member_id, has_voted) "
            "SELECT gen_random_uuid() AS id, %s, member_id, has_voted FROM old ORDER BY 1",
            [session.pk, session.pk])


def _clean_choices(session: CouncilSession, choices: dict) -> dict[str, str]:
    item_ids = {str(pk) for pk in session.items.values_list("pk", flat=True)}
    cleaned = {}
    for key, value in (choices or {}).items():
        key = str(key)
        if key not in item_ids:
            raise DomainError("invalid", _("Phiếu có nội dung không thuộc phiên họp."))
        if value not in Choice.values:
            raise DomainError("invalid", _("Lựa chọn không hợp lệ: %(value)s.") % {"value": value})
        cleaned[key] = value
    return cleaned


def _voter(session: CouncilSession, user) -> SessionMember:
    member = session.members.filter(user=user).first()
    if member is None or not member.votes:
        raise PermissionDeniedError("not_a_member", _("Bạn không có quyền biểu quyết trong phiên họp này."))
    if not member.present:
        raise PermissionDeniedError("not_present", _("Bạn chưa được điểm danh có mặt nên chưa bỏ phiếu được."))
    return member


@transaction.atomic
def cast_ballot(*, actor, session: CouncilSession, choices: dict, receipt: str = "") -> str:
    """Record (or, with its receipt, change) the member's ballot; returns the receipt code."""
    # The session row first, as close_voting takes it: a cast either ends before the close counts, or waits
    # for it and then finds voting closed.
    session = CouncilSession.objects.select_for_update().select_related("council").get(pk=session.pk)
    if session.mode != VotingMode.ELECTRONIC:
        raise DomainError("paper_session", _("Phiên họp này bỏ phiếu giấy."))
    if session.state != SessionState.VOTING_OPEN:
        raise DomainError("voting_closed", _("Chưa mở hoặc đã kết thúc bỏ phiếu."))
    member = _voter(session, actor)
    cleaned = _clean_choices(session, choices)
    record = VoterRecord.objects.select_for_update().filter(session=session, member=member).first()
    if record is None:
        raise PermissionDeniedError("not_present", _("Bạn không có trong danh sách bỏ phiếu của phiên họp."))
    if record.has_voted:
        if not session.allow_ballot_change:
            raise ConflictError("already_voted", _("Bạn đã bỏ phiếu; phiên họp không cho phép sửa phiếu."))
        ballot = None
        if session.secret:
            if receipt:
                ballot = Ballot.objects.select_for_update().filter(
                    session=session, receipt_hash=receipt_hash(session, member, receipt)).first()
        else:
            ballot = Ballot.objects.select_for_update().filter(session=session, member=member).first()
        if ballot is None:
            raise ConflictError("already_voted", _("Bạn đã bỏ phiếu. Muốn sửa phiếu, hãy nhập mã biên nhận "
                                                   "đã nhận khi bỏ phiếu."))
        ballot.choices = cleaned
        ballot.save(update_fields=["choices"])
        if session.secret:
            shuffle_vote_tables(session)
        else:
            record_event(actor=actor, action="ballot.changed", obj=session, after={"choices": cleaned},
                         message=_("Sửa phiếu biểu quyết (công khai)"))
        return receipt or ""
    code = new_receipt()
    Ballot.objects.create(session=session, receipt_hash=receipt_hash(session, member, code), choices=cleaned,
                          member=None if session.secret else member)
    record.has_voted = True
    record.save(update_fields=["has_voted"])
    if session.secret:
        shuffle_vote_tables(session)
    else:
        # Open voting is named by definition: the audit trail may say who chose what.
        record_event(actor=actor, action="ballot.cast", obj=session, after={"choices": cleaned},
                     message=_("Bỏ phiếu biểu quyết (công khai)"))
    return code


def progress(session: CouncilSession) -> dict:
    """How many have voted, never how (for the secretary and the chair)."""
    voters = VoterRecord.objects.filter(session=session)
    return {
        "expected": voters.count(),
        "voted": voters.filter(has_voted=True).count(),
        "written": WrittenOpinion.objects.filter(session=session).count(),
    }


@transaction.atomic
def enter_written_opinion(*, actor, session: CouncilSession, member: SessionMember, choices: dict,
                          scan) -> WrittenOpinion:
    """An absent member's written opinion, with its scan, entered by the secretary."""
    import hashlib as _hashlib

    from django.core.files.storage import default_storage

    session = CouncilSession.objects.select_for_update().select_related("council").get(pk=session.pk)
    if not permissions.can_manage_session.test(actor, session):
        raise PermissionDeniedError("permission_denied", _("Chỉ Thư ký Hội đồng được nhập ý kiến bằng văn bản."))
    if session.state in (SessionState.RESULTS_CONFIRMED, SessionState.FINALISED):
        raise DomainError("results_confirmed", _("Kết quả đã được xác nhận: không nhập hoặc sửa ý kiến bằng văn bản "
                                                 "được nữa."))
    if session.state not in (SessionState.IN_PROGRESS, SessionState.VOTING_OPEN, SessionState.VOTING_CLOSED):
        raise DomainError("invalid_state", _("Chỉ nhập ý kiến bằng văn bản trong khi họp và bỏ phiếu."))
    if member.session_id != session.pk or not member.votes:
        raise DomainError("invalid", _("Người này không phải thành viên biểu quyết của phiên họp."))
    if member.present:
        raise DomainError("present", _("%(name)s có mặt tại phiên họp: hãy bỏ phiếu trực tiếp.") % {"name": member.name})
    cleaned = _clean_choices(session, choices)
    if len(cleaned) != session.items.count():
        raise DomainError("incomplete", _("Ý kiến bằng văn bản phải có lựa chọn cho mọi nội dung."))
    if scan is None or not scan.size:
        raise DomainError("scan_required", _("Hãy đính kèm bản chụp ý kiến bằng văn bản."))
    if scan.size > session.council.province.attachment_max_bytes:
        raise DomainError("file_too_large", _("Tệp quá lớn."))
    try:
        kind = detect(scan)
    except FileRejected as exc:
        raise DomainError(exc.code, exc.message) from None
    if kind.code not in ("pdf", "jpeg", "png"):
        raise DomainError("file_type", _("Bản chụp ý kiến phải là tệp PDF, JPEG hoặc PNG."))
    digest = _hashlib.sha256()
    for chunk in scan.chunks():
        digest.update(chunk)
    scan.seek(0)
    name = safe_original_name(getattr(scan, "name", ""))
    stored = default_storage.save(f"written-opinions/{secrets.token_hex(16)}.{kind.code}", scan)
    try:
        previous = WrittenOpinion.objects.filter(session=session, member=member).first()
        opinion, created = WrittenOpinion.objects.update_or_create(
            session=session, member=member,
            defaults={"choices": cleaned, "scan": stored, "original_name": name, "sha256": digest.hexdigest(),
                      "entered_by": actor},
        )
        if previous is None:
            record_event(actor=actor, action="session.written_opinion", obj=session,
                         after={"member": member.name, "choices": cleaned, "sha256": digest.hexdigest()},
                         message=_("Nhập ý kiến bằng văn bản của %(name)s") % {"name": member.name})
        else:
            record_event(actor=actor, action="session.written_opinion_corrected", obj=session,
                         before={"member": member.name, "choices": previous.choices, "sha256": previous.sha256},
                         after={"member": member.name, "choices": cleaned, "sha256": digest.hexdigest()},
                         message=_("Sửa ý kiến bằng văn bản của %(name)s") % {"name": member.name})
        if session.state == SessionState.VOTING_CLOSED:
            from councils.services.sessions import count_session

            count_session(session)
    except BaseException:
        default_storage.delete(stored)
        raise
    return opinion


@transaction.atomic
def enter_paper_tally(*, actor, item: AgendaItem, issued: int, valid: int, agree: int, disagree: int,
                      abstain: int) -> PaperTally:
    """Counted paper ballots for one item; checked before they are stored."""
    session = CouncilSession.objects.select_for_update().select_related("council").get(pk=item.session_id)
    if not permissions.can_manage_session.test(actor, session):
        raise PermissionDeniedError("permission_denied", _("Chỉ Thư ký Hội đồng được nhập kết quả kiểm phiếu."))
    if session.mode != VotingMode.PAPER:
        raise DomainError("electronic_session", _("Phiên họp này bỏ phiếu điện tử."))
    if session.state != SessionState.VOTING_OPEN:
        raise DomainError("invalid_state", _("Chỉ nhập kết quả kiểm phiếu khi đang bỏ phiếu."))
    present = session.members.filter(votes=True, present=True).count()
    numbers = {"issued": issued, "valid": valid, "agree": agree, "disagree": disagree, "abstain": abstain}
    if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in numbers.values()):
        raise DomainError("invalid", _("Các số phiếu phải là số nguyên không âm."))
    if agree + disagree + abstain != valid:
        raise DomainError("tally_mismatch", _("Đồng ý + không đồng ý + không biểu quyết (%(sum)d) phải bằng số phiếu "
                                              "hợp lệ (%(valid)d).") % {"sum": agree + disagree + abstain, "valid": valid})
    if valid > issued:
        raise DomainError("tally_mismatch", _("Số phiếu hợp lệ (%(valid)d) không được nhiều hơn số phiếu phát ra "
                                              "(%(issued)d).") % numbers)
    if issued > present:
        raise DomainError("tally_mismatch", _("Số phiếu phát ra (%(issued)d) không được nhiều hơn số thành viên có "
                                              "mặt (%(present)d).") % {"issued": issued, "present": present})
    tally_row, _created = PaperTally.objects.update_or_create(item=item, defaults={**numbers, "entered_by": actor})
    record_event(actor=actor, action="session.paper_tally", obj=session, after={"item": item.position, **numbers},
                 message=_("Nhập kết quả kiểm phiếu nội dung %(n)d") % {"n": item.position})
    return tally_row

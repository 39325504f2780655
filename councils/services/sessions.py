"""A council session from preparation to signed minutes.

draft -> agenda_published -> in_progress -> voting_open -> voting_closed
-> results_confirmed -> finalised. Each step is one transaction with an audit
event; the secretary drives it, the chair (or secretary) confirms results and
the chair signs the minutes.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from councils import permissions, tally
from councils.models import (
    ROLE_ORDER,
    AgendaItem,
    Ballot,
    CouncilSession,
    ItemResult,
    SessionCorrection,
    SessionMember,
    SessionState,
    VoterRecord,
    VotingMode,
    WrittenOpinion,
)
from councils.selectors import memberships_on
from councils.services.voting import shuffle_vote_tables
from dossiers.exceptions import ConflictError, DomainError, PermissionDeniedError
from dossiers.models import Dossier, DossierState, Nomination
from dossiers.services import council_stage
from dossiers.services.audit import record_event
from dossiers.text import clean_line, person_sort_key

EDITABLE_AGENDA = (SessionState.DRAFT, SessionState.AGENDA_PUBLISHED)


def _require(predicate, actor, session, message):
    if not predicate.test(actor, session):
        raise PermissionDeniedError("permission_denied", message)


def _lock(session: CouncilSession) -> CouncilSession:
    return CouncilSession.objects.select_for_update().select_related("council", "council__province").get(pk=session.pk)


def _save(session: CouncilSession) -> None:
    try:
        session.save()
    except ConcurrentTransition:
        raise ConflictError("conflict", _("Phiên họp vừa được người khác thay đổi. Hãy tải lại trang.")) from None


def _state(session: CouncilSession, states, message: str) -> None:
    if session.state not in states:
        raise DomainError("invalid_state", message % {"state": session.get_state_display()})


def _event(actor, action, session, message, **kwargs):
    record_event(actor=actor, action=action, obj=session, message=message, **kwargs)


@transaction.atomic
def create_session(*, actor, council, title: str, date: datetime.date, place: str, kind: str = "regular",
                   secret: bool = True, allow_ballot_change: bool = True, mode: str = VotingMode.ELECTRONIC,
                   start_time=None) -> CouncilSession:
    if not permissions.is_secretary.test(actor) or (
        actor.unit is None or actor.unit.province_id != council.province_id
    ):
        raise PermissionDeniedError("permission_denied", _("Chỉ Thư ký Hội đồng được tạo phiên họp."))
    title, place = clean_line(title), clean_line(place)
    if not title or not place:
        raise DomainError("invalid", _("Hãy nhập tên phiên họp và địa điểm."))
    session = CouncilSession.objects.create(
        council=council, title=title, date=date, place=place, kind=kind, secret=secret,
        allow_ballot_change=allow_ballot_change, mode=mode, start_time=start_time, created_by=actor,
        quorum_numerator=council.quorum_numerator, quorum_denominator=council.quorum_denominator,
    )
    _event(actor, "session.created", session, _("Tạo phiên họp"),
           after={"title": title, "date": date, "secret": secret, "mode": mode})
    return session


# The voting arrangements and the date (which makes the roster) change only before the session opens.
BEFORE_OPENING = frozenset({"date", "kind", "secret", "allow_ballot_change", "mode"})
BEFORE_OPENING_STATES = (SessionState.DRAFT, SessionState.AGENDA_PUBLISHED)
# Title, place and times may be put right until the minutes are signed; afterwards only by correction.
UNTIL_SIGNED_STATES = (SessionState.DRAFT, SessionState.AGENDA_PUBLISHED, SessionState.IN_PROGRESS,
                       SessionState.VOTING_OPEN, SessionState.VOTING_CLOSED, SessionState.RESULTS_CONFIRMED)
EDITABLE_FIELDS = ("title", "date", "start_time", "place", "kind", "mode", "secret", "allow_ballot_change")


@transaction.atomic
def update_session(*, actor, session: CouncilSession, **changes) -> CouncilSession:
    """Change a session's header; only the fields given change."""
    session = _lock(session)
    _require(permissions.can_manage_session, actor, session, _("Chỉ Thư ký Hội đồng được sửa phiên họp."))
    if session.state not in UNTIL_SIGNED_STATES:
        raise DomainError("invalid_state", _("Biên bản đã ký: chỉ sửa được bằng đính chính."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError("invalid", _("Không sửa được: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name in ("title", "place"):
        if name in changes:
            changes[name] = clean_line(changes[name] or "")
            if not changes[name]:
                raise DomainError("invalid", _("Hãy nhập tên phiên họp và địa điểm."),
                                  details=[{"field": name, "message": _("Không được để trống.")}])
    changed = {name: value for name, value in changes.items() if getattr(session, name) != value}
    late = sorted(set(changed) & BEFORE_OPENING)
    if late and session.state not in BEFORE_OPENING_STATES:
        raise DomainError(
            "invalid_state",
            _("Phiên họp đang ở bước “%(state)s”: ngày họp, loại phiên họp và cách bỏ phiếu không sửa được nữa.")
            % {"state": session.get_state_display()},
            details=[{"field": name, "message": _("Không sửa được ở bước này.")} for name in late],
        )
    if not changed:
        return session
    before = {name: getattr(session, name) for name in changed}
    for name, value in changed.items():
        setattr(session, name, value)
    _save(session)
    _event(actor, "session.updated", session, _("Sửa thông tin phiên họp"), before=before, after=changed)
    return session


def agenda_sort_key(nomination: Nomination):
    subject = nomination.person.sort_key if nomination.person_id else nomination.collective.sort_key
    return (nomination.award_type.rank, nomination.dossier.unit.name_key, subject, nomination.pk)


@transaction.atomic
def add_items(*, actor, session: CouncilSession, nominations) -> list[AgendaItem]:
    """Put nominations waiting for the council on the agenda (their dossiers go "in council")."""
    session = _lock(session)
    _require(permissions.can_manage_session, actor, session, _("Chỉ Thư ký Hội đồng được sửa chương trình."))
    _state(session, EDITABLE_AGENDA, _("Phiên họp đang ở bước “%(state)s”, không sửa chương trình được."))
    nominations = list(Nomination.objects.filter(pk__in=[n.pk for n in nominations])
                       .select_related("award_type", "dossier", "dossier__unit", "person", "collective"))
    taken = set(AgendaItem.objects.filter(nomination__in=nominations).exclude(
        session__state=SessionState.FINALISED).values_list("nomination_id", flat=True))
    items = []
    for nomination in nominations:
        if nomination.dossier.unit.province_id != session.council.province_id:
            raise PermissionDeniedError("permission_denied", _("Đề nghị không thuộc tỉnh của Hội đồng."))
        if not council_stage.awaits_vote(nomination) or nomination.dossier.state not in (
            DossierState.AWAITING_COUNCIL, DossierState.IN_COUNCIL
        ):
            raise DomainError("not_waiting", _("%(name)s không ở danh sách chờ Hội đồng xét.")
                              % {"name": nomination.subject_name})
        if nomination.pk in taken:
            raise DomainError("already_on_agenda", _("%(name)s đã có trong một phiên họp khác.")
                              % {"name": nomination.subject_name})
        award = nomination.award_type
        items.append(AgendaItem(
            session=session, nomination=nomination, threshold_numerator=award.vote_threshold_numerator,
            threshold_denominator=award.vote_threshold_denominator, threshold_strict=award.vote_threshold_strict,
            threshold_base=award.vote_base,
        ))
    AgendaItem.objects.bulk_create(items)
    for dossier_id in {n.dossier_id for n in nominations}:
        council_stage.take_into_council(actor=actor, dossier=Dossier(pk=dossier_id))
    _renumber(session)
    _event(actor, "session.items_added", session, _("Đưa %(count)d đề nghị vào chương trình") % {"count": len(items)},
           after={"nominations": [n.pk for n in nominations]})
    return items


@transaction.atomic
def remove_item(*, actor, item: AgendaItem) -> None:
    """Leave a nomination for a later session."""
    session = _lock(item.session)
    _require(permissions.can_manage_session, actor, session, _("Chỉ Thư ký Hội đồng được sửa chương trình."))
    _state(session, EDITABLE_AGENDA, _("Phiên họp đang ở bước “%(state)s”, không sửa chương trình được."))
    dossier_id, nomination = item.nomination.dossier_id, item.nomination
    item.delete()
    still_in = AgendaItem.objects.filter(nomination__dossier_id=dossier_id).exclude(
        session__state__in=[SessionState.RESULTS_CONFIRMED, SessionState.FINALISED]).exists()
    if not still_in:
        council_stage.release_from_council(actor=actor, dossier=Dossier(pk=dossier_id))
    _renumber(session)
    _event(actor, "session.item_removed", session, _("Để lại %(name)s cho phiên họp sau") %
           {"name": nomination.subject_name}, before={"nomination": nomination.pk})


def _renumber(session: CouncilSession) -> None:
    items = list(session.items.select_related("nomination__award_type", "nomination__dossier__unit",
                                              "nomination__person", "nomination__collective"))
    items.sort(key=lambda i: agenda_sort_key(i.nomination))
    for position, item in enumerate(items, start=1):
        item.position = position
    AgendaItem.objects.bulk_update(items, ["position"])


def _build_roster(session: CouncilSession) -> dict:
    """Bring the roster in line with the terms in force on the session date, in place.

    Called when the agenda is published, when the session opens and, for the
    last time, when voting first opens: from then on the roster is frozen and
    later changes to the terms do not touch it. Members keep their row (and
    attendance); one whose term no longer covers the date leaves the roster
    with any written opinion entered for them. Returns who joined and who left.
    """
    memberships = list(memberships_on(session.council, session.date).select_related("user")
                       .order_by("user_id", "id"))
    wanted = {}
    for membership in memberships:
        wanted.setdefault(membership.user_id, membership)
    existing = {m.user_id: m for m in session.members.all()}
    gone = [m for user_id, m in existing.items() if user_id not in wanted]
    if gone:
        WrittenOpinion.objects.filter(session=session, member__in=gone).delete()
        SessionMember.objects.filter(pk__in=[m.pk for m in gone]).delete()
    fresh, changed = [], []
    for user_id, membership in wanted.items():
        name = membership.user.get_full_name() or membership.user.username
        values = {"name": name, "role": membership.role, "position": membership.position or membership.user.position,
                  "votes": membership.votes, "role_order": ROLE_ORDER.get(membership.role, 2),
                  "sort_key": person_sort_key(name)}
        member = existing.get(user_id)
        if member is None:
            fresh.append(SessionMember(session=session, user_id=user_id, present=False, **values))
        elif any(getattr(member, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(member, field, value)
            changed.append(member)
    SessionMember.objects.bulk_create(fresh)
    if changed:
        SessionMember.objects.bulk_update(changed, ["name", "role", "position", "votes", "role_order", "sort_key"])
    return {"joined": sorted(m.name for m in fresh), "left": sorted(m.name for m in gone)}


@transaction.atomic
def publish_agenda(*, actor, session: CouncilSession) -> CouncilSession:
    from councils.signals import agenda_published

    session = _lock(session)
    _require(permissions.can_manage_session, actor, session, _("Chỉ Thư ký Hội đồng được gửi chương trình."))
    _state(session, (SessionState.DRAFT,), _("Phiên họp đang ở bước “%(state)s”, không gửi chương trình được."))
    if not session.items.exists():
        raise DomainError("empty_agenda", _("Chương trình chưa có đề nghị nào."))
    _build_roster(session)
    if not session.members.filter(votes=True).exists():
        raise DomainError("no_members", _("Hội đồng chưa có thành viên nào vào ngày họp."))
    session.publish()
    _save(session)
    _event(actor, "session.published", session, _("Gửi chương trình phiên họp đến các thành viên"),
           after={"items": session.items.count(), "members": session.members.count()})
    agenda_published.send(sender=CouncilSession, session=session)
    return session


@transaction.atomic
def start_session(*, actor, session: CouncilSession) -> CouncilSession:
    session = _lock(session)
    _require(permissions.can_manage_session, actor, session, _("Chỉ Thư ký Hội đồng được khai mạc phiên họp."))
    _state(session, (SessionState.AGENDA_PUBLISHED,), _("Phiên họp đang ở bước “%(state)s”, chưa khai mạc được."))
    _build_roster(session)
    session.start()
    _save(session)
    _event(actor, "session.started", session, _("Khai mạc phiên họp"))
    return session


# Attendance and written opinions may be put right until the results are confirmed.
CORRECTABLE_STATES = (SessionState.IN_PROGRESS, SessionState.VOTING_OPEN, SessionState.VOTING_CLOSED)


def refuse_after_confirmation(session: CouncilSession, message: str) -> None:
    if session.state in (SessionState.RESULTS_CONFIRMED, SessionState.FINALISED):
        raise DomainError("results_confirmed", message)


@transaction.atomic
def record_attendance(*, actor, session: CouncilSession, present_user_ids) -> CouncilSession:
    """Take attendance, or correct it after voting opened until the results are confirmed.

    A correction during or after the vote keeps the vote consistent: a member
    now present gets a voter record (and may vote while voting is open), a
    member now absent loses theirs, unless they already voted (a secret
    ballot cannot be taken back: refused). The quorum is recomputed and, once
    voting has closed, every item is counted again.
    """
    session = _lock(session)
    _require(permissions.can_manage_session, actor, session, _("Chỉ Thư ký Hội đồng được điểm danh."))
    refuse_after_confirmation(session, _("Kết quả đã được xác nhận: không sửa điểm danh được nữa."))
    _state(session, CORRECTABLE_STATES, _("Phiên họp đang ở bước “%(state)s”, không điểm danh được."))
    present_user_ids = set(present_user_ids)
    members = list(session.members.all())
    unknown = present_user_ids - {m.user_id for m in members}
    if unknown:
        raise DomainError("invalid", _("Có người không thuộc danh sách thành viên phiên họp."))
    before = {m.pk: m.present for m in members}
    for member in members:
        member.present = member.user_id in present_user_ids
    arrived = [m for m in members if m.present and not before[m.pk]]
    left = [m for m in members if before[m.pk] and not m.present]
    correcting = session.state != SessionState.IN_PROGRESS
    if correcting:
        _check_attendance_correction(session, arrived, left, present=sum(1 for m in members if m.present and m.votes))
    SessionMember.objects.bulk_update(members, ["present"])
    if correcting and session.mode == VotingMode.ELECTRONIC:
        VoterRecord.objects.filter(session=session, member__in=left).delete()
        VoterRecord.objects.bulk_create(VoterRecord(session=session, member=m) for m in arrived if m.votes)
        if session.secret:
            shuffle_vote_tables(session)
    quorum = quorum_status(session)
    if session.state == SessionState.VOTING_CLOSED:
        count_session(session)
    if correcting:
        _event(actor, "session.attendance_corrected", session, _("Sửa điểm danh"),
               before={"present": sorted(m.name for m in left), "absent": sorted(m.name for m in arrived)},
               after={"present": sorted(m.name for m in arrived), "absent": sorted(m.name for m in left),
                      "quorum": quorum})
    else:
        _event(actor, "session.attendance", session, _("Điểm danh thành viên"),
               after={"present": sorted(m.name for m in members if m.present),
                      "absent": sorted(m.name for m in members if not m.present)})
    return session


def _check_attendance_correction(session, arrived, left, *, present: int) -> None:
    opinions = set(WrittenOpinion.objects.filter(session=session, member__in=arrived)
                   .values_list("member__name", flat=True))
    if opinions:
        raise DomainError("has_written_opinion", _("%(names)s đã có ý kiến bằng văn bản nên không đánh dấu có mặt "
                                                   "được.") % {"names": ", ".join(sorted(opinions))})
    if session.mode == VotingMode.ELECTRONIC:
        voted = sorted(VoterRecord.objects.filter(session=session, member__in=left, has_voted=True)
                       .values_list("member__name", flat=True))
        if voted:
            raise DomainError("already_voted", _("%(names)s đã bỏ phiếu nên không đánh dấu vắng mặt được (phiếu kín "
                                                 "không thể rút ra).") % {"names": ", ".join(voted)})
    else:
        issued = max(session.items.filter(paper_tally__isnull=False).values_list("paper_tally__issued", flat=True),
                     default=0)
        if issued > present:
            raise DomainError("tally_mismatch", _("Đã nhập %(issued)d phiếu phát ra, nhiều hơn số thành viên có mặt "
                                                  "sau khi sửa (%(present)d): hãy sửa kết quả kiểm phiếu trước.")
                              % {"issued": issued, "present": present})


def quorum_status(session: CouncilSession) -> dict:
    voting = [m for m in session.members.all() if m.votes]
    present = sum(1 for m in voting if m.present)
    return {
        "members": len(voting),
        "present": present,
        "required": tally.required_present(members=len(voting), required=session.quorum),
        "met": tally.quorum_met(present=present, members=len(voting), required=session.quorum),
    }


@transaction.atomic
def open_voting(*, actor, session: CouncilSession) -> CouncilSession:
    """Check the quorum, freeze the roster, prepare who-voted records in random order."""
    session = _lock(session)
    _require(permissions.can_manage_session, actor, session, _("Chỉ Thư ký Hội đồng được mở bỏ phiếu."))
    _state(session, (SessionState.IN_PROGRESS, SessionState.VOTING_CLOSED),
           _("Phiên họp đang ở bước “%(state)s”, không mở bỏ phiếu được."))
    roster = {}
    if session.state == SessionState.IN_PROGRESS:
        # The last refresh: from here on the roster is frozen (a re-opened vote keeps it).
        roster = _build_roster(session)
    quorum = quorum_status(session)
    if not quorum["met"]:
        raise DomainError(
            "no_quorum",
            _("Chưa đủ số thành viên dự họp: có mặt %(present)d/%(members)d, cần ít nhất %(required)d.") % quorum,
        )
    if session.state == SessionState.IN_PROGRESS and session.mode == VotingMode.ELECTRONIC:
        voters = list(session.members.filter(votes=True, present=True))
        random.SystemRandom().shuffle(voters)
        VoterRecord.objects.bulk_create(VoterRecord(session=session, member=m) for m in voters)
    session.open_voting()
    _save(session)
    _event(actor, "session.voting_opened", session, _("Mở bỏ phiếu"),
           after={**quorum, **({"roster": roster} if roster.get("joined") or roster.get("left") else {})})
    return session


@transaction.atomic
def close_voting(*, actor, session: CouncilSession) -> CouncilSession:
    """Close the vote, count it, and (secret ballot) rewrite the vote tables in random order."""
    session = _lock(session)
    _require(permissions.can_manage_session, actor, session, _("Chỉ Thư ký Hội đồng được kết thúc bỏ phiếu."))
    _state(session, (SessionState.VOTING_OPEN,), _("Phiên họp đang ở bước “%(state)s”, không kết thúc bỏ phiếu được."))
    if session.mode == VotingMode.PAPER:
        missing = session.items.filter(paper_tally__isnull=True).count()
        if missing:
            raise DomainError("paper_incomplete", _("Còn %(count)d nội dung chưa nhập kết quả kiểm phiếu.")
                              % {"count": missing})
    session.close_voting()
    _save(session)
    counts = count_session(session)
    if session.secret and session.mode == VotingMode.ELECTRONIC:
        shuffle_vote_tables(session)
    voters = sorted(VoterRecord.objects.filter(session=session, has_voted=True).values_list("member__name", flat=True))
    _event(actor, "session.voting_closed", session, _("Kết thúc bỏ phiếu"),
           after={"voted": voters, "passed": counts["passed"], "failed": counts["failed"]})
    return session


RESULT_FIELDS = ("issued", "valid", "agree", "disagree", "abstain", "written_agree", "written_other", "base",
                 "result")


def compute_counts(session: CouncilSession) -> dict[int, dict]:
    """Every item's counts and result from the stored ballots (or paper totals) and written opinions.

    Pure: reads, never writes (a handful of queries whatever the number of items).
    """
    items = list(session.items.select_related("paper_tally").order_by("position"))
    item_ids = [i.pk for i in items]
    members = [m for m in session.members.all() if m.votes]
    present = sum(1 for m in members if m.present)
    opinions = [o.choices for o in WrittenOpinion.objects.filter(session=session)]
    written = tally.count_opinions(opinions, item_ids)
    if session.mode == VotingMode.ELECTRONIC:
        counts = tally.count_ballots([b.choices for b in Ballot.objects.filter(session=session)], item_ids,
                                     issued=present)
    else:
        counts = {i.pk: tally.Count(i.paper_tally.issued, i.paper_tally.valid, i.paper_tally.agree,
                                    i.paper_tally.disagree, i.paper_tally.abstain) for i in items}
    results = {}
    for item in items:
        count = counts[item.pk]
        written_agree, written_other = written[item.pk]
        base = tally.base_for(item.threshold_base, members=len(members), present=present, written=len(opinions))
        passed = tally.passes(agree=count.agree + written_agree, base=base, threshold=item.threshold,
                              strict=item.threshold_strict)
        results[item.pk] = {
            "issued": count.issued, "valid": count.valid, "agree": count.agree, "disagree": count.disagree,
            "abstain": count.abstain, "written_agree": written_agree, "written_other": written_other, "base": base,
            "result": ItemResult.PASSED if passed else ItemResult.FAILED,
        }
    return results


def count_session(session: CouncilSession) -> dict:
    """Count every item and store the results.

    Items with the same results are written with one UPDATE each (a few dozen
    statements for a thousand items, where a CASE-per-row bulk update took
    a second).
    """
    groups: dict[tuple, list[int]] = {}
    summary = {"passed": 0, "failed": 0}
    for item_id, values in compute_counts(session).items():
        groups.setdefault(tuple(values[f] for f in RESULT_FIELDS), []).append(item_id)
        summary["passed" if values["result"] == ItemResult.PASSED else "failed"] += 1
    for values, ids in groups.items():
        AgendaItem.objects.filter(pk__in=ids).update(**dict(zip(RESULT_FIELDS, values, strict=True)))
    return summary


@transaction.atomic
def reopen_voting(*, actor, session: CouncilSession) -> CouncilSession:
    """Before results are confirmed, an error can be corrected by voting again."""
    return open_voting(actor=actor, session=session)


@transaction.atomic
def confirm_results(*, actor, session: CouncilSession) -> CouncilSession:
    """Results become final: nominations pass or fail; their dossiers move on."""
    session = _lock(session)
    _require(permissions.can_confirm_results, actor, session,
             _("Chỉ Chủ tịch hoặc Thư ký Hội đồng được xác nhận kết quả."))
    _state(session, (SessionState.VOTING_CLOSED,), _("Phiên họp đang ở bước “%(state)s”, không xác nhận kết quả được."))
    quorum = quorum_status(session)
    if not quorum["met"]:
        raise DomainError(
            "no_quorum",
            _("Sau khi sửa điểm danh, số thành viên có mặt chưa đủ: %(present)d/%(members)d, cần ít nhất "
              "%(required)d. Không xác nhận kết quả được.") % quorum,
        )
    count_session(session)
    items = list(AgendaItem.objects.filter(session=session).order_by("position")
                 .values_list("position", "nomination_id", "result"))
    session.confirm()
    _save(session)
    # Set-based: every nomination and every dossier in a few statements, whatever the number of items.
    council_stage.record_session_results(
        actor=actor, results={nomination: result == ItemResult.PASSED for _p, nomination, result in items},
        session_label=str(session))
    _event(actor, "session.results_confirmed", session, _("Xác nhận kết quả bỏ phiếu"),
           after={str(position): result for position, _n, result in items})
    return session


@transaction.atomic
def finalise(*, actor, session: CouncilSession, minutes_date: datetime.date | None = None,
             end_time=None) -> CouncilSession:
    """The chair signs the minutes: they get their number; nothing changes afterwards but by correction."""
    session = _lock(session)
    _require(permissions.can_sign_minutes, actor, session, _("Chỉ Chủ tịch Hội đồng ký biên bản."))
    _state(session, (SessionState.RESULTS_CONFIRMED,), _("Phiên họp đang ở bước “%(state)s”, chưa ký biên bản được."))
    from dossiers.documents.numbering import allocate_number

    day = minutes_date or timezone.localdate()
    number = allocate_number(scope=session.council.province.code, issuer=session.council.issuer_code, type_code="BB",
                             year=day.year, object_type="councils.councilsession", object_id=str(session.pk))
    session.minutes_number = f"{number.number:02d}/BB-{session.council.issuer_code}"
    session.minutes_date = day
    if end_time is not None:
        session.end_time = end_time
    session.finalise()
    _save(session)
    _event(actor, "session.finalised", session, _("Ký biên bản phiên họp"),
           after={"minutes_number": session.minutes_number, "minutes_date": day})
    return session


@transaction.atomic
def record_correction(*, actor, session: CouncilSession, note: str, place: str | None = None,
                      end_time=None) -> SessionCorrection:
    """After signing: an audited correction of what the minutes say (never of the votes)."""
    session = _lock(session)
    _require(permissions.can_manage_session | permissions.can_sign_minutes, actor, session,
             _("Chỉ Thư ký hoặc Chủ tịch Hội đồng được đính chính."))
    _state(session, (SessionState.FINALISED,), _("Phiên họp đang ở bước “%(state)s”; hãy sửa trực tiếp."))
    note = clean_line(note)
    if not note:
        raise DomainError("reason_required", _("Hãy ghi nội dung đính chính."))
    before, after = {}, {}
    if place is not None and clean_line(place) != session.place:
        before["place"], after["place"] = session.place, clean_line(place)
        session.place = clean_line(place)
    if end_time is not None and end_time != session.end_time:
        before["end_time"], after["end_time"] = session.end_time, end_time
        session.end_time = end_time
    session.save(update_fields=["place", "end_time"])
    correction = SessionCorrection.objects.create(session=session, note=note, created_by=actor)
    _event(actor, "session.corrected", session, _("Đính chính biên bản: %(note)s") % {"note": note},
           before=before, after={**after, "note": note})
    return correction


def recount(session: CouncilSession) -> list[str]:
    """Recompute from the stored ballots; return the items whose stored result differs (nothing is written)."""
    fresh = compute_counts(session)
    differing = []
    for item in session.items.order_by("position"):
        stored = {field: getattr(item, field) for field in RESULT_FIELDS}
        if stored != fresh.get(item.pk):
            differing.append(str(item))
    return differing

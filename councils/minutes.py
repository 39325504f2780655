"""The session's minutes (biên bản): the same data whether the votes were electronic or on paper."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from councils.models import AgendaItem, CouncilSession, MemberRole, SessionState, WrittenOpinion
from councils.selectors import agenda
from councils.tally import ALL_MEMBERS, percent, required_present
from dossiers.documents.formatting import percent as format_percent
from dossiers.documents.formatting import place_date_line

THRESHOLD_LABELS = {
    (9, 10, False): "từ 90% trở lên",
    (4, 5, False): "từ 80% trở lên",
    (1, 2, True): "quá 50%",
}


def threshold_label(item: AgendaItem) -> str:
    key = (item.threshold_numerator, item.threshold_denominator, item.threshold_strict)
    if key in THRESHOLD_LABELS:
        return THRESHOLD_LABELS[key]
    share = format_percent(item.threshold_numerator, item.threshold_denominator)
    return f"quá {share}%" if item.threshold_strict else f"từ {share}% trở lên"


def default_secretary(session: CouncilSession):
    """Who signs as secretary when no term on the roster has the secretary's role: the session's creator.

    The issue wants the Home Affairs commendation head by default; the
    province has no such setting, and only a council secretary may create a
    session, so the creator (normally that head) is the default.
    """
    creator = session.created_by
    return SimpleNamespace(name=creator.get_full_name() or creator.username, position=creator.position or "")


def opening_time(session: CouncilSession):
    """Without a planned start time, the minutes give the moment the secretary opened the session."""
    if session.started_at is None:
        return None
    return timezone.localtime(session.started_at).time().replace(second=0, microsecond=0)


def minutes_context(session: CouncilSession) -> dict:
    """Everything templates/documents/council_minutes.html prints."""
    council = session.council
    members = list(session.members.all())
    voting = [m for m in members if m.votes]
    written = set(WrittenOpinion.objects.filter(session=session).values_list("member_id", flat=True))
    chair = next((m for m in members if m.role == MemberRole.CHAIR), None)
    secretary = next((m for m in members if m.role == MemberRole.SECRETARY), None) or default_secretary(session)
    present_count = sum(1 for m in voting if m.present)
    items = []
    summary = {"passed": 0, "failed": 0}
    for item in agenda(session):
        nomination = item.nomination
        total = (item.agree or 0) + item.written_agree
        base = item.base or 0
        passed = item.result == "passed"
        if item.result in ("passed", "failed"):
            summary[item.result] += 1
        items.append({
            "position": item.position,
            "nominee": nomination.subject_name,
            "unit": nomination.dossier.unit.name,
            "award": nomination.award_type.name,
            "issued": item.issued, "valid": item.valid, "agree": item.agree, "disagree": item.disagree,
            "abstain": item.abstain, "written_agree": item.written_agree, "total_agree": total,
            "base_label": "tổng số thành viên Hội đồng" if item.threshold_base == ALL_MEMBERS
            else "số thành viên có mặt và có ý kiến",
            "base": base,
            "percent": format_percent(total, base) if base else "0,0",
            "threshold_label": threshold_label(item),
            "passed": passed,
            "share": percent(total, base),
        })
    day = session.minutes_date or timezone.localdate()
    return {
        "issuer": {"parent": council.parent_line, "name": council.issuer_name, "code": council.issuer_code},
        "number_line": f"Số: {session.minutes_number}" if session.minutes_number
        else f"Số:      /BB-{council.issuer_code}",
        "place_date_line": place_date_line(council.province.place_name, day),
        "session": {
            "title": session.title, "kind_label": session.get_kind_display(), "date": session.date,
            "start_time": session.start_time or opening_time(session), "end_time": session.end_time,
            "place": session.place,
            "secret": session.secret,
            "voting_method_label": "bỏ phiếu kín" if session.secret else "biểu quyết công khai",
            "mode_label": session.get_mode_display().lower(),
        },
        "chair": {"name": chair.name if chair else "", "position": chair.position if chair else ""},
        "secretary": {"name": secretary.name if secretary else "", "position": secretary.position if secretary else ""},
        "members_total": len(voting),
        "present": [{"name": m.name, "position": m.position, "role_label": m.get_role_display()}
                    for m in voting if m.present],
        "absent": [{"name": m.name, "position": m.position, "role_label": m.get_role_display(),
                    "written_opinion": m.pk in written} for m in voting if not m.present],
        "quorum": {
            "rule_label": f"từ {format_percent(session.quorum_numerator, session.quorum_denominator)}% "
                          "tổng số thành viên trở lên",
            "required_count": required_present(members=len(voting), required=session.quorum),
            "present_count": present_count,
            "met": present_count >= required_present(members=len(voting), required=session.quorum),
        },
        "items": items,
        "summary": summary,
        "recipients": ["Chủ tịch UBND tỉnh (b/c)", "Các thành viên Hội đồng", "Sở Nội vụ"],
        "archive_line": f"Lưu: VT, {council.issuer_code}",
        "chair_signature": {"lines": ["CHỦ TỊCH HỘI ĐỒNG"], "name": chair.name if chair else ""},
        "secretary_signature": {"lines": ["THƯ KÝ"], "name": secretary.name if secretary else ""},
        "draft": session.state != SessionState.FINALISED,
    }

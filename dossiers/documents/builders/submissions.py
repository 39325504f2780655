"""Submissions (tờ trình): Home Affairs' TTr-SNV to the Chairman, the province's TTr-UBND to the Prime Minister."""

from __future__ import annotations

from itertools import groupby

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from dossiers.documents.builders import common
from dossiers.documents.builders.decision import award_phrase, capitalised, count_phrase, decision_items, roman
from dossiers.documents.formatting import percent, short_date
from dossiers.models import (
    Authority,
    CentralSubmission,
    Decision,
    EligibilityOverride,
    Nomination,
)

COUNCIL_RESULTS = ("passed", "failed")


def _award_lines(nominations: list) -> list[dict]:
    """Counts per award (grouped by name): ``{"title": ..., "count_phrase": "01 cá nhân và 02 tập thể"}``."""
    lines = []
    for _name, members in groupby(nominations, key=lambda n: n.award_type.name):
        members = list(members)
        individuals = sum(1 for n in members if n.person_id)
        lines.append({"award": members[0].award_type, "phrase": award_phrase(members[0].award_type),
                      "title": capitalised(award_phrase(members[0].award_type)),
                      "count_phrase": count_phrase(individuals, len(members) - individuals), "count": len(members)})
    return lines


def _council_results(nominations: list) -> dict[int, dict]:
    """The last counted council result of each nomination (read through the reverse relation, so that
    ``dossiers`` does not import ``councils``)."""
    try:
        related = Nomination._meta.get_field("agenda_items").related_model
    except FieldDoesNotExist:  # the councils app is not installed
        return {}
    items = related.objects.filter(nomination__in=nominations, result__in=COUNCIL_RESULTS).select_related(
        "session").order_by("session__date", "session_id")
    results = {}
    for item in items:
        total = (item.agree or 0) + item.written_agree
        base = item.base or 0
        session = item.session
        minutes = f", Biên bản số {session.minutes_number}" if session.minutes_number else ""
        share = f" ({percent(total, base)}%)" if base else ""
        verdict = "Đạt" if item.result == "passed" else "Không đạt"
        results[item.nomination_id] = {
            "text": f"Phiên họp ngày {short_date(session.date)}{minutes}: đồng ý {total}/{base}{share}, {verdict}",
            "passed": item.result == "passed",
        }
    return results


def _overrides(nominations: list) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    rows = EligibilityOverride.objects.filter(verdict__nomination__in=nominations).select_related(
        "verdict", "created_by").order_by("verdict__nomination_id", "verdict__order", "verdict_id")
    for override in rows:
        found.setdefault(override.verdict.nomination_id, []).append({
            "criterion": override.verdict.description,
            "explanation": override.verdict.explanation,
            "reason": override.reason,
            "by": override.created_by.get_full_name() or override.created_by.username,
            "on": timezone.localtime(override.created_at).date(),
        })
    return found


def ha_submission_context(decision: Decision, **options) -> dict:
    """Home Affairs' submission to the Chairman (TTr-SNV) proposing the decision."""
    province = decision.province
    items = decision_items(decision)
    nominations = [item.nomination for item in items]
    councils = _council_results(nominations)
    overrides = _overrides(nominations)
    granted = [item.nomination for item in items if not item.forwarded]
    forwarded = [item.nomination for item in items if item.forwarded]
    units = sorted({n.dossier.unit.name for n in nominations})
    rows, override_rows = [], []
    for position, item in enumerate(items, start=1):
        nomination = item.nomination
        council = councils.get(nomination.pk)
        if council:
            result = council["text"]
        elif nomination.award_type.vote_required:
            result = "Chưa có kết quả biểu quyết"
        else:
            result = "Đủ điều kiện; không phải biểu quyết"
        rows.append({
            "position": position, "name": nomination.subject_name,
            "description": common.subject_description(nomination),
            "award": nomination.award_type.name, "result": result, "forwarded": item.forwarded,
        })
        for override in overrides.get(nomination.pk, []):
            override_rows.append({"name": nomination.subject_name, "award": nomination.award_type.name, **override})
    title = decision.title
    if title.startswith("Về việc "):
        title = f"Về việc đề nghị {title[len('Về việc '):]}"
    else:
        title = f"Về việc đề nghị {title[:1].lower()}{title[1:]}"
    signer = decision.checked_by
    day = decision.submission_date
    bases = [common.LAW]
    regulation = common.regulation_basis(day or decision.created_at.date())
    if regulation:
        bases.append(regulation)
    individuals = sum(1 for n in nominations if n.person_id)
    return {
        "issuer": common.home_affairs_issuer(province),
        "number_line": common.number_line(decision.submission_number, "TTr", "SNV"),
        "place_date_line": common.date_line(province, day),
        "document_type": "TỜ TRÌNH",
        "title": title,
        "draft": not decision.submission_number,
        "addressee": f"Chủ tịch Ủy ban nhân dân {province.name[:1].lower()}{province.name[1:]}",
        "legal_bases": bases,
        "home_affairs": common.home_affairs_name(province),
        "units": units,
        "total_phrase": count_phrase(individuals, len(nominations) - individuals),
        "voted": bool(councils),
        "granted_lines": _award_lines(granted),
        "forwarded_lines": _award_lines(forwarded),
        "table": rows,
        "overrides": override_rows,
        "signature": common.director_signature(signer) if signer else {"lines": ["GIÁM ĐỐC"], "name": ""},
        "recipients": ["Như trên", "Chủ tịch Hội đồng Thi đua - Khen thưởng tỉnh (b/c)"],
        "archive_line": "Lưu: VT, TĐKT",
        "rows": len(rows),
    }


AUTHORITY_VERBS = {
    Authority.PRIME_MINISTER: "Thủ tướng Chính phủ xem xét, tặng",
    Authority.PRESIDENT: "Thủ tướng Chính phủ xem xét, trình Chủ tịch nước tặng",
}


def central_submission_context(submission: CentralSubmission, **options) -> dict:
    """The province's submission to the Prime Minister (TTr-UBND) with its list."""
    province = submission.province
    items = list(submission.items.select_related(
        "nomination", "nomination__award_type", "nomination__dossier", "nomination__dossier__unit",
        "nomination__dossier__movement", "nomination__person", "nomination__collective",
    ).order_by("nomination__award_type__rank", "nomination__award_type__name", "position", "id"))
    nominations = [item.nomination for item in items]
    lines = []
    for authority, members in groupby(nominations, key=lambda n: n.award_type.authority):
        members = list(members)
        verb = AUTHORITY_VERBS.get(authority, "Thủ tướng Chính phủ xem xét, khen thưởng")
        for line in _award_lines(members):
            lines.append({**line, "verb": verb})
    groups = []
    for line in _award_lines(nominations):
        members = [n for n in nominations if n.award_type.name == line["award"].name]
        groups.append({
            "roman": roman(len(groups)), "title": line["title"], "count_phrase": line["count_phrase"],
            "rows": [{"position": index, "name": n.subject_name,
                      "birth_year": n.person.birth_year if n.person_id and n.person.birth_year else "",
                      "description": common.subject_description(n),
                      "achievement": capitalised(common.kind_phrase(n.dossier.kind, n.dossier.year,
                                                                    n.dossier.movement))}
                     for index, n in enumerate(members, start=1)],
        })
    individuals = sum(1 for n in nominations if n.person_id)
    day = submission.signed_on
    bases = [common.LAW]
    regulation = common.regulation_basis(day or submission.created_at.date())
    if regulation:
        bases.append(regulation)
    name = submission.signed_by.get_full_name() if submission.signed_by_id else ""
    province_name = f"{province.name[:1].lower()}{province.name[1:]}"
    return {
        "issuer": common.province_issuer(province),
        "number_line": common.number_line(submission.number, "TTr", "UBND"),
        "place_date_line": common.date_line(province, day),
        "document_type": "TỜ TRÌNH",
        "title": submission.title,
        "draft": not submission.number,
        "addressees": ["Thủ tướng Chính phủ", "Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương)"],
        "legal_bases": bases,
        "province_name": province_name,
        "home_affairs": common.home_affairs_name(province),
        "total_phrase": count_phrase(individuals, len(nominations) - individuals),
        "award_lines": lines,
        "annex": {
            "title": "Cá nhân, tập thể đề nghị khen thưởng",
            "reference": (f"Tờ trình số {submission.number or common.BLANK + '/TTr-UBND'} "
                          f"{common.reference_date(day)} của Ủy ban nhân dân {province_name}"),
            "groups": groups,
        },
        "signature": common.chairman_signature(submission.signer_capacity, name),
        "recipients": ["Như trên", "Văn phòng Chính phủ", common.home_affairs_name(province)],
        "archive_line": "Lưu: VT, SNV",
        "rows": len(items),
    }

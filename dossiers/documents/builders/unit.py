"""A unit's own documents, from what it entered: the proposal letter (tờ trình, Mẫu 01), the achievement
report of a nominee (báo cáo thành tích), and Home Affairs' public notice (TB) of a notice period."""

from __future__ import annotations

from itertools import groupby

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from dossiers.documents.builders import common
from dossiers.documents.builders.decision import award_phrase, capitalised, count_phrase
from dossiers.documents.formatting import short_date
from dossiers.models import (
    AnnualRating,
    AwardKind,
    AwardRecord,
    Dossier,
    Initiative,
    Nomination,
    NominationOutcome,
    PublicNotice,
)

REPORT_HEADINGS = {
    AwardKind.REGULAR: "BÁO CÁO THÀNH TÍCH",
    AwardKind.EXCEPTIONAL: "BÁO CÁO TÓM TẮT THÀNH TÍCH ĐỘT XUẤT",
    AwardKind.THEMATIC: "BÁO CÁO THÀNH TÍCH THEO CHUYÊN ĐỀ, PHONG TRÀO THI ĐUA",
    AwardKind.LONG_SERVICE: "BÁO CÁO TÓM TẮT QUÁ TRÌNH CỐNG HIẾN",
    AwardKind.LENGTH_OF_SERVICE: "BÁO CÁO THÀNH TÍCH",
    AwardKind.FOREIGN_RELATIONS: "BÁO CÁO TÓM TẮT THÀNH TÍCH ĐÓNG GÓP TRONG CÔNG TÁC ĐỐI NGOẠI",
}
# Years of history a report shows before the year of the achievement.
HISTORY_YEARS = 5


def _unit_issuer(unit) -> dict:
    parent = unit.parent.name if unit.parent_id else f"Ủy ban nhân dân {unit.province.name}"
    return {"parent": common.upper(parent), "name": common.upper(unit.name),
            "code": unit.short_name or unit.code}


def _local(moment):
    return timezone.localtime(moment).date() if moment else None


def _head_signature(dossier: Dossier) -> dict:
    head = dossier.submitted_by
    if head is not None and head.position:
        return {"lines": [common.upper(head.position)], "name": head.get_full_name()}
    return {"lines": ["THỦ TRƯỞNG ĐƠN VỊ"], "name": head.get_full_name() if head else ""}


def _nominations(dossier: Dossier) -> list[Nomination]:
    rows = list(dossier.nominations.exclude(outcome=NominationOutcome.WITHDRAWN).select_related(
        "award_type", "person", "collective"))
    return sorted(rows, key=lambda n: (n.award_type.rank, n.award_type.name, 0 if n.person_id else 1,
                                       n.person.sort_key if n.person_id else n.collective.sort_key, n.pk))


def proposal_letter_context(dossier: Dossier, **options) -> dict:
    """The unit's proposal letter (Mẫu 01) with the list of its nominees."""
    unit = dossier.unit
    province = unit.province
    nominations = _nominations(dossier)
    lines, groups = [], []
    for _name, members in groupby(nominations, key=lambda n: n.award_type.name):
        members = list(members)
        individuals = sum(1 for n in members if n.person_id)
        phrase = count_phrase(individuals, len(members) - individuals)
        lines.append({"title": capitalised(award_phrase(members[0].award_type)), "count_phrase": phrase})
        groups.append({
            "title": capitalised(award_phrase(members[0].award_type)), "count_phrase": phrase,
            "rows": [{"name": n.subject_name, "description": common.subject_description(n),
                      "summary": n.achievement_summary} for n in members],
        })
    position = 0
    for group in groups:
        for row in group["rows"]:
            position += 1
            row["position"] = position
    individuals = sum(1 for n in nominations if n.person_id)
    day = _local(dossier.submitted_at)
    regulation = common.regulation_basis(day or timezone.localdate())
    bases = [common.LAW] + ([regulation] if regulation else [])
    issuer = _unit_issuer(unit)
    province_name = f"{province.name[:1].lower()}{province.name[1:]}"
    achievement = common.kind_phrase(dossier.kind, dossier.year, dossier.movement)
    return {
        "issuer": issuer,
        "number_line": common.number_line("", "TTr", issuer["code"]),
        "place_date_line": common.date_line(province, day),
        "document_type": "TỜ TRÌNH",
        "title": f"Về việc {dossier.title[:1].lower()}{dossier.title[1:]}"
        if not dossier.title.startswith("Về việc") else dossier.title,
        "addressee": f"Chủ tịch Ủy ban nhân dân {province_name} (qua {common.home_affairs_name(province)})",
        "legal_bases": bases,
        "unit_name": unit.name,
        "total_phrase": count_phrase(individuals, len(nominations) - individuals),
        "achievement": achievement,
        "award_lines": lines,
        "annex": {
            "reference": f"Tờ trình số {common.BLANK}/TTr-{issuer['code']} {common.reference_date(day)} của {unit.name}",
            "groups": groups,
        },
        "signature": _head_signature(dossier),
        "recipients": ["Như trên"],
        "archive_line": "Lưu: VT",
        "rows": len(nominations),
    }


def achievement_report_context(nomination: Nomination, **options) -> dict:
    """The achievement report of one nominee: by subject (individual, collective) and kind of award."""
    dossier = nomination.dossier
    unit = dossier.unit
    province = unit.province
    kind = dossier.kind
    start = dossier.year - HISTORY_YEARS + 1
    subject = {"person": nomination.person} if nomination.person_id else {"collective": nomination.collective}
    ratings = list(AnnualRating.objects.filter(**subject, year__gte=start, year__lte=dossier.year).order_by("year"))
    initiatives = list(Initiative.objects.filter(**subject, year__gte=start, year__lte=dossier.year).order_by(
        "year", "id"))
    awards = list(AwardRecord.objects.filter(**subject, revoked=False).order_by("year", "id"))
    individual = bool(nomination.person_id)
    day = _local(dossier.submitted_at)
    if individual:
        person = nomination.person
        profile = [
            ("Họ và tên", person.full_name),
            ("Giới tính", person.get_gender_display() if person.gender else ""),
            ("Năm sinh", str(person.birth_year) if person.birth_year else ""),
            ("Chức vụ, đơn vị công tác", common.subject_description(nomination)),
        ]
        signature_left = {"lines": ["THỦ TRƯỞNG ĐƠN VỊ", "XÁC NHẬN, ĐỀ NGHỊ"],
                          "name": dossier.submitted_by.get_full_name() if dossier.submitted_by_id else ""}
        signature = {"lines": ["NGƯỜI BÁO CÁO THÀNH TÍCH"], "name": person.full_name}
        section_one = "I. SƠ LƯỢC LÝ LỊCH"
    else:
        collective = nomination.collective
        profile = [
            ("Tên tập thể", collective.name),
            ("Đơn vị", unit.name),
        ]
        signature_left = {"lines": ["THỦ TRƯỞNG CƠ QUAN CẤP TRÊN", "TRỰC TIẾP XÁC NHẬN"], "name": ""}
        signature = _head_signature(dossier)
        section_one = "I. ĐẶC ĐIỂM, TÌNH HÌNH"
    if kind == AwardKind.THEMATIC and dossier.movement_id:
        purpose = f"Đề nghị tặng {award_phrase(nomination.award_type)} trong {dossier.movement.name}"
    else:
        purpose = f"Đề nghị tặng {award_phrase(nomination.award_type)}"
    return {
        "issuer": _unit_issuer(unit),
        "number_line": "",
        "place_date_line": common.date_line(province, day),
        "document_type": REPORT_HEADINGS.get(kind, "BÁO CÁO THÀNH TÍCH"),
        "title": purpose,
        "subject_line": (f"của {'cá nhân' if individual else 'tập thể'}: {nomination.subject_name}"),
        "individual": individual,
        "kind": kind,
        "section_one": section_one,
        "profile": profile,
        "summary_paragraphs": common.lines_of(nomination.achievement_summary),
        "regular": kind == AwardKind.REGULAR,
        "ratings": [{"year": r.year, "rating": r.get_rating_display()} for r in ratings],
        "initiatives": [{"year": i.year, "title": i.title, "level": i.get_level_display(),
                         "recognised_by": i.recognised_by} for i in initiatives],
        "awards": [{"year": a.year, "name": a.award_name,
                    "decision": " ".join(part for part in (
                        f"Quyết định số {a.decision_number}" if a.decision_number else "",
                        f"ngày {short_date(a.decision_date)}" if a.decision_date else "",
                        f"của {a.decided_by}" if a.decided_by else "") if part)} for a in awards],
        "signature_left": signature_left,
        "signature": signature,
        "rows": len(ratings) + len(initiatives) + len(awards),
    }


def public_notice_context(notice: PublicNotice, **options) -> dict:
    """Home Affairs' notice (TB) listing the nominations under public notice in the notice's period, across
    every dossier of the province noticed for the same period."""
    province = notice.dossier.unit.province
    notices = PublicNotice.objects.filter(dossier__unit__province=province, starts_on=notice.starts_on,
                                          ends_on=notice.ends_on).values("dossier_id")
    nominations = list(Nomination.objects.filter(
        dossier_id__in=notices, award_type__public_notice_required=True,
    ).exclude(outcome__in=(NominationOutcome.PROPOSED, NominationOutcome.INELIGIBLE, NominationOutcome.WITHDRAWN))
        .select_related("award_type", "person", "collective", "dossier", "dossier__unit"))
    nominations.sort(key=lambda n: (n.award_type.rank, n.award_type.name, 0 if n.person_id else 1,
                                    n.person.sort_key if n.person_id else n.collective.sort_key, n.pk))
    groups = []
    for _name, members in groupby(nominations, key=lambda n: n.award_type.name):
        members = list(members)
        individuals = sum(1 for n in members if n.person_id)
        groups.append({
            "title": capitalised(award_phrase(members[0].award_type)),
            "count_phrase": count_phrase(individuals, len(members) - individuals),
            "rows": [{"position": index, "name": n.subject_name, "description": common.subject_description(n),
                      "unit": n.dossier.unit.name} for index, n in enumerate(members, start=1)],
        })
    individuals = sum(1 for n in nominations if n.person_id)
    home_affairs = common.home_affairs_name(province)
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    return {
        "issuer": common.home_affairs_issuer(province),
        "number_line": common.number_line("", "TB", "SNV"),
        "place_date_line": common.date_line(province, notice.starts_on),
        "document_type": "THÔNG BÁO",
        "title": "Công khai danh sách cá nhân, tập thể được đề nghị khen thưởng",
        "home_affairs": home_affairs,
        "total_phrase": count_phrase(individuals, len(nominations) - individuals),
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "public_url": f"{site}{reverse('public_notice_list')}",
        "groups": groups,
        "signature": common.director_signature(notice.created_by),
        "recipients": ["Các cơ quan, đơn vị có cá nhân, tập thể được đề nghị khen thưởng",
                       "Trang thông tin điện tử của Sở"],
        "archive_line": "Lưu: VT, TĐKT",
        "rows": len(nominations),
    }

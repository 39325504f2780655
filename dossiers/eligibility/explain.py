"""Pieces of the Vietnamese sentences that explain a verdict.

Every text is a gettext message id in Vietnamese (ADR 0001), looked up when
the verdict is built, so English can be added to the catalogue later. A
verdict's explanation is one sentence: clauses joined by semicolons.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import number_format

from dossiers.eligibility.history import AwardRow, DisciplineRow, InitiativeRow
from dossiers.eligibility.i18n import gettext as _
from dossiers.eligibility.i18n import remembered
from dossiers.models import Rating

MAX_NAMES = 5


def lower_first(text) -> str:
    text = str(text)
    return text[:1].lower() + text[1:]


def sentence(parts: Iterable[str], suffix: str = "") -> str:
    """Clauses joined by semicolons, capitalised, ending with a full stop."""
    text = "; ".join(p for p in parts if p) + suffix
    return text[:1].upper() + text[1:] + "."


def years_list(years: Iterable[int]) -> str:
    return ", ".join(str(y) for y in sorted(years))


def years_phrase(years: Iterable[int]) -> str:
    """"năm 2026" or "các năm 2025, 2026"."""
    years = sorted(years)
    if len(years) == 1:
        return _("năm %(year)s") % {"year": years[0]}
    return _("các năm %(years)s") % {"years": years_list(years)}


def span_phrase(first: int, last: int) -> str:
    """"năm 2026" or "giai đoạn 2022-2026"."""
    if first >= last:
        return _("năm %(year)s") % {"year": last}
    return _("giai đoạn %(first)s-%(last)s") % {"first": first, "last": last}


def rating_label(code: str) -> str:
    return remembered(("rating", code), lambda: lower_first(Rating(code).label))


def requirement_phrase(code: str) -> str:
    """"hoàn thành xuất sắc nhiệm vụ" or "từ hoàn thành tốt nhiệm vụ trở lên"."""
    if code == Rating.HTXSNV:
        return rating_label(code)
    return _("từ %(rating)s trở lên") % {"rating": rating_label(code)}


def decisions(records: Iterable[AwardRow]) -> str:
    """" (QĐ 15/QĐ-STC, 12/QĐ-STC)" naming the decisions, or "" when none is recorded."""
    numbers = [r.decision_number for r in records if r.decision_number]
    if not numbers:
        return ""
    return " (" + _("QĐ %(numbers)s") % {"numbers": ", ".join(numbers)} + ")"


def award_phrase(name: str, record: AwardRow) -> str:
    """"Bằng khen ... năm 2020 (QĐ 120/QĐ-UBND)"."""
    return _("%(award)s năm %(year)s") % {"award": name, "year": record.year} + decisions([record])


def date(day) -> str:
    return day.strftime("%d/%m/%Y")


def percent(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value)}%"
    return number_format(round(value, 1), 1) + "%"


def discipline_kind(kind: str) -> str:
    return {
        "discipline": _("kỷ luật"),
        "investigation": _("điều tra"),
        "inspection": _("thanh tra, kiểm tra"),
        "complaint": _("xác minh khiếu nại, tố cáo"),
    }.get(kind, kind)


def discipline_phrase(record: DisciplineRow) -> str:
    """"kỷ luật “Khiển trách” từ ngày 01/02/2024 đến ngày 31/07/2024"."""
    what = discipline_kind(record.kind)
    if record.description:
        what = _("%(kind)s “%(description)s”") % {"kind": what, "description": record.description}
    if record.ended_on is None:
        return _("%(what)s từ ngày %(start)s, chưa kết thúc") % {"what": what, "start": date(record.started_on)}
    return _("%(what)s từ ngày %(start)s đến ngày %(end)s") % {
        "what": what, "start": date(record.started_on), "end": date(record.ended_on)}


def not_counted_clause(years: Iterable[int], record: DisciplineRow, *, subject: str = "") -> str:
    """"năm 2024 không được tính vì thành tích chỉ tính từ sau khi chấp hành xong kỷ luật ..."."""
    what = years_phrase(years)
    if subject:
        what = _("%(award)s %(years)s") % {"award": subject, "years": what}
    return _("%(what)s không được tính vì thành tích chỉ tính từ sau khi chấp hành xong %(record)s") % {
        "what": what, "record": discipline_phrase(record)}


def excluded_clause(records: list[tuple[str, AwardRow]]) -> str:
    """Awards of the right code that do not count: revoked, exceptional, thematic..."""
    if not records:
        return ""
    items = []
    for name, record in records:
        if record.revoked:
            why = _("đã bị hủy bỏ")
        else:
            why = _("là khen thưởng %(kind)s") % {"kind": award_kind_label(record.kind)}
        items.append(_("%(award)s vì %(why)s") % {"award": award_phrase(name, record), "why": why})
    return _("không tính %(records)s") % {"records": ", ".join(items)}


def award_kind_label(kind: str) -> str:
    from dossiers.models import AwardKind

    try:
        return remembered(("award_kind", kind), lambda: lower_first(AwardKind(kind).label))
    except ValueError:
        return kind


def level_phrase(level: str) -> str:
    return {
        "unit": _("từ cấp cơ sở trở lên"),
        "province": _("từ cấp tỉnh trở lên"),
        "national": _("toàn quốc"),
    }[level]


def level_label(level: str) -> str:
    return {"unit": _("cấp cơ sở"), "province": _("cấp tỉnh"), "national": _("toàn quốc")}.get(level, level)


def initiative_phrase(initiative: InitiativeRow) -> str:
    """"“Số hóa hồ sơ” (năm 2025, QĐ 45/QĐ-UBND)"."""
    inside = _("năm %(year)s") % {"year": initiative.year}
    if initiative.recognised_by:
        inside += ", " + _("QĐ %(numbers)s") % {"numbers": initiative.recognised_by}
    return f"“{initiative.title}” ({inside})"


def names_phrase(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        shown += " " + _("và %(count)d người khác") % {"count": len(names) - MAX_NAMES}
    return shown


def quoted(description: str) -> str:
    return "“" + str(description).strip().rstrip(".") + "”"

"""The Chairman's decision (QĐ-UBND) with its annex, and a revocation decision."""

from __future__ import annotations

from itertools import groupby

from django.utils import timezone

from dossiers.documents.builders import common
from dossiers.documents.formatting import money, money_words, two_digits
from dossiers.models import (
    AwardCategory,
    BaseSalary,
    Decision,
    DecisionKind,
    DecisionState,
    cash_amount,
)

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
         "XVII", "XVIII", "XIX", "XX"]


def roman(index: int) -> str:
    return ROMAN[index] if index < len(ROMAN) else str(index + 1)


def count_phrase(individuals: int, collectives: int) -> str:
    """``"02 cá nhân và 01 tập thể"``."""
    parts = []
    if individuals:
        parts.append(f"{two_digits(individuals)} cá nhân")
    if collectives:
        parts.append(f"{two_digits(collectives)} tập thể")
    return " và ".join(parts)


def award_phrase(award_type) -> str:
    """``danh hiệu “Chiến sĩ thi đua cấp tỉnh”`` or ``Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh``."""
    if award_type.category == AwardCategory.EMULATION_TITLE:
        return f"danh hiệu “{award_type.name}”"
    return award_type.name


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def decision_items(decision: Decision) -> list:
    return list(decision.items.select_related(
        "award_type", "nomination", "nomination__award_type", "nomination__dossier", "nomination__dossier__unit",
        "nomination__dossier__movement", "nomination__person", "nomination__collective",
    ).order_by("forwarded", "position", "id"))


def _base_salary(decision: Decision) -> int | None:
    if decision.base_salary:
        return decision.base_salary
    salary = BaseSalary.in_force_on(decision.decision_date or timezone.localdate())
    return salary.amount if salary else None


def _amount(item, decision: Decision, base_salary: int | None) -> int:
    if decision.state in (DecisionState.SIGNED, DecisionState.REVOKED):
        return item.cash_amount
    if item.forwarded or not item.award_type.cash_multiple or not base_salary:
        return 0
    return cash_amount(item.award_type.cash_multiple, base_salary)


def _groups(items, decision, base_salary) -> list[dict]:
    groups = []
    for _key, members in groupby(items, key=lambda item: item.award_type.name):
        members = list(members)
        award_type = members[0].award_type
        rows = []
        for position, item in enumerate(members, start=1):
            nomination = item.nomination
            rows.append({
                "position": position,
                "name": nomination.subject_name,
                "is_person": bool(nomination.person_id),
                "description": common.subject_description(nomination),
                "amount": _amount(item, decision, base_salary),
            })
        individuals = sum(1 for row in rows if row["is_person"])
        groups.append({
            "roman": roman(len(groups)),
            "award": award_type,
            "title": capitalised(award_phrase(award_type)),
            "count_phrase": count_phrase(individuals, len(rows) - individuals),
            "individuals": individuals,
            "collectives": len(rows) - individuals,
            "rows": rows,
            "subtotal": sum(row["amount"] for row in rows),
        })
    return groups


def _achievement(items) -> str:
    phrases = {common.kind_phrase(i.nomination.dossier.kind, i.nomination.dossier.year, i.nomination.dossier.movement)
               for i in items}
    return phrases.pop() if len(phrases) == 1 else "đã có thành tích xuất sắc"


def _signature(decision: Decision) -> dict:
    name = decision.signed_by.get_full_name() if decision.signed_by_id else ""
    return common.chairman_signature(decision.signer_capacity, name)


def _legal_bases(decision: Decision, *, submission: bool) -> list[str]:
    custom = common.lines_of(decision.legal_bases)
    if custom:
        return custom
    day = decision.decision_date or timezone.localdate()
    bases = [common.local_government_law(day), common.LAW]
    regulation = common.regulation_basis(day)
    if regulation:
        bases.append(regulation)
    if submission:
        bases.append(
            f"Xét đề nghị của Giám đốc {common.home_affairs_name(decision.province)} tại Tờ trình số "
            f"{decision.submission_number or common.BLANK + '/TTr-SNV'} "
            f"{common.reference_date(decision.submission_date)}."
        )
    return bases


def reference(decision: Decision) -> str:
    """``"Quyết định số 07/QĐ-UBND ngày 05 tháng 3 năm 2024 của Chủ tịch UBND tỉnh Lai Châu"``."""
    number = decision.number or f"{common.BLANK}/QĐ-UBND"
    return (f"Quyết định số {number} {common.reference_date(decision.decision_date)} của Chủ tịch UBND "
            f"{decision.province.name[:1].lower()}{decision.province.name[1:]}")


def _award_articles(decision: Decision, granted: list, forwarded: list, groups: list, total: int,
                    base_salary: int | None) -> list[dict]:
    articles = []
    individuals = sum(g["individuals"] for g in groups)
    collectives = sum(g["collectives"] for g in groups)
    if groups:
        if len(groups) == 1:
            text = (f"Tặng {award_phrase(groups[0]['award'])} cho {count_phrase(individuals, collectives)} "
                    f"(có danh sách kèm theo), {_achievement(granted)}.")
            articles.append({"text": text, "lines": []})
        else:
            text = (f"Khen thưởng {count_phrase(individuals, collectives)} có tên trong danh sách kèm theo "
                    f"Quyết định này, {_achievement(granted)}, gồm:")
            lines = [f"- {g['title']}: {g['count_phrase']}{'.' if last else ';'}"
                     for g, last in zip(groups, [False] * (len(groups) - 1) + [True], strict=True)]
            articles.append({"text": text, "lines": lines})
        if total:
            articles.append({"text": (
                f"Tiền thưởng kèm theo được tính theo mức lương cơ sở {money(base_salary)} đồng và thực hiện "
                f"theo quy định hiện hành. Tổng số tiền thưởng là {money(total)} đồng ({money_words(total)}), "
                f"trích từ Quỹ thi đua, khen thưởng của tỉnh."), "lines": []})
    if forwarded:
        f_individuals = sum(1 for i in forwarded if i.nomination.person_id)
        articles.append({"text": (
            f"Thống nhất đề nghị cấp có thẩm quyền khen thưởng cho "
            f"{count_phrase(f_individuals, len(forwarded) - f_individuals)} có tên tại Mục "
            f"{roman(len(groups))} của danh sách kèm theo; giao {common.home_affairs_name(decision.province)} "
            f"hoàn thiện hồ sơ, trình Thủ tướng Chính phủ xem xét theo quy định."), "lines": []})
    articles.append({"text": (
        f"Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc "
        f"{common.home_affairs_name(decision.province)}, Giám đốc Sở Tài chính, Thủ trưởng các cơ quan, đơn vị "
        f"có liên quan và các cá nhân, tập thể có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./."),
        "lines": []})
    return articles


def _revocation_articles(decision: Decision) -> list[dict]:
    lines = []
    rows = list(decision.revocations.select_related(
        "award_record", "award_record__person", "award_record__person__unit", "award_record__collective",
        "award_record__collective__unit").order_by("id"))
    for position, item in enumerate(rows, start=1):
        record = item.award_record
        if record.person_id:
            person = record.person
            who = ", ".join(part for part in (person.full_name, person.position, person.unit.name) if part)
        else:
            who = f"{record.collective.name}, {record.collective.unit.name}"
        by = f"Quyết định số {record.decision_number} " if record.decision_number else ""
        when = common.reference_date(record.decision_date) if record.decision_date else ""
        lines.append(f"{position}. {who}: {record.award_name} năm {record.year}"
                     f"{' theo ' + by + when if by else ''}. Lý do: {item.reason.rstrip('.')}.")
    individuals = sum(1 for item in rows if item.award_record.person_id)
    return [
        {"text": f"Hủy bỏ khen thưởng đối với {count_phrase(individuals, len(rows) - individuals)} sau đây:",
         "lines": lines},
        {"text": ("Cá nhân, tập thể có tên tại Điều 1 có trách nhiệm nộp lại hiện vật và tiền thưởng đã nhận "
                  "theo quy định tại Điều 93 Luật Thi đua, khen thưởng; khen thưởng bị hủy bỏ không được dùng "
                  "làm căn cứ xét khen thưởng."), "lines": []},
        {"text": (f"Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc "
                  f"{common.home_affairs_name(decision.province)}, Thủ trưởng các cơ quan, đơn vị có liên quan và "
                  f"các cá nhân, tập thể có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./."),
         "lines": []},
    ]


DEFAULT_RECIPIENTS = ["Ban Thi đua - Khen thưởng Trung ương", "TT. Tỉnh ủy, TT. HĐND tỉnh (b/c)",
                      "Chủ tịch, các PCT UBND tỉnh"]


def decision_context(decision: Decision, **options) -> dict:
    province = decision.province
    draft = decision.state in (DecisionState.DRAFT, DecisionState.CHECKED)
    context = {
        "issuer": common.province_issuer(province),
        "number_line": common.number_line(decision.number, "QĐ", "UBND"),
        "place_date_line": common.date_line(province, decision.decision_date),
        "document_type": "QUYẾT ĐỊNH",
        "title": decision.title,
        "draft": draft,
        "authority_line": f"CHỦ TỊCH ỦY BAN NHÂN DÂN {common.province_upper(province)}",
        "legal_bases": _legal_bases(decision, submission=decision.kind == DecisionKind.AWARD),
        "signature": _signature(decision),
        "archive_line": f"Lưu: VT, {province.home_affairs_unit.short_name or 'SNV'}"
        if province.home_affairs_unit_id else "Lưu: VT, SNV",
        "rows": 0,
    }
    if decision.kind == DecisionKind.REVOCATION:
        articles = _revocation_articles(decision)
        context.update(articles=articles, annex=None, rows=len(articles[0]["lines"]))
    else:
        items = decision_items(decision)
        granted = [i for i in items if not i.forwarded]
        forwarded = [i for i in items if i.forwarded]
        base_salary = _base_salary(decision)
        groups = _groups(granted, decision, base_salary)
        forwarded_groups = _groups(forwarded, decision, base_salary)
        for index, group in enumerate(forwarded_groups):
            group["roman"] = f"{roman(len(groups))}.{index + 1}"
        total = sum(g["subtotal"] for g in groups)
        articles = _award_articles(decision, granted, forwarded, groups, total, base_salary)
        context.update(articles=articles, rows=len(items), annex={
            "title": "Cá nhân, tập thể được khen thưởng",
            "reference": reference(decision),
            "groups": groups,
            "forwarded_roman": roman(len(groups)),
            "forwarded_groups": forwarded_groups,
            "total": total,
            "total_words": money_words(total) if total else "",
            "count": len(granted),
            "count_phrase": count_phrase(sum(g["individuals"] for g in groups),
                                         sum(g["collectives"] for g in groups)),
        })
    default = [f"Như Điều {len(context['articles'])}", *DEFAULT_RECIPIENTS]
    context["recipients"] = common.recipient_lines(decision.recipients, default)
    return context

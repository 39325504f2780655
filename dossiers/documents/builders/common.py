"""Blocks shared by the provincial documents: issuers, signature blocks, legal bases, dates, recipients.

Everything here reads the province (the root of the units tree) and the
catalogue; nothing names a particular province.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from dossiers.documents.formatting import date_text, place_date_line
from dossiers.models import AwardKind, Regulation, SignerCapacity

# Decree 30/2020 writes an unnumbered draft with the number left blank for the register.
BLANK = "\u00a0" * 8

LAW = "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;"
# The Law on the organisation of local government in force on a date (newest first).
LOCAL_GOVERNMENT_LAWS = (
    (datetime.date(2025, 3, 1), "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 19 tháng 02 năm 2025;"),
    (datetime.date(2016, 1, 1), "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, "
                                "bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa "
                                "phương ngày 22 tháng 11 năm 2019;"),
)


def upper(value: str) -> str:
    return (value or "").upper()


def province_upper(province) -> str:
    """``"TỈNH LAI CHÂU"``."""
    return upper(province.name)


def province_issuer(province) -> dict:
    """ỦY BAN NHÂN DÂN / TỈNH LAI CHÂU: the Chairman's decisions and the province's submissions."""
    return {"parent": "", "name": f"ỦY BAN NHÂN DÂN\n{province_upper(province)}", "code": "UBND"}


def home_affairs_name(province) -> str:
    unit = province.home_affairs_unit
    return unit.name if unit is not None else "Sở Nội vụ"


def home_affairs_issuer(province) -> dict:
    """UBND TỈNH LAI CHÂU / SỞ NỘI VỤ."""
    return {"parent": f"UBND {province_upper(province)}", "name": upper(home_affairs_name(province)), "code": "SNV"}


def number_line(symbol: str, type_code: str, issuer_code: str) -> str:
    """``"Số: 07/QĐ-UBND"``, or a blank number for a draft: ``"Số:        /QĐ-UBND"``."""
    if symbol:
        return f"Số: {symbol}"
    return f"Số:{BLANK}/{type_code}-{issuer_code}"


def date_line(province, day: datetime.date | None) -> str:
    """``"Lai Châu, ngày 05 tháng 3 năm 2024"``; a draft leaves day and month blank."""
    if day is not None:
        return place_date_line(province.place_name, day)
    year = timezone.localdate().year
    return f"{province.place_name}, ngày{BLANK}tháng{BLANK}năm {year}"


def reference_date(day: datetime.date | None) -> str:
    """``"ngày 05 tháng 3 năm 2024"`` or blanks for a draft."""
    if day is not None:
        return date_text(day)
    return f"ngày{BLANK}tháng{BLANK}năm {timezone.localdate().year}"


def chairman_signature(capacity: str, name: str) -> dict:
    """TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH, or ... / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH when a Vice-Chairman signs."""
    if capacity == SignerCapacity.VICE_CHAIRMAN:
        lines = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    else:
        lines = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    return {"lines": lines, "name": name}


def director_signature(user) -> dict:
    """The Director of Home Affairs, or a Deputy Director signing for him (KT. GIÁM ĐỐC)."""
    position = (getattr(user, "position", "") or "").lower()
    if "phó giám đốc" in position:
        lines = ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    else:
        lines = ["GIÁM ĐỐC"]
    return {"lines": lines, "name": user.get_full_name() if user is not None else ""}


def local_government_law(day: datetime.date) -> str:
    for starts, text in LOCAL_GOVERNMENT_LAWS:
        if day >= starts:
            return text
    return LOCAL_GOVERNMENT_LAWS[-1][1]


def regulation_basis(day: datetime.date) -> str | None:
    """The decree in force on ``day`` from the catalogue, as a legal basis line."""
    regulation = Regulation.objects.filter(effective_from__lte=day).exclude(effective_to__lt=day).order_by(
        "-effective_from").first()
    if regulation is None:
        return None
    return (f"Căn cứ {regulation.name} của Chính phủ quy định chi tiết thi hành một số điều của "
            f"Luật Thi đua, khen thưởng;")


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def recipient_lines(text: str, default: list[str]) -> list[str]:
    """Recipients typed one a line, without the "-" and ";" the template adds."""
    lines = [line.lstrip("-").strip().rstrip(";.").strip() for line in lines_of(text)]
    return [line for line in lines if line] or default


def kind_phrase(kind: str, year: int, movement=None) -> str:
    """What the achievement was, as certificates and decisions say it."""
    if kind == AwardKind.EXCEPTIONAL:
        return "đã có thành tích xuất sắc đột xuất"
    if kind == AwardKind.THEMATIC:
        name = movement.name if movement is not None else "phong trào thi đua"
        return f"đã có thành tích xuất sắc trong {name}"
    if kind == AwardKind.LONG_SERVICE:
        return "đã có quá trình cống hiến"
    if kind == AwardKind.FOREIGN_RELATIONS:
        return "đã có thành tích đóng góp trong công tác đối ngoại"
    if kind == AwardKind.LENGTH_OF_SERVICE:
        return "đã có thời gian phục vụ theo quy định"
    return f"đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm {year}"


def subject_description(nomination) -> str:
    """Chức vụ, đơn vị công tác of a person; the unit of a collective."""
    unit_name = nomination.dossier.unit.name
    if nomination.person_id:
        position = (nomination.person.position or "").strip()
        if position and unit_name.lower() not in position.lower():
            return f"{position}, {unit_name}"
        return position or unit_name
    return unit_name


def prefix_name(nomination) -> str:
    """``"Ông Nguyễn Văn A"``, ``"Bà ..."`` for individuals; the collective's name as is."""
    if nomination.person_id:
        gender = nomination.person.gender
        title = "Bà" if gender == "female" else "Ông" if gender == "male" else ""
        return f"{title} {nomination.person.full_name}".strip()
    return nomination.collective.name

"""Vietnamese formatting for official documents (Decree 30/2020/NĐ-CP).

Plain functions for Python callers, and the same functions as template filters
(``register``), which the document template engine loads as builtins
(see ``dossiers.documents.render``):

- ``number_line(7, "BB", "HĐTĐKT")`` -> ``"Số: 07/BB-HĐTĐKT"``
- ``place_date_line("Lai Châu", date(2024, 3, 5))`` -> ``"Lai Châu, ngày 05 tháng 3 năm 2024"``
- ``percent(14, 15)`` -> ``"93,3"``; ``money(702000)`` -> ``"702.000"``

Decree 30 writes days below 10 and the months January and February with a
leading zero ("ngày 07 tháng 02"), the other months without ("tháng 3",
"tháng 11"), and document numbers below 10 with a leading zero ("07").
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()

__all__ = [
    "date_text",
    "document_symbol",
    "money",
    "money_words",
    "number_words",
    "number_line",
    "percent",
    "place_date_line",
    "register",
    "short_date",
    "time_text",
    "two_digits",
]


def two_digits(value: int) -> str:
    """``7`` -> ``"07"``; ``12`` -> ``"12"``; ``163`` -> ``"163"``."""
    return f"{int(value):02d}"


def document_symbol(number: int, type_code: str, issuer_code: str) -> str:
    """The number and symbol without the "Số:" label: ``"07/BB-HĐTĐKT"``."""
    if int(number) < 1:
        raise ValueError(_("Số văn bản phải từ 01 trở lên."))
    if not type_code or not issuer_code:
        raise ValueError(_("Thiếu mã cơ quan ban hành hoặc mã loại văn bản."))
    return f"{two_digits(number)}/{type_code}-{issuer_code}"


def number_line(number: int, type_code: str, issuer_code: str) -> str:
    """``number_line(7, "BB", "HĐTĐKT")`` -> ``"Số: 07/BB-HĐTĐKT"``."""
    return f"Số: {document_symbol(number, type_code, issuer_code)}"


def _month(month: int) -> str:
    # Decree 30/2020, Appendix I: months 1 and 2 take a leading zero, the others none.
    return two_digits(month) if month < 3 else str(month)


def date_text(day: datetime.date) -> str:
    """``date(2024, 2, 7)`` -> ``"ngày 07 tháng 02 năm 2024"``; March is ``"tháng 3"``."""
    return f"ngày {two_digits(day.day)} tháng {_month(day.month)} năm {day.year}"


def short_date(day: datetime.date) -> str:
    """``date(2024, 3, 5)`` -> ``"05/3/2024"``; ``date(2024, 2, 7)`` -> ``"07/02/2024"`` (the same month rule)."""
    return f"{two_digits(day.day)}/{_month(day.month)}/{day.year}"


def place_date_line(place: str, day: datetime.date) -> str:
    """``place_date_line("Lai Châu", date(2024, 3, 5))`` -> ``"Lai Châu, ngày 05 tháng 3 năm 2024"``."""
    return f"{place}, {date_text(day)}"


def time_text(moment: datetime.time | None) -> str:
    """``time(8, 5)`` -> ``"08 giờ 05 phút"`` (as minutes write the opening and closing time).

    Without a time, dotted blanks to fill in by hand.
    """
    if moment is None:
        return "..... giờ ..... phút"
    return f"{two_digits(moment.hour)} giờ {two_digits(moment.minute)} phút"


def percent(numerator: int, denominator: int) -> str:
    """A share in per cent with one decimal and a decimal comma, rounded half up.

    ``percent(14, 15)`` -> ``"93,3"``; ``percent(13, 15)`` -> ``"86,7"``; ``percent(12, 15)`` -> ``"80,0"``.
    For display only: whether a vote passes is decided on the integer counts, never on this
    rounded text (89.95% shows as "90,0" and still fails a 90% threshold).
    """
    if int(denominator) <= 0:
        raise ValueError(_("Không tính được tỷ lệ phần trăm khi mẫu số bằng 0."))
    share = Decimal(int(numerator)) * 100 / Decimal(int(denominator))
    return str(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)).replace(".", ",")


def money(amount: int | Decimal) -> str:
    """Đồng with a dot between thousands: ``702000`` -> ``"702.000"``; ``-1500000`` -> ``"-1.500.000"``."""
    if isinstance(amount, float) or (isinstance(amount, Decimal) and amount != amount.to_integral_value()):
        raise TypeError(_("Số tiền phải là số nguyên đồng."))
    return f"{int(amount):,}".replace(",", ".")


# Template filters: {{ session.date|date_text }}, {{ session.start_time|time_text }}, ...
register.filter("two_digits", two_digits)
register.filter("date_text", date_text)
register.filter("short_date", short_date)
register.filter("time_text", time_text)
register.filter("money", money)


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", " nghìn", " triệu", " tỷ"]


def _three(value: int, full: bool) -> str:
    """Words of 0..999; ``full`` writes "không trăm" and "linh" inside a bigger number."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words = []
    if hundreds or full:
        words.append(f"{_DIGITS[hundreds]} trăm")
    if tens > 1:
        words.append(f"{_DIGITS[tens]} mươi")
        if units == 1:
            words.append("mốt")
        elif units == 5:
            words.append("lăm")
        elif units == 4:
            words.append("tư")
        elif units:
            words.append(_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    elif units:
        if hundreds or full:
            words.append("linh")
        words.append(_DIGITS[units])
    return " ".join(words)


def number_words(value: int) -> str:
    """Vietnamese words of a whole number: ``710000`` -> ``"bảy trăm mười nghìn"``."""
    value = int(value)
    if value == 0:
        return "không"
    if value < 0:
        return f"âm {number_words(-value)}"
    if value >= 1000 ** 4:
        billions, rest = divmod(value, 1000 ** 3)
        head = f"{number_words(billions)} tỷ"
        return f"{head} {number_words(rest)}" if rest else head
    groups = []
    while value:
        value, group = divmod(value, 1000)
        groups.append(group)
    words = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words.append(_three(group, full=index < len(groups) - 1) + _GROUPS[index])
    return " ".join(words)


def money_words(amount: int) -> str:
    """``"Bảy trăm mười nghìn đồng"``: the amount in words, as a decision writes it after the figure."""
    words = number_words(int(amount))
    return f"{words[0].upper()}{words[1:]} đồng"


register.filter("money_words", money_words)

"""Vietnamese formatting of document numbers, dates, percentages and money (Decree 30/2020)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from dossiers.documents.formatting import (
    date_text,
    document_symbol,
    money,
    number_line,
    percent,
    place_date_line,
    time_text,
)


@pytest.mark.parametrize(("number", "expected"), [
    (1, "Số: 01/BB-HĐTĐKT"),
    (7, "Số: 07/BB-HĐTĐKT"),
    (9, "Số: 09/BB-HĐTĐKT"),
    (10, "Số: 10/BB-HĐTĐKT"),
    (163, "Số: 163/BB-HĐTĐKT"),
])
def test_number_line_pads_numbers_below_ten(number, expected):
    assert number_line(number, "BB", "HĐTĐKT") == expected


def test_number_line_other_types_and_issuers():
    assert number_line(163, "QĐ", "UBND") == "Số: 163/QĐ-UBND"
    assert number_line(5, "TTr", "SNV") == "Số: 05/TTr-SNV"
    assert document_symbol(7, "BB", "HĐTĐKT") == "07/BB-HĐTĐKT"


@pytest.mark.parametrize("number", [0, -1])
def test_number_line_refuses_numbers_below_one(number):
    with pytest.raises(ValueError):
        number_line(number, "BB", "HĐTĐKT")


def test_number_line_refuses_missing_codes():
    with pytest.raises(ValueError):
        number_line(1, "", "HĐTĐKT")
    with pytest.raises(ValueError):
        number_line(1, "BB", "")


@pytest.mark.parametrize(("day", "expected"), [
    # Days below 10 and the months January and February take a leading zero; the other months none.
    (datetime.date(2024, 3, 5), "Lai Châu, ngày 05 tháng 3 năm 2024"),
    (datetime.date(2024, 2, 7), "Lai Châu, ngày 07 tháng 02 năm 2024"),
    (datetime.date(2024, 1, 1), "Lai Châu, ngày 01 tháng 01 năm 2024"),
    (datetime.date(2026, 11, 15), "Lai Châu, ngày 15 tháng 11 năm 2026"),
    (datetime.date(2025, 12, 31), "Lai Châu, ngày 31 tháng 12 năm 2025"),
    (datetime.date(2024, 9, 10), "Lai Châu, ngày 10 tháng 9 năm 2024"),
    (datetime.date(2024, 2, 29), "Lai Châu, ngày 29 tháng 02 năm 2024"),
])
def test_place_date_line(day, expected):
    assert place_date_line("Lai Châu", day) == expected


def test_march_has_no_leading_zero_february_has():
    assert "tháng 3 " in date_text(datetime.date(2024, 3, 5))
    assert "tháng 03" not in date_text(datetime.date(2024, 3, 5))
    assert "tháng 02 " in date_text(datetime.date(2024, 2, 5))


def test_date_text_accepts_a_datetime():
    assert date_text(datetime.datetime(2026, 3, 5, 8, 30)) == "ngày 05 tháng 3 năm 2026"


def test_time_text():
    assert time_text(datetime.time(8, 0)) == "08 giờ 00 phút"
    assert time_text(datetime.time(14, 5)) == "14 giờ 05 phút"


@pytest.mark.parametrize(("numerator", "denominator", "expected"), [
    (13, 15, "86,7"),
    (14, 15, "93,3"),
    (12, 15, "80,0"),
    (15, 15, "100,0"),
    (0, 15, "0,0"),
    (1, 3, "33,3"),
    (2, 3, "66,7"),
    (1, 8, "12,5"),
    (1, 16, "6,3"),    # 6.25: half up, not to even
    (3, 16, "18,8"),   # 18.75
    (179, 199, "89,9"),
])
def test_percent(numerator, denominator, expected):
    assert percent(numerator, denominator) == expected


def test_percent_refuses_a_zero_base():
    with pytest.raises(ValueError):
        percent(1, 0)


@pytest.mark.parametrize(("amount", "expected"), [
    (702000, "702.000"),
    (710000, "710.000"),
    (2340000, "2.340.000"),
    (0, "0"),
    (999, "999"),
    (1000, "1.000"),
    (-1500000, "-1.500.000"),
    (Decimal("702000"), "702.000"),
])
def test_money(amount, expected):
    assert money(amount) == expected


@pytest.mark.parametrize("amount", [702000.0, Decimal("702000.5")])
def test_money_refuses_fractions_of_a_dong(amount):
    with pytest.raises(TypeError):
        money(amount)

"""Excel imports under malformed sheets (property-based, hypothesis): every import either succeeds completely
or changes nothing.

Generated workbooks have wrong or missing sheet names, missing, extra, shuffled and aliased columns, header rows
pushed down, cells of the wrong type, huge strings, formulas, HTML, decomposed (NFD) Vietnamese, escaped control
characters, merged cells, blank and duplicate rows; besides, random bytes and random ZIP packages renamed .xlsx.
For each one the importer either

* refuses it with ``ImportRejected`` (a ``DomainError`` with a Vietnamese message): then the row count of every
  table is as before and no file was left under MEDIA_ROOT; or
* accepts it: then every data row the sheet holds became a record (nothing silently skipped), and no table other
  than the ones the importer writes changed.

Any other exception is a bug. Example counts are bounded (``FUZZ_EXAMPLES``, default 40 per property) and the
run is derandomised, so CI sees the same examples every time; set ``FUZZ_RANDOM=1`` to explore new ones.
"""

from __future__ import annotations

import datetime
import io
import os
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import transaction
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from dossiers.exceptions import DomainError
from dossiers.imports import history, nominees
from dossiers.imports.common import ImportRejected, Problems, find_sheet, open_workbook, read_table

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the working tree
    derandomize=os.environ.get("FUZZ_RANDOM", "") != "1",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---- cell values ------------------------------------------------------------------------------

NAMES = ["Nguyễn Thị Hoa", "Trần Văn Bình", "Phòng Kế hoạch", "Lò Thị Hương", "Giàng A Dính", "Ban Thời sự"]
CODES = ["BK_TINH_CN", "BK_TINH_TT", "CSTD_TINH", "CSTD_CS", "CO_TINH", "TTLDXS", "LDTT", "HC_LD3_CN", "bk_tinh_cn",
         "KHONG_CO", "Bằng khen của Chủ tịch UBND tỉnh"]
CHOICES = ["Cá nhân", "Tập thể", "Hộ gia đình", "Nam", "Nữ", "nam", "HTXSNV", "HTTNV", "Hoàn thành tốt nhiệm vụ",
           "Cơ sở", "Tỉnh", "Toàn quốc", "Có", "Không", "Kỷ luật", "Điều tra", "Khác"]
FORMULAS = ["=1+1", "=SUM(A1:A3)", '=HYPERLINK("http://example.invalid","bấm")', "=cmd|' /C calc'!A0", "=1/0",
            "=A2", '=CONCATENATE("BK_","TINH_CN")']
HOSTILE = ["<script>alert(1)</script>", "<b>Nguyễn</b> Văn A", "Robert'); DROP TABLE dossiers_person;--",
           "_x0007_Nguyễn_x0000_", "Nguyễn\u202eVăn", "  ", "\u200b", "’”‘“", "𝓝𝓰𝓾𝔂ễ𝓷"]

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
vietnamese = st.sampled_from(NAMES + CHOICES)
cell = st.one_of(
    st.none(),
    st.just(""),
    vietnamese,
    vietnamese.map(lambda s: unicodedata.normalize("NFD", s)),
    st.sampled_from(CODES),
    st.sampled_from(FORMULAS),
    st.sampled_from(HOSTILE),
    text,
    st.integers(min_value=-10**12, max_value=10**12),
    st.integers(min_value=1890, max_value=2100),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2200, 12, 31)),
    st.datetimes(min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2100, 1, 1)),
    st.sampled_from(["05/03/2024", "31/02/2024", "2024-13-01", "1985", "19850", "năm 1985"]),
    st.integers(min_value=300, max_value=33_000).map(lambda n: ("Nguyễn Văn Thành tích " * (n // 20 + 1))[:n]),
)


def writable(value):
    """What openpyxl can store: control characters it refuses are written in the OOXML escape form."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value)
    return value


# ---- workbooks --------------------------------------------------------------------------------


def titles(columns) -> list[str]:
    return [c.title for c in columns]


def aliases(columns) -> list[str]:
    return [alias for c in columns for alias in c.aliases]


# Plausible values per column, so that some generated sheets are good enough to be imported.
person = st.tuples(st.sampled_from(NAMES[:2] + NAMES[3:5]), st.integers(1, 60)).map(lambda t: f"{t[0]} {t[1]}")
VALID = {
    "stt": st.integers(1, 100),
    "subject": st.sampled_from(["Cá nhân", None]),
    "name": person,
    "gender": st.sampled_from(["Nam", "Nữ", None]),
    "birth_year": st.integers(1960, 2000),
    "position": st.sampled_from(["Chuyên viên", "Trưởng phòng", None]),
    "award": st.just("BK_TINH_CN"),
    "summary": st.sampled_from(["Hoàn thành xuất sắc nhiệm vụ.", "Có sáng kiến cấp tỉnh."]),
    "year": st.integers(2010, 2024),
    "rating": st.sampled_from(["HTXSNV", "Hoàn thành tốt nhiệm vụ"]),
    "title": st.sampled_from(["Sáng kiến số hóa hồ sơ", "Đề tài quản lý giá"]),
    "level": st.sampled_from(["Cơ sở", "Tỉnh"]),
    "is_research": st.sampled_from(["Có", "Không", None]),
    "recognised_by": st.sampled_from(["QĐ 12/QĐ-UBND", None]),
    "kind": st.just("Kỷ luật"),
    "started_on": st.dates(min_value=datetime.date(2010, 1, 1), max_value=datetime.date(2023, 12, 31)),
    "ended_on": st.none(),
    "description": st.sampled_from(["Khiển trách", None]),
    "code": st.sampled_from(["CSTD_CS", "LDTT"]),
    "award_name": st.none(),
    "decision_number": st.sampled_from(["15/QĐ-STC", None]),
    "decision_date": st.none(),
    "decided_by": st.sampled_from(["Giám đốc Sở", None]),
}


@st.composite
def plausible_table(draw, columns) -> list[list]:
    """The template's header and rows of plausible values, now and then one cell spoiled."""
    rows = [titles(columns)]
    for _ in range(draw(st.integers(1, 4))):
        row = [draw(VALID[c.key]) for c in columns]
        if draw(st.integers(0, 7)) == 0:
            row[draw(st.integers(0, len(row) - 1))] = draw(cell)
        rows.append(row)
    return rows


@st.composite
def table(draw, columns) -> list[list]:
    """Header row (possibly pushed down, shuffled, partial, aliased) and data rows (possibly blank, duplicated)."""
    known = titles(columns)
    header = draw(st.lists(st.sampled_from(known + aliases(columns) + ["Ghi chú", "", "Cột lạ"]),
                           min_size=0, max_size=len(known) + 2))
    if draw(st.booleans()):
        header = known[:]  # the template's own header, half of the time
        if draw(st.booleans()) and header:
            del header[draw(st.integers(0, len(header) - 1))]  # one column missing
    rows: list[list] = [[None] * draw(st.integers(0, 3)) for _ in range(draw(st.integers(0, 2)))]  # rows above
    rows.append(header)
    data = draw(st.lists(st.lists(cell, min_size=0, max_size=len(header) + 1), min_size=0, max_size=6))
    for row in data:
        rows.append(row)
        if draw(st.integers(0, 4)) == 0:
            rows.append(list(row))  # a duplicate row
        if draw(st.integers(0, 5)) == 0:
            rows.append([])  # a blank row
    return rows


@st.composite
def workbook_bytes(draw, sheet_specs: list[tuple[str, tuple]]) -> bytes:
    """A workbook with some of the importer's sheets (under right or wrong names) and stray ones."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    if draw(st.booleans()):  # near the template: the right sheet names, plausible rows
        for title, columns in draw(st.lists(st.sampled_from(sheet_specs), min_size=1,
                                            max_size=len(sheet_specs), unique=True)):
            sheet = book.create_sheet(title)
            for row in draw(plausible_table(columns)):
                sheet.append([writable(value) for value in row])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    chosen = draw(st.lists(st.sampled_from(sheet_specs), min_size=0, max_size=len(sheet_specs) + 1, unique=True))
    used = set()
    for title, columns in chosen:
        name = draw(st.sampled_from([title, title.upper(), f" {title} ", title.replace(" ", ""), "Sheet1",
                                     "Danh sach", "Trang tính 1"]))[:31]
        if name.casefold() in used:
            continue
        used.add(name.casefold())
        sheet = book.create_sheet(name)
        rows = draw(table(columns))
        for row in rows:
            sheet.append([writable(value) for value in row])
        if sheet.max_row >= 3 and sheet.max_column >= 2 and draw(st.integers(0, 3)) == 0:
            top = draw(st.integers(2, sheet.max_row - 1))
            left = draw(st.integers(1, sheet.max_column - 1))
            sheet.merge_cells(start_row=top, start_column=left, end_row=top + 1, end_column=left + 1)
    if not book.sheetnames:
        book.create_sheet("Sheet1")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def random_zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


garbage = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=3000).map(lambda b: b"PK\x03\x04" + b),
    st.dictionaries(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                                     "xl/sharedStrings.xml", "xl/_rels/workbook.xml.rels", "../x", "a"]),
                    st.binary(max_size=500), max_size=5).map(random_zip),
)

# ---- the property -----------------------------------------------------------------------------


def every_count() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def media_files() -> list[Path]:
    root = Path(default_storage.location)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def attempt(run) -> tuple[object | None, dict[str, int], dict[str, int]]:
    """Run an import inside a savepoint that is rolled back afterwards (so examples do not pile up);
    return its result (None when refused) and the counts before and after it."""
    with transaction.atomic():
        before, files = every_count(), media_files()
        try:
            result = run()
        except ImportRejected as refusal:
            assert refusal.message, "a refusal must say why"
            assert all(detail["message"] for detail in refusal.details)
            result = None
        except DomainError as refusal:  # pragma: no cover - only ImportRejected is expected
            pytest.fail(f"unexpected refusal {refusal.code}: {refusal.message}")
        after = every_count()
        if currently_in_test_context():  # statistics: pytest --hypothesis-show-statistics
            event("refused" if result is None else "accepted")
        assert media_files() == files
        transaction.set_rollback(True)
    return result, before, after


def changed(before: dict, after: dict) -> dict[str, int]:
    return {label: after[label] - before[label] for label in before if after[label] != before[label]}


def rows_in(data: bytes, sheet_title: str, columns, max_rows: int) -> int:
    """Data rows the importer's reader sees in ``sheet_title`` (the rows a complete import must create)."""
    workbook = open_workbook(io.BytesIO(data))
    try:
        sheet = find_sheet(workbook, sheet_title)
        rows = read_table(sheet, columns, Problems(), sheet_title=sheet_title, max_rows=max_rows) if sheet else None
    finally:
        workbook.close()
    return len(rows or [])


NOMINEE_SHEETS = [(nominees.SHEET, nominees.COLUMNS)]


def check_nominee_import(dossier, clerk, data: bytes) -> None:
    result, before, after = attempt(lambda: nominees.import_nominees(actor=clerk, dossier=dossier,
                                                                     fileobj=io.BytesIO(data)))
    diff = changed(before, after)
    if result is None:
        assert diff == {}
        return
    assert result.created == rows_in(data, nominees.SHEET, nominees.COLUMNS, nominees.MAX_ROWS) > 0
    assert diff.pop("dossiers.Nomination") == result.created
    assert diff.pop("dossiers.Person", 0) == result.people_created
    assert diff.pop("dossiers.Collective", 0) == result.collectives_created
    assert diff.pop("dossiers.AuditEvent") >= 1
    assert diff.pop("dossiers.AuditChainHead", 0) in (0, 1)
    assert diff == {}


@FUZZ
@given(data=workbook_bytes(NOMINEE_SHEETS))
def test_nominee_import_is_all_or_nothing(dossier, clerk, data):
    check_nominee_import(dossier, clerk, data)


@FUZZ
@given(data=garbage)
def test_nominee_import_refuses_random_bytes_renamed_xlsx(dossier, clerk, data):
    result, before, after = attempt(lambda: nominees.import_nominees(actor=clerk, dossier=dossier,
                                                                     fileobj=io.BytesIO(data)))
    assert result is None and changed(before, after) == {}


HISTORY_SHEETS = [(spec.title, spec.columns) for spec in history._sheets()]
HISTORY_TABLES = {"ratings": "dossiers.AnnualRating", "initiatives": "dossiers.Initiative",
                  "discipline": "dossiers.DisciplineRecord", "awards": "dossiers.AwardRecord"}


@FUZZ
@given(data=workbook_bytes(HISTORY_SHEETS))
def test_history_import_is_all_or_nothing(unit, clerk, data):
    result, before, after = attempt(lambda: history.import_history(actor=clerk, unit=unit, fileobj=io.BytesIO(data)))
    diff = changed(before, after)
    if result is None:
        assert diff == {}
        return
    for spec in history._sheets():
        expected = rows_in(data, spec.title, spec.columns, history.MAX_ROWS)
        assert result.counts.get(spec.key, 0) == expected
        assert diff.pop(HISTORY_TABLES[spec.key], 0) == expected
    assert diff.pop("dossiers.Person", 0) == result.counts["people"]
    assert diff.pop("dossiers.Collective", 0) == result.counts["collectives"]
    assert diff.pop("dossiers.AuditEvent") == 1
    assert diff.pop("dossiers.AuditChainHead", 0) in (0, 1)
    assert diff == {}


@FUZZ
@given(data=garbage)
def test_history_import_refuses_random_bytes_renamed_xlsx(unit, clerk, data):
    result, before, after = attempt(lambda: history.import_history(actor=clerk, unit=unit, fileobj=io.BytesIO(data)))
    assert result is None and changed(before, after) == {}


# ---- hand-picked cases the generator might take long to reach -----------------------------------


def nominee_sheet(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(titles(nominees.COLUMNS))
    for row in rows:
        sheet.append([writable(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_clean_sheet_is_imported_completely(dossier, clerk):
    """The property's success branch is reached: a good sheet imports every row."""
    data = nominee_sheet([
        [1, "Cá nhân", "Nguyễn Thị Hoa", "Nữ", 1985, "Trưởng phòng", "BK_TINH_CN", "Hoàn thành xuất sắc nhiệm vụ."],
        [2, "Cá nhân", unicodedata.normalize("NFD", "Trần Văn Bình"), "Nam", 1979, "", "BK_TINH_CN", "Tốt."],
    ])
    result, before, after = attempt(lambda: nominees.import_nominees(actor=clerk, dossier=dossier,
                                                                     fileobj=io.BytesIO(data)))
    assert result is not None and result.created == 2
    assert changed(before, after)["dossiers.Nomination"] == 2


def test_one_bad_row_among_good_ones_changes_nothing(dossier, clerk):
    data = nominee_sheet([
        [1, "Cá nhân", "Nguyễn Thị Hoa", "Nữ", 1985, "", "BK_TINH_CN", "Tốt."],
        [2, "Cá nhân", "Trần Văn Bình", "Nam", "=1/0", "", "BK_TINH_CN", "Tốt."],
        [3, "Cá nhân", "Lò Văn Sơn" * 40, "Nam", 1980, "", "BK_TINH_CN", "Tốt."],
    ])
    result, before, after = attempt(lambda: nominees.import_nominees(actor=clerk, dossier=dossier,
                                                                     fileobj=io.BytesIO(data)))
    assert result is None and changed(before, after) == {}


def test_a_zip_bomb_renamed_xlsx_is_refused_before_it_is_read(dossier, clerk, monkeypatch):
    from tests.security.test_uploads import declared_bomb, real_bomb

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to read a bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    for bomb in (declared_bomb(), real_bomb()):
        with pytest.raises(ImportRejected, match="nghi là tệp độc hại"):
            nominees.import_nominees(actor=clerk, dossier=dossier, fileobj=io.BytesIO(bomb))

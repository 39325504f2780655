"""Shared machinery of the Excel importers: reading, cell parsing, errors, templates.

Importers are all-or-nothing: they read the whole workbook, validate every
row, collect every problem with its sheet, row and column, and refuse the file
with ``ImportRejected`` when there is any; only a clean file is written, in one
transaction.

Labels (sheet names, headers, choices) are Vietnamese gettext msgids marked
with ``gettext_noop``: templates show them translated, and reading accepts the
Vietnamese text as well as the translation, ignoring case, diacritics, extra
spaces and hints in parentheses.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dossiers.exceptions import DomainError
from dossiers.files import FileRejected, check_zip_package
from dossiers.models import CollectiveKind, SubjectKind
from dossiers.text import clean_line, fold, nfc

MAX_FILE_BYTES = 10 * 1024 * 1024
HEADER_SCAN_ROWS = 10
BLANK_ROWS_FACTOR = 10  # rows read past the header: at most max_rows * this + 1000
TEMPLATE_ROWS = 2000  # rows that carry the drop-down lists in templates


class ImportRejected(DomainError):
    """The file was refused as a whole; ``details`` lists every problem found.

    Each detail is ``{"sheet": str | None, "row": int | None, "column": str | None,
    "message": str}``; the message is a full Vietnamese sentence that already
    names the row and column.
    """

    def __init__(self, details: Iterable[dict], message: str | None = None):
        details = list(details)
        if message is None:
            message = _("Tệp có %(count)d lỗi, chưa nhập dòng nào.") % {"count": len(details)}
        super().__init__("import_rejected", message, details=details)


class CellError(ValueError):
    """A cell value that cannot be used; the message says why, in Vietnamese."""


class Problems:
    """Collects errors; raises them all at once."""

    def __init__(self):
        self.items: list[dict] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def file(self, message: str, *, sheet: str | None = None, row: int | None = None,
             column: str | None = None) -> None:
        """A problem of the file, a sheet or a header (message given as is)."""
        self.items.append({"sheet": sheet, "row": row, "column": column, "message": str(message)})

    def cell(self, message: str, *, row: int, column: str, sheet: str | None = None,
             name_sheet: bool = False) -> None:
        """A problem of one cell; the stored message names the row and column."""
        if name_sheet and sheet:
            full = _("Trang “%(sheet)s”, dòng %(row)d, cột “%(column)s”: %(message)s") % {
                "sheet": sheet, "row": row, "column": column, "message": message}
        else:
            full = _("Dòng %(row)d, cột “%(column)s”: %(message)s") % {
                "row": row, "column": column, "message": message}
        self.items.append({"sheet": sheet, "row": row, "column": column, "message": full})

    def raise_if_any(self, sheet_order: Iterable[str] = ()) -> None:
        """Refuse the file with every problem, in sheet order then row order."""
        if self.items:
            order = {title: index for index, title in enumerate(sheet_order)}
            self.items.sort(key=lambda item: (order.get(item["sheet"], -1), item["row"] or 0))
            raise ImportRejected(self.items)


# ---- labels and choices ---------------------------------------------------------------------

_PARENS = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def label_key(text: Any) -> str:
    """Comparison key of a header or choice: no case, diacritics, punctuation or hints."""
    if text is None:
        return ""
    folded = fold(_PARENS.sub(" ", str(text)))
    return _NON_WORD.sub(" ", folded).strip()


def keys_of(msgid: str) -> set[str]:
    """Keys under which a label is recognised: the Vietnamese msgid and its translation."""
    return {label_key(msgid), label_key(_(msgid))}


def choice_map(pairs: Iterable[tuple[Any, str]], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{label key: value}`` from ``(value, msgid)`` pairs plus extra Vietnamese spellings."""
    result: dict[str, Any] = {}
    for value, msgid in pairs:
        for key in keys_of(msgid):
            result.setdefault(key, value)
    for spelling, value in (extra or {}).items():
        result.setdefault(label_key(spelling), value)
    return result


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # Vietnamese msgid
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: int = 18
    ignored: bool = False  # read for position only (STT)

    @property
    def title(self) -> str:
        return _(self.label)

    def match_keys(self) -> set[str]:
        return keys_of(self.label) | {label_key(a) for a in self.aliases}


# ---- reading ----------------------------------------------------------------------------------

def read_bytes(fileobj) -> bytes:
    if isinstance(fileobj, bytes | bytearray):
        return bytes(fileobj)
    if hasattr(fileobj, "seek"):
        with contextlib.suppress(OSError, ValueError):
            fileobj.seek(0)
    data = fileobj.read(MAX_FILE_BYTES + 1)
    return data if isinstance(data, bytes) else bytes(data or b"")


def open_workbook(fileobj):
    """The workbook, read-only with cached formula values; refuses what is not an xlsx."""
    import openpyxl

    data = read_bytes(fileobj)
    if len(data) > MAX_FILE_BYTES:
        raise ImportRejected([], _("Tệp quá lớn (tối đa %(mb)d MB).") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
    if not data or not zipfile.is_zipfile(io.BytesIO(data)):
        raise _not_xlsx()
    try:
        # A decompression bomb is refused from its declared sizes before openpyxl expands anything.
        check_zip_package(io.BytesIO(data))
    except FileRejected as refusal:
        raise ImportRejected([{"sheet": None, "row": None, "column": None, "message": refusal.message}],
                             refusal.message) from None
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise _not_xlsx() from None


def _not_xlsx() -> ImportRejected:
    message = _("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ. Hãy dùng tệp mẫu và lưu dưới dạng .xlsx.")
    return ImportRejected([{"sheet": None, "row": None, "column": None, "message": message}], message)


def find_sheet(workbook, msgid: str):
    wanted = keys_of(msgid)
    for name in workbook.sheetnames:
        if label_key(name) in wanted:
            return workbook[name]
    return None


@dataclass
class Row:
    number: int  # as Excel shows it
    values: dict[str, Any] = field(default_factory=dict)


def read_table(sheet, columns: tuple[Column, ...], problems: Problems, *, sheet_title: str,
               max_rows: int) -> list[Row] | None:
    """Data rows of ``sheet`` keyed by column; ``None`` (with problems added) if unreadable.

    The header row is the first of the top rows that names a required column.
    Blank rows are skipped, but no more than a bounded number of them is read,
    so a small file claiming millions of empty rows cannot keep a worker busy.
    Columns the importer does not know are ignored.
    """
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # read-only sheets may carry wrong dimensions
    rows = sheet.iter_rows(values_only=True)
    header_number, positions = None, {}
    required_keys = {c.key for c in columns if c.required}
    for number, values in enumerate(rows, start=1):
        found = _match_header(values, columns)
        if required_keys & set(found):
            header_number, positions = number, found
            break
        if number >= HEADER_SCAN_ROWS:
            break
    missing = [c for c in columns if c.required and c.key not in positions]
    if missing:
        for column in missing:
            problems.file(
                _("Trang “%(sheet)s” thiếu cột bắt buộc “%(column)s”.") % {"sheet": sheet_title, "column": column.title},
                sheet=sheet_title, row=header_number, column=column.title,
            )
        return None
    used = {c.key: positions[c.key] for c in columns if c.key in positions and not c.ignored}
    result: list[Row] = []
    last_row = header_number + max_rows * BLANK_ROWS_FACTOR + 1000
    for number, values in enumerate(rows, start=header_number + 1):
        if number > last_row:
            problems.file(_("Trang “%(sheet)s” có quá nhiều dòng (kể cả dòng trống đã định dạng); hãy xóa các dòng "
                            "thừa phía dưới dữ liệu.") % {"sheet": sheet_title}, sheet=sheet_title)
            return None
        row = {key: (values[index] if index < len(values) else None) for key, index in used.items()}
        if all(is_blank(v) for v in row.values()):
            continue
        if len(result) >= max_rows:
            message = _("Trang “%(sheet)s” có quá %(limit)s dòng dữ liệu; hãy chia thành nhiều tệp.") % {
                "sheet": sheet_title, "limit": number_format(max_rows, force_grouping=True)}
            problems.file(message, sheet=sheet_title)
            return None
        result.append(Row(number, row))
    return result


def _match_header(values, columns: tuple[Column, ...]) -> dict[str, int]:
    lookup = {}
    for column in columns:
        for key in column.match_keys():
            lookup.setdefault(key, column.key)
    found: dict[str, int] = {}
    for index, value in enumerate(values or ()):
        key = lookup.get(label_key(value)) if isinstance(value, str) else None
        if key and key not in found:
            found[key] = index
    return found


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class RowContext:
    """One data row being parsed: its values, and cell problems reported under its row and column."""

    def __init__(self, row: Row, problems: Problems, *, sheet: str, titles: dict[str, str],
                 name_sheet: bool = False):
        self.row, self.problems, self.sheet, self.titles = row, problems, sheet, titles
        self.name_sheet = name_sheet
        self.failed: set[str] = set()

    @property
    def ok(self) -> bool:
        return not self.failed

    def value(self, key: str):
        return self.row.values.get(key)

    def fail(self, key: str, message: str) -> None:
        self.failed.add(key)
        self.problems.cell(message, row=self.row.number, column=self.titles[key], sheet=self.sheet,
                           name_sheet=self.name_sheet)

    def parse(self, key: str, parser, *args, **kwargs):
        """``parser(cell value, ...)``; None, with the cell reported, when it raises ``CellError``."""
        try:
            return parser(self.value(key), *args, **kwargs)
        except CellError as error:
            self.fail(key, str(error))
            return None

    def required(self, key: str, value, message: str):
        """Report a missing value, unless the cell was already reported as unreadable."""
        if (value is None or value == "") and key not in self.failed:
            self.fail(key, message)
        return value

    def text(self, key: str, limit: int) -> str:
        """The cell as one line of NFC text, reported when longer than ``limit``."""
        text = cell_line(self.value(key))
        if len(text) > limit:
            self.fail(key, _("dài quá %(limit)d ký tự.") % {"limit": limit})
        return text


# ---- cell values ------------------------------------------------------------------------------

def cell_line(value) -> str:
    """A one-line text value, NFC, single spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return clean_line(str(value))


def cell_text(value) -> str:
    """A multi-line text value, NFC, line breaks kept."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    lines = (nfc(line) or "" for line in str(value).replace("\r\n", "\n").split("\n"))
    return nfc("\n".join(lines)) or ""


_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR_TEXT = re.compile(r"^\d{4}$")


def parse_date(value) -> datetime.date | None:
    """A date cell, or text dd/mm/yyyy (also with - or .) or yyyy-mm-dd; blank is None."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_line(value)
    match = _DATE_TEXT.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return datetime.date(year, month, day)
        match = _ISO_DATE.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("“%(value)s” không phải là ngày có thật.") % {"value": text}) from None
    raise CellError(_("“%(value)s” không phải là ngày; hãy ghi theo dạng ngày/tháng/năm, ví dụ 05/03/2024.")
                    % {"value": text})


def parse_year(value, *, low: int, high: int) -> int | None:
    """A year from an integer, a date cell or text (yyyy or dd/mm/yyyy); blank is None."""
    if is_blank(value):
        return None
    year = None
    if isinstance(value, bool):
        year = None
    elif isinstance(value, int):
        year = value
    elif isinstance(value, float) and value.is_integer():
        year = int(value)
    elif isinstance(value, datetime.date | datetime.datetime):
        year = value.year
    else:
        text = cell_line(value)
        if _YEAR_TEXT.match(text):
            year = int(text)
        elif _DATE_TEXT.match(text) or _ISO_DATE.match(text):
            year = parse_date(text).year  # a date that does not exist is refused as such
    if year is None:
        raise CellError(_("“%(value)s” không phải là năm; hãy ghi năm bốn chữ số, ví dụ 1985.")
                        % {"value": cell_line(value)})
    if year > high:
        raise CellError(_("năm %(year)d là năm trong tương lai (muộn nhất là %(high)d).") % {"year": year, "high": high})
    if year < low:
        raise CellError(_("năm %(year)d không hợp lệ (phải từ năm %(low)d trở đi).") % {"year": year, "low": low})
    return year


def parse_choice(value, choices: dict[str, Any], *, allowed_text: str):
    """The value a cell names among ``choices`` (keys from ``choice_map``); blank is None."""
    if is_blank(value):
        return None
    key = label_key(cell_line(value))
    if key in choices:
        return choices[key]
    raise CellError(_("“%(value)s” không hợp lệ; chỉ được ghi %(allowed)s.")
                    % {"value": cell_line(value), "allowed": allowed_text})


def bulk_insert(model, objects: list) -> list:
    """``bulk_create`` that leaves every object with its id (SQLite >= 3.35 and PostgreSQL return them).

    Callers set the computed fields (sort and search keys) themselves, as
    ``bulk_create`` does not call ``save``.
    """
    if not objects:
        return []
    if connection.features.can_return_rows_from_bulk_insert:
        return model.objects.bulk_create(objects)
    for obj in objects:  # pragma: no cover - backends without RETURNING
        obj.save(force_insert=True)
    return objects


def today() -> datetime.date:
    return timezone.localdate()


def name_key(name: str) -> str:
    """Identity of a name inside a unit: NFC, single spaces, case ignored (diacritics kept)."""
    return clean_line(name).casefold()


def collective_kind(subject: str) -> str:
    """The ``CollectiveKind`` of a collective or household subject."""
    return CollectiveKind.HOUSEHOLD if subject == SubjectKind.HOUSEHOLD else CollectiveKind.COLLECTIVE


def subject_key(subject: str, name: str, birth_year: int | None = None) -> tuple:
    """Who a row is about, inside one unit: a person by name and year of birth, a collective by name."""
    if subject == SubjectKind.INDIVIDUAL:
        return ("p", name_key(name), birth_year)
    return ("c", collective_kind(subject), name_key(name))


# ---- templates --------------------------------------------------------------------------------

def new_workbook():
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    return workbook


def add_table_sheet(workbook, title: str, columns: tuple[Column, ...]):
    """A data sheet: bold wrapped header, widths set, header row frozen."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    sheet.append([c.title for c in columns])
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"
    return sheet


def add_list_validation(sheet, columns: tuple[Column, ...], key: str, *, options: list[str] | None = None,
                        formula: str | None = None, strict: bool = True, prompt: str = "") -> None:
    """A drop-down list on the column ``key`` for the template's data rows."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    index = next(i for i, c in enumerate(columns, start=1) if c.key == key)
    letter = get_column_letter(index)
    formula1 = formula or '"' + ",".join(options or []) + '"'
    validation = DataValidation(
        type="list", formula1=formula1, allow_blank=True, showErrorMessage=strict,
        showInputMessage=bool(prompt), errorStyle="stop" if strict else "information",
    )
    if prompt:
        validation.prompt = prompt[:255]
        validation.promptTitle = columns[index - 1].title[:32]
    if strict:
        validation.errorTitle = _("Giá trị không hợp lệ")[:32]
        validation.error = _("Hãy chọn một giá trị trong danh sách.")
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)


def add_instructions(workbook, title: str, lines: list[str], *, index: int | None = None):
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet(title, index=index)
    sheet.column_dimensions["A"].width = 110
    for number, line in enumerate(lines, start=1):
        cell = sheet.cell(row=number, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if number == 1:
            cell.font = Font(bold=True, size=13)
    return sheet


def add_catalogue_sheet(workbook, title: str, rows: list[tuple[str, ...]], headers: list[str],
                        widths: list[int]):
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for index, width in enumerate(widths, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    return sheet


def sheet_range(title: str, column: str, last_row: int) -> str:
    """An absolute reference to ``column``'s cells 2..last_row of sheet ``title``, for a list validation.

    As stored in the file's XML: no leading "=".
    """
    from openpyxl.utils import quote_sheetname

    return f"{quote_sheetname(title)}!${column}$2:${column}${max(last_row, 2)}"


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Labels shared by both importers.
SUBJECT_LABEL = gettext_noop("Đối tượng")
NAME_LABEL = gettext_noop("Họ và tên hoặc tên tập thể")
BIRTH_YEAR_LABEL = gettext_noop("Năm sinh")
AWARD_CODE_LABEL = gettext_noop("Mã danh hiệu, hình thức")
INSTRUCTIONS_SHEET = gettext_noop("Hướng dẫn")
CATALOGUE_SHEET = gettext_noop("Danh mục")

SUBJECTS = (
    (SubjectKind.INDIVIDUAL, gettext_noop("Cá nhân")),
    (SubjectKind.COLLECTIVE, gettext_noop("Tập thể")),
    (SubjectKind.HOUSEHOLD, gettext_noop("Hộ gia đình")),
)
SUBJECTS_TEXT = gettext_noop("Cá nhân, Tập thể hoặc Hộ gia đình")

MIN_BIRTH_YEAR = 1900
MIN_HISTORY_YEAR = 1945

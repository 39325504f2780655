"""Past years of one unit, from Excel: ratings, initiatives, discipline, awards received.

Eligibility reads these facts; units bring their earlier years in with this
importer. The workbook has one sheet per kind of record ("Xếp loại",
"Sáng kiến", "Kỷ luật", "Khen thưởng"), each starting with the subject: name
and year of birth for individuals, name for collectives, found or created in
the unit. Every sheet is validated in full; a file with any error is refused
whole, a clean one is written in one transaction with one audit event.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dossiers import permissions
from dossiers.exceptions import PermissionDeniedError
from dossiers.imports.common import (
    AWARD_CODE_LABEL,
    BIRTH_YEAR_LABEL,
    CATALOGUE_SHEET,
    INSTRUCTIONS_SHEET,
    MIN_BIRTH_YEAR,
    MIN_HISTORY_YEAR,
    NAME_LABEL,
    SUBJECT_LABEL,
    SUBJECTS,
    SUBJECTS_TEXT,
    CellError,
    Column,
    Problems,
    Row,
    RowContext,
    add_catalogue_sheet,
    add_instructions,
    add_list_validation,
    add_table_sheet,
    bulk_insert,
    cell_line,
    cell_text,
    choice_map,
    collective_kind,
    find_sheet,
    label_key,
    name_key,
    new_workbook,
    open_workbook,
    parse_choice,
    parse_date,
    parse_year,
    read_table,
    sheet_range,
    subject_key,
    today,
    workbook_bytes,
)
from dossiers.models import (
    AnnualRating,
    AwardRecord,
    AwardType,
    Collective,
    DisciplineKind,
    DisciplineRecord,
    Initiative,
    InitiativeLevel,
    Person,
    Rating,
    Role,
    Source,
    SubjectKind,
    Unit,
)
from dossiers.services.audit import record_event
from dossiers.text import fold, person_sort_key, phrase_key

MAX_ROWS = 5000  # per sheet

SUBJECT_COLUMNS = (
    Column("name", NAME_LABEL, aliases=("Họ và tên", "Họ tên", "Tên tập thể"), required=True, width=32),
    Column("subject", SUBJECT_LABEL, width=14),
    Column("birth_year", BIRTH_YEAR_LABEL, aliases=("Ngày sinh",), width=11),
)

RATINGS = (
    (Rating.HTXSNV, gettext_noop("Hoàn thành xuất sắc nhiệm vụ")),
    (Rating.HTTNV, gettext_noop("Hoàn thành tốt nhiệm vụ")),
    (Rating.HTNV, gettext_noop("Hoàn thành nhiệm vụ")),
    (Rating.KHTNV, gettext_noop("Không hoàn thành nhiệm vụ")),
)
LEVELS = (
    (InitiativeLevel.UNIT, gettext_noop("Cơ sở")),
    (InitiativeLevel.PROVINCE, gettext_noop("Tỉnh")),
    (InitiativeLevel.NATIONAL, gettext_noop("Toàn quốc")),
)
LEVEL_SPELLINGS = {"Cấp cơ sở": InitiativeLevel.UNIT, "Cấp tỉnh": InitiativeLevel.PROVINCE,
                   "Cấp tỉnh, bộ, ngành": InitiativeLevel.PROVINCE, "Tỉnh, bộ, ngành": InitiativeLevel.PROVINCE,
                   "Cấp bộ, ngành": InitiativeLevel.PROVINCE, "Cấp toàn quốc": InitiativeLevel.NATIONAL}
YES_NO = ((True, gettext_noop("Có")), (False, gettext_noop("Không")))
DISCIPLINE_KINDS = (
    (DisciplineKind.DISCIPLINE, gettext_noop("Kỷ luật")),
    (DisciplineKind.INVESTIGATION, gettext_noop("Điều tra")),
    (DisciplineKind.INSPECTION, gettext_noop("Thanh tra")),
    (DisciplineKind.COMPLAINT, gettext_noop("Khiếu nại")),
)
DISCIPLINE_SPELLINGS = {"Đang bị điều tra": DisciplineKind.INVESTIGATION, "Kiểm tra": DisciplineKind.INSPECTION,
                        "Thanh tra, kiểm tra": DisciplineKind.INSPECTION, "Tố cáo": DisciplineKind.COMPLAINT,
                        "Khiếu nại, tố cáo": DisciplineKind.COMPLAINT}


@dataclass(frozen=True)
class HistoryImportResult:
    counts: dict[str, int]


@dataclass(frozen=True)
class _Subject:
    kind: str
    name: str
    birth_year: int | None

    @property
    def is_person(self) -> bool:
        return self.kind == SubjectKind.INDIVIDUAL

    @property
    def key(self) -> tuple:
        return subject_key(self.kind, self.name, self.birth_year)


@dataclass
class _Record:
    row: int
    subject: _Subject
    fields: dict
    identity: tuple  # what makes two records the same, besides the subject
    what: str  # how messages name the record


class _RowContext(RowContext):
    """A row of one history sheet; knows the catalogue and, once read, the row's subject kind."""

    def __init__(self, sheet: _Sheet, row: Row, problems: Problems, catalogue: _Catalogue):
        super().__init__(row, problems, sheet=_(sheet.title), titles={c.key: c.title for c in sheet.columns},
                         name_sheet=True)
        self.spec, self.catalogue = sheet, catalogue
        self.subject_kind: str | None = None


@dataclass
class _Sheet:
    key: str  # key of the counts
    title: str  # msgid
    columns: tuple[Column, ...]
    parse: Callable[[_RowContext], tuple[dict, tuple, str] | None]
    duplicate_column: str
    model: type
    records: list[_Record] = field(default_factory=list)

    def title_of(self, key: str) -> str:
        return next(_(c.label) for c in self.columns if c.key == key)

    def has_column(self, key: str) -> bool:
        return any(c.key == key for c in self.columns)


# ---- per-sheet parsing --------------------------------------------------------------------------

def _year(ctx: _RowContext, key: str, label: str):
    year = ctx.parse(key, parse_year, low=MIN_HISTORY_YEAR, high=today().year)
    return ctx.required(key, year, _("chưa ghi %(what)s.") % {"what": label})


def _parse_rating(ctx: _RowContext):
    year = _year(ctx, "year", _("năm"))
    rating = ctx.parse("rating", parse_choice, choice_map(RATINGS, {r.name: r for r in Rating}),
                       allowed_text="HTXSNV, HTTNV, HTNV, KHTNV")
    ctx.required("rating", rating, _("chưa ghi xếp loại (HTXSNV, HTTNV, HTNV hoặc KHTNV)."))
    if not ctx.ok:
        return None
    return {"year": year, "rating": rating}, (year,), _("xếp loại năm %(year)d") % {"year": year}


def _parse_initiative(ctx: _RowContext):
    title = ctx.required("title", ctx.text("title", 500), _("chưa ghi tên sáng kiến, đề tài."))
    year = _year(ctx, "year", _("năm công nhận"))
    level = ctx.parse("level", parse_choice, choice_map(LEVELS, LEVEL_SPELLINGS),
                      allowed_text=_("Cơ sở, Tỉnh hoặc Toàn quốc"))
    ctx.required("level", level, _("chưa ghi phạm vi ảnh hưởng (Cơ sở, Tỉnh hoặc Toàn quốc)."))
    research = ctx.parse("is_research", parse_choice, choice_map(YES_NO, {"x": True}),
                         allowed_text=_("Có hoặc Không"))
    recognised_by = ctx.text("recognised_by", 255)
    if not ctx.ok:
        return None
    fields = {"title": title, "year": year, "level": level, "is_research": bool(research),
              "recognised_by": recognised_by}
    return fields, (fold(title), year), _("sáng kiến “%(title)s” năm %(year)d") % {"title": title, "year": year}


def _discipline_kind(value):
    if value is None or not cell_line(value):
        return None
    key = label_key(cell_line(value))
    exact = choice_map(DISCIPLINE_KINDS, DISCIPLINE_SPELLINGS)
    if key in exact:
        return exact[key]
    for words, kind in (("ky luat", DisciplineKind.DISCIPLINE), ("dieu tra", DisciplineKind.INVESTIGATION),
                        ("thanh tra", DisciplineKind.INSPECTION), ("kiem tra", DisciplineKind.INSPECTION),
                        ("khieu nai", DisciplineKind.COMPLAINT), ("to cao", DisciplineKind.COMPLAINT)):
        if words in key:
            return kind
    raise CellError(_("“%(value)s” không hợp lệ; chỉ được ghi Kỷ luật, Điều tra, Thanh tra hoặc Khiếu nại.")
                    % {"value": cell_line(value)})


def _parse_discipline(ctx: _RowContext):
    kind = ctx.parse("kind", _discipline_kind)
    ctx.required("kind", kind, _("chưa ghi loại (Kỷ luật, Điều tra, Thanh tra hoặc Khiếu nại)."))
    started = ctx.parse("started_on", parse_date)
    ctx.required("started_on", started, _("chưa ghi ngày bắt đầu."))
    ended = ctx.parse("ended_on", parse_date)
    if started and started > today():
        ctx.fail("started_on", _("ngày %(day)s là ngày trong tương lai.") % {"day": f"{started:%d/%m/%Y}"})
    elif started and started.year < MIN_HISTORY_YEAR:
        ctx.fail("started_on", _("ngày %(day)s không hợp lệ.") % {"day": f"{started:%d/%m/%Y}"})
    if started and ended and ended < started:
        ctx.fail("ended_on", _("ngày kết thúc %(end)s trước ngày bắt đầu %(start)s.")
                 % {"end": f"{ended:%d/%m/%Y}", "start": f"{started:%d/%m/%Y}"})
    description = cell_text(ctx.value("description"))
    if not ctx.ok:
        return None
    fields = {"kind": kind, "started_on": started, "ended_on": ended, "description": description}
    what = _("%(kind)s từ ngày %(day)s") % {"kind": _(dict(DISCIPLINE_KINDS)[kind]).lower(),
                                          "day": f"{started:%d/%m/%Y}"}
    return fields, (kind, started), what


def _parse_award(ctx: _RowContext):
    code = ctx.text("code", 40).upper().replace(" ", "")
    name = ctx.text("award_name", 255)
    year = _year(ctx, "year", _("năm thành tích"))
    number = ctx.text("decision_number", 60)
    decided_by = ctx.text("decided_by", 255)
    decision_date = ctx.parse("decision_date", parse_date)
    if decision_date and decision_date > today():
        ctx.fail("decision_date", _("ngày %(day)s là ngày trong tương lai.") % {"day": f"{decision_date:%d/%m/%Y}"})
    elif decision_date and year and decision_date.year < year:
        ctx.fail("decision_date", _("ngày quyết định %(day)s trước năm thành tích %(year)d.")
                 % {"day": f"{decision_date:%d/%m/%Y}", "year": year})
    catalogue = ctx.catalogue
    if not code and name:
        code = catalogue.code_for_name(name, ctx.subject_kind) or ""
        if not code:
            ctx.fail("code", _("chưa ghi mã; tên “%(name)s” không có trong danh mục, hãy ghi mã của danh hiệu, "
                               "hình thức.") % {"name": name})
    elif not code:
        ctx.fail("code", _("chưa ghi mã danh hiệu, hình thức."))
    award_type = None
    if code and code in catalogue.codes:
        award_type = catalogue.pick(code, decision_date, year)
        subject = ctx.subject_kind
        if subject is not None and award_type.subject != subject:
            ctx.fail("code", _("“%(award)s” dành cho %(award_subject)s, không dùng cho %(subject)s.")
                     % {"award": award_type.name, "award_subject": award_type.get_subject_display().lower(),
                        "subject": _(dict(SUBJECTS)[subject]).lower()})
    elif code and not name:
        ctx.fail("award_name", _("mã “%(code)s” không có trong danh mục; hãy ghi tên danh hiệu, hình thức.")
                 % {"code": code})
    if not ctx.ok:
        return None
    fields = {"award_type": award_type, "award_code": code, "award_name": award_type.name if award_type else name,
              "year": year, "decision_number": number, "decision_date": decision_date, "decided_by": decided_by}
    what = _("khen thưởng “%(award)s” năm %(year)d") % {"award": fields["award_name"], "year": year}
    return fields, (code, year, label_key(number)), what


def _sheets() -> list[_Sheet]:
    return [
        _Sheet("ratings", gettext_noop("Xếp loại"), (
            *SUBJECT_COLUMNS,
            Column("year", gettext_noop("Năm"), aliases=("Năm xếp loại", "Năm đánh giá"), required=True, width=8),
            Column("rating", gettext_noop("Xếp loại"), aliases=("Mức xếp loại", "Kết quả xếp loại"), required=True,
                   width=14),
        ), _parse_rating, "year", AnnualRating),
        _Sheet("initiatives", gettext_noop("Sáng kiến"), (
            *SUBJECT_COLUMNS,
            Column("title", gettext_noop("Tên sáng kiến, đề tài"), aliases=("Tên sáng kiến", "Tên đề tài"),
                   required=True, width=50),
            Column("year", gettext_noop("Năm công nhận"), aliases=("Năm",), required=True, width=10),
            Column("level", gettext_noop("Phạm vi"), aliases=("Phạm vi ảnh hưởng", "Cấp công nhận"), required=True,
                   width=12),
            Column("is_research", gettext_noop("Là đề tài NCKH"), aliases=("Đề tài NCKH",
                                                                          "Là đề tài nghiên cứu khoa học"), width=10),
            Column("recognised_by", gettext_noop("Quyết định công nhận"), aliases=("Số quyết định",), width=30),
        ), _parse_initiative, "title", Initiative),
        _Sheet("discipline", gettext_noop("Kỷ luật"), (
            *SUBJECT_COLUMNS,
            Column("kind", gettext_noop("Loại"), aliases=("Hình thức", "Loại kỷ luật"), required=True, width=14),
            Column("started_on", gettext_noop("Từ ngày"), aliases=("Ngày bắt đầu",), required=True, width=12),
            Column("ended_on", gettext_noop("Đến ngày"), aliases=("Ngày kết thúc",), width=12),
            Column("description", gettext_noop("Nội dung"), aliases=("Ghi chú",), width=50),
        ), _parse_discipline, "started_on", DisciplineRecord),
        _Sheet("awards", gettext_noop("Khen thưởng"), (
            *SUBJECT_COLUMNS,
            Column("code", AWARD_CODE_LABEL, aliases=("Mã danh hiệu", "Mã hình thức", "Mã khen thưởng"),
                   required=True, width=18),
            Column("award_name", gettext_noop("Tên danh hiệu, hình thức"), aliases=("Danh hiệu, hình thức",),
                   width=40),
            Column("year", gettext_noop("Năm thành tích"), aliases=("Năm",), required=True, width=10),
            Column("decision_number", gettext_noop("Số quyết định"), width=16),
            Column("decision_date", gettext_noop("Ngày quyết định"), width=14),
            Column("decided_by", gettext_noop("Cấp quyết định"), aliases=("Cơ quan quyết định",), width=28),
        ), _parse_award, "code", AwardRecord),
    ]


# ---- catalogue ------------------------------------------------------------------------------------

class _Catalogue:
    """Every award type of every regulation, by code (one query)."""

    def __init__(self):
        self.codes: dict[str, list[AwardType]] = {}
        for award in AwardType.objects.select_related("regulation").order_by("-regulation__effective_from", "id"):
            self.codes.setdefault(award.code.upper(), []).append(award)

    def pick(self, code: str, decision_date: datetime.date | None, year: int | None) -> AwardType:
        """The row of the regulation in force on the decision date (or at the end of the year), else the newest."""
        candidates = self.codes[code]
        for day in (decision_date, datetime.date(year, 12, 31) if year else None):
            if day is None:
                continue
            for award in candidates:
                regulation = award.regulation
                if regulation.effective_from <= day and (regulation.effective_to is None
                                                         or day <= regulation.effective_to):
                    return award
        return candidates[0]

    def code_for_name(self, name: str, subject: str | None) -> str | None:
        key = label_key(name)
        found = {code for code, awards in self.codes.items()
                 if any(label_key(a.name) == key and (subject is None or a.subject == subject) for a in awards)}
        return found.pop() if len(found) == 1 else None

    def rows(self) -> list[tuple[str, str, str]]:
        labels = dict(SUBJECTS)
        return sorted(((code, awards[0].name, _(labels.get(awards[0].subject, awards[0].subject)))
                       for code, awards in self.codes.items()), key=lambda r: r[0])


# ---- template -----------------------------------------------------------------------------------

def history_template() -> bytes:
    """The workbook a unit fills in with its past years."""
    workbook = new_workbook()
    catalogue_rows = _Catalogue().rows()
    choices = {
        "subject": [_(label) for _v, label in SUBJECTS],
        "rating": [r.name for r in Rating],
        "level": [_(label) for _v, label in LEVELS],
        "is_research": [_(label) for _v, label in YES_NO],
        "kind": [_(label) for _v, label in DISCIPLINE_KINDS],
    }
    for spec in _sheets():
        sheet = add_table_sheet(workbook, _(spec.title), spec.columns)
        for key, options in choices.items():
            if spec.has_column(key):
                add_list_validation(sheet, spec.columns, key, options=options)
        if spec.key == "awards":
            add_list_validation(sheet, spec.columns, "code", strict=False,
                                formula=sheet_range(_(CATALOGUE_SHEET), "A", len(catalogue_rows) + 1),
                                prompt=_("Chọn mã trong trang “Danh mục”; hình thức cũ không có mã thì tự đặt "
                                         "mã và ghi tên ở cột bên cạnh."))
    add_instructions(workbook, _(INSTRUCTIONS_SHEET), _instructions())
    add_catalogue_sheet(workbook, _(CATALOGUE_SHEET), catalogue_rows,
                        headers=[_("Mã"), _("Tên danh hiệu, hình thức"), _("Đối tượng")], widths=[18, 60, 14])
    return workbook_bytes(workbook)


def _instructions() -> list[str]:
    return [
        _("HƯỚNG DẪN NHẬP LỊCH SỬ THI ĐUA, KHEN THƯỞNG CỦA ĐƠN VỊ"),
        _("1. Mỗi trang một loại thông tin: “Xếp loại”, “Sáng kiến”, “Kỷ luật”, “Khen thưởng”. Trang nào không có "
          "thông tin thì để trống. Không đổi tên trang, không xóa hay đổi tên các cột tiêu đề."),
        _("2. Mỗi dòng ghi Họ và tên hoặc tên tập thể, Đối tượng (Cá nhân, Tập thể hoặc Hộ gia đình; để trống là "
          "Cá nhân, riêng trang “Khen thưởng” lấy theo danh hiệu, hình thức) và Năm sinh với cá nhân. Người được nhận biết theo họ tên và năm sinh trong đơn vị: hãy ghi "
          "năm sinh giống nhau ở mọi dòng của cùng một người. Người, tập thể chưa có sẽ được tạo mới."),
        _("3. Xếp loại: Năm và Xếp loại (HTXSNV, HTTNV, HTNV hoặc KHTNV). Mỗi người, tập thể chỉ một xếp loại mỗi năm."),
        _("4. Sáng kiến: Tên sáng kiến, đề tài; Năm công nhận; Phạm vi (Cơ sở, Tỉnh hoặc Toàn quốc); Là đề tài "
          "NCKH (Có/Không); Quyết định công nhận."),
        _("5. Kỷ luật: Loại (Kỷ luật, Điều tra, Thanh tra hoặc Khiếu nại); Từ ngày; Đến ngày (để trống nếu chưa "
          "kết thúc); Nội dung. Ngày ghi theo dạng ngày/tháng/năm, ví dụ 05/03/2024."),
        _("6. Khen thưởng: Mã danh hiệu, hình thức theo trang “Danh mục”; danh hiệu, hình thức cũ không có trong "
          "danh mục thì tự đặt mã và bắt buộc ghi Tên danh hiệu, hình thức. Năm thành tích, Số quyết định, Ngày "
          "quyết định, Cấp quyết định."),
        _("7. Không ghi năm, ngày trong tương lai. Thông tin đã có trong hệ thống không nhập lại được."),
        _("8. Tệp có lỗi sẽ không được nhập dòng nào; hệ thống liệt kê mọi lỗi kèm tên trang, số dòng, tên cột "
          "để sửa rồi nhập lại. Tối đa %(limit)s dòng mỗi trang.") % {"limit": number_format(MAX_ROWS, force_grouping=True)},
    ]


# ---- import -------------------------------------------------------------------------------------

def _check_permission(actor, unit: Unit) -> None:
    if permissions.has_unit_role.test(actor) and unit.pk in permissions.acting_unit_ids(actor):
        return
    is_admin = getattr(actor, "is_authenticated", False) and actor.has_role(Role.ADMINISTRATOR)
    if is_admin and (actor.unit_id is None or actor.unit.province_id == unit.province_id):
        return
    raise PermissionDeniedError("permission_denied",
                                _("Chỉ cán bộ TĐKT, thủ trưởng của đơn vị hoặc quản trị hệ thống được nhập lịch sử "
                                  "thi đua, khen thưởng cho đơn vị này."))


def import_history(*, actor, unit: Unit, fileobj) -> HistoryImportResult:
    """Add a unit's past ratings, initiatives, discipline and awards: every row, or none."""
    with transaction.atomic():
        _check_permission(actor, unit)
        unit = Unit.objects.select_for_update().get(pk=unit.pk)  # one importer per unit at a time
        sheets, people, collectives = _read_and_validate(unit, fileobj)
        return _write(actor, unit, sheets, people, collectives)


def _read_and_validate(unit: Unit, fileobj) -> tuple[list[_Sheet], dict, dict]:
    problems = Problems()
    sheets = _sheets()
    workbook = open_workbook(fileobj)
    tables: dict[str, list[Row]] = {}
    try:
        for spec in sheets:
            sheet = find_sheet(workbook, spec.title)
            if sheet is not None:
                rows = read_table(sheet, spec.columns, problems, sheet_title=_(spec.title), max_rows=MAX_ROWS)
                if rows is not None:
                    tables[spec.key] = rows
    finally:
        workbook.close()
    names = ", ".join(f"“{_(s.title)}”" for s in sheets)
    if not problems and not tables:
        problems.file(_("Tệp không có trang nào trong số %(sheets)s; hãy dùng tệp mẫu.") % {"sheets": names})
    elif not problems and not any(tables.values()):
        problems.file(_("Các trang %(sheets)s chưa có dòng dữ liệu nào.") % {"sheets": names})
    problems.raise_if_any()

    catalogue = _Catalogue()
    for spec in sheets:
        for row in tables.get(spec.key, []):
            ctx = _RowContext(spec, row, problems, catalogue)
            subject = _parse_subject(ctx, catalogue)
            parsed = spec.parse(ctx)
            if parsed is not None and subject is not None and ctx.ok:
                fields, identity, what = parsed
                spec.records.append(_Record(row.number, subject, fields, identity, what))
    people, collectives = _find_subjects(unit, sheets)
    _check_duplicates(sheets, people, collectives, problems)
    problems.raise_if_any([_(spec.title) for spec in sheets])
    return sheets, people, collectives


def _parse_subject(ctx: _RowContext, catalogue: _Catalogue) -> _Subject | None:
    name = ctx.required("name", ctx.text("name", 255), _("chưa ghi họ và tên hoặc tên tập thể."))
    kind = ctx.parse("subject", parse_choice, choice_map(SUBJECTS), allowed_text=_(SUBJECTS_TEXT))
    if "subject" in ctx.failed:
        return None
    if kind is None and ctx.spec.key == "awards":  # blank: the award says whom it is for
        code = cell_line(ctx.value("code")).upper().replace(" ", "")
        code = code or catalogue.code_for_name(cell_line(ctx.value("award_name")), None) or ""
        if code in catalogue.codes:
            kind = catalogue.codes[code][0].subject
    kind = kind or SubjectKind.INDIVIDUAL
    ctx.subject_kind = kind
    birth_year = ctx.parse("birth_year", parse_year, low=MIN_BIRTH_YEAR, high=today().year)
    if kind == SubjectKind.INDIVIDUAL and len(name) > 150:
        ctx.fail("name", _("dài quá %(limit)d ký tự.") % {"limit": 150})
    if kind != SubjectKind.INDIVIDUAL and birth_year is not None:
        ctx.fail("birth_year", _("tập thể, hộ gia đình không ghi năm sinh."))
    if not name:
        return None
    return _Subject(kind, name, birth_year)


def _find_subjects(unit: Unit, sheets: list[_Sheet]) -> tuple[dict, dict]:
    """Stored people and collectives of the unit named in the file, by subject key (two queries)."""
    subjects = {r.subject.key: r.subject for s in sheets for r in s.records}
    people, collectives = {}, {}
    person_names = {fold(s.name) for s in subjects.values() if s.is_person}
    if person_names:
        exact = {s.key: s.name for s in subjects.values() if s.is_person}
        for person in Person.objects.filter(unit=unit, search_key__in=person_names).order_by("id"):
            key = subject_key(SubjectKind.INDIVIDUAL, person.full_name, person.birth_year)
            if key in exact and (key not in people or person.full_name == exact[key] != people[key].full_name):
                people[key] = person
    collective_names = {fold(s.name) for s in subjects.values() if not s.is_person}
    if collective_names:
        for collective in Collective.objects.filter(unit=unit, search_key__in=collective_names).order_by("id"):
            collectives.setdefault(("c", collective.kind, name_key(collective.name)), collective)
    return people, collectives


def _check_duplicates(sheets: list[_Sheet], people: dict, collectives: dict, problems: Problems) -> None:
    person_keys = {p.pk: key for key, p in people.items()}
    collective_keys = {c.pk: key for key, c in collectives.items()}
    for spec in sheets:
        if not spec.records:
            continue
        stored = _stored_identities(spec, person_keys, collective_keys)
        first: dict[tuple, int] = {}
        for record in spec.records:
            key = (record.subject.key, record.identity)
            message = None
            if key in stored:
                message = _("%(what)s của “%(name)s” đã có trong hệ thống.")
            elif key in first:
                message = _("%(what)s của “%(name)s” trùng với dòng %(first)d.")
            else:
                first[key] = record.row
            if message:
                problems.cell(message % {"what": record.what, "name": record.subject.name, "first": first.get(key, 0)},
                              row=record.row, column=spec.title_of(spec.duplicate_column), sheet=_(spec.title),
                              name_sheet=True)


def _stored_identities(spec: _Sheet, person_keys: dict, collective_keys: dict) -> set[tuple]:
    if not person_keys and not collective_keys:
        return set()
    fields = {
        "ratings": ("year",),
        "initiatives": ("title", "year"),
        "discipline": ("kind", "started_on"),
        "awards": ("award_code", "year", "decision_number"),
    }[spec.key]
    rows = spec.model.objects.filter(
        Q(person_id__in=list(person_keys)) | Q(collective_id__in=list(collective_keys))
    ).values_list("person_id", "collective_id", *fields)
    result = set()
    for person_id, collective_id, *values in rows:
        subject = person_keys.get(person_id) if person_id else collective_keys.get(collective_id)
        if spec.key == "initiatives":
            values = [fold(values[0]), values[1]]
        elif spec.key == "awards":
            values = [values[0].upper(), values[1], label_key(values[2])]
        result.add((subject, tuple(values)))
    return result


def _write(actor, unit: Unit, sheets: list[_Sheet], people: dict, collectives: dict) -> HistoryImportResult:
    new_people: dict[tuple, Person] = {}
    new_collectives: dict[tuple, Collective] = {}
    for spec in sheets:
        for record in spec.records:
            subject, key = record.subject, record.subject.key
            if subject.is_person and key not in people and key not in new_people:
                new_people[key] = Person(unit=unit, full_name=subject.name, birth_year=subject.birth_year,
                                         sort_key=person_sort_key(subject.name), search_key=fold(subject.name))
            elif not subject.is_person and key not in collectives and key not in new_collectives:
                new_collectives[key] = Collective(unit=unit, name=subject.name, kind=collective_kind(subject.kind),
                                                  sort_key=phrase_key(subject.name), search_key=fold(subject.name))
    bulk_insert(Person, list(new_people.values()))
    bulk_insert(Collective, list(new_collectives.values()))
    people.update(new_people)
    collectives.update(new_collectives)
    counts = {}
    for spec in sheets:
        objects = []
        for record in spec.records:
            key = record.subject.key
            objects.append(spec.model(person=people.get(key), collective=collectives.get(key), source=Source.IMPORT,
                                      **record.fields))
        bulk_insert(spec.model, objects)
        counts[spec.key] = len(objects)
    counts["people"] = len(new_people)
    counts["collectives"] = len(new_collectives)
    record_event(actor=actor, action="history.imported", obj=unit, unit=unit, after=counts,
                 message=_("Nhập lịch sử thi đua, khen thưởng từ tệp Excel"))
    return HistoryImportResult(counts=counts)

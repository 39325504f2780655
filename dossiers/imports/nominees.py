"""The nominee list of one dossier, from an Excel sheet ("Danh sách").

``nominee_template`` builds the workbook a unit fills in; ``import_nominees``
reads it back, validates every row against the catalogue and the dossier,
and either refuses the file with every error found or, in one transaction,
creates the people, collectives and nominations with one audit event.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
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
    parse_year,
    read_table,
    sheet_range,
    subject_key,
    today,
    workbook_bytes,
)
from dossiers.models import (
    AwardKind,
    AwardType,
    Collective,
    Dossier,
    Gender,
    Nomination,
    Person,
    SubjectKind,
    Unit,
)
from dossiers.models.dossier import ACHIEVEMENT_SUMMARY_MAX_LENGTH
from dossiers.services.audit import record_event
from dossiers.services.dossiers import cancel_handover, lock_dossier, proposable_award_types, refresh_search_text
from dossiers.text import fold, person_sort_key, phrase_key

SHEET = gettext_noop("Danh sách")
MAX_ROWS = 2000

COLUMNS = (
    Column("stt", gettext_noop("STT"), aliases=("Số thứ tự", "TT"), width=6, ignored=True),
    Column("subject", SUBJECT_LABEL, aliases=("Loại đối tượng",), width=14),
    Column("name", NAME_LABEL, aliases=("Họ và tên", "Họ tên", "Tên tập thể", "Họ và tên, tên tập thể"),
           required=True, width=32),
    Column("gender", gettext_noop("Giới tính"), aliases=("Nam/Nữ",), width=10),
    Column("birth_year", BIRTH_YEAR_LABEL, aliases=("Ngày sinh", "Ngày tháng năm sinh", "Năm sinh (hoặc ngày sinh)"),
           width=12),
    Column("position", gettext_noop("Chức vụ, đơn vị công tác"),
           aliases=("Chức vụ", "Đơn vị công tác", "Chức vụ, đơn vị"), width=36),
    Column("award", AWARD_CODE_LABEL, aliases=("Mã danh hiệu", "Mã hình thức", "Mã khen thưởng",
                                               "Danh hiệu, hình thức", "Hình thức khen thưởng"),
           required=True, width=20),
    Column("summary", gettext_noop("Tóm tắt thành tích"), aliases=("Thành tích", "Tóm tắt thành tích đạt được"),
           required=True, width=70),
)

GENDERS = ((Gender.MALE, gettext_noop("Nam")), (Gender.FEMALE, gettext_noop("Nữ")))
KIND_LABELS = dict(AwardKind.choices)


@dataclass(frozen=True)
class NomineeImportResult:
    created: int
    people_created: int
    collectives_created: int = 0


# ---- template ---------------------------------------------------------------------------------

def catalogue_rows(kind: str | None) -> list[AwardType]:
    """Award types a unit may propose: for ``kind``, or for any kind."""
    kinds = [kind] if kind else list(AwardKind.values)
    seen: dict[int, AwardType] = {}
    for each in kinds:
        for award in proposable_award_types(kind=each):
            seen.setdefault(award.pk, award)
    return sorted(seen.values(), key=lambda a: (a.rank, a.code))


def nominee_template(*, kind: str | None = None) -> bytes:
    """The workbook a unit fills in: "Danh sách", "Hướng dẫn" and "Danh mục"."""
    awards = catalogue_rows(kind)
    workbook = new_workbook()
    sheet = add_table_sheet(workbook, _(SHEET), COLUMNS)
    subject_names = [_(label) for _value, label in SUBJECTS]
    add_list_validation(sheet, COLUMNS, "subject", options=subject_names,
                        prompt=_(SUBJECTS_TEXT))
    add_list_validation(sheet, COLUMNS, "gender", options=[_(label) for _value, label in GENDERS],
                        prompt=_("Nam hoặc Nữ; để trống với tập thể."))
    add_list_validation(sheet, COLUMNS, "award", formula=sheet_range(_(CATALOGUE_SHEET), "A", len(awards) + 1),
                        prompt=_("Chọn mã trong trang “Danh mục”."))
    add_instructions(workbook, _(INSTRUCTIONS_SHEET), _instructions(kind))
    subject_label = dict(SUBJECTS)
    add_catalogue_sheet(
        workbook, _(CATALOGUE_SHEET),
        [(a.code, a.name, _(subject_label[a.subject]),
          ", ".join(str(KIND_LABELS[k]) for k in a.kinds if k in KIND_LABELS))
         for a in awards],
        headers=[_("Mã"), _("Tên danh hiệu, hình thức"), _("Đối tượng"), _("Loại hình khen thưởng")],
        widths=[18, 60, 14, 50],
    )
    return workbook_bytes(workbook)


def _instructions(kind: str | None) -> list[str]:
    lines = [
        _("HƯỚNG DẪN NHẬP DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"),
        _("1. Nhập mỗi người hoặc tập thể được đề nghị trên một dòng của trang “Danh sách”, bắt đầu từ dòng 2. "
          "Không đổi tên trang, không xóa hay đổi tên các cột tiêu đề."),
        _("2. Đối tượng: chọn Cá nhân, Tập thể hoặc Hộ gia đình. Để trống thì lấy theo danh hiệu, hình thức đã chọn."),
        _("3. Họ và tên hoặc tên tập thể: bắt buộc, ghi đầy đủ, có dấu (ví dụ: Nguyễn Thị Hoa; Phòng Kế hoạch - Tài chính)."),
        _("4. Giới tính (Nam/Nữ) và Năm sinh: chỉ ghi với cá nhân. Năm sinh ghi bốn chữ số (ví dụ 1985); nếu ghi "
          "ngày sinh (dd/mm/yyyy) thì hệ thống chỉ lưu năm sinh."),
        _("5. Chức vụ, đơn vị công tác: ghi với cá nhân, ví dụ “Trưởng phòng Kế hoạch - Tài chính”."),
        _("6. Mã danh hiệu, hình thức: chọn mã trong trang “Danh mục” (mỗi dòng một hình thức). Danh hiệu dành "
          "cho cá nhân không dùng cho tập thể và ngược lại."),
        _("7. Tóm tắt thành tích: bắt buộc, nêu ngắn gọn thành tích chính."),
        _("8. Một người đề nghị nhiều hình thức thì ghi nhiều dòng. Không ghi trùng cùng một người, cùng một hình "
          "thức; người đã có trong hồ sơ với hình thức đó không nhập lại được."),
        _("9. Tệp có lỗi sẽ không được nhập dòng nào; hệ thống liệt kê mọi lỗi kèm số dòng, tên cột để sửa rồi "
          "nhập lại. Tối đa %(limit)s dòng mỗi lần nhập.") % {"limit": number_format(MAX_ROWS, force_grouping=True)},
    ]
    if kind:
        lines.append(_("Danh mục trong tệp này dành cho loại hình: %(kind)s.") % {"kind": KIND_LABELS.get(kind, kind)})
    return lines


# ---- import -----------------------------------------------------------------------------------

@dataclass
class _Entry:
    row: int
    subject: str
    name: str
    birth_year: int | None
    gender: str
    position: str
    award: AwardType
    summary: str

    @property
    def is_person(self) -> bool:
        return self.subject == SubjectKind.INDIVIDUAL

    @property
    def subject_key(self) -> tuple:
        return subject_key(self.subject, self.name, self.birth_year)


def import_nominees(*, actor, dossier: Dossier, fileobj) -> NomineeImportResult:
    """Add the nominees of an Excel sheet to ``dossier``: all rows, or none."""
    with transaction.atomic():
        dossier = lock_dossier(dossier)
        if not permissions.can_edit.test(actor, dossier):
            raise PermissionDeniedError("permission_denied",
                                        _("Hồ sơ không còn sửa được hoặc bạn không có quyền sửa."))
        entries = _read_and_validate(dossier, fileobj)
        return _write(actor, dossier, entries)


def _read_and_validate(dossier: Dossier, fileobj) -> list[_Entry]:
    problems = Problems()
    workbook = open_workbook(fileobj)
    try:
        sheet = find_sheet(workbook, SHEET)
        if sheet is None:
            problems.file(_("Tệp không có trang “%(sheet)s”; hãy dùng tệp mẫu.") % {"sheet": _(SHEET)})
            problems.raise_if_any()
        rows = read_table(sheet, COLUMNS, problems, sheet_title=_(SHEET), max_rows=MAX_ROWS)
    finally:
        workbook.close()
    problems.raise_if_any()
    if not rows:
        problems.file(_("Trang “%(sheet)s” chưa có dòng dữ liệu nào.") % {"sheet": _(SHEET)}, sheet=_(SHEET))
        problems.raise_if_any()

    catalogue = _Catalogue(dossier, rows)
    entries = [entry for row in rows if (entry := _parse_row(row, catalogue, problems))]
    _check_duplicates(dossier, entries, problems)
    problems.raise_if_any()
    return entries


class _Catalogue:
    """The awards this dossier may carry, and what the catalogue knows of other codes."""

    def __init__(self, dossier: Dossier, rows: list[Row]):
        self.kind_label = KIND_LABELS.get(dossier.kind, dossier.kind)
        self.allowed = proposable_award_types(kind=dossier.kind)
        self.by_code = {a.code.upper(): a for a in self.allowed}
        self.by_name: dict[str, list[AwardType]] = {}
        for award in self.allowed:
            self.by_name.setdefault(label_key(award.name), []).append(award)
        wanted = {cell_line(r.values.get("award")).upper() for r in rows} - set(self.by_code) - {""}
        self.elsewhere: dict[str, AwardType] = {}
        if wanted:
            for award in AwardType.objects.filter(code__in=wanted).order_by("-regulation__effective_from"):
                self.elsewhere.setdefault(award.code.upper(), award)

    def resolve(self, text: str, subject: str | None) -> AwardType:
        award = self.by_code.get(text.upper())
        if award:
            return award
        candidates = self.by_name.get(label_key(text), [])
        if subject:
            candidates = [a for a in candidates if a.subject == subject] or candidates
        if len(candidates) == 1:
            return candidates[0]
        other = self.elsewhere.get(text.upper())
        if other is not None:
            if other.authority == "unit_head":
                raise CellError(_("“%(award)s” do thủ trưởng đơn vị quyết định, không đề nghị lên tỉnh "
                                  "(hãy nhập vào lịch sử khen thưởng).") % {"award": other.name})
            raise CellError(_("“%(award)s” không áp dụng cho hồ sơ loại hình %(kind)s.")
                            % {"award": other.name, "kind": self.kind_label})
        if len(candidates) > 1:
            raise CellError(_("“%(value)s” ứng với nhiều hình thức; hãy ghi mã trong trang “Danh mục”.")
                            % {"value": text})
        raise CellError(_("mã “%(code)s” không có trong danh mục danh hiệu, hình thức được đề nghị "
                          "(xem trang “Danh mục”).") % {"code": text})


def _parse_row(row: Row, catalogue: _Catalogue, problems: Problems) -> _Entry | None:
    ctx = RowContext(row, problems, sheet=_(SHEET), titles={c.key: c.title for c in COLUMNS})
    name = ctx.required("name", ctx.text("name", 255), _("chưa ghi họ và tên hoặc tên tập thể."))
    subject = ctx.parse("subject", parse_choice, choice_map(SUBJECTS), allowed_text=_(SUBJECTS_TEXT))

    award = None
    award_text = ctx.required("award", cell_line(ctx.value("award")), _("chưa ghi mã danh hiệu, hình thức."))
    if award_text:
        award = ctx.parse("award", lambda _value: catalogue.resolve(award_text, subject))
    if award is not None and "subject" not in ctx.failed:
        if subject is None:
            subject = award.subject  # a blank subject: the award says whom it is for
        elif award.subject != subject:
            ctx.fail("award", _("“%(award)s” dành cho %(award_subject)s, không dùng cho %(subject)s.")
                     % {"award": award.name, "award_subject": award.get_subject_display().lower(),
                        "subject": _(dict(SUBJECTS)[subject]).lower()})

    is_person = subject in (None, SubjectKind.INDIVIDUAL)
    if is_person and len(name) > 150:
        ctx.fail("name", _("dài quá %(limit)d ký tự.") % {"limit": 150})
    position = ctx.text("position", 255)
    birth_year = ctx.parse("birth_year", parse_year, low=MIN_BIRTH_YEAR, high=today().year)
    gender = ctx.parse("gender", parse_choice, choice_map(GENDERS), allowed_text=_("Nam hoặc Nữ")) or ""
    if not is_person:
        if birth_year is not None:
            ctx.fail("birth_year", _("tập thể, hộ gia đình không ghi năm sinh."))
        if gender:
            ctx.fail("gender", _("tập thể, hộ gia đình không ghi giới tính."))
    summary = ctx.required("summary", cell_text(ctx.value("summary")), _("chưa có tóm tắt thành tích."))
    if len(summary or "") > ACHIEVEMENT_SUMMARY_MAX_LENGTH:
        ctx.fail("summary", _("tóm tắt thành tích dài %(length)d ký tự, vượt quá %(limit)d ký tự cho phép.")
                 % {"length": len(summary), "limit": ACHIEVEMENT_SUMMARY_MAX_LENGTH})

    if not ctx.ok or subject is None or award is None:
        return None
    return _Entry(row=row.number, subject=subject, name=name, birth_year=birth_year, gender=gender,
                  position=position if is_person else "", award=award, summary=summary)


def _check_duplicates(dossier: Dossier, entries: list[_Entry], problems: Problems) -> None:
    existing = set()
    for full_name, birth_year, collective_name, kind, code in dossier.nominations.values_list(
        "person__full_name", "person__birth_year", "collective__name", "collective__kind", "award_type__code"
    ):
        if full_name is not None:
            existing.add((subject_key(SubjectKind.INDIVIDUAL, full_name, birth_year), code))
        else:
            existing.add((("c", kind, name_key(collective_name)), code))
    first_row: dict[tuple, int] = {}
    column = _(NAME_LABEL)
    for entry in entries:
        key = (entry.subject_key, entry.award.code)
        if key in existing:
            problems.cell(_("“%(name)s” đã có trong hồ sơ với đề nghị “%(award)s”.")
                          % {"name": entry.name, "award": entry.award.name},
                          row=entry.row, column=column, sheet=_(SHEET))
        elif key in first_row:
            problems.cell(_("“%(name)s” được đề nghị “%(award)s” trùng với dòng %(first)d.")
                          % {"name": entry.name, "award": entry.award.name, "first": first_row[key]},
                          row=entry.row, column=column, sheet=_(SHEET))
        else:
            first_row[key] = entry.row


def _write(actor, dossier: Dossier, entries: list[_Entry]) -> NomineeImportResult:
    unit = Unit.objects.select_for_update().get(pk=dossier.unit_id)  # one importer per unit at a time
    people = _people(unit, [e for e in entries if e.is_person])
    collectives = _collectives(unit, [e for e in entries if not e.is_person])
    nominations = [
        Nomination(
            dossier=dossier, award_type=entry.award, achievement_summary=entry.summary,
            person=people.subjects.get(entry.subject_key), collective=collectives.subjects.get(entry.subject_key),
        )
        for entry in entries
    ]
    bulk_insert(Nomination, nominations)
    names = [entry.name for entry in entries]
    record_event(actor=actor, action="nomination.imported", obj=dossier, dossier=dossier,
                 after={"count": len(nominations), "names": names},
                 message=_("Nhập danh sách đề nghị từ tệp Excel"))
    cancel_handover(actor=actor, dossier=dossier)
    refresh_search_text(dossier)
    return NomineeImportResult(created=len(nominations), people_created=people.created,
                               collectives_created=collectives.created)


@dataclass
class _Subjects:
    subjects: dict[tuple, object]
    created: int


def _people(unit: Unit, entries: list[_Entry]) -> _Subjects:
    """Existing people of the unit by name and year of birth; the missing ones created in bulk."""
    if not entries:
        return _Subjects({}, 0)
    exact_names: dict[tuple, set[str]] = {}
    for entry in entries:
        exact_names.setdefault(entry.subject_key, set()).add(entry.name)
    found: dict[tuple, Person] = {}
    for person in Person.objects.filter(unit=unit, search_key__in={fold(e.name) for e in entries}).order_by("id"):
        key = subject_key(SubjectKind.INDIVIDUAL, person.full_name, person.birth_year)
        names = exact_names.get(key)
        if names is None:
            continue
        current = found.get(key)
        # Several stored spellings differing only in case: prefer the one the sheet writes.
        if current is None or (person.full_name in names and current.full_name not in names):
            found[key] = person
    new: dict[tuple, Person] = {}
    changed: dict[int, Person] = {}
    for entry in entries:
        key = entry.subject_key
        person = found.get(key)
        if person is None:
            person = new.get(key)
            if person is None:
                new[key] = Person(unit=unit, full_name=entry.name, birth_year=entry.birth_year,
                                  gender=entry.gender, position=entry.position,
                                  sort_key=person_sort_key(entry.name), search_key=fold(entry.name))
            else:
                person.gender = person.gender or entry.gender
                person.position = person.position or entry.position
            continue
        # As find_or_create_person: what the sheet says updates gender and position.
        if entry.gender and person.gender != entry.gender:
            person.gender = entry.gender
            changed[person.pk] = person
        if entry.position and person.position != entry.position:
            person.position = entry.position
            changed[person.pk] = person
    created = bulk_insert(Person, list(new.values()))
    if changed:
        Person.objects.bulk_update(list(changed.values()), ["gender", "position"])
    return _Subjects({**found, **new}, len(created))


def _collectives(unit: Unit, entries: list[_Entry]) -> _Subjects:
    if not entries:
        return _Subjects({}, 0)
    found: dict[tuple, Collective] = {}
    for collective in Collective.objects.filter(unit=unit, search_key__in={fold(e.name) for e in entries}).order_by("id"):
        found.setdefault(("c", collective.kind, name_key(collective.name)), collective)
    new: dict[tuple, Collective] = {}
    for entry in entries:
        key = entry.subject_key
        if key not in found and key not in new:
            new[key] = Collective(unit=unit, name=entry.name, kind=collective_kind(entry.subject),
                                  sort_key=phrase_key(entry.name), search_key=fold(entry.name))
    created = bulk_insert(Collective, list(new.values()))
    return _Subjects({**found, **new}, len(created))


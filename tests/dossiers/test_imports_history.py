"""Importing a unit's past years from Excel: ratings, initiatives, discipline, awards."""

from __future__ import annotations

import datetime
import io
import unicodedata

import openpyxl
import pytest

from dossiers.exceptions import PermissionDeniedError
from dossiers.imports import history as history_import
from dossiers.imports.common import ImportRejected
from dossiers.imports.history import history_template, import_history
from dossiers.models import (
    AnnualRating,
    AuditEvent,
    AwardRecord,
    AwardType,
    Collective,
    DisciplineRecord,
    Initiative,
    Person,
)
from dossiers.services.audit import verify_chain
from tests.factories import PDF_BYTES, CollectiveFactory, PersonFactory, UserFactory

SUBJECT = ["Họ và tên hoặc tên tập thể", "Đối tượng", "Năm sinh"]
HEADERS = {
    "Xếp loại": [*SUBJECT, "Năm", "Xếp loại"],
    "Sáng kiến": [*SUBJECT, "Tên sáng kiến, đề tài", "Năm công nhận", "Phạm vi", "Là đề tài NCKH",
                  "Quyết định công nhận"],
    "Kỷ luật": [*SUBJECT, "Loại", "Từ ngày", "Đến ngày", "Nội dung"],
    "Khen thưởng": [*SUBJECT, "Mã danh hiệu, hình thức", "Tên danh hiệu, hình thức", "Năm thành tích",
                    "Số quyết định", "Ngày quyết định", "Cấp quyết định"],
}
HOA = ["Nguyễn Thị Hoa", "Cá nhân", 1985]
TEAM = ["Phòng Kế hoạch - Tài chính", "Tập thể", None]


def history_file(**sheets: list[list]) -> io.BytesIO:
    """The generated template with rows appended under each sheet's header.

    Keyword names: ratings, initiatives, discipline, awards.
    """
    titles = {"ratings": "Xếp loại", "initiatives": "Sáng kiến", "discipline": "Kỷ luật", "awards": "Khen thưởng"}
    book = openpyxl.load_workbook(io.BytesIO(history_template()))
    for key, rows in sheets.items():
        sheet = book[titles[key]]
        for number, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


MODELS = (Person, Collective, AnnualRating, Initiative, DisciplineRecord, AwardRecord, AuditEvent)


def snapshot() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in MODELS)


def rejected(actor, unit, fileobj) -> ImportRejected:
    before = snapshot()
    with pytest.raises(ImportRejected) as caught:
        import_history(actor=actor, unit=unit, fileobj=fileobj)
    assert snapshot() == before, "a refused file must not write anything"
    assert caught.value.code == "import_rejected"
    return caught.value


# ---- template -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_template_has_sheets_and_headers():
    book = openpyxl.load_workbook(io.BytesIO(history_template()))
    assert book.sheetnames == ["Xếp loại", "Sáng kiến", "Kỷ luật", "Khen thưởng", "Hướng dẫn", "Danh mục"]
    for title, headers in HEADERS.items():
        sheet = book[title]
        assert [c.value for c in sheet[1]] == headers
        assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2"
    ratings = {str(v.sqref).split(":")[0]: v.formula1 for v in book["Xếp loại"].data_validations.dataValidation}
    assert ratings == {"B2": '"Cá nhân,Tập thể,Hộ gia đình"', "E2": '"HTXSNV,HTTNV,HTNV,KHTNV"'}
    codes = {row[0] for row in book["Danh mục"].iter_rows(min_row=2, values_only=True)}
    assert codes == set(AwardType.objects.values_list("code", flat=True))


# ---- success ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_import_writes_every_sheet(clerk, unit):
    existing = PersonFactory(unit=unit, full_name="Nguyễn Thị Hoa", birth_year=1985)
    nfd = unicodedata.normalize("NFD", "Lò Thị Phương")
    fileobj = history_file(
        ratings=[
            [*HOA, 2023, "HTXSNV"],
            [*HOA, 2024, "httnv"],
            [nfd, None, "12/05/1990", 2024, "Hoàn thành xuất sắc nhiệm vụ"],
            [],
            [*TEAM, 2024, "HTXSNV"],
        ],
        initiatives=[
            [*HOA, unicodedata.normalize("NFD", "Số hóa hồ sơ lưu trữ"), 2024, "Tỉnh", "Có", "QĐ 12/QĐ-HĐKH"],
            [nfd, "Cá nhân", 1990, "Cải tiến quy trình một cửa", 2023, "cơ sở", None, None],
        ],
        discipline=[
            [nfd, "Cá nhân", 1990, "Kỷ luật", "01/02/2022", datetime.datetime(2023, 2, 1), "Khiển trách"],
            [*TEAM, "Thanh tra", datetime.date(2025, 9, 1), None, "Thanh tra công vụ"],
        ],
        awards=[
            [*HOA, "CSTD_CS", None, 2023, "15/QĐ-STC", "05/03/2024", "Giám đốc Sở Tài chính"],
            [*HOA, "cstd_cs", None, 2024, "20/QĐ-STC", datetime.date(2025, 8, 5), "Giám đốc Sở Tài chính"],
            [*HOA, "HC_KC_CU", "Huy chương Kháng chiến hạng Nhì", 1990, None, None, "Chủ tịch nước"],
            ["Phòng Kế hoạch - Tài chính", None, None, "TTLDXS", None, 2024, "99/QĐ-UBND", None, None],
        ],
    )
    result = import_history(actor=clerk, unit=unit, fileobj=fileobj)

    assert result.counts == {"ratings": 4, "initiatives": 2, "discipline": 2, "awards": 4, "people": 1,
                             "collectives": 1}
    phuong = Person.objects.get(unit=unit, full_name="Lò Thị Phương")
    assert phuong.birth_year == 1990 and phuong.search_key == "lo thi phuong" and phuong.sort_key
    team = Collective.objects.get(unit=unit)
    assert team.name == "Phòng Kế hoạch - Tài chính"
    assert Person.objects.filter(unit=unit).count() == 2, "Nguyễn Thị Hoa (1985) was reused"

    assert dict(existing.annualratings.values_list("year", "rating")) == {2023: "htxsnv", 2024: "httnv"}
    assert phuong.annualratings.get().rating == "htxsnv"
    assert team.annualratings.get().year == 2024
    initiative = existing.initiatives.get()
    assert (initiative.title, initiative.level, initiative.is_research) == ("Số hóa hồ sơ lưu trữ", "province", True)
    assert unicodedata.is_normalized("NFC", initiative.title)
    assert phuong.initiatives.get().level == "unit"
    record = phuong.disciplinerecords.get()
    assert (record.kind, record.started_on, record.ended_on) == (
        "discipline", datetime.date(2022, 2, 1), datetime.date(2023, 2, 1))
    assert team.disciplinerecords.get().kind == "inspection"

    awards = {(a.award_code, a.year): a for a in existing.awardrecords.select_related("award_type__regulation")}
    assert awards["CSTD_CS", 2023].award_type.regulation.code == "ND98_2023", "in force on 05/03/2024"
    assert awards["CSTD_CS", 2024].award_type.regulation.code == "ND152_2025", "in force on 05/08/2025"
    assert awards["CSTD_CS", 2023].award_name == "Chiến sĩ thi đua cơ sở"
    assert awards["CSTD_CS", 2023].decision_date == datetime.date(2024, 3, 5)
    old = awards["HC_KC_CU", 1990]
    assert old.award_type is None and old.award_name == "Huy chương Kháng chiến hạng Nhì"
    assert team.awardrecords.get().award_type.code == "TTLDXS", "blank subject taken from the award"

    for model in (AnnualRating, Initiative, DisciplineRecord, AwardRecord):
        assert set(model.objects.values_list("source", flat=True)) == {"import"}
    event = AuditEvent.objects.get(action="history.imported")
    assert (event.object_type, event.object_id, event.unit_id_ref) == ("dossiers.unit", str(unit.pk), unit.pk)
    assert event.after == result.counts
    assert AuditEvent.objects.count() == 1
    assert verify_chain() == []


@pytest.mark.django_db
def test_sheets_left_out_or_empty_are_fine(clerk, unit):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "XEP LOAI"
    sheet.append(["ho va ten", "nam", "xep loai"])
    sheet.append(["Hà Văn Sơn", 2024, "HTNV"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_history(actor=clerk, unit=unit, fileobj=io.BytesIO(buffer.getvalue()))
    assert result.counts == {"ratings": 1, "initiatives": 0, "discipline": 0, "awards": 0, "people": 1,
                             "collectives": 0}
    assert Person.objects.get(full_name="Hà Văn Sơn").birth_year is None


@pytest.mark.django_db
def test_collectives_already_in_the_unit_are_reused(head, unit):
    team = CollectiveFactory(unit=unit, name="Phòng Kế hoạch - Tài chính")
    result = import_history(actor=head, unit=unit, fileobj=history_file(ratings=[[*TEAM, 2022, "HTTNV"]]))
    assert result.counts["collectives"] == 0
    assert team.annualratings.get().year == 2022


# ---- row errors -------------------------------------------------------------------------------------

ROW_ERRORS = [
    ("unknown_rating", "ratings", [*HOA, 2024, "Tốt"], "Xếp loại", "chỉ được ghi HTXSNV, HTTNV, HTNV, KHTNV"),
    ("missing_rating", "ratings", [*HOA, 2024, None], "Xếp loại", "chưa ghi xếp loại"),
    ("future_year", "ratings", [*HOA, 2031, "HTTNV"], "Năm", "năm 2031 là năm trong tương lai"),
    ("missing_year", "ratings", [*HOA, None, "HTTNV"], "Năm", "chưa ghi năm"),
    ("missing_name", "ratings", [None, "Cá nhân", 1985, 2024, "HTTNV"], "Họ và tên hoặc tên tập thể",
     "chưa ghi họ và tên"),
    ("bad_subject", "ratings", ["Hoa", "Người", 1985, 2024, "HTTNV"], "Đối tượng",
     "chỉ được ghi Cá nhân, Tập thể hoặc Hộ gia đình"),
    ("collective_with_birth_year", "ratings", ["Phòng A", "Tập thể", 1985, 2024, "HTTNV"], "Năm sinh",
     "tập thể, hộ gia đình không ghi năm sinh"),
    ("bad_level", "initiatives", [*HOA, "Sáng kiến A", 2024, "Huyện", None, None],
     "Phạm vi", "chỉ được ghi Cơ sở, Tỉnh hoặc Toàn quốc"),
    ("missing_title", "initiatives", [*HOA, None, 2024, "Tỉnh", None, None],
     "Tên sáng kiến, đề tài", "chưa ghi tên sáng kiến"),
    ("bad_yes_no", "initiatives", [*HOA, "Sáng kiến A", 2024, "Tỉnh", "Chắc", None],
     "Là đề tài NCKH", "chỉ được ghi Có hoặc Không"),
    ("missing_start", "discipline", [*HOA, "Kỷ luật", None, None, None], "Từ ngày",
     "chưa ghi ngày bắt đầu"),
    ("bad_date", "discipline", [*HOA, "Kỷ luật", "32/01/2024", None, None], "Từ ngày",
     "“32/01/2024” không phải là ngày có thật"),
    ("not_a_date", "discipline", [*HOA, "Kỷ luật", "tháng Giêng", None, None], "Từ ngày",
     "hãy ghi theo dạng ngày/tháng/năm"),
    ("end_before_start", "discipline", [*HOA, "Kỷ luật", "01/06/2024", "01/01/2024", None], "Đến ngày",
     "ngày kết thúc 01/01/2024 trước ngày bắt đầu 01/06/2024"),
    ("future_start", "discipline", [*HOA, "Điều tra", "01/01/2030", None, None], "Từ ngày",
     "ngày 01/01/2030 là ngày trong tương lai"),
    ("bad_discipline_kind", "discipline", [*HOA, "Nhắc nhở", "01/01/2024", None, None], "Loại",
     "chỉ được ghi Kỷ luật, Điều tra, Thanh tra hoặc Khiếu nại"),
    ("unknown_code_without_name", "awards", [*HOA, "KHONG_CO", None, 2020, None, None, None],
     "Tên danh hiệu, hình thức", "mã “KHONG_CO” không có trong danh mục"),
    ("no_code", "awards", [*HOA, None, None, 2020, None, None, None],
     "Mã danh hiệu, hình thức", "chưa ghi mã danh hiệu"),
    ("wrong_subject", "awards", [*HOA, "TTLDXS", None, 2023, None, None, None],
     "Mã danh hiệu, hình thức", "dành cho tập thể, không dùng cho cá nhân"),
    ("decision_before_year", "awards", [*HOA, "CSTD_CS", None, 2024, "1/QĐ", "01/12/2023", None],
     "Ngày quyết định", "trước năm thành tích 2024"),
    ("award_year_in_future", "awards", [*HOA, "CSTD_CS", None, 2027, None, None, None],
     "Năm thành tích", "là năm trong tương lai"),
]
SHEET_TITLES = {"ratings": "Xếp loại", "initiatives": "Sáng kiến", "discipline": "Kỷ luật", "awards": "Khen thưởng"}
GOOD_ROWS = {
    "ratings": ["Vũ Văn Long", "Cá nhân", 1970, 2024, "HTTNV"],
    "initiatives": ["Vũ Văn Long", "Cá nhân", 1970, "Sáng kiến B", 2023, "Cơ sở", "Không", None],
    "discipline": ["Vũ Văn Long", "Cá nhân", 1970, "Khiếu nại", "01/01/2024", None, None],
    "awards": ["Vũ Văn Long", "Cá nhân", 1970, "LDTT", None, 2024, None, None, None],
}


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "sheet", "row", "column", "fragment"), ROW_ERRORS,
                         ids=[c[0] for c in ROW_ERRORS])
def test_row_error_names_sheet_row_and_column(clerk, unit, case, sheet, row, column, fragment):
    error = rejected(clerk, unit, history_file(**{sheet: [GOOD_ROWS[sheet], row]}))
    [detail] = error.details
    title = SHEET_TITLES[sheet]
    assert (detail["sheet"], detail["row"], detail["column"]) == (title, 3, column)
    assert detail["message"].startswith(f"Trang “{title}”, dòng 3, cột “{column}”: ")
    assert fragment in detail["message"]
    assert error.message == "Tệp có 1 lỗi, chưa nhập dòng nào."


@pytest.mark.django_db
def test_duplicate_rating_inside_the_file(clerk, unit):
    error = rejected(clerk, unit, history_file(ratings=[
        [*HOA, 2024, "HTTNV"], [*TEAM, 2024, "HTTNV"], ["nguyễn thị  hoa", None, 1985, 2024, "HTXSNV"],
    ]))
    [detail] = error.details
    assert (detail["row"], detail["column"]) == (4, "Năm")
    assert "xếp loại năm 2024 của “nguyễn thị hoa” trùng với dòng 2" in detail["message"]


@pytest.mark.django_db
def test_rating_already_stored(clerk, unit):
    person = PersonFactory(unit=unit, full_name="Nguyễn Thị Hoa", birth_year=1985)
    AnnualRating.objects.create(person=person, year=2023, rating="htxsnv")
    error = rejected(clerk, unit, history_file(ratings=[[*HOA, 2024, "HTTNV"], [*HOA, 2023, "HTTNV"]]))
    [detail] = error.details
    assert detail["row"] == 3
    assert detail["message"] == ("Trang “Xếp loại”, dòng 3, cột “Năm”: xếp loại năm 2023 của “Nguyễn Thị Hoa” "
                                 "đã có trong hệ thống.")


@pytest.mark.django_db
def test_importing_the_same_file_twice_is_refused_the_second_time(clerk, unit):
    rows = {"ratings": [[*HOA, 2024, "HTTNV"]], "awards": [[*HOA, "CSTD_CS", None, 2024, "3/QĐ", None, None]],
            "initiatives": [[*HOA, "Sáng kiến A", 2024, "Tỉnh", None, None]],
            "discipline": [[*HOA, "Kỷ luật", "01/01/2024", None, None]]}
    import_history(actor=clerk, unit=unit, fileobj=history_file(**rows))
    error = rejected(clerk, unit, history_file(**rows))
    assert {d["sheet"] for d in error.details} == set(SHEET_TITLES.values())
    assert all("đã có trong hệ thống" in d["message"] for d in error.details)


@pytest.mark.django_db
def test_errors_of_every_sheet_are_collected(clerk, unit):
    error = rejected(clerk, unit, history_file(
        ratings=[[*HOA, 2023, "HTTNV"], [*HOA, 2023, "HTNV"], [*HOA, 2024, "Giỏi"]],
        initiatives=[[*HOA, None, 2024, "Tỉnh", None, None]],
        discipline=[[*HOA, "Kỷ luật", "01/06/2024", "01/01/2024", None]],
        awards=[[*HOA, "KHONG_CO", None, 2020, None, None, None]],
    ))
    assert error.message == "Tệp có 5 lỗi, chưa nhập dòng nào."
    assert [(d["sheet"], d["row"]) for d in error.details] == [
        ("Xếp loại", 3), ("Xếp loại", 4), ("Sáng kiến", 2), ("Kỷ luật", 2), ("Khen thưởng", 2)]


# ---- file errors and permission --------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"not a workbook", PDF_BYTES], ids=["text", "pdf"])
def test_a_file_that_is_not_xlsx_is_refused(clerk, unit, content):
    error = rejected(clerk, unit, io.BytesIO(content))
    assert "không phải là bảng tính Excel (.xlsx)" in error.message


@pytest.mark.django_db
def test_empty_template_and_unknown_workbook_are_refused(clerk, unit):
    error = rejected(clerk, unit, io.BytesIO(history_template()))
    assert "chưa có dòng dữ liệu nào" in error.details[0]["message"]
    error = rejected(clerk, unit, io.BytesIO(_workbook_with_sheet("Trang tính 1")))
    assert "Tệp không có trang nào trong số “Xếp loại”" in error.details[0]["message"]


def _workbook_with_sheet(title: str) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_missing_column_is_named_with_its_sheet(clerk, unit):
    book = openpyxl.load_workbook(history_file(ratings=[[*HOA, 2024, "HTTNV"]]))
    book["Xếp loại"]["E1"] = None
    buffer = io.BytesIO()
    book.save(buffer)
    error = rejected(clerk, unit, io.BytesIO(buffer.getvalue()))
    [detail] = error.details
    assert detail["message"] == "Trang “Xếp loại” thiếu cột bắt buộc “Xếp loại”."
    assert (detail["sheet"], detail["column"]) == ("Xếp loại", "Xếp loại")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_clerk", "ha_specialist"])
def test_users_outside_the_unit_are_refused(request, unit, who):
    actor = request.getfixturevalue(who)
    before = snapshot()
    with pytest.raises(PermissionDeniedError) as caught:
        import_history(actor=actor, unit=unit, fileobj=history_file(ratings=[[*HOA, 2024, "HTTNV"]]))
    assert "Chỉ cán bộ TĐKT, thủ trưởng của đơn vị hoặc quản trị hệ thống" in caught.value.message
    assert snapshot() == before


@pytest.mark.django_db
def test_administrator_may_import_for_any_unit_of_the_province(ha_unit, unit):
    admin = UserFactory(unit=ha_unit, roles=["administrator"])
    result = import_history(actor=admin, unit=unit, fileobj=history_file(ratings=[[*HOA, 2024, "HTTNV"]]))
    assert result.counts["ratings"] == 1


@pytest.mark.django_db
def test_failure_while_writing_rolls_everything_back(clerk, unit, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(history_import, "record_event", broken)
    before = snapshot()
    with pytest.raises(RuntimeError):
        import_history(actor=clerk, unit=unit, fileobj=history_file(ratings=[[*HOA, 2024, "HTTNV"]]))
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 100])
def test_query_count_does_not_grow_with_rows(clerk, unit, django_assert_max_num_queries, count):
    PersonFactory(unit=unit, full_name="Người số 1", birth_year=1980)
    people = [[f"Người số {i}", "Cá nhân", 1980] for i in range(count // 4)]
    fileobj = history_file(
        ratings=[[*p, 2024, "HTTNV"] for p in people],
        initiatives=[[*p, f"Sáng kiến {i}", 2024, "Cơ sở", None, None] for i, p in enumerate(people)],
        discipline=[[*p, "Kỷ luật", "01/01/2024", None, None] for p in people],
        awards=[[*p, "LDTT", None, 2024, None, None, None] for p in people],
    )
    with django_assert_max_num_queries(24):
        result = import_history(actor=clerk, unit=unit, fileobj=fileobj)
    assert result.counts["ratings"] == count // 4 and result.counts["people"] == count // 4 - 1
    assert verify_chain() == []

"""Importing a dossier's nominees from Excel: template, validation, all-or-nothing writing."""

from __future__ import annotations

import datetime
import io
import unicodedata

import openpyxl
import pytest

from dossiers.exceptions import PermissionDeniedError
from dossiers.imports import nominees as nominee_import
from dossiers.imports.common import ImportRejected
from dossiers.imports.nominees import import_nominees, nominee_template
from dossiers.models import AuditEvent, Collective, Dossier, Nomination, Person
from dossiers.services.audit import verify_chain
from dossiers.services.dossiers import proposable_award_types
from tests.factories import (
    PDF_BYTES,
    DossierFactory,
    NominationFactory,
    PersonFactory,
    award,
    docx_bytes,
    xlsx_bytes,
)

HEADERS = ["STT", "Đối tượng", "Họ và tên hoặc tên tập thể", "Giới tính", "Năm sinh",
           "Chức vụ, đơn vị công tác", "Mã danh hiệu, hình thức", "Tóm tắt thành tích"]
FIELDS = ["subject", "name", "gender", "birth_year", "position", "award", "summary"]


def nominee(**values) -> dict:
    row = {"subject": "Cá nhân", "name": "Nguyễn Thị Hoa", "gender": "Nữ", "birth_year": 1985,
           "position": "Trưởng phòng Kế hoạch - Tài chính", "award": "BK_TINH_CN",
           "summary": "Hoàn thành xuất sắc nhiệm vụ năm 2025."}
    row.update(values)
    return row


def workbook_file(rows: list[dict | None], *, kind: str = "regular", start: int = 2) -> io.BytesIO:
    """The generated template with ``rows`` written into "Danh sách" (None: a blank row)."""
    book = openpyxl.load_workbook(io.BytesIO(nominee_template(kind=kind)))
    sheet = book["Danh sách"]
    for offset, row in enumerate(rows):
        if row is None:
            continue
        number = start + offset
        sheet.cell(row=number, column=1, value=offset + 1)
        for index, key in enumerate(FIELDS, start=2):
            sheet.cell(row=number, column=index, value=row.get(key))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def snapshot() -> tuple[int, int, int, int]:
    return (Person.objects.count(), Collective.objects.count(), Nomination.objects.count(),
            AuditEvent.objects.count())


def rejected(actor, dossier, fileobj) -> ImportRejected:
    before = snapshot()
    with pytest.raises(ImportRejected) as caught:
        import_nominees(actor=actor, dossier=dossier, fileobj=fileobj)
    assert snapshot() == before, "a refused file must not write anything"
    assert caught.value.code == "import_rejected"
    return caught.value


# ---- template -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_template_has_sheets_headers_and_drop_downs():
    book = openpyxl.load_workbook(io.BytesIO(nominee_template(kind="regular")))
    assert book.sheetnames == ["Danh sách", "Hướng dẫn", "Danh mục"]
    sheet = book["Danh sách"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width >= 30
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert set(validations) == {"B2", "D2", "G2"}
    assert "Hộ gia đình" in validations["B2"].formula1
    assert validations["G2"].formula1 == f"'Danh mục'!$A$2:$A${len(proposable_award_types(kind='regular')) + 1}"
    assert any("Tóm tắt thành tích" in (row[0].value or "") for row in book["Hướng dẫn"].iter_rows())


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["regular", "exceptional", "long_service"])
def test_template_award_list_matches_the_kind(kind):
    book = openpyxl.load_workbook(io.BytesIO(nominee_template(kind=kind)))
    listed = [row[0] for row in book["Danh mục"].iter_rows(min_row=2, values_only=True)]
    expected = {a.code for a in proposable_award_types(kind=kind)}
    assert set(listed) == expected
    assert len(listed) == len(expected)
    assert "CSTD_CS" not in listed, "unit-head awards are not proposed to the province"


@pytest.mark.django_db
def test_template_without_kind_lists_every_kind():
    book = openpyxl.load_workbook(io.BytesIO(nominee_template()))
    listed = {row[0] for row in book["Danh mục"].iter_rows(min_row=2, values_only=True)}
    assert {"CSTD_TINH", "BK_TINH_HGD", "KNC_TINH", "HC_DUNG_CAM"} <= listed


# ---- success ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_import_creates_people_collectives_and_nominations(clerk, dossier):
    nfd_name = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    rows = [
        nominee(name=nfd_name, birth_year=datetime.datetime(1985, 3, 4),
                summary=unicodedata.normalize("NFD", "Sáng kiến “Số hóa hồ sơ”.\nHoàn thành xuất sắc.")),
        None,  # blank rows are skipped
        nominee(name="  Lê   Văn  Nam ", gender="Nam", birth_year="04/03/1990", award="CSTD_TINH"),
        nominee(subject="Tập thể", name="Phòng Kế hoạch - Tài chính", gender=None, birth_year=None, position=None,
                award="TTLDXS"),
        nominee(subject=None, name="Phòng Tổ chức cán bộ", gender=None, birth_year=None, position=None,
                award="BK_TINH_TT"),
    ]
    result = import_nominees(actor=clerk, dossier=dossier, fileobj=workbook_file(rows))

    assert (result.created, result.people_created, result.collectives_created) == (4, 2, 2)
    nominations = list(dossier.nominations.select_related("person", "collective", "award_type").order_by("id"))
    hoa, nam, plan, staff = nominations
    assert hoa.person.full_name == "Nguyễn Thị Hoà" == unicodedata.normalize("NFC", nfd_name)
    assert hoa.person.birth_year == 1985 and hoa.person.gender == "female"
    assert hoa.person.sort_key and hoa.person.search_key == "nguyen thi hoa"
    assert hoa.achievement_summary == "Sáng kiến “Số hóa hồ sơ”.\nHoàn thành xuất sắc."
    assert unicodedata.is_normalized("NFC", hoa.achievement_summary)
    assert (nam.person.full_name, nam.person.birth_year, nam.award_type.code) == ("Lê Văn Nam", 1990, "CSTD_TINH")
    assert plan.collective.name == "Phòng Kế hoạch - Tài chính" and plan.collective.kind == "collective"
    assert staff.collective.name == "Phòng Tổ chức cán bộ", "a blank subject is taken from the award"
    assert all(n.person is None or n.person.unit_id == dossier.unit_id for n in nominations)
    assert {n.award_type.regulation.code for n in nominations} == {"ND152_2025"}

    event = AuditEvent.objects.get(action="nomination.imported")
    assert event.dossier_id_ref == dossier.pk and event.object_id == str(dossier.pk)
    assert event.after == {"count": 4, "names": ["Nguyễn Thị Hoà", "Lê Văn Nam", "Phòng Kế hoạch - Tài chính",
                                                  "Phòng Tổ chức cán bộ"]}
    assert AuditEvent.objects.count() == 1
    assert "nguyen thi hoa" in Dossier.objects.get(pk=dossier.pk).search_text
    assert verify_chain() == []


@pytest.mark.django_db
def test_import_reuses_people_already_in_the_unit(clerk, dossier):
    existing = PersonFactory(unit=dossier.unit, full_name="Trần Văn Bình", birth_year=1979, gender="male",
                             position="Chuyên viên")
    namesake = PersonFactory(unit=dossier.unit, full_name="Trần Văn Bình", birth_year=1990)
    rows = [
        nominee(name=unicodedata.normalize("NFD", "Trần   Văn Bình"), gender="Nam", birth_year=1979,
                position="Phó Trưởng phòng"),
        nominee(name="TRẦN VĂN BÌNH", gender="Nam", birth_year=1979, award="CSTD_TINH", position=None),
    ]
    result = import_nominees(actor=clerk, dossier=dossier, fileobj=workbook_file(rows))

    assert (result.created, result.people_created) == (2, 0)
    assert set(dossier.nominations.values_list("person_id", flat=True)) == {existing.pk}
    existing.refresh_from_db()
    assert existing.position == "Phó Trưởng phòng", "the sheet updates the position, as the form does"
    namesake.refresh_from_db()
    assert namesake.nominations.count() == 0


@pytest.mark.django_db
def test_the_same_new_person_on_two_rows_is_created_once(clerk, dossier):
    rows = [nominee(), nominee(award="CSTD_TINH")]
    result = import_nominees(actor=clerk, dossier=dossier, fileobj=workbook_file(rows))
    assert (result.created, result.people_created) == (2, 1)


@pytest.mark.django_db
def test_headers_are_matched_without_case_diacritics_or_extra_spaces(clerk, dossier):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DANH SACH"
    sheet.append(["Danh sách đề nghị khen thưởng năm 2025"])  # a title line above the header
    sheet.append(["tom tat  thanh tich", "HO VA TEN hoac ten tap the", "nam sinh", "Mã danh hiệu,  hình thức",
                  "Ghi chú"])
    sheet.append(["Có sáng kiến cấp tỉnh.", "Đỗ Thị Lan", 1988, "bk_tinh_cn", "không dùng"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_nominees(actor=clerk, dossier=dossier, fileobj=io.BytesIO(buffer.getvalue()))
    assert result.created == 1
    nomination = dossier.nominations.get()
    assert (nomination.person.full_name, nomination.award_type.code) == ("Đỗ Thị Lan", "BK_TINH_CN")


@pytest.mark.django_db
def test_household_nominee_in_an_exceptional_dossier(clerk, unit):
    dossier = DossierFactory(unit=unit, created_by=clerk, kind="exceptional")
    rows = [nominee(subject="Hộ gia đình", name="Hộ ông Lò Văn Páo", gender=None, birth_year=None, position=None,
                    award="BK_TINH_HGD")]
    result = import_nominees(actor=clerk, dossier=dossier, fileobj=workbook_file(rows, kind="exceptional"))
    assert (result.created, result.collectives_created) == (1, 1)
    assert dossier.nominations.get().collective.kind == "household"


# ---- row errors -------------------------------------------------------------------------------------

ROW_ERRORS = [
    ("missing_name", {"name": None}, "Họ và tên hoặc tên tập thể", "chưa ghi họ và tên"),
    ("unknown_code", {"award": "KHONG_CO"}, "Mã danh hiệu, hình thức",
     "mã “KHONG_CO” không có trong danh mục"),
    ("missing_code", {"award": None}, "Mã danh hiệu, hình thức", "chưa ghi mã danh hiệu"),
    ("unit_head_award", {"award": "CSTD_CS"}, "Mã danh hiệu, hình thức", "do thủ trưởng đơn vị quyết định"),
    ("kind_not_allowed", {"subject": "Hộ gia đình", "gender": None, "birth_year": None, "award": "BK_TINH_HGD"},
     "Mã danh hiệu, hình thức", "không áp dụng cho hồ sơ loại hình Thường xuyên"),
    ("individual_award_for_collective", {"subject": "Tập thể", "gender": None, "birth_year": None},
     "Mã danh hiệu, hình thức", "dành cho cá nhân, không dùng cho tập thể"),
    ("collective_award_for_individual", {"award": "TTLDXS"}, "Mã danh hiệu, hình thức",
     "dành cho tập thể, không dùng cho cá nhân"),
    ("bad_subject", {"subject": "Cơ quan"}, "Đối tượng", "chỉ được ghi Cá nhân, Tập thể hoặc Hộ gia đình"),
    ("year_not_a_year", {"birth_year": "năm 85"}, "Năm sinh", "không phải là năm"),
    ("year_too_old", {"birth_year": 1850}, "Năm sinh", "phải từ năm 1900"),
    ("year_in_future", {"birth_year": 2090}, "Năm sinh", "năm trong tương lai"),
    ("date_does_not_exist", {"birth_year": "31/02/1985"}, "Năm sinh", "không phải là ngày có thật"),
    ("collective_with_birth_year", {"subject": "Tập thể", "name": "Phòng A", "gender": None, "award": "TTLDXS"},
     "Năm sinh", "tập thể, hộ gia đình không ghi năm sinh"),
    ("bad_gender", {"gender": "Khác"}, "Giới tính", "chỉ được ghi Nam hoặc Nữ"),
    ("empty_summary", {"summary": "   "}, "Tóm tắt thành tích", "chưa có tóm tắt thành tích"),
    ("name_too_long", {"name": "Nguyễn " * 30}, "Họ và tên hoặc tên tập thể", "dài quá 150 ký tự"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "values", "column", "fragment"), ROW_ERRORS, ids=[c[0] for c in ROW_ERRORS])
def test_row_error_names_row_and_column_and_writes_nothing(clerk, dossier, case, values, column, fragment):
    rows = [nominee(name="Vũ Thị Mai", birth_year=1980), nominee(**values)]
    error = rejected(clerk, dossier, workbook_file(rows))
    assert error.message == "Tệp có 1 lỗi, chưa nhập dòng nào."
    [detail] = error.details
    assert (detail["row"], detail["column"], detail["sheet"]) == (3, column, "Danh sách")
    assert detail["message"].startswith(f"Dòng 3, cột “{column}”: ")
    assert fragment in detail["message"]


@pytest.mark.django_db
def test_duplicate_inside_the_file(clerk, dossier):
    rows = [nominee(), nominee(name="Lê Thị Thu"), nominee(name=unicodedata.normalize("NFD", "nguyễn thị  hoa"))]
    error = rejected(clerk, dossier, workbook_file(rows))
    [detail] = error.details
    assert detail["row"] == 4 and detail["column"] == "Họ và tên hoặc tên tập thể"
    assert "trùng với dòng 2" in detail["message"]


@pytest.mark.django_db
def test_same_name_other_birth_year_or_award_is_not_a_duplicate(clerk, dossier):
    rows = [nominee(), nominee(birth_year=1990), nominee(award="CSTD_TINH")]
    assert import_nominees(actor=clerk, dossier=dossier, fileobj=workbook_file(rows)).created == 3


@pytest.mark.django_db
def test_nominee_already_in_the_dossier(clerk, dossier):
    person = PersonFactory(unit=dossier.unit, full_name="Nguyễn Thị Hoa", birth_year=1985)
    NominationFactory(dossier=dossier, person=person, award_type=award("BK_TINH_CN"))
    error = rejected(clerk, dossier, workbook_file([nominee(), nominee(award="CSTD_TINH")]))
    [detail] = error.details
    assert detail["row"] == 2
    assert "đã có trong hồ sơ với đề nghị “Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh”" in detail["message"]


@pytest.mark.django_db
def test_every_error_of_every_row_is_reported(clerk, dossier):
    rows = [
        nominee(),
        nominee(name=None, award="KHONG_CO"),
        nominee(name="Phạm Văn Tú", gender="x", summary=None),
        nominee(name="Đinh Thị Yến"),
    ]
    error = rejected(clerk, dossier, workbook_file(rows))
    assert error.message == "Tệp có 4 lỗi, chưa nhập dòng nào."
    assert [(d["row"], d["column"]) for d in error.details] == [
        (3, "Họ và tên hoặc tên tập thể"), (3, "Mã danh hiệu, hình thức"),
        (4, "Giới tính"), (4, "Tóm tắt thành tích"),
    ]


# ---- file errors ------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"STT;Ho ten\n1;An\n", PDF_BYTES, docx_bytes(), b""],
                         ids=["csv", "pdf", "docx", "empty"])
def test_a_file_that_is_not_xlsx_is_refused(clerk, dossier, content):
    error = rejected(clerk, dossier, io.BytesIO(content))
    assert "không phải là bảng tính Excel (.xlsx)" in error.message
    assert error.details[0]["row"] is None


@pytest.mark.django_db
def test_workbook_without_the_list_sheet(clerk, dossier):
    error = rejected(clerk, dossier, io.BytesIO(xlsx_bytes()))
    assert error.details[0]["message"] == "Tệp không có trang “Danh sách”; hãy dùng tệp mẫu."


@pytest.mark.django_db
def test_missing_required_column(clerk, dossier):
    book = openpyxl.load_workbook(workbook_file([nominee()]))
    book["Danh sách"]["H1"] = "Ghi chú"
    buffer = io.BytesIO()
    book.save(buffer)
    error = rejected(clerk, dossier, io.BytesIO(buffer.getvalue()))
    [detail] = error.details
    assert detail["column"] == "Tóm tắt thành tích" and detail["row"] == 1
    assert detail["message"] == "Trang “Danh sách” thiếu cột bắt buộc “Tóm tắt thành tích”."


@pytest.mark.django_db
def test_no_data_rows(clerk, dossier):
    error = rejected(clerk, dossier, io.BytesIO(nominee_template(kind="regular")))
    assert error.details[0]["message"] == "Trang “Danh sách” chưa có dòng dữ liệu nào."


@pytest.mark.django_db
def test_too_many_rows(clerk, dossier, monkeypatch):
    monkeypatch.setattr(nominee_import, "MAX_ROWS", 5)
    rows = [nominee(name=f"Người thứ {i}") for i in range(6)]
    error = rejected(clerk, dossier, workbook_file(rows))
    [detail] = error.details
    assert "quá 5 dòng dữ liệu" in detail["message"]


@pytest.mark.django_db
def test_the_real_row_limit_is_two_thousand(clerk, dossier):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(HEADERS)
    for i in range(2001):
        sheet.append([i + 1, "Cá nhân", f"Người số {i}", "Nam", 1980, "", "BK_TINH_CN", "Thành tích."])
    buffer = io.BytesIO()
    book.save(buffer)
    error = rejected(clerk, dossier, io.BytesIO(buffer.getvalue()))
    assert error.details[0]["message"] == "Trang “Danh sách” có quá 2.000 dòng dữ liệu; hãy chia thành nhiều tệp."


@pytest.mark.django_db
def test_data_far_below_many_blank_rows_is_not_silently_ignored(clerk, dossier, monkeypatch):
    monkeypatch.setattr(nominee_import, "MAX_ROWS", 5)
    book = openpyxl.load_workbook(workbook_file([nominee()]))
    book["Danh sách"].cell(row=2 + 5 * 10 + 1000 + 5, column=3, value="Người ở rất xa")
    buffer = io.BytesIO()
    book.save(buffer)
    error = rejected(clerk, dossier, io.BytesIO(buffer.getvalue()))
    assert "có quá nhiều dòng" in error.details[0]["message"]


# ---- permission and atomicity ----------------------------------------------------------------------

@pytest.mark.django_db
def test_clerk_of_another_unit_is_refused(other_clerk, dossier):
    before = snapshot()
    with pytest.raises(PermissionDeniedError) as caught:
        import_nominees(actor=other_clerk, dossier=dossier, fileobj=workbook_file([nominee()]))
    assert caught.value.message == "Hồ sơ không còn sửa được hoặc bạn không có quyền sửa."
    assert snapshot() == before


@pytest.mark.django_db
def test_submitted_dossier_is_not_editable(clerk, dossier):
    Dossier.objects.filter(pk=dossier.pk).update(state="submitted")
    with pytest.raises(PermissionDeniedError):
        import_nominees(actor=clerk, dossier=dossier, fileobj=workbook_file([nominee()]))
    assert Nomination.objects.count() == 0


@pytest.mark.django_db
def test_unit_head_may_import(head, dossier):
    assert import_nominees(actor=head, dossier=dossier, fileobj=workbook_file([nominee()])).created == 1


@pytest.mark.django_db
def test_failure_while_writing_rolls_everything_back(clerk, dossier, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(nominee_import, "record_event", broken)
    before = snapshot()
    with pytest.raises(RuntimeError):
        import_nominees(actor=clerk, dossier=dossier, fileobj=workbook_file([nominee(), nominee(name="Lê Thị Thu")]))
    assert snapshot() == before


# ---- cost --------------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 100])
def test_query_count_does_not_grow_with_rows(clerk, dossier, django_assert_max_num_queries, count):
    PersonFactory(unit=dossier.unit, full_name="Người số 3", birth_year=1980)
    rows = [nominee(name=f"Người số {i}", birth_year=1980) for i in range(count // 2)]
    rows += [nominee(subject="Tập thể", name=f"Tổ công tác số {i}", gender=None, birth_year=None, position=None,
                     award="TTLDXS") for i in range(count - count // 2)]
    fileobj = workbook_file(rows)
    with django_assert_max_num_queries(24):
        result = import_nominees(actor=clerk, dossier=dossier, fileobj=fileobj)
    assert result.created == count
    assert result.people_created == count // 2 - 1
    assert verify_chain() == []

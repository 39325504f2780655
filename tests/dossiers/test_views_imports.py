"""Excel imports through the web views: nominees into a dossier, history into a unit."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.models import AnnualRating, Nomination, Person
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fill(template: bytes, sheet_name: str, rows: list[dict]) -> bytes:
    """Write ``rows`` (header title -> value) under the template's header row."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book[sheet_name]
    headers = {cell.value: cell.column for cell in sheet[1] if cell.value}
    for offset, row in enumerate(rows, start=2):
        for title, value in row.items():
            sheet.cell(row=offset, column=headers[title], value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def nominees_file(rows: list[dict]) -> SimpleUploadedFile:
    from dossiers.imports.nominees import nominee_template

    return SimpleUploadedFile("danh-sach.xlsx", fill(nominee_template(kind="regular"), "Danh sách", rows),
                              content_type=XLSX)


def nominee(**values) -> dict:
    row = {"Đối tượng": "Cá nhân", "Họ và tên hoặc tên tập thể": "Nguyễn Thị Hoa", "Giới tính": "Nữ",
           "Năm sinh": 1985, "Chức vụ, đơn vị công tác": "Trưởng phòng", "Mã danh hiệu, hình thức": "BK_TINH_CN",
           "Tóm tắt thành tích": "Hoàn thành xuất sắc nhiệm vụ năm 2025."}
    row.update(values)
    return row


class TestNomineeImport:
    def test_template_download(self, client, clerk):
        client.force_login(clerk)
        response = client.get(reverse("nominee_template"), {"kind": "regular"})
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        assert "attachment;" in response["Content-Disposition"]
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert "Danh sách" in book.sheetnames

    def test_detail_page_offers_the_import(self, client, clerk, dossier):
        client.force_login(clerk)
        html = client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()
        assert reverse("nominee_import", args=[dossier.pk]) in html
        assert "Tải mẫu Excel" in html
        assert reverse("nominee_template") + "?kind=regular" in html

    def test_import_creates_nominations(self, client, clerk, dossier):
        client.force_login(clerk)
        response = client.post(reverse("nominee_import", args=[dossier.pk]), {"file": nominees_file([
            nominee(),
            nominee(**{"Họ và tên hoặc tên tập thể": "Trần Văn Bình", "Giới tính": "Nam", "Năm sinh": 1979}),
        ])}, follow=True)
        html = response.content.decode()
        assert "Đã nhập 2 đề nghị" in html
        assert "Nguyễn Thị Hoa" in html and "Trần Văn Bình" in html
        assert dossier.nominations.count() == 2

    def test_row_errors_are_listed_and_nothing_is_created(self, client, clerk, dossier):
        client.force_login(clerk)
        response = client.post(reverse("nominee_import", args=[dossier.pk]), {"file": nominees_file([
            nominee(**{"Mã danh hiệu, hình thức": "KHONG_CO"}),
            nominee(**{"Họ và tên hoặc tên tập thể": "Lê Văn C", "Tóm tắt thành tích": None}),
        ])})
        assert response.status_code == 200
        html = response.content.decode()
        assert "lỗi trong tệp" in html
        assert '<table class="table table-compact errors-table">' in html
        assert html.count("<td class=\"num\">2</td>") >= 1 and html.count("<td class=\"num\">3</td>") >= 1
        assert "Không dòng nào được nhập" in html
        assert not Nomination.objects.exists()
        assert not Person.objects.filter(full_name__in=["Nguyễn Thị Hoa", "Lê Văn C"]).exists()

    def test_not_an_excel_file(self, client, clerk, dossier):
        client.force_login(clerk)
        response = client.post(reverse("nominee_import", args=[dossier.pk]), {
            "file": SimpleUploadedFile("danh-sach.xlsx", b"not excel", content_type=XLSX)})
        assert response.status_code == 200
        assert 'class="alert alert-error"' in response.content.decode()
        assert not Nomination.objects.exists()

    def test_other_unit_gets_404(self, client, other_clerk, dossier):
        client.force_login(other_clerk)
        response = client.post(reverse("nominee_import", args=[dossier.pk]), {"file": nominees_file([nominee()])})
        assert response.status_code == 404
        assert not Nomination.objects.exists()

    def test_submitted_dossier_cannot_import(self, client, clerk, unit):
        from dossiers.models import Dossier

        dossier = DossierFactory(unit=unit, created_by=clerk)
        Dossier.objects.filter(pk=dossier.pk).update(state="submitted")
        client.force_login(clerk)
        response = client.post(reverse("nominee_import", args=[dossier.pk]), {"file": nominees_file([nominee()])},
                               follow=True)
        assert "không còn sửa được" in response.content.decode()
        assert not Nomination.objects.exists()


class TestHistoryImport:
    def _file(self, rows):
        from dossiers.imports.history import history_template

        return SimpleUploadedFile("lich-su.xlsx", fill(history_template(), "Xếp loại", rows), content_type=XLSX)

    def test_template_download(self, client, clerk):
        client.force_login(clerk)
        response = client.get(reverse("history_template"))
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert "Xếp loại" in book.sheetnames

    def test_page_offers_only_acting_units(self, client, clerk, unit, other_unit):
        client.force_login(clerk)
        html = client.get(reverse("history_import")).content.decode()
        assert "Nhập lịch sử khen thưởng" in html
        assert unit.name in html and other_unit.name not in html
        assert reverse("history_template") in html

    def test_import_shows_counts(self, client, clerk, unit):
        client.force_login(clerk)
        name_col = "Họ và tên hoặc tên tập thể"
        response = client.post(reverse("history_import"), {"unit": unit.pk, "file": self._file([
            {name_col: "Nguyễn Thị Hoa", "Năm sinh": 1985, "Năm": 2023, "Xếp loại": "HTXSNV"},
            {name_col: "Nguyễn Thị Hoa", "Năm sinh": 1985, "Năm": 2024, "Xếp loại": "HTTNV"},
        ])})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Đã nhập lịch sử khen thưởng cho Sở Tài chính" in html
        assert "Kết quả nhập" in html
        assert "Xếp loại hằng năm" in html
        assert AnnualRating.objects.filter(person__full_name="Nguyễn Thị Hoa").count() == 2

    def test_errors_are_listed(self, client, clerk, unit):
        client.force_login(clerk)
        name_col = "Họ và tên hoặc tên tập thể"
        response = client.post(reverse("history_import"), {"unit": unit.pk, "file": self._file([
            {name_col: "Nguyễn Thị Hoa", "Năm sinh": 1985, "Năm": 2023, "Xếp loại": "XUAT SAC LAM"},
        ])})
        html = response.content.decode()
        assert "lỗi trong tệp" in html
        assert "Xếp loại" in html
        assert not AnnualRating.objects.exists()

    def test_other_units_are_refused(self, client, clerk, other_unit):
        client.force_login(clerk)
        response = client.post(reverse("history_import"), {"unit": other_unit.pk, "file": self._file([])})
        assert response.status_code == 200
        html = response.content.decode()
        assert '<select name="unit" aria-invalid="true"' in html
        assert "Hãy chọn một lựa chọn hợp lệ" in html
        assert not AnnualRating.objects.exists()

"""Importing a dossier's nominees from the Excel template through the API."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Nomination
from tests.api.helpers import assert_error, complete, url
from tests.factories import PDF_BYTES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELDS = ["subject", "name", "gender", "birth_year", "position", "award", "summary"]


def workbook(rows: list[dict]) -> SimpleUploadedFile:
    from dossiers.imports.nominees import nominee_template

    book = openpyxl.load_workbook(io.BytesIO(nominee_template(kind="regular")))
    sheet = book["Danh sách"]
    for offset, row in enumerate(rows):
        sheet.cell(row=2 + offset, column=1, value=offset + 1)
        for column, key in enumerate(FIELDS, start=2):
            sheet.cell(row=2 + offset, column=column, value=row.get(key))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("danh-sach.xlsx", buffer.getvalue(), content_type=XLSX)


def nominee(**values) -> dict:
    return {"subject": "Cá nhân", "name": "Nguyễn Thị Hoa", "gender": "Nữ", "birth_year": 1985,
            "position": "Trưởng phòng", "award": "BK_TINH_CN", "summary": "Hoàn thành xuất sắc nhiệm vụ.", **values}


def post(client, dossier, file):
    return client.post(url(f"dossiers/{dossier.pk}/import-nominees/"), {"file": file}, format="multipart")


def test_rows_become_nominations(api, clerk, dossier):
    client = api(clerk)
    response = post(client, dossier, workbook([nominee(), nominee(name="Trần Văn Nam", gender="Nam")]))
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 2}
    names = [n["nominee_name"] for n in client.get(url(f"dossiers/{dossier.pk}/nominations/")).json()]
    assert names == ["Nguyễn Thị Hoa", "Trần Văn Nam"]


def test_refused_file_lists_rows_and_columns(api, clerk, dossier):
    response = post(api(clerk), dossier, workbook([nominee(), nominee(name="Lê Văn Ba", award="KHONG_CO")]))
    body = assert_error(response, 400, "import_rejected")
    assert body["errors"], body
    problem = body["errors"][0]
    assert problem["row"] == 3
    assert problem["column"]
    assert problem["message"]
    assert not Nomination.objects.filter(dossier=dossier).exists()


def test_not_a_spreadsheet(api, clerk, dossier):
    response = post(api(clerk), dossier, SimpleUploadedFile("danh-sach.xlsx", PDF_BYTES, content_type=XLSX))
    body = response.json()
    assert response.status_code == 400, body
    assert set(body) == {"code", "message", "errors"}


def test_file_is_required(api, clerk, dossier):
    body = assert_error(api(clerk).post(url(f"dossiers/{dossier.pk}/import-nominees/"), {}, format="multipart"),
                        400, "invalid")
    assert body["errors"][0]["field"] == "file"


def test_only_while_the_unit_may_edit(api, ha_specialist, head, clerk, dossier):
    assert_error(post(api(ha_specialist), dossier, workbook([nominee()])), 404, "not_found")
    complete(dossier, clerk)
    assert api(clerk).post(url(f"dossiers/{dossier.pk}/send-to-head/")).status_code == 200
    assert api(head).post(url(f"dossiers/{dossier.pk}/submit/")).status_code == 200
    assert_error(post(api(clerk), dossier, workbook([nominee(name="Người Mới")])), 403, "permission_denied")
    assert Nomination.objects.filter(dossier=dossier).count() == 1

"""The central liaison's tracking board as an Excel workbook (.xlsx), Vietnamese headers, real dates."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _

DATE_FORMAT = "DD/MM/YYYY"


def columns() -> list[tuple[str, int]]:
    """(header, width) of each column, in order."""
    return [
        (_("STT"), 6), (_("Cá nhân, tập thể"), 30), (_("Đơn vị"), 28), (_("Hình thức khen thưởng"), 34),
        (_("Năm thành tích"), 10), (_("Cấp quyết định"), 22), (_("Tình trạng"), 26), (_("Tờ trình"), 16),
        (_("Ngày gửi Bộ Nội vụ"), 14), (_("Hạn của bước hiện tại"), 14), (_("Quá hạn"), 10),
        (_("Ngày đề nghị cấp trên"), 14), (_("Số ngày làm việc"), 10), (_("Số quyết định"), 18),
        (_("Ngày quyết định"), 14), (_("Lý do không được khen thưởng"), 30),
    ]


DATE_COLUMNS = (9, 10, 12, 15)


def board_workbook(rows: Iterable, *, clock) -> bytes:
    """``rows``: ``selectors_central.BoardRow`` objects, in the board's order."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = _("Theo dõi trình Trung ương")[:31]
    headers = columns()
    sheet.append([title for title, _width in headers])
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, (_title, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = Font(bold=True), fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"
    for number, row in enumerate(rows, start=1):
        nomination, item, submission = row.nomination, row.item, row.submission
        sheet.append([
            number, nomination.subject_name, nomination.dossier.unit.name, nomination.award_type.name,
            nomination.dossier.year, row.authority_label, row.status_label,
            submission.number or _("Dự thảo") if submission else "",
            submission.sent_on if submission else None, row.due_on, _("Quá hạn") if row.overdue else "",
            row.forwarded_on, row.age, item.decision_number if item else "", item.decision_date if item else None,
            item.reason if item else "",
        ])
        for column in DATE_COLUMNS:
            sheet.cell(row=number + 1, column=column).number_format = DATE_FORMAT
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

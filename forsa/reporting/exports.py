"""Spreadsheet exports: one .xlsx sheet, safe to open, and logged.

A text cell that Excel or LibreOffice would read as a formula (``=``, ``+``, ``-``, ``@``, a tab
or a carriage return first) is written with a leading apostrophe, so a name typed as
``=HYPERLINK(…)`` stays text (OWASP "CSV injection"). Rows are streamed (openpyxl's write-only
mode), so a national list does not have to fit in memory as cells. Every export is an audit
entry: who exported what, how many rows, with which filters.
"""

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from forsa.reporting.services import export_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"


def safe_cell(value):
    """The value as a spreadsheet should hold it: numbers and dates as such, text never a formula."""
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def workbook_bytes(*, sheet: str, columns: Sequence[str], rows: Iterable[Sequence]) -> tuple[bytes, int]:
    """The .xlsx file and the number of data rows written."""
    book = Workbook(write_only=True)
    worksheet = book.create_sheet(title=sheet[:31])  # Excel's limit on a sheet name
    worksheet.sheet_view.rightToLeft = translation.get_language_bidi()
    header = []
    for title in columns:
        cell = WriteOnlyCell(worksheet, value=safe_cell(title))
        cell.font = Font(bold=True)
        header.append(cell)
    worksheet.append(header)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(worksheet, value=safe_cell(value))
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        worksheet.append(cells)
        count += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count


def xlsx_response(*, actor, model, filename: str, sheet: str, columns: Sequence[str], rows: Iterable[Sequence],
                  filters: dict | None = None) -> HttpResponse:
    """Download the rows as ``filename`` and record the export in the audit trail."""
    content, count = workbook_bytes(sheet=sheet, columns=columns, rows=rows)
    export_record(actor=actor, model=model, filename=filename, rows=count, filters=filters)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""Spreadsheet exports: one .xlsx sheet, safe to open, and logged by the caller.

A text cell that Excel or LibreOffice would read as a formula (``=``, ``+``, ``-``, ``@``, a tab
or a carriage return first) is written with a leading apostrophe, so a name typed as
``=HYPERLINK(…)`` stays text (OWASP "CSV injection"). Rows are streamed (openpyxl's write-only
mode), so a national list does not have to fit in memory as cells. Every export is logged: the
caller passes ``record``, called with the file name and the number of rows once the file is written
(``partial(export_record, actor=…, model=…, filters=…)`` from ``forsa.audit.services``); this module
sits on the floor of audit and does not import it (docs/architecture.md).
"""

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

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


def xlsx_response(*, filename: str, sheet: str, columns: Sequence[str], rows: Iterable[Sequence],
                  record: Callable[..., object]) -> HttpResponse:
    """Download the rows as ``filename``; ``record(filename=…, rows=…)`` logs the export (required)."""
    content, count = workbook_bytes(sheet=sheet, columns=columns, rows=rows)
    record(filename=filename, rows=count)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

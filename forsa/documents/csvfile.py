"""CSV exports: UTF-8 with a byte-order mark (so that Excel opens Arabic text as such), comma-separated,
every text cell guarded against formulas as in the .xlsx writer, and logged by the caller."""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence

from django.http import HttpResponse

from forsa.documents.xlsx import safe_cell

BOM = "\ufeff"


def _text(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_cell(value)


def csv_bytes(*, columns: Sequence[str], rows: Iterable[Sequence]) -> tuple[bytes, int]:
    """The file (UTF-8 with BOM, CRLF line ends as RFC 4180 says) and the number of data rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_text(title) for title in columns])
    count = 0
    for row in rows:
        writer.writerow([_text(value) for value in row])
        count += 1
    return (BOM + buffer.getvalue()).encode("utf-8"), count


def csv_response(*, filename: str, columns: Sequence[str], rows: Iterable[Sequence],
                 record: Callable[..., object]) -> HttpResponse:
    """Download the rows as ``filename``; ``record(filename=…, rows=…)`` logs the export (required)."""
    content, count = csv_bytes(columns=columns, rows=rows)
    record(filename=filename, rows=count)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

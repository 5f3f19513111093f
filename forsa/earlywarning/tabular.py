"""Read a tabular file someone hands us (CSV or .xlsx) into named, typed columns for the risk model.

CSV comes from Excel in French or Arabic Windows as often as from a script: the separator may be
``,`` ``;`` or a tab, the encoding UTF-8 (with or without BOM), Windows-1256 or Latin-1, headers
quoted, cells padded with spaces and decimals written with a comma. A column is numeric when every
value present reads as a number, categorical otherwise; empty cells and the usual "NA" spellings
are missing.
"""

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from forsa.earlywarning.pipeline import CATEGORICAL, NUMERIC

MISSING = {"", "na", "n/a", "nan", "null", "none", "?", "-"}
DELIMITERS = (",", ";", "\t")
DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")
ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, in one line."""


@dataclass
class Table:
    names: list[str]
    rows: list[list]  # cell values as read: str (stripped) or numbers from .xlsx, None when missing

    def column(self, name):
        index = self.index(name)
        return [row[index] for row in self.rows]

    def index(self, name):
        try:
            return self.names.index(name)
        except ValueError:
            raise TableError(f"No column {name!r} in the file (columns: {', '.join(self.names)}).") from None


def read_table(path):
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TableError(f"Cannot read {path}: {error.strerror}.") from None
    if not data.strip():
        raise TableError(f"{path} is empty.")
    if data[:4] == b"PK\x03\x04":
        names, rows = _read_xlsx(data, path)
    elif b"\x00" in data:
        raise TableError(f"{path} is not a CSV or .xlsx file (it holds binary data).")
    else:
        names, rows = _read_csv(_decode(data))
    names = [str(name).strip() if name is not None else "" for name in names]
    if not any(names):
        raise TableError(f"{path} has no header row.")
    if not rows:
        raise TableError(f"{path} has a header but no data rows.")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise TableError(f"Column {duplicates[0]!r} appears twice in the header.")
    width = len(names)
    rows = [[_clean(value) for value in (list(row) + [None] * width)[:width]] for row in rows]
    rows = [row for row in rows if any(value is not None for value in row)]
    if not rows:
        raise TableError(f"{path} has a header but no data rows.")
    return Table(names=names, rows=rows)


def _decode(data):
    """UTF-8 (BOM or not) when it decodes; else Windows-1256 or Latin-1, whichever reads as words.

    Both single-byte code pages decode any byte and share the French accented letters; they differ
    on letters such as Ã or Ñ, which Windows-1256 turns into Arabic letters stuck inside Latin words.
    A word that mixes both scripts is the sign of the wrong guess.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    candidates = [data.decode("cp1256", errors="replace"), data.decode("latin-1")]

    def mixed_words(text):
        return sum(1 for word in re.findall(r"\w+", text) if ARABIC.search(word) and LATIN.search(word))

    return min(candidates, key=mixed_words)  # ties keep Windows-1256: same French letters, Arabic too


def _read_csv(text):
    lines = text.splitlines()
    header = next((line for line in lines if line.strip()), "")
    delimiter = max(DELIMITERS, key=lambda d: len(next(csv.reader([header], delimiter=d))))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise TableError(f"The CSV cannot be read at line {reader.line_num}: {error}.") from None
    return rows[0], rows[1:]


def _read_xlsx(data, path):
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise TableError(f"{path} is not a readable .xlsx workbook ({error}).") from None
    try:
        rows = [row for row in workbook.worksheets[0].iter_rows(values_only=True)
                if any(value is not None and str(value).strip() for value in row)]
    finally:
        workbook.close()
    if not rows:
        raise TableError(f"{path} is empty.")
    return rows[0], rows[1:]


def _clean(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value).strip()
    return None if text.lower() in MISSING else text


def as_number(value):
    """The value as a float, or None when it does not read as a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        text = value.replace(",", ".") if DECIMAL_COMMA.match(value) else value
        try:
            return float(text)
        except ValueError:
            return None
    return None


def column_kind(values):
    present = [value for value in values if value is not None]
    return NUMERIC if present and all(as_number(value) is not None for value in present) else CATEGORICAL


def typed_column(values, kind):
    if kind == NUMERIC:
        return [as_number(value) if value is not None else None for value in values]
    return [category(value) for value in values]


def category(value):
    if value is None:
        return None
    number = as_number(value)
    # 1 and 1.0 (a CSV and the same sheet in Excel) are the same category
    if number is not None and number.is_integer():
        return str(int(number))
    return str(value)

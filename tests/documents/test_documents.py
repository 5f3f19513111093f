"""forsa.documents: PDF documents and spreadsheet exports, real files read back with real readers."""

import io
import subprocess
from functools import partial

import pytest
from openpyxl import load_workbook

from forsa.audit.models import AuditEntry
from forsa.audit.services import export_record
from forsa.centers.models import Center
from forsa.documents.pdf import Document, pdf_response
from forsa.documents.xlsx import safe_cell, workbook_bytes, xlsx_response


def _document(language):
    document = Document(title="بيان التقدم" if language == "ar" else "Bulletin", subtitle="2025-2026",
                        language=language)
    document.heading("الهوية" if language == "ar" else "Identité")
    document.fields([("الاسم" if language == "ar" else "Nom", "Yassine El Amrani — ياسين العمراني"),
                     ("MASSAR", "J130245678"), ("empty", None)])
    document.table(["A", "B"], [[f"ligne {i}", i] for i in range(120)], widths=[0.7, 0.3])
    return document


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_document_is_a_pdf_with_the_fonts_embedded_and_pages_numbered(language):
    content = _document(language).bytes()
    assert content.startswith(b"%PDF-")
    assert b"NotoSansArabic" in content and b"NotoSans" in content  # embedded, both scripts
    assert b"/Lang (" + language.encode() + b")" in content
    assert content.count(b"/Type /Page\n") >= 3  # 120 rows do not fit on two pages


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_text_reads_back_in_logical_order(language, tmp_path, pdftotext):
    """Arabic comes out as letters (shaped glyphs mapped back to Unicode), codes and years unbroken."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(_document(language).bytes())
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "J130245678" in text
    assert "2025-2026" in text  # not "2026-2025": numbers are isolated in Arabic text
    assert "Yassine El Amrani" in text
    assert "ligne 119" in text


def test_arabic_numbers_are_isolated_and_latin_words_are_not():
    document = Document(title="t", language="ar")
    assert document.prepared("الموسم 2025-2026") == "الموسم \u200e2025-2026\u200e"
    assert document.prepared("+1") == "\u200e+1\u200e"
    assert document.prepared("ligne 12") == "\u200eligne 12\u200e"
    assert document.prepared("Yassine El Amrani") == "Yassine El Amrani"
    assert document.prepared(None) == "—"
    # An Arabic-formatted date (Django puts right-to-left marks in it) prints as one left-to-right run.
    assert document.prepared("01\u200f/09\u200f/2025 – 31\u200f/08\u200f/2027") == (
        "\u200e01/09/2025\u200e – \u200e31/08/2027\u200e")
    assert Document(title="t", language="fr").prepared("2025-2026") == "2025-2026"


def test_pdf_response_is_inline():
    response = pdf_response(_document("fr"), "bulletin.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="bulletin.pdf"'


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+2+3", "-1+1", "@SUM(A1)", "\tcmd"])
def test_text_that_would_be_a_formula_stays_text(value):
    content, count = workbook_bytes(sheet="s", columns=["name"], rows=[[value]])
    cell = load_workbook(io.BytesIO(content)).active["A2"]
    assert cell.data_type == "s" and cell.value == "'" + value
    assert count == 1


def test_numbers_and_dates_keep_their_type():
    import datetime as dt
    from decimal import Decimal

    assert safe_cell(-3) == -3 and safe_cell(Decimal("1.5")) == Decimal("1.5")
    content, _ = workbook_bytes(sheet="s", columns=["n", "d"], rows=[[-3, dt.date(2026, 1, 2)]])
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == -3
    assert sheet["B2"].value.date() == dt.date(2026, 1, 2)
    assert sheet["A1"].font.bold


@pytest.mark.django_db
def test_an_export_is_logged_with_its_row_count_and_filters(world):
    user = world["own"].users["center_director"]
    response = xlsx_response(filename="centres.xlsx", sheet="Centres", columns=["code"],
                             rows=([c] for c in ["A", "B", "C"]),
                             record=partial(export_record, actor=user, model=Center, filters={"region": "01"}))
    assert response["Content-Disposition"] == 'attachment; filename="centres.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 4
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor == user
    assert entry.changes == {"file": "centres.xlsx", "rows": 3, "filters": {"region": "01"}}
    assert entry.target_repr.startswith("3 × ")


def test_an_export_cannot_forget_its_record():
    """The writer refuses to run without the caller's audit record (documents does not import audit)."""
    with pytest.raises(TypeError):
        xlsx_response(filename="x.xlsx", sheet="s", columns=["a"], rows=[])


@pytest.mark.django_db
def test_an_arabic_export_reads_right_to_left(world):
    from django.utils import translation

    with translation.override("ar"):
        content, _ = workbook_bytes(sheet="المراكز", columns=["الرمز"], rows=[])
    assert load_workbook(io.BytesIO(content)).active.sheet_view.rightToLeft


def test_fonts_are_parsed_once_per_process_and_each_document_has_its_own(monkeypatch, tmp_path, pdftotext):
    """The second document reuses the parsed fonts (no add_font of fpdf2's), yet is whole: the first
    document's output subset its own fontTools fonts, not the parsed ones."""
    from forsa.documents import pdf

    monkeypatch.setattr(pdf, "_PARSED", {})
    calls = []
    add_font = pdf.FPDF.add_font
    monkeypatch.setattr(pdf.FPDF, "add_font", lambda self, *args, **kwargs: calls.append(args) or add_font(
        self, *args, **kwargs))
    first = _document("fr").bytes()
    second = _document("ar").bytes()
    assert len(calls) == 4  # two families × two weights, once
    for name, content in (("first", first), ("second", second)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(content)
        text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "J130245678" in text and "ligne 119" in text
        assert "العمراني" in text.replace(" ", "")


def test_the_static_fonts_hold_what_forsa_prints_and_little_else():
    from fontTools.ttLib import TTFont

    from forsa.documents.pdf import FONT_FILES, WEIGHTS, static_font

    printed = {*range(0x20, 0x7F), *range(0xA0, 0x100), *map(ord, "•–—›…−·’«»€")}
    arabic = {*range(0x0621, 0x064B), *range(0x0660, 0x066A), 0x0640}  # letters, Arabic-Indic digits, tatweel
    for family, path in FONT_FILES.items():
        with TTFont(path, lazy=True) as variable:
            full = len(variable.getGlyphOrder())
        for weight in WEIGHTS.values():
            with TTFont(static_font(path, weight), lazy=True) as font:
                cmap = font.getBestCmap()
                wanted = arabic if "Arabic" in family else printed
                assert wanted <= set(cmap), (family, weight, sorted(chr(code) for code in wanted - set(cmap))[:10])
                assert len(font.getGlyphOrder()) <= full
                assert "GSUB" in font and "GPOS" in font  # shaping kept

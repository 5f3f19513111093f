"""Printable documents (bulletins, convention summaries) as PDF, in French, English or Arabic.

fpdf2 lays the page out; HarfBuzz (uharfbuzz) shapes Arabic, so letters join and run right to
left; the Noto fonts (from pip font packages, OFL) are embedded, subset to the glyphs used. An
Arabic name in a French document, or a Latin code in an Arabic one, falls back to the other
font. Callers pass text already translated (under ``translation.override(document.language)``):
a Document only lays it out.
"""

import copy
import io
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import fontpkg_noto_sans
import fontpkg_noto_sans_arabic
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

LATIN = "NotoSans"
ARABIC = "NotoSansArabic"
FONT_FILES = {
    LATIN: fontpkg_noto_sans.ROOT / "files" / "NotoSans[wdth,wght].ttf",
    ARABIC: fontpkg_noto_sans_arabic.ROOT / "files" / "NotoSansArabic[wdth,wght].ttf",
}
WEIGHTS = {"": 400, "B": 700}
INK, MUTED, RULE, SHADE = (33, 37, 41), (95, 99, 104), (200, 204, 208), (238, 241, 244)
SIZE = {"title": 16, "heading": 12, "text": 10, "small": 8}
LINE = 5.2  # mm per line of 10 pt text
# A run of Latin text holding a digit ("+1", "2025-2026", "J130245678", "ligne 12", "85 %"): in Arabic
# text it is held left-to-right between two LRM marks, or the bidi algorithm prints "2026-2025" and
# "1+" (digits after Arabic letters are Arabic numbers, which a hyphen does not join). Not LRI … PDI:
# fpdf2 2.8.9 then prints every later line of the document in the wrong font's glyphs.
# A number grouped by thousands ("500\xa0000") is one run, its no-break spaces in it.
LATIN_RUN = re.compile(r"[+\-−]?[0-9A-Za-zÀ-ÿ](?:[0-9A-Za-zÀ-ÿ \xa0\u202f.,:/'’()%\-]*[0-9A-Za-zÀ-ÿ%)])?")


RLM = "\u200f"


# The characters Forsa's documents print: Latin (every accent), punctuation, currency, arrows, mathematical
# operators, geometric shapes, and the Arabic script with its presentation forms. A static font keeps only
# these (Noto Sans: 1,345 glyphs of 4,515), so that each PDF parses and subsets a small font (a bulletin:
# 0.30 s → 0.24 s); a character outside them prints as a missing glyph.
UNICODE_RANGES = ((0x20, 0x7E), (0xA0, 0x24F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF),
                  (0x2100, 0x214F), (0x2190, 0x22FF), (0x25A0, 0x25FF), (0x0600, 0x06FF), (0x0750, 0x077F),
                  (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
FONT_CUT = 2  # the version of the cut above: another cut is another file


def static_font(path: Path, weight: int) -> Path:
    """A static instance of the variable font ``path`` at ``weight`` (normal width), cut to UNICODE_RANGES
    with every layout feature kept (Arabic shaping), made once per machine in VAR_DIR/fonts: fontTools takes
    about 5 s to make one, which every PDF paid four times when fpdf2 made them itself (a bulletin took 8 s)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    size = path.stat().st_size  # another version of the font package is another instance
    target = Path(settings.VAR_DIR) / "fonts" / f"{path.stem.split('[')[0]}-{weight}-{size}-{FONT_CUT}.ttf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        font = instancer.instantiateVariableFont(TTFont(path), {"wght": weight, "wdth": 100})
        options = subset.Options(layout_features=["*"], name_IDs=["*"], notdef_outline=True)
        cut = subset.Subsetter(options)
        cut.populate(unicodes=[code for first, last in UNICODE_RANGES for code in range(first, last + 1)])
        cut.subset(font)
        partial = target.with_name(f"{target.name}.{os.getpid()}.part")
        font.save(partial)
        os.replace(partial, target)  # two processes may make it at once: each replaces it whole
    return target


_PARSED = {}  # (family, style, path) -> (a TTFFont parsed once per process, never used in a document; the file)


def add_parsed_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """``pdf.add_font``, with the font file parsed once per process: fpdf2 reads each font's cmap and widths
    again for every document (about 60 ms a font, four fonts a document). The document's font is a copy of
    the parsed one (TTFFont.__deepcopy__, the way fpdf2's own recorder copies fonts: metrics shared, glyph
    maps and subset its own) with its own fontTools font, read lazily from the file's bytes in memory (no
    file left open): the output subsets it in place."""
    from fontTools.ttLib import TTFont

    key = (family, style, path)
    if key not in _PARSED:
        scratch = FPDF()
        scratch.add_font(family, style=style, fname=path)
        parsed = scratch.fonts[f"{family.lower()}{style}"]
        parsed.ttfont.close()  # what the copies need is read
        _PARSED[key] = parsed, Path(path).read_bytes()
    parsed, data = _PARSED[key]
    font = copy.deepcopy(parsed)
    font.i = len(pdf.fonts) + 1
    font.ttfont = TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    pdf.fonts[font.fontkey] = font


def _isolate(match):
    run = match.group()
    return f"\u200e{run}\u200e" if any(character.isdigit() for character in run) else run


class Document:
    """An A4 document in one language; its blocks flow top to bottom, mirrored for Arabic."""

    def __init__(self, *, title: str, subtitle: str = "", language: str | None = None):
        self.language = language or translation.get_language() or "fr"
        self.rtl = translation.get_language_info(self.language)["bidi"]
        self.title = title
        self.pdf = pdf = _Page(document=self)
        for family, path in FONT_FILES.items():
            for style, weight in WEIGHTS.items():
                add_parsed_font(pdf, family, style, static_font(path, weight))
        main, other = (ARABIC, LATIN) if self.rtl else (LATIN, ARABIC)
        self.font = main
        pdf.set_font(main, size=SIZE["text"])
        pdf.set_fallback_fonts([other], exact_match=False)
        pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if self.rtl else "ltr")
        pdf.set_margins(18, 16, 18)
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.set_title(title)
        pdf.set_lang(self.language)
        pdf.set_creator("Forsa")
        self.subtitle = subtitle
        self.opening_pages = set()  # the pages that open with the title: no running header on them
        self.new_part()

    def new_part(self) -> None:
        """Start a new page that opens like the first one, with the title and subtitle: each of the
        documents gathered into one (a group's bulletins, one per learner) starts on its own page."""
        pdf = self.pdf
        self.opening_pages.add(pdf.page_no() + 1)  # before add_page, which prints the header
        pdf.add_page()
        self._text(self.title, size=SIZE["title"], bold=True)
        if self.subtitle:
            self._text(self.subtitle, colour=MUTED)
        pdf.ln(2)

    @property
    def align(self):
        return "R" if self.rtl else "L"

    def heading(self, text: str) -> None:
        pdf = self.pdf
        pdf.ln(3)
        self._text(text, size=SIZE["heading"], bold=True)
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(1.5)

    def paragraph(self, text: str, *, small: bool = False) -> None:
        self._text(text, size=SIZE["small" if small else "text"], colour=MUTED if small else INK)

    def fields(self, pairs: Iterable[tuple[str, object]]) -> None:
        """Label: value lines, the labels in a narrow muted column (on the right in Arabic)."""
        pdf = self.pdf
        label_width = pdf.epw * 0.32
        for label, value in pairs:
            pdf.set_font(self.font, size=SIZE["text"])
            y = pdf.get_y()
            label_x, value_x = _columns(pdf, [label_width, pdf.epw - label_width], self.rtl)
            pdf.set_text_color(*MUTED)
            pdf.set_xy(label_x, y)
            pdf.multi_cell(label_width, LINE, self.prepared(label), align=self.align, new_x=XPos.RIGHT, new_y=YPos.TOP)
            pdf.set_text_color(*INK)
            pdf.set_xy(value_x, y)
            pdf.multi_cell(pdf.epw - label_width, LINE, self.prepared(value), align=self.align,
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_y(max(pdf.get_y(), y + LINE))

    def table(self, columns: Sequence[str], rows: Iterable[Sequence[object]],
              widths: Sequence[float] | None = None) -> None:
        """A table whose header row is repeated on each page; the first column is on the right in Arabic."""
        pdf = self.pdf
        widths = [pdf.epw * w for w in widths] if widths else [pdf.epw / len(columns)] * len(columns)
        order = list(reversed(range(len(columns)))) if self.rtl else list(range(len(columns)))
        pdf.set_font(self.font, size=SIZE["small"] + 1)
        pdf.set_draw_color(*RULE)
        pdf.set_text_color(*INK)
        pdf.set_fill_color(255, 255, 255)  # the table's rows take the current fill: not a chart's last colour
        with pdf.table(
            col_widths=[widths[i] for i in order], text_align=self.align, line_height=LINE - 0.6,
            headings_style=_heading_style(self.font), repeat_headings=1, first_row_as_headings=True,
            borders_layout="HORIZONTAL_LINES", padding=(1, 1.5),
        ) as grid:
            for cells in [columns, *rows]:
                row = grid.row()
                for i in order:
                    row.cell(self.prepared(cells[i]))
        pdf.ln(2)

    def prepared(self, value) -> str:
        """The text to print for a value: a dash for nothing, numbers held left to right in Arabic.

        Django's Arabic date formats carry right-to-left marks ("d\u200f/m\u200f/Y"): they are dropped,
        so that a date prints 09/08/2025 as in French, and a period "01/09/2025 – 31/08/2027" stays whole.
        """
        text = "—" if value is None or value == "" else str(value)
        return LATIN_RUN.sub(_isolate, text.replace(RLM, "")) if self.rtl else text

    def bytes(self) -> bytes:
        if len(self.opening_pages) > 1:
            self._number_parts()
        return bytes(self.pdf.output())

    def part_of(self, page: int) -> tuple[int, int]:
        """The first page of the part that holds ``page``, and the first page of the next part (or 0)."""
        start = max(opening for opening in self.opening_pages if opening <= page)
        return start, min((opening for opening in self.opening_pages if opening > page), default=0)

    def _number_parts(self) -> None:
        """Each part's pages read "page 1 of 2" of their own part (each learner's bulletin is handed out
        alone): fpdf2 would put the document's page count everywhere in place of {nb}, so each page's
        count is put in first, the last page's footer drawn before (fpdf2 then draws it no more)."""
        pdf = self.pdf
        pdf._render_footer()
        last = pdf.pages_count
        for number, page in pdf.pages.items():
            start, following = self.part_of(number)
            count = str((following or last + 1) - start)
            for substitution in page.get_text_substitutions():
                page.contents = page.contents.replace(
                    substitution.get_placeholder_string().encode("latin-1"),
                    substitution.render_text_substitution(count).encode("latin-1"))

    def _text(self, text, *, size=SIZE["text"], bold=False, colour=INK):
        pdf = self.pdf
        pdf.set_font(self.font, style="B" if bold else "", size=size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, size * 0.5, self.prepared(text), align=self.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(self.font, size=SIZE["text"])


class _Page(FPDF):
    """Each page has the document's title at the top (but the pages that open with it) and its number in its
    part at the bottom (a document of one part: in the document)."""

    def __init__(self, *, document):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.document = document
        self.footed = set()
        self.alias_nb_pages()

    def header(self):
        if self.page_no() in self.document.opening_pages:
            return
        self.set_font(self.document.font, size=SIZE["small"])
        self.set_text_color(*MUTED)
        self.cell(0, 6, self.document.prepared(self.document.title), align=self.document.align,
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def footer(self):
        if self.page_no() in self.footed:
            return  # the last page's footer, drawn before the parts were numbered (Document._number_parts)
        self.footed.add(self.page_no())
        self.set_y(-12)
        self.set_font(self.document.font, size=SIZE["small"])
        self.set_text_color(*MUTED)
        start, _following = self.document.part_of(self.page_no())
        with translation.override(self.document.language):
            label = _("Forsa · page %(page)s of %(pages)s") % {"page": self.page_no() - start + 1, "pages": "{nb}"}
        self.cell(0, 6, self.document.prepared(label), align="C")


def _heading_style(font):
    from fpdf.fonts import FontFace

    return FontFace(family=font, emphasis="BOLD", fill_color=SHADE)


def _columns(pdf, widths, rtl):
    """The x of each column, from the start edge (the right edge in Arabic)."""
    xs, x = [], pdf.l_margin
    for width in widths:
        xs.append(x)
        x += width
    if rtl:
        xs = [pdf.w - pdf.r_margin - (start - pdf.l_margin) - width for start, width in zip(xs, widths, strict=True)]
    return xs


def pdf_response(document: Document, filename: str) -> HttpResponse:
    """The document inline in the browser (the signed-in pages are already no-store)."""
    response = HttpResponse(document.bytes(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def stored_pdf_response(stored) -> FileResponse:
    """The PDF a task made and stored on ``stored`` (an annual report, a group's bulletins: ``status``,
    ``file``, ``filename``), as a download; not found until it is done."""
    if stored.status != "done" or not stored.file:
        raise Http404
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.filename,
                        content_type="application/pdf")

"""Reading an annual report's text back (poppler's pdftotext -layout) to compare it with a page's figures."""

import re
import subprocess

from django.utils import translation
from django.utils.translation import gettext as _

from forsa.reporting.selectors import KEY_FIGURES

MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None)


def normalise(text):
    """Spaces of every kind as one space, bidi marks dropped (pdftotext and HTML differ only there)."""
    text = text.translate(MARKS).replace("\xa0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def compact(text):
    """Without any space: pdftotext splits shaped Arabic words into letter groups."""
    return re.sub(r"\s+", "", normalise(text))


def pdf_layout(pdftotext, path):
    return subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def key_figures_of(layout, language):
    """The rows of the PDF's key figures section, as lists of columns (pdftotext -layout: one table row per
    line, columns apart by runs of spaces)."""
    with translation.override(language):
        start, end = compact(_("Key figures")), compact(_("Charts"))
    lines = layout.splitlines()
    first = next(i for i, line in enumerate(lines) if compact(line) == start)
    last = next(i for i, line in enumerate(lines) if i > first and compact(line) == end)
    return [[normalise(column) for column in re.split(r"\s{2,}", line.strip())] for line in lines[first + 1:last]]


def assert_key_figures(figures, layout, language):
    """Every (value, indicator name) of a page's key figures is the value on that indicator's row in the PDF.

    The n-th key figure is the first the report refers to, so its row carries the mark [n] (pdftotext may
    print it "[]n" or "]n[" in Arabic). Its name is checked on that row and the next line: pdftotext may put
    a run of digits of an Arabic name ("الاحتفاظ بعد 3 أشهر") on a line of its own."""
    rows = key_figures_of(layout, language)
    assert len(figures) == len(KEY_FIGURES)  # every key figure of the page is compared
    for number, (value, name) in enumerate(figures, start=1):
        mark = re.compile(rf"\[{number}\]|\[\]{number}(?!\d)|\]{number}\[|(?<!\d){number}\[\]")
        found = [(row, following) for row, following in zip(rows, [*rows[1:], []], strict=True)
                 if mark.search(compact(" ".join(row)))]
        assert found, (number, name, rows)
        row, following = found[0]
        assert normalise(value) in row, (value, name, row)
        assert all(compact(word) in compact(" ".join(row + following)) for word in name.split()), (name, row)

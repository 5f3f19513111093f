"""The annual report of a place as a PDF, in the requester's language (French or Arabic; English too).

It holds what the place's dashboard shows, for the same user (so with the same scope and the same
small-cell rule): the key figures, each with the number of its definition; the charts (bars drawn
with fpdf2's own primitives, so that Arabic labels are shaped like the rest of the text, bars from the
reading side); the dashboard's map (shapes from ``maps``, legend shaped beside it); need against coverage
(``coverage``: the estimate, by sex, and the map of the gap) for the nation, a region or a province; the
tables; the definitions of every indicator used (from the catalogue); the date the figures were read on.
``annual_report_pdf`` reports its progress step by step to the task that calls it.
"""

import io
from collections.abc import Callable

from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from forsa.documents.pdf import INK, MUTED, RULE, SHADE, SIZE, Document
from forsa.reporting import coverage, exports, maps, selectors
from forsa.reporting.charts import PALETTE
from forsa.reporting.indicators import LEVEL_LABELS, NATIONAL, PROVINCE, indicator_get

# What the task reports as it goes (its step count).
STEPS = (
    "figures",  # the dashboard's figures, computed for the requester
    "key_figures",
    "charts",  # the charts and the map
    "coverage",  # need against coverage and the map of the gap (nation, region, province)
    "tables",
    "definitions",
    "stored",  # the file written (the task's own last step)
)
HIDDEN = "•"


def _figure_text(cell, indicator) -> str:
    """A figure as the page prints it (same rounding and grouping, in the document's language)."""
    if cell is None:
        return "—"
    if cell.suppressed:
        return HIDDEN
    if cell.value is None:
        return "—"
    if indicator.is_rate:
        return f"{number_format(cell.value, 1)} %"
    return number_format(cell.value, 0, force_grouping=True)


def _range_text(low, high, *, rate=False) -> str:
    """A range as the coverage page prints it: "low – high" (one value when equal), "—" when missing."""
    if low is None or high is None:
        return "—"
    text = (lambda value: f"{number_format(value, 1)} %") if rate else (
        lambda value: number_format(value, 0, force_grouping=True))
    return text(low) if low == high else f"{text(low)} – {text(high)}"


def _cell_text(value, indicator=None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return HIDDEN if value == str(exports.SUPPRESSED) else value
    if isinstance(value, float) or (indicator is not None and indicator.is_rate):
        return f"{number_format(value, 1)} %"
    if hasattr(value, "year"):
        return date_format(value, "F Y")
    return number_format(value, 0, force_grouping=True)


class Report:
    """Lays the report out on a ``Document``."""

    def __init__(self, *, user, place, period, context, language):
        self.user, self.place, self.period, self.context = user, place, period, context
        self.name = selectors.place_name(place)
        level = LEVEL_LABELS.get(place.level, "")
        title = _("Annual report %(year)s: %(place)s") % {"year": period.school_year, "place": self.name}
        self.figures_on = period.reference_day()
        subtitle = _("%(level)s · figures as of %(day)s · made on %(made)s") % {
            "level": str(level).capitalize(), "day": date_format(self.figures_on, "j F Y"),
            "made": date_format(timezone.localtime(), "j F Y H:i")}
        if place.level == NATIONAL:  # the title says it already
            subtitle = subtitle.split(" · ", 1)[1]
        self.doc = Document(title=title, subtitle=subtitle, language=language)
        self.used = []  # indicators in the order they are first referred to (their definition's number)

    def ref(self, indicator) -> str:
        if indicator.code not in [used.code for used in self.used]:
            self.used.append(indicator)
        return f"[{[used.code for used in self.used].index(indicator.code) + 1}]"

    # -- sections ---------------------------------------------------------------------------------------
    def intro(self):
        context = self.context
        if context["small_cells"]:
            self.doc.paragraph(_("Figures that fewer than %(min)s learners stand behind are hidden (%(mark)s), and "
                                 "so is any figure that would let a hidden one be worked out from its total.")
                               % {"min": context["min_cell"], "mark": HIDDEN}, small=True)
        self.doc.paragraph(_("The number in brackets after each figure refers to its definition at the end of "
                             "this report."), small=True)

    def key_figures(self):
        doc, context = self.doc, self.context
        doc.heading(_("Key figures"))
        rows = []
        for title, group in context["key_groups"]:
            for figure in group:
                indicator, cell = figure["indicator"], figure["total"]
                detail = ""
                if indicator.code == "attendance_rate":
                    detail = date_format(context["period"].month, "F Y")
                elif indicator.is_rate and cell and not cell.suppressed and cell.denominator:
                    detail = _("%(numerator)s of %(denominator)s") % {
                        "numerator": number_format(cell.numerator, 0, force_grouping=True),
                        "denominator": number_format(cell.denominator, 0, force_grouping=True)}
                elif indicator.code == "occupancy" and cell and cell.extra.get("day"):
                    detail = _("on %(day)s") % {"day": date_format(cell.extra["day"], "j F Y")}
                rows.append((str(title), f"{indicator.name} {self.ref(indicator)}",
                             _figure_text(cell, indicator), detail))
        doc.table([_("Theme"), _("Indicator"), _("Value"), _("Detail")], rows, widths=[0.25, 0.39, 0.14, 0.22])

    def charts(self):
        context = self.context
        self.doc.heading(_("Charts"))
        enrolled = context["table_indicators"][0]
        if context["rows"]:
            rows = [(row["object"].name, row["cells"][0]) for row in context["rows"]]
            rows.sort(key=lambda item: (item[1] is None or item[1].suppressed or item[1].value is None,
                                        -((item[1].value or 0) if item[1] else 0)))
            self.bars(f"{enrolled.name} · {exports.sublevel_title(self.place.sublevel)} {self.ref(enrolled)}",
                      [(label, cell, enrolled) for label, cell in rows])
        rate = context["attendance_indicator"]
        if context["trend"]:
            self.bars(f"{_('Attendance rate by month')} {self.ref(rate)}",
                      [(date_format(month, "F Y"), cell, rate) for month, cell in context["trend"]], scale=100)
        exits = context["exits_indicator"]
        if context["exits_total"]:
            self.bars(f"{_('Exits by outcome')} {self.ref(exits)}",
                      [(row["outcome"].label, row["cell"], exits) for row in context["outcomes"]])
        self.map(maps.dashboard_map(context))

    def map(self, choropleth):
        """The dashboard's map (the nation's regions or a region's provinces), its legend drawn beside it
        (shaped text), the places it cannot draw named under it; its figures are in the tables."""
        if choropleth is None:
            return
        doc, pdf = self.doc, self.doc.pdf
        _x, _y, box_width, box_height = (float(number) for number in choropleth.viewbox.split())
        width = pdf.epw * 0.62
        height = width * box_height / box_width
        if pdf.get_y() + height + 12 > pdf.h - pdf.b_margin:
            pdf.add_page()
        occupancy = indicator_get("occupancy")
        doc.paragraph(f"{choropleth.title} {self.ref(occupancy)}")
        top = pdf.get_y()
        map_x = pdf.l_margin + (pdf.epw - width if doc.rtl else 0)
        pdf.image(io.BytesIO(choropleth.document_svg()), x=map_x, y=top, w=width, h=height)
        legend_w, line = pdf.epw - width - 4, 5.6
        legend_x = pdf.l_margin if doc.rtl else pdf.l_margin + width + 4
        entries = [(_rgb(entry.colour), f"{entry.low} – {entry.high}" if entry.low else entry.high)
                   for entry in choropleth.legend]
        if choropleth.no_data:
            entries.append((_rgb(maps.NO_DATA), choropleth.no_data_label))
        pdf.set_font(doc.font, size=SIZE["small"] + 1)
        pdf.set_text_color(*INK)
        for index, (colour, label) in enumerate(entries):
            y = top + index * line
            swatch_x = legend_x + legend_w - 6 if doc.rtl else legend_x
            pdf.set_fill_color(*colour)
            pdf.rect(swatch_x, y + 1, 6, line - 2, style="F")
            pdf.set_xy(legend_x if doc.rtl else legend_x + 8, y)
            pdf.cell(legend_w - 8, line, doc.prepared(label), align=doc.align)
        pdf.set_xy(pdf.l_margin, top + max(height, line * len(entries)) + 2)
        for within, names in choropleth.not_drawn:
            counted = _("counted in %(within)s") % {"within": within}  # the page's own words
            heading = _("Not drawn on this map (no boundary in the map data):")
            doc.paragraph(f"{heading} {', '.join(names)} ({counted}).", small=True)

    def bars(self, title, rows, scale=None):
        """A horizontal bar chart: label, bar, value on one line each; bars start from the reading side."""
        doc, pdf = self.doc, self.doc.pdf
        line = 5.6
        if pdf.get_y() + line * (len(rows) + 2) > pdf.h - pdf.b_margin:
            pdf.add_page()
        doc.paragraph(title)
        values = [cell.value for _label, cell, _ind in rows if cell and not cell.suppressed and cell.value]
        largest = scale or max(values, default=0) or 1
        label_w, bar_w, value_w = pdf.epw * 0.36, pdf.epw * 0.46, pdf.epw * 0.18
        gap = 2
        for label, cell, indicator in rows:
            y = pdf.get_y()
            if doc.rtl:
                label_x, bar_x, value_x = pdf.w - pdf.r_margin - label_w, pdf.l_margin + value_w, pdf.l_margin
            else:
                label_x, bar_x, value_x = pdf.l_margin, pdf.l_margin + label_w, pdf.l_margin + label_w + bar_w
            pdf.set_font(doc.font, size=SIZE["small"] + 1)
            pdf.set_text_color(*INK)
            pdf.set_xy(label_x, y)
            pdf.cell(label_w - gap, line, doc.prepared(_truncate(str(label), 40)), align=doc.align)
            pdf.set_fill_color(*SHADE)
            pdf.rect(bar_x, y + 1.3, bar_w - gap, line - 2.6, style="F")
            value = None if cell is None or cell.suppressed else cell.value
            if value:
                width = max((bar_w - gap) * min(value / largest, 1), 0.4)
                pdf.set_fill_color(*_rgb(PALETTE[0]))
                start = bar_x + (bar_w - gap - width if doc.rtl else 0)
                pdf.rect(start, y + 1.3, width, line - 2.6, style="F")
            pdf.set_xy(value_x, y)
            pdf.cell(value_w, line, doc.prepared(_figure_text(cell, indicator)), align="L" if doc.rtl else "R")
            pdf.set_xy(pdf.l_margin, y + line)
        pdf.set_draw_color(*RULE)
        pdf.ln(3)

    def need(self):
        """Need against coverage (``coverage.coverage``, as its page shows it): the census's adolescents, the
        out-of-school estimate (by sex), seats, learners, coverage rate and gap; the map of the gap and the
        table by sex of the sub-places; the method in brief. Not for an association or a centre (no census)."""
        if self.place.level not in coverage.SUBLEVELS:
            return
        result = coverage.coverage(user=self.user, place=self.place, period=self.period)
        doc, total = self.doc, result["total"]
        census, indicators = total.census, result["indicators"]
        out, rate, seats = indicators["out_of_school"], indicators["coverage_rate"], indicators["seats"]
        doc.heading(_("Need against coverage"))
        hidden = total.learners.suppressed
        rows = [
            (_("Adolescents aged 10 to 19 (census 2024)"), _cell_text(census.population_10_19)),
            (f"{out.name} {self.ref(out)}", _range_text(census.out_of_school_low, census.out_of_school_high)),
            (f"{out.name}: {_('girls')}", _range_text(census.out_of_school_low_female,
                                                      census.out_of_school_high_female)),
            (f"{out.name}: {_('boys')}", _range_text(census.out_of_school_low_male, census.out_of_school_high_male)),
            (f"{seats.name} {self.ref(seats)}", _cell_text(total.seats)),
            (f"{indicators['learners_enrolled'].name} {self.ref(indicators['learners_enrolled'])}",
             _figure_text(total.learners, indicators["learners_enrolled"])),
            (f"{rate.name} {self.ref(rate)}", HIDDEN if hidden else _range_text(total.coverage_min,
                                                                                total.coverage_max, rate=True)),
            (_("Gap: out-of-school adolescents without a seat"), _range_text(total.gap_min, total.gap_max)),
        ]
        doc.table([_("Figure"), _("Value")], rows, widths=[0.6, 0.4])
        if self.place.level != PROVINCE:
            self.map(maps.coverage_map(result))
            doc.paragraph(_("Out-of-school adolescents by sex (estimate)"))
            place_column = {NATIONAL: _("Region")}.get(self.place.level, _("Province"))
            doc.table([place_column, _("girls"), _("boys"), _("everyone")],
                      [(row.obj.name,
                        _range_text(row.census.out_of_school_low_female, row.census.out_of_school_high_female),
                        _range_text(row.census.out_of_school_low_male, row.census.out_of_school_high_male),
                        _range_text(row.census.out_of_school_low, row.census.out_of_school_high))
                       for row in result["rows"]], widths=[0.34, 0.22, 0.22, 0.22])
        doc.paragraph(f"{coverage.METHOD} {coverage.BY_SEX} {coverage.COUNTED_ONCE}", small=True)

    def tables(self):
        doc, context = self.doc, self.context
        doc.heading(_("Tables"))
        sublevel = exports.sublevel_table(context)
        if sublevel and len(sublevel.rows) > 1:
            indicators = context["table_indicators"]
            doc.paragraph(sublevel.title)
            columns = [sublevel.columns[1], *[f"{indicator.name} {self.ref(indicator)}" for indicator in indicators]]
            rows = [[row[1], *[_cell_text(value, indicator) for value, indicator in zip(row[2:], indicators,
                                                                                         strict=True)]]
                    for row in sublevel.rows]
            doc.table(columns, rows, widths=[0.3, *[0.7 / len(indicators)] * len(indicators)])
        enrolled = indicator_get("learners_enrolled")
        profile = exports.profile_table(context)
        doc.paragraph(f"{profile.title} {self.ref(enrolled)}")
        doc.table(profile.columns, [[row[0], row[1], _cell_text(row[2], enrolled)] for row in profile.rows],
                  widths=[0.35, 0.4, 0.25])
        if context["trend"]:
            trend = exports.trend_table(context)
            rate = context["attendance_indicator"]
            doc.paragraph(f"{trend.title} {self.ref(rate)}")
            doc.table(trend.columns, [[_cell_text(row[0]), _cell_text(row[1]), _cell_text(row[2], rate)]
                                      for row in trend.rows], widths=[0.4, 0.3, 0.3])
        exits = context["exits_indicator"]
        outcomes = exports.outcomes_table(context)
        doc.paragraph(f"{outcomes.title} {self.ref(exits)}")
        doc.table(outcomes.columns, [[row[0], _cell_text(row[1], exits)] for row in outcomes.rows],
                  widths=[0.6, 0.4])

    def definitions(self):
        doc = self.doc
        doc.heading(_("Definitions of the indicators"))
        for number, indicator in enumerate(self.used, start=1):
            doc.paragraph(f"[{number}] {indicator.name}")
            doc.paragraph(str(indicator.definition), small=True)
            pairs = [(_("Numerator"), indicator.numerator), (_("Denominator"), indicator.denominator),
                     (_("Period"), indicator.period), (_("Population"), indicator.population),
                     (_("Source"), indicator.source), (_("Unit"), indicator.unit_label)]
            for label, text in pairs:
                if text:
                    doc.paragraph(_("%(label)s: %(text)s") % {"label": label, "text": text}, small=True)
            doc.pdf.ln(1)
        doc.pdf.set_text_color(*MUTED)
        doc.paragraph(_("Figures read on %(day)s, for the school year %(year)s, by %(user)s.") % {
            "day": date_format(self.figures_on, "j F Y"), "year": self.period.school_year,
            "user": str(self.user)}, small=True)


def _truncate(text, length):
    return text if len(text) <= length else text[: length - 1] + "…"


def _rgb(colour):
    return tuple(int(colour[index:index + 2], 16) for index in (1, 3, 5))


def annual_report_pdf(*, user, place, period, language, progress: Callable[[int], None] = lambda step: None):
    """The PDF (bytes) and the day its figures were read on; ``progress(step)`` after each step."""
    with translation.override(language):
        context = selectors.dashboard(user=user, place=place, period=period)
        progress(1)
        report = Report(user=user, place=place, period=period, context=context, language=language)
        report.intro()
        report.key_figures()
        progress(2)
        report.charts()
        progress(3)
        report.need()
        progress(4)
        report.tables()
        progress(5)
        report.definitions()
        progress(6)
        return report.doc.bytes(), report.figures_on

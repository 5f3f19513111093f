"""Server-side charts: what a bar chart's SVG needs (bars as shares of the largest value).

The SVG is drawn by ``reporting/includes/bar_chart.html``: horizontal bars, one per row, the label
and the value above each bar, widths in percent so that it fits a 360 px phone as a desktop without
scaling the text; bars start from the reading side (the right in Arabic). Colours are the Okabe–Ito
palette (safe for colour-blind readers); a hidden cell has no bar and says so. No script, no
external file: the CSP stays strict.
"""

from dataclasses import dataclass

from django.utils.formats import date_format, number_format

from forsa.reporting.indicators import indicator_get

# Okabe & Ito (2008), "Color Universal Design": blue, and vermillion for a second series.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
ROW_HEIGHT = 38  # px: a label line and a bar
BAR_HEIGHT = 14


@dataclass
class Bar:
    label: str
    value: float | None
    display: str
    suppressed: bool
    width: float  # % of the chart's width
    x: float  # % from the left
    y: int  # px: top of the row
    colour: str

    @property
    def x_attr(self):
        """The x attribute (a dot, whatever the language: SVG is not localised)."""
        return f"{self.x:.1f}%"

    @property
    def width_attr(self):
        return f"{self.width:.1f}%"

    @property
    def bar_y(self):
        return self.y + 20

    @property
    def text_y(self):
        return self.y + 14


def bar_chart(rows, *, rtl=False, colours=None, ranked=False, scale=None):
    """Bars for ``rows`` [(label, value or None, text shown, suppressed)]: widths relative to ``scale`` (100
    for rates in %), else to the largest value; ``ranked`` draws them largest first (hidden and empty last)."""
    if ranked:
        rows = sorted(rows, key=lambda row: (row[3] or row[1] is None, -(row[1] or 0)))
    largest = scale or max((value for _label, value, _text, hidden in rows if value and not hidden), default=0) or 1
    bars = []
    for index, (label, value, display, suppressed) in enumerate(rows):
        width = 0 if suppressed or not value else max(round(100 * value / largest, 1), 0.5)
        bars.append(Bar(label=str(label), value=value, display=display, suppressed=suppressed, width=width,
                        x=round(100 - width, 1) if rtl else 0, y=index * ROW_HEIGHT,
                        colour=(colours or PALETTE)[index % len(colours or PALETTE)] if colours else PALETTE[0]))
    return {"bars": bars, "height": len(bars) * ROW_HEIGHT + 4, "rtl": rtl}


def _display(cell, indicator):
    if cell is None or cell.value is None:
        return "—"
    if indicator.is_rate:
        return f"{number_format(cell.value, 1)} %"
    return number_format(cell.value, 0, force_grouping=True)


def _hidden(cell):
    return bool(cell and cell.suppressed)


def dashboard_charts(dashboard, *, rtl=False):
    """The charts of a dashboard (``selectors.dashboard``): learners enrolled by sub-place (ranked), the
    attendance rate month by month (0-100 %) and the exits by outcome."""
    enrolled = dashboard["table_indicators"][0]
    rate = indicator_get("attendance_rate")
    return {
        "chart": bar_chart([(row["object"].name, getattr(row["cells"][0], "value", None),
                             _display(row["cells"][0], enrolled), _hidden(row["cells"][0]))
                            for row in dashboard["rows"]], rtl=rtl, ranked=True),
        "trend_chart": bar_chart([(date_format(month, "F Y"), getattr(cell, "value", None), _display(cell, rate),
                                   _hidden(cell)) for month, cell in dashboard["trend"]], rtl=rtl, scale=100),
        "outcome_chart": bar_chart([(row["outcome"].label, getattr(row["cell"], "value", None),
                                     _display(row["cell"], dashboard["exits_indicator"]), _hidden(row["cell"]))
                                    for row in dashboard["outcomes"]], rtl=rtl),
    }

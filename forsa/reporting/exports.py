"""The tables of a dashboard as rows, for the .xlsx and CSV exports and for the annual report.

Each table is the page's own (``selectors.dashboard``), already disclosed: a hidden cell is written as
``SUPPRESSED`` (never as 0, which would claim that nobody is there), a figure that does not exist (a rate
over nothing) as an empty cell. Headers are in the interface's language; rates are in percent.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forsa.reporting.indicators import CENTER, PROVINCE, REGION

# What a hidden cell says in a file (the page shows •).
SUPPRESSED = gettext_lazy("hidden (< 5)")

SUBLEVEL, PROFILE, OUTCOMES, TREND = "sublevel", "profile", "outcomes", "trend"
TABLES = (SUBLEVEL, PROFILE, OUTCOMES, TREND)
FORMATS = ("xlsx", "csv")


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list  # the last row of a table with a total is that total


def value(cell, *, suppressed=None):
    """A cell as a file holds it: its number, ``SUPPRESSED`` when hidden, None when there is no figure."""
    if cell is None:
        return None
    if cell.suppressed:
        return str(suppressed or SUPPRESSED)
    return cell.value


def _header(indicator):
    return f"{indicator.name} (%)" if indicator.is_rate else str(indicator.name)


def sublevel_title(sublevel):
    return {REGION: _("By region"), PROVINCE: _("By province"), CENTER: _("By centre")}.get(sublevel, "")


def sublevel_table(context) -> Table | None:
    place = context["place"]
    if not place.sublevel:
        return None
    name = {REGION: _("Region"), PROVINCE: _("Province"), CENTER: _("Centre")}[place.sublevel]
    columns = [_("Code"), name, *[_header(indicator) for indicator in context["table_indicators"]]]
    rows = [[row["object"].code, row["object"].name, *[value(cell) for cell in row["cells"]]]
            for row in context["rows"]]
    rows.append(["", _("Total"), *[value(cell) for cell in context["table_totals"]]])
    return Table(SUBLEVEL, sublevel_title(place.sublevel), columns, rows)


def profile_table(context) -> Table:
    rows = []
    for part in context["profile"]:
        breakdown = _("Sex") if part["breakdown"] == "sex" else _("Age on 1 September")
        rows += [[breakdown, str(row["label"]), value(row["cell"])] for row in part["rows"]]
        rows.append([breakdown, _("Total"), value(part["total"])])
    return Table(PROFILE, _("Learners enrolled by sex and age"), [_("Breakdown"), _("Category"), _("Learners")], rows)


def outcomes_table(context) -> Table:
    rows = [[str(row["outcome"].label), value(row["cell"])] for row in context["outcomes"]]
    rows.append([_("Total"), value(context["exits_total"])])
    return Table(OUTCOMES, _("Exits by outcome"), [_("Outcome"), _("Exits")], rows)


def trend_table(context) -> Table:
    rows = [[month, cell.extra.get("sessions", 0) if cell else 0, value(cell)] for month, cell in context["trend"]]
    return Table(TREND, _("Attendance month by month"),
                 [_("Month"), _("Roll calls"), f"{context['attendance_indicator'].name} (%)"], rows)


BUILDERS = {SUBLEVEL: sublevel_table, PROFILE: profile_table, OUTCOMES: outcomes_table, TREND: trend_table}


def table(context, key) -> Table | None:
    """The table ``key`` of a dashboard's context, or None when the place has none (a centre's sub-level)."""
    return BUILDERS[key](context)

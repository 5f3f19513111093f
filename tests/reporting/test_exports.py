"""Exports of the dashboards' tables (.xlsx and CSV): the page's figures, its disclosure, logged, scoped."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from forsa.audit.models import AuditEntry
from forsa.reporting.indicators import indicator_get
from tests.reporting.network import build_network

QUERY = "?year=2026-2027&month=2026-11"
TABLES = ("sublevel", "profile", "outcomes", "trend")


@pytest.fixture
def network(world):
    return build_network(world)


def xlsx_rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def as_csv(rows):
    """What the .xlsx rows read as in a CSV file (every cell is text there; openpyxl reads 100.0 as 100)."""
    def text(value):
        if value is None:
            return ""
        if hasattr(value, "date"):
            return value.date().isoformat()
        return str(value)

    return [[text(value) for value in row] for row in rows]


def numbers(rows):
    """CSV rows with their numbers read as numbers (to compare with the .xlsx figures)."""
    def read(text):
        try:
            return float(text)
        except ValueError:
            return text

    return [[read(value) for value in row] for row in rows]


def page_values(cells, hidden="masqué (< 5)"):
    return [hidden if cell and cell.suppressed else (cell.value if cell else None) for cell in cells]


def test_sublevel_table_holds_the_pages_figures_in_xlsx_and_csv(client, world, network):
    client.force_login(world["national_analyst"])
    page = client.get(reverse("reporting:national") + QUERY)
    context = page.context
    html = page.content.decode()
    xlsx_url = reverse("reporting:national_export", args=["sublevel", "xlsx"])
    assert f'href="{xlsx_url}?year=2026-2027&amp;month=2026-11"' in html  # the link is on the page
    rows = xlsx_rows(client.get(xlsx_url + QUERY))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert header[:2] == ["Code", "Région"]
    assert header[2:] == [f"{i.name} (%)" if i.is_rate else str(i.name) for i in context["table_indicators"]]
    assert body == [[row["object"].code, row["object"].name, *page_values(row["cells"])] for row in context["rows"]]
    assert total == [None, "Total", *page_values(context["table_totals"])]
    # by hand (tests/reporting/network.py): region 01 has 2 learners, 100 % girls; region 06 3, 33.3 %
    by_code = {row[0]: row for row in body}
    assert by_code["01"][2:4] == [2, 100.0] and by_code["06"][2:4] == [3, 33.3]
    assert total[2] == 5 and total[4] == 71.4  # the November attendance rate
    got = csv_rows(client.get(reverse("reporting:national_export", args=["sublevel", "csv"]) + QUERY))
    assert numbers(got) == numbers(as_csv(rows))


@pytest.mark.parametrize("table", TABLES)
def test_every_table_exports_the_same_rows_in_both_formats_and_is_logged(client, world, network, table):
    client.force_login(world["national_analyst"])
    region = network.a.region
    xlsx = xlsx_rows(client.get(reverse("reporting:region_export", args=[region.code, table, "xlsx"]) + QUERY))
    assert len(xlsx) > 1
    got = csv_rows(client.get(reverse("reporting:region_export", args=[region.code, table, "csv"]) + QUERY))
    assert numbers(got) == numbers(as_csv(xlsx))
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, actor=world["national_analyst"])
    assert entries.count() == 2
    assert {entry.changes["filters"]["format"] for entry in entries} == {"xlsx", "csv"}
    assert all(entry.changes["filters"]["table"] == table and entry.changes["filters"]["place"] == region.code
               and entry.changes["rows"] == len(xlsx) - 1 for entry in entries)


def test_profile_outcomes_and_trend_hold_the_pages_figures(client, world, network):
    client.force_login(world["national_analyst"])
    context = client.get(reverse("reporting:national") + QUERY).context
    profile = xlsx_rows(client.get(reverse("reporting:national_export", args=["profile", "xlsx"]) + QUERY))
    sexes = [row for row in profile[1:] if row[0] == "Sexe"]
    page_sex = context["profile"][0]
    assert [row[2] for row in sexes] == [*page_values([r["cell"] for r in page_sex["rows"]]), page_sex["total"].value]
    assert sexes[-1][1:] == ["Total", 5]
    outcomes = xlsx_rows(client.get(reverse("reporting:national_export", args=["outcomes", "xlsx"]) + QUERY))
    assert outcomes[1:] == [[str(row["outcome"].label), row["cell"].value] for row in context["outcomes"]] + [
        ["Total", 2]]
    trend = xlsx_rows(client.get(reverse("reporting:national_export", args=["trend", "xlsx"]) + QUERY))
    november = [row for row in trend[1:] if row[0].month == 11 and row[0].year == 2026]
    assert november == [[november[0][0], 3, 71.4]]  # three roll calls, 5 of 7 present
    assert [row[2] for row in trend[1:]] == page_values([cell for _month, cell in context["trend"]])


def test_csv_header_is_in_the_interface_language(client, world, network):
    user = world["national_analyst"]
    user.language = "ar"
    user.save(update_fields=["language"])
    client.force_login(user)
    rows = csv_rows(client.get(reverse("reporting:national_export", args=["sublevel", "csv"]) + QUERY,
                               HTTP_ACCEPT_LANGUAGE="ar"))
    with translation.override("ar"):
        name = str(indicator_get("learners_enrolled").name)
    assert name in rows[0] and any("\u0600" <= character <= "\u06ff" for character in name)


def test_partner_export_has_the_pages_hidden_cells_shown_as_hidden(client, world, network):
    client.force_login(world["partner_viewer"])
    page = client.get(reverse("reporting:national") + QUERY)
    context = page.context
    assert context["small_cells"]
    hidden_on_page = [[bool(cell and cell.suppressed) for cell in row["cells"]] for row in context["rows"]]
    assert any(any(row) for row in hidden_on_page)
    rows = xlsx_rows(client.get(reverse("reporting:national_export", args=["sublevel", "xlsx"]) + QUERY))
    body = rows[1:-1]
    assert [[value == "masqué (< 5)" for value in row[2:]] for row in body] == hidden_on_page
    # region 01's 2 learners and region 06's 3 are hidden, not written as 0; the nation's 5 is shown
    assert body[0][2] == body[1][2] == "masqué (< 5)" and rows[-1][2] == 5
    assert 2 not in [row[2] for row in body] and 3 not in [row[2] for row in body]
    profile = csv_rows(client.get(reverse("reporting:national_export", args=["profile", "csv"]) + QUERY))
    sexes = [row for row in profile[1:] if row[0] == "Sexe"]
    assert [row[2] for row in sexes] == ["masqué (< 5)", "masqué (< 5)", "5"]  # 3 girls and 2 boys
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("pk")
    assert entry.changes["filters"]["small_cells_hidden"] is True


def test_regional_manager_exports_its_region_only(client, world, network):
    client.force_login(world["own"].users["regional_manager"])
    own, foreign = network.a, network.b
    assert client.get(reverse("reporting:region_export", args=[own.region.code, "sublevel", "csv"])).status_code == 200
    assert client.get(reverse("reporting:dashboard_export", args=["outcomes", "csv"])).status_code == 200
    for name, args in (("reporting:region_export", [foreign.region.code]),
                       ("reporting:province_export", [foreign.province.code]),
                       ("reporting:center_export", [foreign.pk])):
        for fmt in ("csv", "xlsx"):
            assert client.get(reverse(name, args=[*args, "sublevel", fmt])).status_code == 404, (name, fmt)
    assert client.get(reverse("reporting:national_export", args=["sublevel", "csv"])).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT,
                                         changes__filters__place=foreign.region.code).exists()


def test_bad_input_is_a_clear_4xx(client, world, network):
    client.force_login(world["national_analyst"])
    region = network.a.region.code
    assert client.get(reverse("reporting:region_export", args=[region, "nothing", "csv"])).status_code == 404
    assert client.get(reverse("reporting:region_export", args=[region, "sublevel", "pdf"])).status_code == 404
    assert client.get(reverse("reporting:center_export", args=[network.a.pk, "sublevel", "csv"])).status_code == 404
    for query in ("?year=2026-2028", "?year=1999-2000", "?year=abc", "?month=2026-13", "?month=2025-11",
                  "?year=2026-2027&month=x"):
        response = client.get(reverse("reporting:region_export", args=[region, "trend", "csv"]) + query)
        assert response.status_code == 400, query
        assert "année scolaire" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()

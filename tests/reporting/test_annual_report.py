"""The annual report: asked for on a dashboard, made by a task (progress shown), stored, downloaded (logged),
with the page's key figures in French and Arabic, the page's disclosure for a partner, and scoped."""

import re
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from forsa.audit.models import AuditEntry
from forsa.reporting import report as report_pdf
from forsa.reporting.indicators import indicator_get
from forsa.reporting.models import AnnualReport
from tests.reporting.network import build_network
from tests.reporting.pdftext import assert_key_figures, compact, normalise, pdf_layout

QUERY = "?year=2026-2027&month=2026-11"


@pytest.fixture
def network(world):
    return build_network(world)


def kpi_values(html):
    """The key figures as the page prints them: [(value, indicator name)] of every .kpi."""
    pairs = re.findall(r'<span class="kpi-value">(.*?)</span>\s*<a class="kpi-label"[^>]*>(.*?)</a>', html, flags=re.S)
    # a hidden figure is "•" and a label for screen readers (in a visually-hidden span)
    values = [re.sub(r'<span class="visually-hidden">.*?</span>|<[^>]+>', "", value) for value, _name in pairs]
    return [(normalise(value), unescape(name)) for value, (_value, name) in zip(values, pairs, strict=True)]


def pdf_text(pdftotext, content, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return pdf_layout(pdftotext, path)


def request_report(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("reporting:reports"), data)


def download(client, report):
    response = client.get(reverse("reporting:report_download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_province_report_end_to_end_holds_the_pages_key_figures(client, world, network, language, pdftotext,
                                                               tmp_path, settings, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = world["national_analyst"]
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    province = network.a.province
    page = client.get(reverse("reporting:province", args=[province.code]) + "?year=2026-2027",
                      HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    assert 'id="annual-report-form"' in html and f'name="code" value="{province.code}"' in html
    response = request_report(client, django_capture_on_commit_callbacks, level="province", code=province.code,
                              year="2026-2027", language=language)
    report = AnnualReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reporting:report", args=[report.pk])
    assert (report.status, report.step, report.steps) == ("done", len(report_pdf.STEPS), len(report_pdf.STEPS))
    assert report.requested_by == user and report.language == language and not report.disclosed
    status = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert reverse("reporting:report_download", args=[report.pk]) in status and "hx-trigger" not in status
    listing = client.get(reverse("reporting:reports")).content.decode()
    assert reverse("reporting:report", args=[report.pk]) in listing
    layout = pdf_text(pdftotext, download(client, report), tmp_path)
    assert_key_figures(kpi_values(html), layout, language)
    text = compact(layout)
    assert compact(province.name) in text
    # the definitions of the indicators used, from the catalogue, and the date of the figures
    with translation.override(language):
        assert compact(_("Definitions of the indicators")) in text
        assert compact(str(indicator_get("occupancy").definition)) in text
        assert compact(date_format(report.figures_on, "j F Y")) in text
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor == user and entry.target_id == str(report.pk)


def test_partner_report_hides_what_the_partners_page_hides(client, world, network, pdftotext, tmp_path, settings,
                                                           django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    partner = world["partner_viewer"]
    client.force_login(partner)
    html = client.get(reverse("reporting:national") + "?year=2026-2027").content.decode()
    request_report(client, django_capture_on_commit_callbacks, level="national", code="", year="2026-2027",
                   language="fr")
    report = AnnualReport.objects.get()
    assert report.disclosed and report.status == "done"
    layout = pdf_text(pdftotext, download(client, report), tmp_path)
    assert_key_figures(kpi_values(html), layout, "fr")
    # the regions' tables: region 01 (2 learners) and region 06 (3) are hidden (•), never printed; the census's
    # estimate by sex is not about learners and is printed (ranges "low – high")
    rows = [re.split(r"\s{2,}", line.strip()) for line in layout.splitlines() if "Tanger-Tétouan" in line]
    census = [row for row in rows if all(" – " in cell for cell in row[1:])]
    learners = [row for row in rows if row not in census]
    assert len(census) == 1 and learners and all(row[1] == "•" for row in learners), rows
    assert "moins de 5 apprenant·es sont masqués" in normalise(layout)


def test_progress_is_shown_and_polled_until_done(client, world, network):
    user = world["national_analyst"]
    client.force_login(user)
    report = AnnualReport.objects.create(requested_by=user, level="national", place_name="Nation",
                                         school_year="2026-2027", language="fr", steps=6)
    url = reverse("reporting:report", args=[report.pk])
    html = client.get(url).content.decode()
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 2s"' in html and 'data-status="queued"' in html
    AnnualReport.objects.filter(pk=report.pk).update(status="running", step=2)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="report-status"') and "2/6" in fragment
    assert 'data-status="running"' in fragment
    AnnualReport.objects.filter(pk=report.pk).update(status="failed")
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and 'data-status="failed"' in fragment
    assert client.get(reverse("reporting:report_download", args=[report.pk])).status_code == 404


def test_a_failing_build_marks_the_report_failed(client, world, network, monkeypatch, settings, tmp_path,
                                                 django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path

    def broken(**kwargs):
        raise RuntimeError("font missing")

    monkeypatch.setattr(report_pdf, "annual_report_pdf", broken)
    client.force_login(world["national_analyst"])
    response = request_report(client, django_capture_on_commit_callbacks, level="region",
                              code=network.a.region.code, year="2026-2027", language="fr")
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert report.status == "failed" and report.error == "RuntimeError" and not report.file
    assert client.get(response["Location"]).status_code == 200


def test_regional_manager_reports_on_its_region_only(client, world, network, settings, tmp_path,
                                                     django_capture_on_commit_callbacks, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(report_pdf.Document, "bytes", lambda self: b"%PDF-1.4 test")  # no layout: scope only
    manager = world["own"].users["regional_manager"]
    client.force_login(manager)
    own, foreign = network.a, network.b
    ok = request_report(client, django_capture_on_commit_callbacks, level="region", code=own.region.code,
                        year="2026-2027", language="ar")
    assert ok.status_code == 302
    mine = AnnualReport.objects.get(requested_by=manager)
    assert mine.status == "done" and client.get(reverse("reporting:report_download", args=[mine.pk])).status_code \
        == 200
    for level, code in (("region", foreign.region.code), ("province", foreign.province.code)):
        response = request_report(client, django_capture_on_commit_callbacks, level=level, code=code,
                                  year="2026-2027", language="fr")
        assert response.status_code == 404, level
    assert request_report(client, django_capture_on_commit_callbacks, level="national", code="", year="2026-2027",
                          language="fr").status_code == 403
    assert AnnualReport.objects.filter(requested_by=manager).count() == 1
    # the foreign region's manager's report: not the own manager's to read or download
    theirs = AnnualReport.objects.create(
        requested_by=world["foreign"].users["regional_manager"], level="region", place_code=foreign.region.code,
        place_name=foreign.region.name, school_year="2026-2027", language="fr", status="done", steps=6, step=6,
        file=ContentFile(b"%PDF-1.4 theirs", name="theirs.pdf"))
    assert client.get(reverse("reporting:report", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("reporting:report_download", args=[theirs.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, target_id=str(theirs.pk)).exists()
    assert theirs.pk not in [r.pk for r in client.get(reverse("reporting:reports")).context["reports"]]
    # anyone whose dashboards reach the place may download it (the national analyst) …
    client.force_login(world["national_analyst"])
    assert client.get(reverse("reporting:report_download", args=[theirs.pk])).status_code == 200
    # … but a partner never gets a report made without the small-cell rule
    client.force_login(world["partner_viewer"])
    assert client.get(reverse("reporting:report_download", args=[theirs.pk])).status_code == 404


def test_bad_input_is_a_clear_4xx(client, world, network, django_capture_on_commit_callbacks):
    client.force_login(world["national_analyst"])
    region = network.a.region.code
    for data in ({"level": "galaxy", "code": region}, {"level": "center", "code": network.a.pk},
                 {"level": "region", "code": region, "year": "2026-2028"},
                 {"level": "region", "code": region, "year": "1999-2000"},
                 {"level": "region", "code": region, "year": "x"},
                 {"level": "region", "code": region, "language": "de"},
                 {"level": "region", "code": ""}, {}):
        data = {"year": "2026-2027", "language": "fr"} | data
        response = request_report(client, django_capture_on_commit_callbacks, **data)
        assert response.status_code == 400, data
        assert 'role="alert"' in response.content.decode()
    assert request_report(client, django_capture_on_commit_callbacks, level="region", code="99", year="2026-2027",
                          language="fr").status_code == 404
    assert request_report(client, django_capture_on_commit_callbacks, level="region", code="\x00",
                          year="2026-2027", language="fr").status_code == 404
    assert not AnnualReport.objects.exists()
    assert client.get(reverse("reporting:report", args=[999999])).status_code == 404
    assert client.get(reverse("reporting:report_download", args=[999999])).status_code == 404


def test_my_reports_page_queries(client, world, django_assert_max_num_queries):
    user = world["national_analyst"]
    for year in ("2026-2027", "2025-2026", "2024-2025"):
        AnnualReport.objects.create(requested_by=user, level="national", place_name="Nation", school_year=year,
                                    language="fr", steps=6)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reporting:reports"))
    assert response.status_code == 200 and len(response.context["reports"]) == 3


def test_the_report_draws_the_dashboards_map_with_its_legend(world, network, pdftotext, tmp_path):
    """The national report holds the regions' map: its title and the legend's classes as the page's map
    writes them; a region's report names the provinces its map cannot draw (Casablanca's 8 prefectures)."""
    from forsa.reporting import maps, selectors
    from forsa.reporting.figures import Period

    user, period = world["national_analyst"], Period.of("2026-2027")
    for level, code in (("national", ""), ("region", "06")):
        place = selectors.place_get(user=user, level=level, code=code)
        with translation.override("fr"):
            choropleth = maps.dashboard_map(selectors.dashboard(user=user, place=place, period=period))
            content, _day = report_pdf.annual_report_pdf(user=user, place=place, period=period, language="fr")
        text = normalise(pdf_text(pdftotext, content, tmp_path))
        assert normalise(choropleth.title) in text
        assert choropleth.legend and all(normalise(entry.high) in text for entry in choropleth.legend)
        svg = choropleth.document_svg().decode()
        assert svg.count("<path") == len(choropleth.shapes) and "<a" not in svg and "url(" not in svg
        assert maps.NO_DATA in svg  # the regions (or provinces) without a centre
    assert "Non dessinés sur cette carte" in text and "Casablanca-Anfa" in text  # region 06's report


def test_association_manager_reports_on_its_association_only(client, world, network, settings, tmp_path,
                                                            django_capture_on_commit_callbacks, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(report_pdf.Document, "bytes", lambda self: b"%PDF-1.4 test")  # no layout: scope only
    manager = world["own"].users["association_manager"]
    client.force_login(manager)
    own, foreign = world["own"].association, world["foreign"].association
    page = client.get(reverse("reporting:association", args=[own.pk]) + QUERY).context["report_form"]
    assert page["level"] == "association" and page["code"] == str(own.pk)
    response = request_report(client, django_capture_on_commit_callbacks, level="association", code=str(own.pk),
                              year="2026-2027", language="ar")
    assert response.status_code == 302
    mine = AnnualReport.objects.get(requested_by=manager)
    assert (mine.level, mine.place_code, mine.status) == ("association", str(own.pk), "done")
    assert mine.filename == f"annual-report-association-{own.pk}-2026-2027-ar.pdf"
    assert client.get(reverse("reporting:report_download", args=[mine.pk])).status_code == 200
    for code in (str(foreign.pk), "0", "x"):
        assert request_report(client, django_capture_on_commit_callbacks, level="association", code=code,
                              year="2026-2027", language="fr").status_code == 404, code
    assert AnnualReport.objects.count() == 1
    csv = client.get(reverse("reporting:association_export", args=[own.pk, "sublevel", "csv"]) + QUERY)
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert client.get(reverse("reporting:association_export", args=[foreign.pk, "sublevel", "csv"]) + QUERY
                      ).status_code == 404


def test_the_report_holds_need_against_coverage_as_its_page_shows_it(client, world, network, pdftotext, tmp_path):
    """A region's report: the coverage page's key figures (the census's adolescents, the estimate and its
    range for girls and boys, seats, coverage and gap, as the page prints them), the map of the gap and the
    estimate by sex of each province; a province's report has the figures but no map; an association's none."""
    from forsa.reporting import coverage, maps, selectors
    from forsa.reporting.figures import Period

    user, period = world["national_analyst"], Period.of("2026-2027")
    client.force_login(user)
    html = client.get(reverse("reporting:coverage_region", args=["06"]) + "?year=2026-2027").content.decode()
    values = [normalise(re.sub(r'<span class="visually-hidden">.*?</span>|<[^>]+>', "", value))
              for value in re.findall(r'<span class="kpi-(?:value|detail by-sex)">(.*?)</span>\s*(?=<)', html, re.S)]
    assert "1 295 457" in values and len(values) >= 7
    place = selectors.place_get(user=user, level="region", code="06")
    with translation.override("fr"):
        content, _day = report_pdf.annual_report_pdf(user=user, place=place, period=period, language="fr")
        gap_map = maps.coverage_map(coverage.coverage(user=user, place=place, period=period))
    text = normalise(pdf_text(pdftotext, content, tmp_path))
    assert "Besoins et couverture" in text and normalise(gap_map.title) in text
    missing = [value for value in values if value not in text]
    assert not missing, missing
    assert "Adolescents non scolarisés par sexe (estimation)" in text
    assert all(normalise(province.name) in text for province in place.obj.provinces.all())
    province = selectors.place_get(user=user, level="province", code="06.141")
    association = selectors.place_get(user=user, level="association", code=str(world["own"].association.pk))
    with translation.override("fr"):
        province_text = normalise(pdf_text(pdftotext, report_pdf.annual_report_pdf(
            user=user, place=province, period=period, language="fr")[0], tmp_path))
        association_text = normalise(pdf_text(pdftotext, report_pdf.annual_report_pdf(
            user=user, place=association, period=period, language="fr")[0], tmp_path))
    assert "Besoins et couverture" in province_text and "sans place, par province" not in province_text
    assert "Besoins et couverture" not in association_text

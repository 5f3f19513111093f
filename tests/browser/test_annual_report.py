"""The national analyst, in Arabic, drills down from the national indicators to a region and a province by
the table's links, asks for the province's annual report, waits for it, downloads it: the PDF's text
(pdftotext) holds the province page's key figures, each on its indicator's row."""

import pytest
from playwright.sync_api import expect

from tests.reporting.pdftext import assert_key_figures, pdf_layout

pytestmark = pytest.mark.browser


def test_analyst_in_arabic_downloads_a_provinces_annual_report(page, forsa_server, sign_in, choose_language,
                                                               pdftotext, tmp_path, screenshots):
    sign_in(page, forsa_server.demo.national_analyst, language="ar")
    try:
        page.goto("/reporting/national/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.locator("table.sublevel tbody th a").first.click()
        page.wait_for_url("**/reporting/regions/**")
        page.locator("table.sublevel tbody th a").first.click()
        page.wait_for_url("**/reporting/provinces/**")
        # the page's key figures as it prints them: (value, indicator name)
        figures = [(kpi.locator(".kpi-value").inner_text(), kpi.locator(".kpi-label").inner_text())
                   for kpi in page.locator(".kpi").all()]
        assert len(figures) == 9
        # the tables' exports are linked from the page
        expect(page.locator("p.exports a[href*='/sublevel.xlsx']")).to_have_count(1)
        form = page.locator("#annual-report-form")
        expect(form.locator("select[name=language]")).to_have_value("ar")
        form.locator("button[type=submit]").click(timeout=180_000)
        # the demo's immediate task backend builds the report before the redirect; a worker would answer at once
        page.wait_for_url("**/reporting/reports/*/", timeout=180_000)
        link = page.locator("#report-download")
        expect(link).to_be_visible(timeout=120_000)  # the page polls until the task is done
        expect(page.locator("#report-status")).to_have_attribute("data-status", "done")
        page.screenshot(path=screenshots / "reporting-annual-report-ar.png", full_page=True)
        with page.expect_download() as download_info:
            link.click()
        path = tmp_path / "report.pdf"
        download_info.value.save_as(path)
        assert path.read_bytes().startswith(b"%PDF-")
        assert_key_figures(figures, pdf_layout(pdftotext, path), "ar")
        # listed in "my reports"
        page.goto("/reporting/reports/")
        expect(page.locator("#reports tbody tr")).not_to_have_count(0)
    finally:  # the language is saved on the user: leave the analyst in French
        if page.locator("html").get_attribute("lang") not in (None, "fr"):
            choose_language(page, "fr")

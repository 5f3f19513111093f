"""The progress report (bulletin) as a PDF in French and in Arabic: a valid PDF with the expected text
(Arabic shaped, mapped back to letters by pdftotext), pages that render, the export logged, scoped."""

import re
import subprocess

import pytest
from django.urls import reverse

from forsa.assessments import services
from forsa.audit.models import AuditEntry
from tests.assessments.conftest import PERIODIC_DAY, competency
from tests.scope import status_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def progress(scene):
    own, framework = scene["own"], scene["framework"]
    periodic = services.assessment_create(actor=own.users["educator"], group=own.group, kind="periodic",
                                          date=PERIODIC_DAY)
    services.results_save(actor=own.users["educator"], assessment=periodic, cells={
        (own.learners[0].pk, competency(framework, "MATH-NUM-2").pk): 3,
        (own.learners[0].pk, competency(framework, "AR-READ-2").pk): "absent"})
    services.remediation_group_create(actor=own.users["educator"], center=own.center, name="Calcul du soir",
                                      competencies=[competency(framework, "MATH-NUM-2")],
                                      learners=own.learners[:1], start_date=PERIODIC_DAY)
    return scene


@pytest.fixture
def pdf_text(tmp_path, pdftotext, pdftoppm):
    """A PDF's text read back by poppler, once its pages are checked to render."""

    def read(content, name):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(content)
        text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
        subprocess.run([pdftoppm, "-png", "-r", "40", str(path), str(tmp_path / name)], check=True)
        assert list(tmp_path.glob(f"{name}*.png")), "the pages render"
        return text

    return read


def _letters(text):
    """pdftotext spaces Arabic letters out and adds direction marks: keep the letters only."""
    return re.sub(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)


def test_bulletin_in_french_and_in_arabic(client, progress, pdf_text):
    own = progress["own"]
    learner = own.learners[0]
    client.force_login(own.users["center_director"])
    french = client.get(reverse("assessments:bulletin", args=[learner.pk, "fr"]))
    assert french.status_code == 200 and french["Content-Type"] == "application/pdf"
    assert french.content.startswith(b"%PDF")
    text = pdf_text(french.content, "fr")
    for expected in ("Amina Alaoui", "Additionner et soustraire", "Mathématiques", "Calcul du soir",
                     "Lire un texte court à voix haute", "Rattrapage A"):
        assert expected in text, expected
    arabic = client.get(reverse("assessments:bulletin", args=[learner.pk, "ar"]))
    assert arabic.status_code == 200 and arabic.content.startswith(b"%PDF")
    letters = _letters(pdf_text(arabic.content, "ar"))
    for expected in ("أمينةالعلوي", "الجمعوالطرح", "الرياضيات", "قراءةنصقصيربصوتمسموع", "مكتسب"):
        assert expected in letters, expected
    assert b"NotoSansArabic" in arabic.content  # the font is embedded
    assert AuditEntry.objects.filter(action="export", target_id=str(learner.pk)).count() == 2


def test_bulletin_is_scoped(client, progress):
    learner = progress["own"].learners[0]
    url = reverse("assessments:bulletin", args=[learner.pk, "fr"])
    assert status_for(client, progress["foreign"].users["center_director"], url) == 404
    assert status_for(client, progress["partner_viewer"], url) == 404
    assert status_for(client, progress["own"].users["center_director"],
                      reverse("assessments:bulletin", args=[learner.pk, "de"])) == 404


def test_bulletin_as_of_a_date(client, progress, pdf_text):
    """Up to a date before the periodic assessment, the latest level is the diagnostic's."""
    own = progress["own"]
    client.force_login(own.users["educator"])
    url = reverse("assessments:bulletin", args=[own.learners[0].pk, "fr"])
    before = pdf_text(client.get(url, {"until": "2026-10-01"}).content, "before")
    assert "Calcul du soir" not in before and "Lire un texte court" not in before  # not assessed yet
    assert re.search(r"Additionner et soustraire.*?\b1\s+1\b", before, re.S)
    latest = pdf_text(client.get(url, {"until": "not a date"}).content, "latest")  # today
    assert re.search(r"Additionner et soustraire.*?\b1\s+3\b", latest, re.S)

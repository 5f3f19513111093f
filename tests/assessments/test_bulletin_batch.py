"""A group's bulletins in one PDF: asked for on the group's page, made by a task that counts the bulletins as
it goes (the page polls it), every learner's bulletin on pages of its own in French and Arabic, downloaded
(logged), one batch of a group and language at a time, a failure shown as such, scoped."""

import re
import subprocess
from datetime import timedelta
from itertools import pairwise

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forsa.assessments import bulletin, services
from forsa.assessments.models import BulletinBatch
from forsa.audit.models import AuditEntry
from tests.assessments.conftest import add_learners
from tests.scope import status_for

pytestmark = pytest.mark.django_db

MARKS = re.compile(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def ask(client, group, language, capture):
    with capture(execute=True):
        return client.post(reverse("assessments:bulletin_batch_request", args=[group.pk]), {"language": language})


def download(client, batch):
    response = client.get(reverse("assessments:bulletin_batch_download", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content)


def pages_of(content, tmp_path, pdftotext):
    """The text of each page, letters only (pdftotext spaces Arabic letters out and adds direction marks)."""
    path = tmp_path / "bulletins.pdf"
    path.write_bytes(content)
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [MARKS.sub("", page) for page in text.split("\f") if page.strip()]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_groups_bulletins_in_one_pdf_one_learner_after_the_other(client, scene, language, pdftotext, tmp_path,
                                                                   django_capture_on_commit_callbacks):
    own = scene["own"]
    director = own.users["center_director"]
    client.force_login(director)
    group_page = client.get(reverse("assessments:group", args=[own.group.pk])).content.decode()
    assert reverse("assessments:bulletin_batch_request", args=[own.group.pk]) in group_page
    response = ask(client, own.group, language, django_capture_on_commit_callbacks)
    batch = BulletinBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessments:bulletin_batch",
                                                                           args=[batch.pk])
    assert (batch.status, batch.done, batch.total, batch.language) == ("done", 3, 3, language)
    assert batch.requested_by == director and batch.until == timezone.localdate()
    status = client.get(response["Location"]).content.decode()
    assert reverse("assessments:bulletin_batch_download", args=[batch.pk]) in status and "hx-trigger" not in status

    pages = pages_of(download(client, batch), tmp_path, pdftotext)
    with translation.override(language):  # the subtitle opens each bulletin (the title also heads later pages)
        subtitle = MARKS.sub("", _("Second-chance school – new generation · as of %(date)s").split("–")[0])
    openings = [page for page in pages if subtitle in page]
    assert len(openings) == 3, "each learner's bulletin opens a page of its own"
    in_order = sorted(own.learners, key=lambda learner: learner.last_name)  # the group's name order
    for page, learner in zip(openings, in_order, strict=True):
        name = learner.full_name_ar if language == "ar" else f"{learner.first_name} {learner.last_name}"
        assert MARKS.sub("", name) in page, name
        others = [other for other in own.learners if other != learner]
        assert not any(MARKS.sub("", f"{o.first_name} {o.last_name}") in page for o in others)
    if language == "fr":  # each bulletin's pages are numbered in it: "page 1 sur 2", not of the whole PDF
        numbers = [tuple(map(int, re.search(r"Forsa·page(\d+)sur(\d+)", page).groups())) for page in pages]
        starts = [pages.index(page) for page in openings] + [len(pages)]
        assert numbers == [(n, end - start) for start, end in pairwise(starts) for n in range(1, end - start + 1)]
        assert len(pages) > max(count for _n, count in numbers)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, target_id=str(batch.pk)).exists()
    export = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, target_id=str(batch.pk))
    assert export.actor == director and export.changes["learners"] == 3


def test_the_task_counts_the_bulletins_as_it_lays_them_out(scene, monkeypatch, django_capture_on_commit_callbacks):
    """While the n-th bulletin is laid out, the batch says n - 1 are done (what the page shows)."""
    own = scene["own"]
    add_learners(own.group, 2)
    seen, lay_out = [], bulletin._bulletin

    def watched(document, **kwargs):
        seen.append(BulletinBatch.objects.values_list("status", "done", "total").get())
        return lay_out(document, **kwargs)

    monkeypatch.setattr(bulletin, "_bulletin", watched)
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.bulletin_batch_request(actor=own.users["educator"], group=own.group, language="fr")
    assert seen == [("running", done, 5) for done in range(5)]
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("done", 5, 5) and batch.file


def test_the_page_polls_until_the_batch_is_finished_in_a_fixed_number_of_queries(client, scene):
    own = scene["own"]
    batch = BulletinBatch.objects.create(group=own.group, language="ar", until=timezone.localdate(),
                                         requested_by=own.users["educator"], total=3)
    url = reverse("assessments:bulletin_batch", args=[batch.pk])
    client.force_login(own.users["center_director"])
    html = client.get(url).content.decode()
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 2s"' in html and 'data-status="queued"' in html
    assert f"<bdi>{own.group.name}</bdi>" in html  # a Latin name kept whole in an Arabic heading
    BulletinBatch.objects.filter(pk=batch.pk).update(status="running", done=2)
    client.get(url)  # the session and the user are read once
    with CaptureQueriesContext(connection) as context:
        fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="batch-status"') and 'value="2"' in fragment and "2/3" in fragment
    assert len(context) <= 4, [query["sql"] for query in context.captured_queries]
    with CaptureQueriesContext(connection) as full:
        client.get(url)
    assert len(full) <= len(context) + 2, [query["sql"] for query in full.captured_queries]  # the menu's
    assert client.get(reverse("assessments:bulletin_batch_download", args=[batch.pk])).status_code == 404
    BulletinBatch.objects.filter(pk=batch.pk).update(status="failed")
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and 'data-status="failed"' in fragment and 'role="alert"' in fragment


def test_a_failing_build_marks_the_batch_failed_never_a_500(client, scene, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    own = scene["own"]

    def broken(*args, **kwargs):
        raise RuntimeError("font missing")

    monkeypatch.setattr(bulletin, "_bulletin", broken)
    client.force_login(own.users["educator"])
    response = ask(client, own.group, "fr", django_capture_on_commit_callbacks)
    batch = BulletinBatch.objects.get()
    assert (batch.status, batch.error, batch.done, bool(batch.file)) == ("failed", "RuntimeError", 0, False)
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'data-status="failed"' in page.content.decode()
    assert client.get(reverse("assessments:bulletin_batch_download", args=[batch.pk])).status_code == 404
    # once failed, the group's bulletins may be asked for again
    monkeypatch.undo()
    ask(client, own.group, "fr", django_capture_on_commit_callbacks)
    assert list(BulletinBatch.objects.order_by("pk").values_list("status", flat=True)) == ["failed", "done"]


def test_one_batch_of_a_group_and_language_at_a_time(scene):
    own = scene["own"]
    ask_for = dict(actor=own.users["educator"], group=own.group)
    first = services.bulletin_batch_request(**ask_for, language="fr")  # queued: the task runs on commit
    assert services.bulletin_batch_request(**ask_for, language="fr") == first
    arabic = services.bulletin_batch_request(**ask_for, language="ar")
    assert arabic != first and arabic.status == "queued"
    # a batch left unfinished for long lost its worker: it is failed, and a new one is made
    BulletinBatch.objects.filter(pk=first.pk).update(status="running",
                                                     created_at=timezone.now() - timedelta(hours=2))
    again = services.bulletin_batch_request(**ask_for, language="fr")
    first.refresh_from_db()
    assert again != first and first.status == "failed" and first.error == "stale"


def test_bad_requests_say_why(client, scene, world):
    own = scene["own"]
    client.force_login(own.users["center_director"])
    url = reverse("assessments:bulletin_batch_request", args=[own.group.pk])
    response = client.post(url, {"language": "de"}, follow=True)
    assert response.status_code == 200 and "en français ou en arabe" in response.content.decode()
    empty = own.group.__class__.objects.create(center=own.center, school_year=own.group.school_year, name="Vide",
                                               kind="catch_up")
    response = client.post(reverse("assessments:bulletin_batch_request", args=[empty.pk]), {"language": "fr"},
                           follow=True)
    assert "Aucun" in response.content.decode() and not BulletinBatch.objects.exists()
    assert client.get(url).status_code == 405


def test_a_batch_is_scoped(client, scene, world, django_capture_on_commit_callbacks):
    own, foreign = scene["own"], scene["foreign"]
    client.force_login(own.users["educator"])
    ask(client, own.group, "fr", django_capture_on_commit_callbacks)
    batch = BulletinBatch.objects.get()
    client.logout()
    page = reverse("assessments:bulletin_batch", args=[batch.pk])
    pdf = reverse("assessments:bulletin_batch_download", args=[batch.pk])
    for user in (foreign.users["center_director"], foreign.users["educator"], world["partner_viewer"]):
        assert status_for(client, user, page) == 404
        assert status_for(client, user, pdf) == 404
    for role in ("center_director", "educator", "regional_manager"):
        assert status_for(client, own.users[role], page) == 200
    client.force_login(foreign.users["center_director"])
    response = client.post(reverse("assessments:bulletin_batch_request", args=[own.group.pk]), {"language": "fr"})
    assert response.status_code == 404 and BulletinBatch.objects.count() == 1

"""Conventions test data, built through the services: a regional call per side of the world,
an application of each side's association, a reviewer, and a convention per side."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from forsa.accounts.models import User
from forsa.conventions import services
from forsa.conventions.models import ApplicationDocument
from forsa.organizations.models import Organization
from forsa.organizations.services import public_bodies_ensure
from tests.api.conftest import api_as  # noqa: F401 (a fixture of the API tests, shared here)
from tests.factories import make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GRID = [("Relevance of the project", 40, 10), ("Capacity of the association", 30, 10), ("Budget", 30, 20)]
TODAY = datetime.date(2026, 11, 27)


def pdf(name="document.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def aref(region):
    return Organization.objects.get(kind=Organization.Kind.AREF, region=region)


def ministry():
    return Organization.objects.get(kind=Organization.Kind.MINISTRY)


def open_call(actor, owner, reference):
    call = services.call_create(actor=actor, owner=owner, reference=reference, title="Appel E2C-NG 2026",
                                budget=5_000_000, opens_on=datetime.date(2026, 9, 1),
                                closes_on=datetime.date(2026, 12, 31), criteria=GRID)
    return services.call_open(actor=actor, call=call)


def submitted_application(actor, call, center, title="Centre E2C pour les filles"):
    application = services.application_save(
        actor=actor, call=call, association=center.association, centers=[center], title=title,
        target_girls=60, target_boys=40, budget_requested=900_000, cofunding=100_000)
    for kind in (ApplicationDocument.Kind.PROJECT, ApplicationDocument.Kind.BUDGET):
        services.application_document_add(actor=actor, application=application, kind=kind, file=pdf())
    return services.application_submit(actor=actor, application=application)


def scores_for(call, values):
    return {str(c.pk): v for c, v in zip(call.criteria.all(), values, strict=True)}


@dataclass
class ConventionSide:
    call: object
    application: object
    review: object
    convention: object


def build_side(side, reviewer):
    manager, association_manager = side.users["regional_manager"], side.users["association_manager"]
    call = open_call(manager, aref(side.center.region), f"AAP-{side.region_code}-2026")
    application = submitted_application(association_manager, call, side.center)
    review = services.review_assign(actor=manager, application=application, reviewer=reviewer)
    review = services.review_submit(actor=reviewer, review=review, scores=scores_for(call, [8, 7, 15]))
    services.application_decide(actor=manager, application=application, retained=True, reason="Bon projet")
    convention = services.convention_from_application(
        actor=manager, application=application, start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 8, 31))
    return ConventionSide(call, application, review, convention)


@pytest.fixture
def conventions(world, settings, tmp_path):
    """A regional call, an application retained and its draft convention on each side; a reviewer of the own side."""
    settings.MEDIA_ROOT = tmp_path
    public_bodies_ensure(actor=None)
    reviewer = make_user("reviewer")
    other_reviewer = make_user("reviewer")
    world["reviewer"], world["other_reviewer"] = reviewer, other_reviewer
    world["own"].conventions = build_side(world["own"], reviewer)
    world["foreign"].conventions = build_side(world["foreign"], other_reviewer)
    # Pages in English, so that assertions read the source strings (French is the default).
    User.objects.update(language="en")
    for user in [*world["own"].users.values(), *world["foreign"].users.values(), reviewer, other_reviewer,
                 world["national_admin"], world["national_analyst"], world["partner_viewer"]]:
        user.language = "en"
    return world



@pytest.fixture(autouse=True)
def english():
    """Service messages in English (the source strings), whichever test ran before."""
    with translation.override("en"):
        yield

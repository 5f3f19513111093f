"""Basic skills: the default framework, and on each side of the world a class of three learners
taught by the side's educator, with a diagnostic taken on DIAGNOSTIC_DAY."""

import datetime

import pytest
from django.utils import translation

from forsa.assessments import services
from forsa.assessments.models import Framework
from tests.api.conftest import api_as  # noqa: F401 (the API tests sign in with it)
from tests.factories import make_group, make_learner

START = "2026-09-15"
DIAGNOSTIC_DAY = datetime.date(2026, 9, 20)
PERIODIC_DAY = datetime.date(2026, 11, 2)
NAMES = [("Amina", "Alaoui", "أمينة", "العلوي"), ("Bilal", "Bennani", "بلال", "بناني"),
         ("Chaimae", "Chraibi", "شيماء", "الشرايبي")]


@pytest.fixture(autouse=True)
def french():
    """Messages of services called outside a request are read in French, whatever ran before."""
    with translation.override("fr"):
        yield


@pytest.fixture
def framework(db):
    services.framework_ensure_default()
    return Framework.objects.get(status="published")


def add_learners(group, count, *, offset=0):
    return [make_learner(group.center, groups=[group], first_name=f"Prénom{offset + i}", last_name=f"Nom{offset + i}",
                         first_name_ar="", last_name_ar="", start_date=START,
                         birth_date=f"2011-{1 + (offset + i) % 12:02d}-{1 + (offset + i) // 12:02d}")
            for i in range(count)]


def competency(framework, code):
    return framework.competencies.get(code=code)


@pytest.fixture
def scene(world, framework):
    for label in ("own", "foreign"):
        side = world[label]
        side.group = make_group(side.center, educators=[side.users["educator"]])
        side.learners = [make_learner(side.center, groups=[side.group], first_name=first, last_name=last,
                                      first_name_ar=first_ar, last_name_ar=last_ar, start_date=START,
                                      birth_date=f"2011-0{i + 1}-10")
                         for i, (first, last, first_ar, last_ar) in enumerate(NAMES)]
        side.diagnostic = services.assessment_create(actor=side.users["educator"], group=side.group,
                                                     kind="diagnostic", date=DIAGNOSTIC_DAY)
        side.result_count = services.results_save(
            actor=side.users["educator"], assessment=side.diagnostic,
            cells={(side.learners[0].pk, competency(framework, "MATH-NUM-2").pk): 1,
                   (side.learners[1].pk, competency(framework, "MATH-NUM-2").pk): 2,
                   (side.learners[2].pk, competency(framework, "MATH-NUM-2").pk): "absent"})
    world["framework"] = framework
    return world

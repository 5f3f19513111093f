"""Early warning: a class of three learners in the own centre and the helpers to give them a history."""

import datetime

import pytest
from django.utils import translation

from forsa.attendance import services as attendance_services
from forsa.earlywarning import services
from tests.api.conftest import api_as  # noqa: F401 (the API tests sign in with it)
from tests.factories import make_group, make_learner

D = datetime.date.fromisoformat
ABSENT, LATE = {"kind": "absent"}, {"kind": "late"}
START = "2026-09-15"


@pytest.fixture(autouse=True)
def french():
    """Services called outside a request speak French, whatever ran before."""
    with translation.override("fr"):
        yield


def roll(actor, group, day, marks=None, slot="morning"):
    return attendance_services.roll_call_record(actor=actor, group=group, date=D(day), slot=slot,
                                                marks=marks or {})


def school_days(first, last):
    day, days = D(first), []
    while day <= D(last):
        if day.weekday() < 5:
            days.append(day.isoformat())
        day += datetime.timedelta(days=1)
    return days


@pytest.fixture
def klass(world):
    """A catch-up group of the own centre taught by the own educator: Amina, Bilal, Chaimae from 15 Sept."""
    own = world["own"]
    group = make_group(own.center, educators=[own.users["educator"]])
    learners = [make_learner(own.center, groups=[group], first_name=name, start_date=START,
                             birth_date=f"2011-0{i + 1}-10")
                for i, name in enumerate(("Amina", "Bilal", "Chaimae"))]
    return group, learners


@pytest.fixture
def scored(world, klass):
    """Amina absent all week of 2 November (high, an alert to the counsellor); the same in the foreign centre."""
    group, learners = klass
    roll_days = school_days("2026-11-02", "2026-11-06")
    for day in roll_days:
        roll(world["own"].users["educator"], group, day, {learners[0].pk: ABSENT})
    foreign = world["foreign"]
    foreign.group = make_group(foreign.center, educators=[foreign.users["educator"]])
    foreign.learner = make_learner(foreign.center, groups=[foreign.group], first_name="Farah", start_date="2026-09-15")
    for day in roll_days:
        roll(foreign.users["educator"], foreign.group, day, {foreign.learner.pk: ABSENT})
    services.risk_score_all(as_of=D("2026-11-06"))
    return group, learners

"""The demo's basic skills: a diagnostic and a periodic assessment for assessed classes, levels within
the scale, some absences, progress the indicators can read, remediation groups at the demo centre."""

import pytest
from django.db.models import Count

from forsa.accounts.models import User
from forsa.assessments import selectors
from forsa.assessments.models import Assessment, Framework, RemediationGroup, Result
from forsa.demo.reference import REFERENCE_DATE
from forsa.learners.selectors import expected_learners
from tests.demo.test_seed_demo import seed_quickly

pytestmark = pytest.mark.django_db


def test_demo_assessments():
    report = seed_quickly(1, learners=300)
    assert Framework.objects.get().status == "published"
    kinds = dict(Assessment.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds["diagnostic"] >= 3 and kinds["periodic"] >= 3
    assert not Assessment.objects.filter(date__gt=REFERENCE_DATE).exists()
    assert report.created["results"] == Result.objects.count() > 1000
    assert Result.objects.filter(absent=True).exists()
    levels = set(Result.objects.filter(absent=False).values_list("level", flat=True))
    assert levels <= {1, 2, 3, 4} and len(levels) == 4
    # Every result is for a learner placed in the group on the assessment date.
    for assessment in Assessment.objects.order_by("pk")[:5]:
        placed = expected_learners(group=assessment.group, day=assessment.date)
        assert set(assessment.results.values_list("learner_id", flat=True)) <= set(placed)
    educator = User.objects.get(email="educator@demo.forsa.ma")
    assert RemediationGroup.objects.filter(facilitator=educator).count() == 2
    assert Assessment.objects.for_user(educator).exists()
    table = selectors.indicators(user=User.objects.get(email="national.admin@demo.forsa.ma"),
                                 school_year="2026-2027")
    math = [p.code for p in table["poles"]].index("MATH")
    assert 0 < table["total"][math]["gained"] < table["total"][math]["measured"]

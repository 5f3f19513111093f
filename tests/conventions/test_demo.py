"""The demo's round of conventions: at least 16 signed conventions across several regions, tranches
and reports in varied states, the demo association's application and convention, the evaluator."""

from collections import Counter
from unittest import mock

import pytest
from django.test import override_settings

from forsa.accounts.models import Membership
from forsa.conventions import selectors
from forsa.conventions.models import Amendment, Application, CallForProjects, Convention, Report, Review, Tranche
from forsa.demo.seed import seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with (override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
          mock.patch("forsa.demo.reference.territory_load", return_value={})):
        return seed_demo(seed=1, learners=300)


def test_a_realistic_round(demo):
    assert demo.created["applications"] == Application.objects.count() == 46
    statuses = Counter(Application.objects.values_list("status", flat=True))
    assert statuses == {"retained": 22, "not_retained": 24}
    assert all(a.decision_reason for a in Application.objects.all())
    assert Counter(CallForProjects.objects.values_list("status", flat=True)) == {"decided": 3, "open": 1}
    signed = Convention.objects.exclude(status=Convention.Status.DRAFT)
    assert signed.count() >= 16 and signed.values("region").distinct().count() >= 4
    assert all(c.signed_document and c.signed_on for c in signed)
    assert Counter(Convention.objects.values_list("status", flat=True))["suspended"] == 1
    assert set(Report.objects.values_list("status", flat=True)) == {"approved", "submitted", "returned", "expected"}
    assert set(Tranche.objects.values_list("status", flat=True)) == {"planned", "released"}
    assert Amendment.objects.count() == 1
    assert Review.objects.filter(status="submitted").count() == 92


def test_every_demo_role_finds_something(demo):
    membership = Membership.objects.select_related("user").get(user__email="association.manager@demo.forsa.ma")
    manager, association = membership.user, membership.association
    assert selectors.convention_list(user=manager).filter(association=association).exists()
    assert selectors.application_list(user=manager).exists()
    reviewer = Membership.objects.get(user__email="reviewer@demo.forsa.ma").user
    assert selectors.my_reviews(user=reviewer).count() == 46
    casablanca = Membership.objects.get(user__email="region.casablanca@demo.forsa.ma").user
    assert selectors.convention_list(user=casablanca).count() >= 7
    performance = selectors.performance_of(selectors.convention_list(user=casablanca))
    assert any(p.enrolled for p in performance.values())  # measured from the seeded learners
    assert any(p.alerts for p in performance.values())
    open_call = CallForProjects.objects.get(status="open")
    assert open_call.region.code == "06"

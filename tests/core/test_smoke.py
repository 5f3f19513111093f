from django.conf import settings

from forsa.territory.models import Commune, Province, Region


def test_tests_run_with_development_settings():
    # pytest-django forces DEBUG off during tests; the cookie flag shows which settings loaded.
    assert settings.SESSION_COOKIE_SECURE is False


def test_territory_counts(db):
    assert (Region.objects.count(), Province.objects.count(), Commune.objects.count()) == (12, 83, 1503)

"""Shared fixtures: the territory is loaded once per test database; people by role."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from tests.factories import make_user
from tests.tools import require


def pytest_collection_modifyitems(items):
    """Under pytest-xdist (``-n 2``; ``--dist loadgroup`` is in pyproject), the browser tests run on one worker.

    They share one demo server, seeded once per worker (tests/browser/conftest.py): spread over
    every worker, each would seed its own.
    """
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_territory", verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # argon2 is deliberately slow; tests create dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language, whatever the one before it left active.

    A request through the test client leaves its language active on the thread, and a lazy
    message read after it would come out in that language.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db):
    """Two regions, each with an association running a centre, and a user per role in each."""
    from tests.factories import build_world

    return build_world()


@pytest.fixture
def national_admin(db):
    return make_user("national_admin")


@pytest.fixture(scope="session")
def pdftotext():
    """Poppler's pdftotext, to read a generated PDF's text back (see tests/tools.py when it is missing)."""
    return require("pdftotext", "poppler-utils")


@pytest.fixture(scope="session")
def pdftoppm():
    """Poppler's pdftoppm, to render a generated PDF's pages."""
    return require("pdftoppm", "poppler-utils")

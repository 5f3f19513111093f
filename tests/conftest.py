"""Shared fixtures: the territory is loaded once per test database; people by role."""

import pytest
from django.core.management import call_command

from tests.factories import make_user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_territory", verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # argon2 is deliberately slow; tests create dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """Two regions, each with an association running a centre, and a user per role in each."""
    from tests.factories import build_world

    return build_world()


@pytest.fixture
def national_admin(db):
    return make_user("national_admin")

"""Two-factor sign-in (TOTP): who must use it, the set-up, the code at sign-in, the API, throttling."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from forsa.audit.models import AuditEntry


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def two_factor_on(settings):
    settings.FORSA_TWO_FACTOR = True


def test_a_national_admin_must_set_it_up_before_anything_else(client, world, two_factor_on):
    admin = world["national_admin"]
    client.force_login(admin)
    response = client.get(reverse("centers:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup") + "?next=%2Fcentres%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"<svg" in page.content  # the QR code, inline
    device = TOTPDevice.objects.get(user=admin, confirmed=False)

    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000" if current_code(device) != "000000"
                                                               else "111111", "next": "/centres/"})
    assert wrong.status_code == 200 and wrong.context["form"].has_error("token", code="wrong_code")
    device.refresh_from_db()
    assert not device.confirmed

    device.throttle_reset()
    done = client.post(reverse("accounts:two_factor_setup"), {"token": current_code(device), "next": "/centres/"})
    assert done.status_code == 302 and done["Location"] == "/centres/"
    assert TOTPDevice.objects.get(user=admin).confirmed
    assert client.get(reverse("centers:list")).status_code == 200
    assert AuditEntry.objects.filter(actor=admin, changes__two_factor=[False, True]).exists()


def test_the_key_stays_the_same_when_the_setup_page_is_reloaded(client, world, two_factor_on):
    client.force_login(world["national_admin"])
    first = client.get(reverse("accounts:two_factor_setup")).context["key"]
    assert client.get(reverse("accounts:two_factor_setup")).context["key"] == first
    assert TOTPDevice.objects.filter(user=world["national_admin"]).count() == 1


def test_a_user_with_a_device_gives_the_code_at_sign_in(client, world):
    """Off by default in the demo, yet whoever turned it on for themselves is always asked."""
    educator = world["own"].users["educator"]
    device = TOTPDevice.objects.create(user=educator, name="phone", confirmed=True)
    client.force_login(educator)
    response = client.get(reverse("learners:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor_verify"))
    api = client.get("/api/v1/centers")
    assert api.status_code == 403 and "deux étapes" in api.json()["detail"]  # French, the default language
    assert b'class="mainnav"' not in client.get(response["Location"]).content  # no menu leading back here

    wrong = client.post(reverse("accounts:two_factor_verify"), {"token": "12345", "next": "/learners/"})
    assert wrong.context["form"].errors["token"]  # not six digits
    done = client.post(reverse("accounts:two_factor_verify"), {"token": current_code(device), "next": "/learners/"})
    assert done.status_code == 302 and done["Location"] == "/learners/"
    assert client.get(reverse("learners:list")).status_code == 200
    assert client.get("/api/v1/centers").status_code == 200
    assert b'class="mainnav"' in client.get(reverse("accounts:two_factor_verify")).content


def test_wrong_codes_are_throttled(client, world):
    educator = world["own"].users["educator"]
    device = TOTPDevice.objects.create(user=educator, name="phone", confirmed=True)
    client.force_login(educator)
    bad = "000000" if current_code(device) != "000000" else "111111"
    client.post(reverse("accounts:two_factor_verify"), {"token": bad})
    second = client.post(reverse("accounts:two_factor_verify"), {"token": current_code(device)})
    assert second.status_code == 200
    assert second.context["form"].has_error("token", code="throttled")


def test_the_next_address_must_stay_on_this_site(client, world):
    educator = world["own"].users["educator"]
    device = TOTPDevice.objects.create(user=educator, name="phone", confirmed=True)
    client.force_login(educator)
    done = client.post(reverse("accounts:two_factor_verify"), {"token": current_code(device),
                                                                 "next": "https://evil.example/"})
    assert done["Location"] == "/"


def test_off_by_default_in_the_demo_and_checked_once_per_session(client, world):
    admin = world["national_admin"]
    client.force_login(admin)
    assert client.get(reverse("reporting:home")).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reporting:home")).status_code == 200
    assert not [q for q in queries.captured_queries if "otp_totp" in q["sql"]]


def test_required_roles_cannot_turn_it_off_others_can(client, world, two_factor_on):
    educator = world["own"].users["educator"]
    TOTPDevice.objects.create(user=educator, name="phone", confirmed=True)
    client.force_login(educator)
    client.post(reverse("accounts:two_factor_verify"), {"token": current_code(educator.totpdevice_set.get())})
    assert client.post(reverse("accounts:two_factor_remove")).status_code == 302
    assert not TOTPDevice.objects.filter(user=educator).exists()

    admin = world["national_admin"]
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client.force_login(admin)
    client.post(reverse("accounts:two_factor_verify"), {"token": current_code(device)})
    assert client.post(reverse("accounts:two_factor_remove")).status_code == 403
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_deploy_check_warns_when_it_is_off_in_production(settings):
    settings.DEBUG = False
    settings.FORSA_TWO_FACTOR = False
    with pytest.raises(SystemCheckError, match="forsa.W002"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")

"""The security baseline of DESIGN.md, checked on real responses."""

import os
import re
import subprocess
import sys
import time

import pytest
from django.urls import reverse

import forsa.settings as forsa_settings
from forsa.accounts.middleware import SessionTimeoutMiddleware
from tests.factories import PASSWORD

PAGES = ["reporting:home", "territory:regions", "organizations:list", "centers:list", "centers:create",
         "accounts:profile"]
FOREIGN_HOST = re.compile(r"""(?:src|href|action)=["'](?:https?:)?//(?!127\.0\.0\.1|localhost)""")


@pytest.mark.parametrize("route", PAGES)
def test_pages_send_a_strict_csp_and_load_nothing_from_elsewhere(client, world, route):
    client.force_login(world["national_admin"])
    response = client.get(reverse(route))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe" not in csp  # a nonce appears only if a page needs one
    assert not FOREIGN_HOST.search(response.content.decode())
    assert "no-store" in response["Cache-Control"]


def test_login_page_has_csp_and_no_foreign_host(client, db):
    response = client.get(reverse("accounts:login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert not FOREIGN_HOST.search(response.content.decode())


def test_production_settings_pass_check_deploy(tmp_path):
    # The static manifest collectstatic writes (forsa.E010; collected for real in test_static_manifest.py).
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1", "hash": "0"}')
    env = os.environ | {
        "FORSA_DEBUG": "0", "FORSA_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
        "FORSA_ALLOWED_HOSTS": "forsa.example.ma", "FORSA_STATIC_ROOT": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, cwd=forsa_settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "FORSA_SECRET_KEY"} | {"FORSA_DEBUG": "0"}
    for command in (["manage.py", "check", "--deploy"], ["-c", "import forsa.wsgi"]):
        result = subprocess.run([sys.executable, *command], env=env, capture_output=True, text=True,
                                cwd=forsa_settings.BASE_DIR)
        assert result.returncode != 0 and "FORSA_SECRET_KEY" in result.stderr, command


def test_schema_commands_need_no_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("FORSA_SECRET_KEY", "FORSA_DEBUG")}
    result = subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], env=env,
                            capture_output=True, text=True, cwd=forsa_settings.BASE_DIR)
    assert result.returncode == 0 and "No changes detected" in result.stdout, result.stderr


def test_passwords_are_argon2_and_at_least_12_characters():
    assert forsa_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    lengths = [v["OPTIONS"]["min_length"] for v in forsa_settings.AUTH_PASSWORD_VALIDATORS if "OPTIONS" in v]
    assert lengths == [12]


@pytest.mark.parametrize("idle_minutes, signed_in_hours, still_in", [(5, 1, True), (31, 1, False), (5, 11, False)])
def test_session_idle_and_absolute_timeouts(client, world, idle_minutes, signed_in_hours, still_in):
    client.force_login(world["national_admin"])
    session = client.session
    now = time.time()
    session[SessionTimeoutMiddleware.LOGIN_AT] = now - signed_in_hours * 3600
    session[SessionTimeoutMiddleware.SEEN_AT] = now - idle_minutes * 60
    session.save()
    response = client.get(reverse("reporting:home"))
    assert (response.status_code == 200) is still_in


def test_login_is_throttled_after_repeated_failures(client, world):
    user = world["national_admin"]
    for _ in range(forsa_settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": user.email, "password": "wrong password!"})
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_cookies_are_httponly_and_samesite(client, world):
    response = client.post(reverse("accounts:login"), {"username": world["national_admin"].email, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"

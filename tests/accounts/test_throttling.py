"""Sign-in throttling: the pair (account, address) after 8 failures, the account alone after 24, never an address."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from forsa.audit.models import AuditEntry
from tests.factories import PASSWORD, make_user

SHARED = "196.200.10.1"  # a centre's one public address
WRONG = "not the password at all"


@pytest.fixture
def accounts(db):
    return make_user("educator"), make_user("educator")


def sign_in(client, email, password, address=SHARED, language="fr"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def fail(client, email, times, address=SHARED):
    return [sign_in(client, email, WRONG, address).status_code for _ in range(times)]


def signed_in(response, client):
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_the_limits_are_the_documented_ones():
    assert (settings.FORSA_LOGIN_FAILURE_LIMIT, settings.FORSA_ACCOUNT_FAILURE_LIMIT) == (8, 24)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "username"]


def test_an_address_is_never_locked_for_one_accounts_mistakes(client, accounts):
    a, b = accounts
    statuses = fail(client, a.email, settings.FORSA_LOGIN_FAILURE_LIMIT)
    assert statuses[:-1] == [200] * (settings.FORSA_LOGIN_FAILURE_LIMIT - 1) and statuses[-1] == 429
    # The account is locked at that address, even with its right password…
    assert sign_in(client, a.email, PASSWORD).status_code == 429
    # …while a colleague behind the same address signs in.
    response = sign_in(client, b.email, PASSWORD)
    assert signed_in(response, client)
    client.logout()
    # And the account itself, from another address, is not locked by 8 failures.
    assert signed_in(sign_in(client, a.email, PASSWORD, address="41.250.3.4"), client)


def test_the_email_counts_whatever_its_case(client, accounts):
    a, _b = accounts
    for n in range(settings.FORSA_LOGIN_FAILURE_LIMIT):
        sign_in(client, a.email.upper() if n % 2 else a.email, WRONG)
    assert sign_in(client, f"  {a.email.title()} ", PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {a.email.lower()}


def test_guesses_spread_over_many_addresses_lock_the_account(client, accounts):
    a, b = accounts
    limit = settings.FORSA_ACCOUNT_FAILURE_LIMIT
    # 3 guesses from each of 8 addresses: no pair reaches its limit of 8.
    statuses = [sign_in(client, a.email, WRONG, address=f"102.50.{n // 3}.7").status_code for n in range(limit)]
    assert statuses[:-1] == [200] * (limit - 1) and statuses[-1] == 429
    # Locked from everywhere, the owner's address included…
    assert sign_in(client, a.email, PASSWORD, address="105.66.1.1").status_code == 429
    # …and no address is: another account signs in from the guessers' addresses.
    assert signed_in(sign_in(client, b.email, PASSWORD, address="102.50.0.7"), client)


def test_below_the_limits_the_right_password_still_signs_in(client, accounts):
    a, _b = accounts
    fail(client, a.email, settings.FORSA_LOGIN_FAILURE_LIMIT - 1)
    assert signed_in(sign_in(client, a.email, PASSWORD), client)
    assert not AccessAttempt.objects.filter(username=a.email).exists()  # reset on success


@pytest.mark.parametrize("language, words", [
    ("fr", ["Réessayez dans 15 minutes"]),
    ("ar", ["15", "دقيقة"]),
    ("en", ["Try again in 15 minutes"]),
])
def test_the_lockout_says_how_long_to_wait_in_the_users_language(client, accounts, language, words):
    a, _b = accounts
    fail(client, a.email, settings.FORSA_LOGIN_FAILURE_LIMIT)
    response = sign_in(client, a.email, PASSWORD, language=language)
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    page = response.content.decode()
    assert f'lang="{language}"' in page
    for word in words:
        assert word in page


def test_the_wait_counts_down_from_the_last_failure(client, accounts):
    a, _b = accounts
    fail(client, a.email, settings.FORSA_LOGIN_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get(username=a.email)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - timedelta(minutes=6))
    response = sign_in(client, a.email, PASSWORD, language="ar")
    assert response.status_code == 429
    assert 8 * 60 < int(response["Retry-After"]) <= 9 * 60
    assert "9" in response.content.decode()
    # A refused attempt during the lockout does not prolong it.
    assert AccessAttempt.objects.get(pk=attempt.pk).failures_since_start == settings.FORSA_LOGIN_FAILURE_LIMIT
    # Once the cool-off has passed, the right password signs in.
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - timedelta(minutes=16))
    assert signed_in(sign_in(client, a.email, PASSWORD), client)


def test_every_lockout_is_in_the_audit_once(client, accounts):
    a, _b = accounts
    fail(client, a.email, settings.FORSA_LOGIN_FAILURE_LIMIT + 3)  # 3 more refused during the lockout
    sign_in(client, a.email, PASSWORD)
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.LOCKOUT)
    assert entries.count() == 1
    entry = entries.get()
    assert (entry.target_id, entry.actor) == (str(a.pk), None)
    assert entry.changes["email"] == a.email and entry.changes["ip_address"] == SHARED
    assert entry.changes["scope"] == "account_and_address"
    assert entry.changes["failures"]["username+ip_address"] == settings.FORSA_LOGIN_FAILURE_LIMIT
    assert entry.changes["wait_seconds"] == 15 * 60


def test_an_account_lockout_is_in_the_audit_with_its_scope(client, accounts):
    a, _b = accounts
    for n in range(settings.FORSA_ACCOUNT_FAILURE_LIMIT):
        sign_in(client, a.email, WRONG, address=f"102.60.{n}.1")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOCKOUT)
    assert entry.changes["scope"] == "account"
    assert entry.changes["failures"]["username"] == settings.FORSA_ACCOUNT_FAILURE_LIMIT


def test_guesses_at_an_unknown_email_are_throttled_and_audited(client, accounts):
    _a, b = accounts
    statuses = fail(client, "nobody@forsa.test", settings.FORSA_LOGIN_FAILURE_LIMIT)
    assert statuses[-1] == 429
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOCKOUT, changes__email="nobody@forsa.test").exists()
    assert signed_in(sign_in(client, b.email, PASSWORD), client)

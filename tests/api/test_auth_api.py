"""Session auth (with CSRF) for the browser, hashed personal tokens for integrations."""

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from forsa.accounts.models import ApiToken
from forsa.accounts.services import api_token_create, api_token_revoke
from forsa.centers.models import Center
from tests.api.conftest import API, codes, queries_for
from tests.api.test_centers_api import payload

pytestmark = pytest.mark.django_db


def bearer(raw):
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_valid_token_reads_within_its_owners_scope(world):
    user = world["own"].users["regional_manager"]
    _, raw = api_token_create(actor=user, name="SIG")
    client = bearer(raw)
    assert codes(client.get(f"{API}/centers")) == {world["own"].center.code}
    assert client.get(f"{API}/centers/{world['foreign'].center.pk}").status_code == 404


def test_token_writes_without_csrf(world):
    _, raw = api_token_create(actor=world["national_admin"], name="import")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    response = client.post(f"{API}/centers", payload(world), content_type="application/json")
    assert response.status_code == 201, response.content
    assert Center.objects.get(code="API-0001").created_by == world["national_admin"]


def test_revoked_token_gets_401(world):
    user = world["own"].users["regional_manager"]
    token, raw = api_token_create(actor=user, name="old")
    assert bearer(raw).get(f"{API}/centers").status_code == 200
    api_token_revoke(actor=user, token=token)
    response = bearer(raw).get(f"{API}/centers")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_token_of_an_inactive_user_gets_401(world):
    user = world["own"].users["regional_manager"]
    _, raw = api_token_create(actor=user, name="SIG")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert bearer(raw).get(f"{API}/centers").status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer fa_not-a-token", "Bearer ", "Token abc", "Basic Zm9vOmJhcg=="]
)
def test_unknown_or_malformed_credentials_get_401(world, header):
    response = Client(headers={"Authorization": header}).get(f"{API}/centers")
    assert response.status_code == 401


def test_only_the_digest_is_stored(world):
    token, raw = api_token_create(actor=world["national_admin"], name="SIG")
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert row["digest"] == hashlib.sha256(raw.encode()).hexdigest() == ApiToken.digest_of(raw)
    assert all(raw not in str(value) for value in row.values())
    assert raw[3:].startswith(row["prefix"])  # a short prefix to recognise it, not the secret
    assert len(row["prefix"]) == ApiToken.PREFIX_LENGTH


def test_last_used_at_is_written_at_most_once_a_minute(world):
    token, raw = api_token_create(actor=world["national_admin"], name="SIG")
    assert token.last_used_at is None
    client = bearer(raw)
    client.get(f"{API}/regions")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(f"{API}/regions")
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get(f"{API}/regions")
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=1)
    assert token.last_used_at <= timezone.now()


def test_token_requests_speak_the_owners_language(world):
    user = world["own"].users["regional_manager"]
    user.language = "en"
    user.save(update_fields=["language"])
    _, raw = api_token_create(actor=user, name="SIG")
    data = {k: v for k, v in payload(world).items() if k != "commune"}
    response = bearer(raw).post(
        f"{API}/centers", data, content_type="application/json", headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 422
    assert response["Content-Language"] == "en"
    assert response.json()["errors"]["commune"] == ["This field is required."]


def test_token_list_query_count_is_bounded(world, django_assert_max_num_queries):
    _, raw = api_token_create(actor=world["own"].users["regional_manager"], name="SIG")
    # token with its user, memberships, count, page, trades (last_used_at written once a minute)
    queries_for(bearer(raw), f"{API}/centers", django_assert_max_num_queries, 5)


def test_anonymous_gets_401(client, world):
    response = client.get(f"{API}/centers")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_session_write_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["national_admin"])
    response = client.post(f"{API}/centers", payload(world), content_type="application/json")
    assert response.status_code == 403
    assert not Center.objects.filter(code="API-0001").exists()

    assert client.get(f"{API}/docs").status_code == 200  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"{API}/centers", payload(world), content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201, response.content


def test_session_reads_need_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["own"].users["educator"])
    assert codes(client.get(f"{API}/centers")) == {world["own"].center.code}


def test_stale_token_falls_back_to_a_valid_session(world):
    """A browser with a session keeps working even if it sends a stale token."""
    client = Client(headers={"Authorization": "Bearer fa_stale"})
    client.force_login(world["own"].users["educator"])
    assert client.get(f"{API}/centers").status_code == 200

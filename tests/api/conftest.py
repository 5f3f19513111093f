"""Helpers for the API tests: sign in a user (session or token) and count queries."""

import pytest
from django.test import Client

from forsa.accounts.services import api_token_create

API = "/api/v1"


@pytest.fixture
def api_as(client):
    """``api_as(user)``: the test client with ``user`` signed in through the session."""

    def sign_in(user):
        client.logout()
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def token_client():
    """``token_client(user)``: a client sending a fresh personal API token of ``user``."""

    def make(user):
        _, raw = api_token_create(actor=user, name="integration")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def queries_for(client, url, assert_max_num_queries, bound):
    """The queries one GET runs, which must be at most ``bound`` (and answer 200).

    A first request is made and not counted: it writes the session (sign-in time).
    """
    assert client.get(url).status_code == 200
    with assert_max_num_queries(bound) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def codes(response):
    """The ``code`` of every row of a paginated answer."""
    return {row["code"] for row in response.json()["items"]}

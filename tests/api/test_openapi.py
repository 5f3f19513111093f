"""The OpenAPI document and the docs page, served from this server only."""

import json
import re

import pytest
from django.contrib.staticfiles import finders

from tests.api.conftest import API

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/regions": {"get"},
    "/api/v1/regions/{code}": {"get"},
    "/api/v1/provinces": {"get"},
    "/api/v1/provinces/{code}": {"get"},
    "/api/v1/communes": {"get"},
    "/api/v1/associations": {"get"},
    "/api/v1/associations/{association_id}": {"get"},
    "/api/v1/trades": {"get"},
    "/api/v1/centers": {"get", "post"},
    "/api/v1/centers/{center_id}": {"get", "patch"},
    "/api/v1/learners": {"get", "post"},
    "/api/v1/learners/{learner_id}": {"get", "patch"},
    "/api/v1/learners/{learner_id}/transfer": {"post"},
    "/api/v1/learners/{learner_id}/exit": {"post"},
    "/api/v1/learners/{learner_id}/consents/{consent_id}/withdraw": {"post"},
    "/api/v1/learners/{learner_id}/access-log": {"get"},
    "/api/v1/follow-ups": {"get"},
    "/api/v1/follow-ups/{follow_up_id}": {"post"},
}


def test_openapi_document_lists_the_paths(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "1"
    published = {path: set(ops) for path, ops in document["paths"].items()}
    # Each of these is published with exactly these methods (other apps add their own paths).
    assert {path: published.get(path) for path in PATHS} == PATHS


def test_openapi_document_describes_auth_and_payloads(client):
    document = client.get(f"{API}/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    assert any(s["type"] == "apiKey" and s["in"] == "cookie" for s in schemes.values())

    create = document["paths"]["/api/v1/centers"]["post"]
    assert set(create["responses"]) >= {"201", "403", "422"}
    params = {p["name"] for p in document["paths"]["/api/v1/centers"]["get"]["parameters"]}
    assert params == {"q", "region", "province", "association", "status", "trade", "page", "page_size"}
    center_in = document["components"]["schemas"]["CenterIn"]
    assert set(center_in["required"]) == {"code", "name_fr", "commune", "association", "capacity"}
    assert set(center_in["properties"]) == {
        "code", "name_fr", "name_ar", "commune", "address", "latitude", "longitude",
        "association", "opening_date", "status", "capacity", "trades",
    }
    association = document["components"]["schemas"]["AssociationOut"]["properties"]
    assert {"president", "phone", "email"} <= set(association)


def test_docs_page_is_served_without_any_other_host(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "http://" not in html and "https://" not in html
    references = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert references, html
    for url in references:
        assert url.startswith("/") and not url.startswith("//"), url
        if url.startswith("/static/"):  # shipped with django-ninja, served by this server
            assert finders.find(url.removeprefix("/static/")), url
    settings = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S)[1])
    assert settings["url"] == f"{API}/openapi.json"
    assert settings["validatorUrl"] is None  # Swagger UI would otherwise call swagger.io

"""The API tells the truth (issue 11, "Found"): every case the outside probe found, as a regression test.

Each was a 500 (or a 200 / a silent 201 that should not be) before; each is now a 422 (or 400) naming
the field, with nothing written. The integer overflow fails differently on SQLite (OverflowError in the
driver) and PostgreSQL ("integer out of range"): run these on both.
"""

import datetime

import pytest
from django.conf import settings

from forsa.api import api
from forsa.centers.models import Center
from forsa.conventions.models import Application, Tranche
from forsa.core.ids import MAX_ID
from forsa.learners.models import Learner, Sex
from tests.api.conftest import API
from tests.conventions.conftest import conventions  # noqa: F401 (calls, applications and conventions)
from tests.factories import make_group, make_learner, make_trade

HUGE = "99999999999999999999"  # beyond any 64-bit integer
JSON = {"content_type": "application/json"}


def errors(response, status=422):
    assert response.status_code == status, response.content
    return response.json()["errors"]


def openapi():
    return api.get_openapi_schema(path_prefix="/api/v1")


def paged_lists():
    """Every list of the document that takes ``page`` and names no object in its path."""
    return sorted(path for path, operations in openapi()["paths"].items() if "{" not in path
                  for operation in operations.values()
                  if any(p["name"] == "page" for p in operation.get("parameters", [])))


@pytest.fixture
def admin(api_as, world):
    return api_as(world["national_admin"])


def test_paged_lists_are_found():
    assert {"/api/v1/centers", "/api/v1/learners", "/api/v1/attendance/rolls", "/api/v1/applications",
            "/api/v1/conventions"} <= set(paged_lists())


@pytest.mark.parametrize("path", paged_lists())
def test_a_page_beyond_any_count_is_a_422_naming_page(admin, path):
    assert "page" in errors(admin.get(f"{path}?page={HUGE}"))
    assert "page" in errors(admin.get(f"{path}?page=0"))


@pytest.mark.parametrize("url,field", [
    (f"/applications?call={HUGE}", "call"),
    (f"/attendance/rolls?center={HUGE}", "center"),
    (f"/attendance/rolls?group={MAX_ID + 1}", "group"),
    (f"/centers?association={HUGE}", "association"),
    (f"/learners?center={HUGE}", "center"),
    (f"/centers/{HUGE}", "center_id"),
    (f"/learners/{HUGE}", "learner_id"),
    (f"/conventions/{HUGE}", "convention_id"),
])
def test_a_huge_id_in_a_query_or_path_is_a_422_naming_it(admin, url, field):
    assert field in errors(admin.get(f"{API}{url}"))


def test_the_largest_id_is_read_as_an_id_that_names_nothing(admin):
    assert admin.get(f"{API}/centers/{MAX_ID}").status_code == 404
    response = admin.get(f"{API}/attendance/rolls?center={MAX_ID}")
    assert response.status_code == 200 and response.json()["items"] == []


@pytest.mark.parametrize("query", ["year=0", "year=10000", "year=-5"])
def test_a_year_out_of_range_is_a_422(admin, query):
    assert "year" in errors(admin.get(f"{API}/conventions?{query}"))


@pytest.mark.parametrize("query", ["date_to=0", "date_from=1700000000", "date_to=2026-13-01", "date_to=20261005"])
def test_a_number_is_not_a_date(admin, query):
    assert query.split("=")[0] in errors(admin.get(f"{API}/attendance/rolls?{query}"))


def test_dates_written_in_full_are_read(admin):
    assert admin.get(f"{API}/attendance/rolls?date_from=2026-09-01&date_to=2026-10-05").status_code == 200


def test_null_on_a_column_that_cannot_be_null_is_a_422_and_nothing_changes(admin, world):
    center = world["own"].center
    for field in ("address", "code", "name_fr", "status", "capacity", "commune", "association", "trades"):
        response = admin.patch(f"{API}/centers/{center.pk}", {field: None}, **JSON)
        assert field in errors(response), field
    center.refresh_from_db()
    assert center.address == "" and center.code.startswith("C-01-")
    # the nullable ones may be cleared
    response = admin.patch(f"{API}/centers/{center.pk}", {"opening_date": None, "latitude": None}, **JSON)
    assert response.status_code == 200, response.content


def test_a_huge_or_foreign_group_in_an_intake_is_a_422_naming_it(api_as, world):
    own = world["own"]
    client = api_as(own.users["center_director"])
    foreign_group = make_group(world["foreign"].center)
    intake = {"center": own.center.pk, "school_year": "2026-2027", "start_date": "2026-09-15",
              "first_name": "Nadia", "last_name": "Bennani", "sex": "F", "birth_date": "2012-05-02",
              "commune": own.center.commune.code, "last_level": "P5", "referral": "outreach"}
    before = Learner.objects.count()
    assert "groups.0" in errors(client.post(f"{API}/learners", intake | {"groups": [int(HUGE)]}, **JSON))
    message = errors(client.post(f"{API}/learners", intake | {"groups": [foreign_group.pk]}, **JSON))["groups"][0]
    assert str(foreign_group.pk) in message
    assert Learner.objects.count() == before


def test_a_huge_or_foreign_report_of_a_tranche_is_a_422_naming_it(api_as, conventions):  # noqa: F811
    own, foreign = conventions["own"], conventions["foreign"]
    convention = own.conventions.convention
    client = api_as(own.users["regional_manager"])
    plan = {"planned_amount": "1000", "planned_on": "2026-12-01"}
    url = f"{API}/conventions/{convention.pk}/tranches"
    assert "required_reports.0" in errors(client.post(url, plan | {"required_reports": [int(HUGE)]}, **JSON))
    foreign_report = foreign.conventions.convention.reports.create(
        kind="activity", period="T1", due_on=datetime.date(2026, 12, 31))
    message = errors(client.post(url, plan | {"required_reports": [foreign_report.pk]}, **JSON))["required_reports"][0]
    assert str(foreign_report.pk) in message
    assert not Tranche.objects.filter(convention=convention).exists()


def test_an_application_with_a_foreign_centre_or_an_unknown_trade_is_a_422_and_nothing_is_written(
        api_as, conventions):  # noqa: F811
    own, foreign = conventions["own"], conventions["foreign"]
    call = own.conventions.call
    client = api_as(own.users["association_manager"])
    make_trade("couture")
    payload = {"call": call.pk, "association": own.association.pk, "title": "Projet", "centers": [own.center.pk],
               "trades": ["couture"]}
    before = Application.objects.count()
    message = errors(client.post(f"{API}/applications", payload | {"centers": [own.center.pk, foreign.center.pk]},
                                 **JSON))["centers"][0]
    assert str(foreign.center.pk) in message and str(own.center.pk) not in message
    assert "nope" in errors(client.post(f"{API}/applications", payload | {"trades": ["couture", "nope"]},
                                        **JSON))["trades"][0]
    assert "association" in errors(client.post(f"{API}/applications",
                                               payload | {"association": foreign.association.pk}, **JSON))
    assert "call" in errors(client.post(f"{API}/applications", payload | {"call": int(HUGE) // 10**3}, **JSON))
    assert Application.objects.count() == before
    response = client.post(f"{API}/applications", payload, **JSON)
    assert response.status_code == 201, response.content
    assert (response.json()["centers"], response.json()["trades"]) == ([own.center.pk], ["couture"])


def _no_boundary(client, url):
    return client.post(url, b"--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--x--\r\n",
                       content_type="multipart/form-data")


def test_multipart_without_a_boundary_is_a_400(api_as, conventions):  # noqa: F811
    own = conventions["own"]
    convention = own.conventions.convention
    report = convention.reports.create(kind="activity", period="T1", due_on=datetime.date(2026, 12, 31))
    client = api_as(own.users["regional_manager"])
    for url in (f"{API}/reports/{report.pk}/submit", f"{API}/conventions/{convention.pk}/sign",
                f"{API}/applications/{own.conventions.application.pk}/documents"):
        response = _no_boundary(client, url)
        assert response.status_code == 400, (url, response.content)
        assert response.json()["detail"]


def test_a_learner_file_placement_names_its_group_centre(api_as, world):
    own = world["own"]
    group = make_group(own.center)
    learner = make_learner(own.center, groups=[group])
    body = api_as(own.users["center_director"]).get(f"{API}/learners/{learner.pk}").json()
    group_out = body["enrollments"][0]["placements"][0]["group"]
    assert group_out["center"] == {"id": own.center.pk, "code": own.center.code, "name": own.center.name}


def test_choices_are_enums_from_the_models():
    schemas = openapi()["components"]["schemas"]
    assert schemas["CenterOut"]["properties"]["status"]["enum"] == Center.Status.values
    assert set(schemas["ApplicationOut"]["properties"]["status"]["enum"]) == set(Application.Status.values)
    assert set(schemas["LearnerIn"]["properties"]["sex"]["enum"]) == set(Sex.values)
    orphanhood = schemas["LearnerIn"]["properties"]["orphanhood"]["enum"]
    assert "" in orphanhood and "both" in orphanhood


def test_formats_and_ranges_are_declared():
    schemas = openapi()["components"]["schemas"]
    roll = schemas["RollIn"]["properties"]
    assert roll["date"]["format"] == "date"
    assert (roll["group"]["minimum"], roll["group"]["maximum"]) == (1, MAX_ID)
    page = next(p for p in openapi()["paths"]["/api/v1/centers"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["maximum"] >= settings.FORSA_PAGE_SIZE
    assert "default" not in schemas["CenterPatch"]["properties"]["address"]
    assert schemas["CenterPatch"]["properties"]["address"]["type"] == "string"  # not nullable


def test_every_operation_documents_its_errors_and_their_body():
    document = openapi()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("400", "401", "403", "404", "422"):
                assert status in {str(code) for code in responses}, (method, path, status)
            body = responses.get(422, responses.get("422"))["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ValidationErrorOut"}, (method, path)
    assert set(document["components"]["schemas"]["ValidationErrorOut"]["required"]) == {"detail", "errors"}


def test_schema_names_are_unique():
    """OpenAPI components are named after their class: two schemas of one name would share one component,
    and one endpoint's answers would be documented by the other's (a learner file's placements once were)."""
    import importlib
    import inspect
    from pathlib import Path

    from ninja import Schema

    import forsa

    owners = {}
    for module_file in sorted(Path(forsa.__file__).parent.glob("*/schemas.py")):
        module = importlib.import_module(f"forsa.{module_file.parent.name}.schemas")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                owners.setdefault(name, []).append(module.__name__)
    assert {name: modules for name, modules in owners.items() if len(modules) > 1} == {}


def test_a_nul_character_is_a_422_naming_the_field_on_both_databases(admin, world):
    """PostgreSQL cannot store or compare text with NUL (a ValueError in the driver), SQLite would store it."""
    center = world["own"].center
    assert "q" in errors(admin.get(f"{API}/centers?q=a%00b"))
    assert "address" in errors(admin.patch(f"{API}/centers/{center.pk}", {"address": "rue\x00 1"}, **JSON))
    assert "trades.0" in errors(admin.patch(f"{API}/centers/{center.pk}", {"trades": ["a\x00"]}, **JSON))
    assert admin.get(f"{API}/regions/0%001").status_code == 422
    center.refresh_from_db()
    assert "\x00" not in center.address

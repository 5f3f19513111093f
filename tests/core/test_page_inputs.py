"""No 500 from what a page reads in its query string: page numbers, ids, years, choices.

An id or a year out of range reaches the database differently on each engine (OverflowError from
the SQLite driver, "integer out of range" from PostgreSQL, ValueError from the date of year 0):
each is refused first, shown on the filter form as an error naming the field, in the user's language.
"""

import html
import re

import pytest
from django.urls import reverse

from forsa.conventions.filters import ApplicationFilter, ConventionFilter
from forsa.core.filters import YEAR_MAX, YEAR_MIN
from forsa.core.ids import MAX_ID
from forsa.core.pagination import MAX_PAGE, page_number
from forsa.learners.filters import LearnerFilter
from tests.test_route_matrix import page_routes

HUGE = "99999999999999999999"
BAD_PAGES = [HUGE, str(MAX_ID + 1), "0", "-1", "abc", "1e400", "1.5", "", "9" * 5000, "٣"]
BAD_IDS = [HUGE, str(MAX_ID + 1), "-1", "0", "abc", "1.5", "1e3"]

# Every page that shows a list a page at a time.
PAGED = [
    ("organizations:list", None), ("centers:list", None), ("learners:list", None), ("learners:follow_ups", None),
    ("attendance:mine", None), ("assessments:mine", None), ("conventions:list", None), ("conventions:calls", None),
    ("conventions:applications", None), ("conventions:reviews", None), ("earlywarning:list", None),
    ("learners:access_log", "learner"), ("attendance:group", "group"),
]
# Every page with a filter form, the name of that form in its context, and the form's fields.
FILTERED = [
    ("organizations:list", "filter"), ("centers:list", "filter"), ("learners:list", "filter"),
    ("conventions:list", "filter"), ("conventions:applications", "filter"), ("earlywarning:list", "form"),
]


@pytest.fixture
def admin_client(client, world):
    from tests.factories import make_group, make_learner

    group = make_group(world["own"].center)
    world["learner"] = make_learner(world["own"].center, groups=[group])
    world["group"] = group
    client.force_login(world["national_admin"])
    return client


def url_of(world, route, arg):
    return reverse(route, args=[world[arg].pk]) if arg else reverse(route)


def the_form(response, name):
    context = response.context[name]
    return getattr(context, "form", context)


@pytest.mark.parametrize("value, number", [
    ("3", 3), (" 7 ", 7), (HUGE, MAX_PAGE), (str(MAX_PAGE + 1), MAX_PAGE), ("0", 1), ("-4", 1), ("abc", 1),
    ("1e400", 1), ("1.5", 1), ("", 1), (None, 1), ("9" * 5000, MAX_PAGE), ("٣", 1),
])
def test_page_number_is_a_whole_number_between_1_and_the_last_reachable_page(value, number):
    assert page_number(value) == number


def test_every_paged_page_takes_any_page_number(admin_client, world):
    # The paged pages are found from the URL resolver (a page whose context has a page_obj), so a list
    # added later is covered too; PAGED is the floor of what must be found.
    found = []
    for route, arguments in page_routes().items():
        if arguments:
            continue
        response = admin_client.get(reverse(route))
        if response.status_code == 200 and response.context is not None and "page_obj" in response.context:
            found.append((route, None))
    assert {route for route, arg in PAGED if arg is None} <= {route for route, _arg in found}
    for route, arg in dict.fromkeys(found + PAGED):
        url = url_of(world, route, arg)
        assert admin_client.get(url).status_code == 200, url
        for value in BAD_PAGES:
            response = admin_client.get(url, {"page": value})
            assert response.status_code == 200, (url, value[:20])


@pytest.mark.parametrize("route, name", FILTERED)
def test_a_bad_filter_value_is_a_form_error_naming_the_field(admin_client, world, route, name):
    url = reverse(route)
    fields = list(the_form(admin_client.get(url), name).fields)
    for field in fields:
        for value in BAD_IDS:
            response = admin_client.get(url, {field: value})
            assert response.status_code == 200, (url, field, value)
            form = the_form(response, name)
            if field in form.errors:  # some fields take any text (a search): those have no error to show
                page = html.unescape(response.content.decode())
                label = str(form.fields[field].label)
                assert f"{label}: {form.errors[field][0]}" in page, (url, field, value)


@pytest.mark.parametrize("url", ["/conventions/applications/?call=" + HUGE, "/learners/?center=" + HUGE,
                                 "/learners/?group=" + HUGE, "/learners/?center=" + HUGE + "&group=" + HUGE,
                                 "/centres/?association=" + HUGE, "/conventions/?year=0",
                                 "/conventions/?year=" + HUGE, "/early-warning/?center=" + HUGE])
def test_the_reported_inputs_are_errors_in_french_and_arabic(admin_client, url):
    field = url.split("?")[1].split("=")[0]
    for language, in_language in (("fr", re.compile(r"Sélectionnez|Saisissez|Assurez")),
                                  ("ar", re.compile(r"[\u0600-\u06FF]{3}"))):
        admin_client.cookies["forsa_language"] = language
        user = admin_client.get("/").wsgi_request.user
        user.language = language
        user.save(update_fields=["language"])
        response = admin_client.get(url)
        assert response.status_code == 200
        form = response.context.get("filter") or response.context["form"]
        form = getattr(form, "form", form)
        assert field in form.errors, (url, form.errors)
        error = str(form.errors[field][0])
        assert in_language.search(error), (language, error)
        page = html.unescape(response.content.decode())
        assert f"{form.fields[field].label}: {error}" in page, (language, url)


@pytest.mark.parametrize("query", ["year=0", "year=" + HUGE, "year=-1", "year=abc", "status=nope", "region=99"])
def test_an_export_with_a_bad_filter_is_refused_with_the_form_not_a_file(admin_client, query):
    response = admin_client.get("/conventions/export.xlsx?" + query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert query.split("=")[0] in response.context["filter"].form.errors


def test_an_export_with_good_filters_is_a_workbook(admin_client):
    response = admin_client.get("/conventions/export.xlsx?year=2026&status=draft")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]


@pytest.mark.parametrize("value, valid", [
    (str(YEAR_MIN), True), (str(YEAR_MAX), True), ("2026", True), (str(YEAR_MIN - 1), False),
    (str(YEAR_MAX + 1), False), ("0", False), ("-2026", False), (HUGE, False), ("2026.5", False), ("abc", False),
])
def test_a_year_filter_takes_a_plausible_year_only(world, value, valid):
    filterset = ConventionFilter({"year": value}, user=world["national_admin"])
    assert filterset.is_valid() is valid
    list(filterset.qs)  # never raises, whatever the engine


@pytest.mark.parametrize("value, valid", [("1", True), (str(MAX_ID), True), (str(MAX_ID + 1), False),
                                          (HUGE, False), ("0", False), ("-3", False), ("x", False)])
def test_an_id_filter_is_bounded_by_the_ids_range(world, value, valid):
    filterset = ApplicationFilter({"call": value}, user=world["national_admin"])
    assert filterset.is_valid() is valid
    assert list(filterset.qs) == []


def test_an_invalid_filter_lists_nothing_rather_than_everything(world):
    user = world["national_admin"]
    from tests.factories import make_learner

    make_learner(world["own"].center)
    assert LearnerFilter({}, user=user).qs.count() == 1
    assert LearnerFilter({"center": HUGE}, user=user).qs.count() == 0
    assert LearnerFilter({"center": world["own"].center.pk}, user=user).qs.count() == 1


@pytest.mark.parametrize("value", [HUGE, str(MAX_ID + 1), "٣", "-1", "abc"])
def test_ids_read_by_hand_from_a_query_string_never_fail(admin_client, world, value):
    group = world["group"]
    urls = [
        f"/attendance/overview/?region={value}&province={value}",
        f"/assessments/indicators/?region={value}&province={value}",
        f"/learners/new/?center={value}",
        f"/learners/groups/options/?center={value}&school_year={value}",
        f"/learners/groups/options/?center={world['own'].center.pk}&school_year=a%00b",
        reverse("assessments:heatmap", args=[group.pk]) + f"?assessment={value}",
        reverse("assessments:suggestions", args=[group.pk]) + f"?threshold={value}&learner={value}&competency={value}",
    ]
    for url in urls:
        assert admin_client.get(url).status_code in (200, 404), url

"""Every route that names an object × every scoped demo role × an object of another scope → 404.

The routes come from the URL resolver (every named page) and from the API's OpenAPI document (every
operation), not from a hand-kept list: a route added later that takes an object id and has no entry in
OBJECTS fails ``test_every_route_naming_an_object_is_in_the_matrix``, so it cannot ship without a scope test.

The answer to a foreign object is 404 (DESIGN: out of scope looks like non-existent). The few other
answers are in EXPECTED, each with its reason. One world is built once for the whole matrix (about
a thousand requests): the matrix is one test that reports every mismatch at once.
"""

import datetime
import json
import re

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from forsa.accounts.models import User
from forsa.accounts.services import api_token_create
from forsa.api import api
from forsa.assessments import services as assessments
from forsa.assessments.models import BulletinBatch, Framework
from forsa.attendance.services import roll_call_record
from forsa.conventions import services as conventions
from forsa.earlywarning.models import Alert
from forsa.earlywarning.services import intervention_record, risk_score_all
from forsa.learners.selectors import TRANSFER_IN_SALT
from forsa.learners.services import learner_exit
from forsa.organizations.services import public_bodies_ensure
from forsa.reporting.models import AnnualReport
from tests.conventions.conftest import build_side
from tests.factories import make_group, make_learner, make_user

D = datetime.date.fromisoformat
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
API = "/api/v1"

# The demo roles with a scope of their own (the national roles see every object of the matrix: theirs is
# tested on the objects that belong to a person, see PERSONAL).
SCOPED_ROLES = ("regional_manager", "provincial_manager", "association_manager", "center_director", "educator",
                "counsellor", "partner_viewer")
NATIONAL_ROLES = ("national_admin", "national_analyst")

# Routes whose arguments name no scoped object, each with the reason.
NOT_OBJECTS = {
    "accounts:password_reset_confirm": "a signed reset link, public by design (Django's own view)",
    "GET /indicators/{code}": "an indicator's code: the catalogue of definitions is read by every signed-in user",
    "GET /indicators/{code}/national": "an indicator's code; the nation is national roles' and partners' (403 for the "
                                       "others: tests/reporting/test_api.py)",
    "reporting:national_export": "a table's name and a format; the nation is national roles' and partners' (403 for "
                                 "the others: tests/reporting/test_exports.py)",
    "reporting:dashboard_export": "a table's name and a format of the user's own dashboard (their own place)",
}

# Object of another scope for every argument a route may take: OBJECTS[route][arg] = key in the foreign world.
# Pages are named "namespace:name"; API operations "METHOD /path/{param}".
OBJECTS = {
    # pages
    "accounts:token_revoke": {"pk": "token"},
    "territory:province": {"code": "province_code"},
    "territory:region": {"code": "region_code"},
    "organizations:detail": {"pk": "association"},
    "centers:detail": {"pk": "center"},
    "centers:edit": {"pk": "center"},
    "learners:transfer_in": {"reference": "transfer_reference"},
    "learners:follow_up": {"pk": "follow_up"},
    "learners:enroll": {"pk": "leaver"},
    **{f"learners:{name}": {"pk": "learner"} for name in (
        "detail", "edit", "transfer", "exit", "access_log", "stage", "track", "group", "plan",
        "plan_review", "guardian_add", "consent_add")},
    "learners:consent_withdraw": {"pk": "learner", "consent_pk": "consent"},
    "learners:consent_document": {"pk": "learner", "consent_pk": "consent"},
    "attendance:group": {"pk": "group"},
    "attendance:roll": {"pk": "group"},
    "attendance:center": {"pk": "center"},
    "attendance:center_rules": {"pk": "center"},
    "assessments:group": {"pk": "group"},
    "assessments:heatmap": {"pk": "group"},
    "assessments:suggestions": {"pk": "group"},
    "assessments:grid": {"pk": "assessment"},
    "assessments:grid_export": {"pk": "assessment"},
    "assessments:learner_results": {"pk": "assessment", "learner": "learner"},
    "assessments:remediation": {"pk": "remediation"},
    "assessments:remediation_close": {"pk": "remediation"},
    "assessments:learner": {"pk": "learner"},
    "assessments:bulletin": {"pk": "learner", "language": "fr"},
    "assessments:bulletin_batch_request": {"pk": "group"},
    "assessments:bulletin_batch": {"pk": "bulletin_batch"},
    "assessments:bulletin_batch_download": {"pk": "bulletin_batch"},
    "assessments:framework": {"pk": "framework"},
    "assessments:framework_draft": {"pk": "framework"},
    "assessments:framework_publish": {"pk": "framework"},
    "assessments:pole_new": {"pk": "framework"},
    "assessments:pole_edit": {"pk": "framework", "pole": "pole"},
    "assessments:domain_new": {"pk": "framework"},
    "assessments:domain_edit": {"pk": "framework", "domain": "domain"},
    "assessments:scale_edit": {"pk": "framework"},
    "assessments:competency_new": {"pk": "framework"},
    "assessments:competency_edit": {"pk": "framework", "competency": "competency"},
    **{f"conventions:{name}": {"pk": "convention"} for name in (
        "detail", "pdf", "signed_document", "edit", "sign", "status", "amend", "report_plan", "tranche_plan")},
    **{f"conventions:{name}": {"pk": "report"} for name in ("report_submit", "report_review", "report_file")},
    "conventions:tranche_release": {"pk": "tranche"},
    **{f"conventions:{name}": {"pk": "call"} for name in ("call", "call_status", "ranking", "apply")},
    **{f"conventions:{name}": {"pk": "application"} for name in (
        "application", "application_edit", "document_add", "application_submit", "review_assign", "decide",
        "from_application")},
    "conventions:document": {"pk": "document"},
    "conventions:review": {"pk": "review"},
    "earlywarning:learner": {"pk": "learner"},
    "earlywarning:center_thresholds": {"pk": "center"},
    "earlywarning:intervention_add": {"pk": "learner"},
    "earlywarning:alert_assign": {"pk": "alert"},
    "earlywarning:alert_close": {"pk": "alert"},
    "reporting:region": {"code": "region_code"},
    "reporting:province": {"code": "province_code"},
    "reporting:center": {"pk": "center"},
    "reporting:coverage_region": {"code": "region_code"},
    "reporting:coverage_province": {"code": "province_code"},
    "reporting:association": {"pk": "association"},
    "reporting:region_export": {"code": "region_code", "table": "sublevel", "fmt": "csv"},
    "reporting:province_export": {"code": "province_code", "table": "sublevel", "fmt": "xlsx"},
    "reporting:association_export": {"pk": "association", "table": "sublevel", "fmt": "csv"},
    "reporting:center_export": {"pk": "center", "table": "outcomes", "fmt": "csv"},
    "reporting:report": {"pk": "annual_report"},
    "reporting:report_download": {"pk": "annual_report"},
    # API operations
    "GET /regions/{code}": {"code": "region_code"},
    "GET /provinces/{code}": {"code": "province_code"},
    "GET /associations/{association_id}": {"association_id": "association"},
    "GET /centers/{center_id}": {"center_id": "center"},
    "PATCH /centers/{center_id}": {"center_id": "center"},
    **{f"{method} /learners/{{learner_id}}{tail}": {"learner_id": "learner"} for method, tail in (
        ("GET", ""), ("PATCH", ""), ("POST", "/transfer"), ("POST", "/enrollments"), ("POST", "/exit"),
        ("GET", "/access-log"), ("GET", "/attendance"))},
    "POST /learners/{learner_id}/consents/{consent_id}/withdraw": {"learner_id": "learner", "consent_id": "consent"},
    "POST /follow-ups/{follow_up_id}": {"follow_up_id": "follow_up"},
    "PUT /attendance/rolls/{roll_id}/marks": {"roll_id": "roll"},
    "GET /attendance/rolls/{roll_id}": {"roll_id": "roll"},
    "GET /attendance/groups/{group_id}/expected": {"group_id": "group"},
    "GET /assessments/frameworks/{framework_id}": {"framework_id": "framework"},
    "GET /assessments/groups/{group_id}": {"group_id": "group"},
    "POST /assessments/groups/{group_id}": {"group_id": "group"},
    "GET /assessments/{assessment_id}/results": {"assessment_id": "assessment"},
    "PUT /assessments/{assessment_id}/results": {"assessment_id": "assessment"},
    "GET /assessments/learners/{learner_id}": {"learner_id": "learner"},
    **{f"{method} /calls/{{call_id}}{tail}": {"call_id": "call"} for method, tail in (
        ("GET", ""), ("GET", "/ranking"), ("POST", "/open"), ("POST", "/close"), ("POST", "/decide"))},
    **{f"{method} /applications/{{application_id}}{tail}": {"application_id": "application"} for method, tail in (
        ("GET", ""), ("POST", "/documents"), ("POST", "/submit"), ("POST", "/decision"), ("POST", "/reviewers"),
        ("POST", "/convention"))},
    "PUT /reviews/{review_id}": {"review_id": "review"},
    **{f"{method} /conventions/{{convention_id}}{tail}": {"convention_id": "convention"} for method, tail in (
        ("GET", ""), ("PATCH", ""), ("GET", "/performance"), ("POST", "/transition"), ("GET", "/reports"),
        ("POST", "/reports"), ("GET", "/tranches"), ("POST", "/tranches"), ("POST", "/sign"),
        ("GET", "/amendments"), ("POST", "/amendments"))},
    "POST /reports/{report_id}/submit": {"report_id": "report"},
    "POST /reports/{report_id}/review": {"report_id": "report"},
    "POST /tranches/{tranche_id}/release": {"tranche_id": "tranche"},
    "GET /earlywarning/learners/{learner_id}/risk": {"learner_id": "learner"},
    "GET /earlywarning/learners/{learner_id}/interventions": {"learner_id": "learner"},
    "POST /earlywarning/learners/{learner_id}/interventions": {"learner_id": "learner"},
    "POST /earlywarning/alerts/{alert_id}/assign": {"alert_id": "alert"},
    "POST /earlywarning/alerts/{alert_id}/close": {"alert_id": "alert"},
    "GET /indicators/{code}/regions/{region_code}": {"code": "learners_enrolled", "region_code": "region_code"},
    "GET /indicators/{code}/provinces/{province_code}": {"code": "girls_share", "province_code": "province_code"},
    "GET /indicators/{code}/centers/{center_id}": {"code": "exits", "center_id": "center"},
    "GET /coverage/regions/{region_code}": {"region_code": "region_code"},
    "GET /coverage/provinces/{province_code}": {"province_code": "province_code"},
    "GET /indicators/{code}/associations/{association_id}": {"code": "exits", "association_id": "association"},
}

# Answers other than 404, with the reason: {(route, role or "*"): (status, reason)}.
FRAMEWORK = "the competency framework is national reference data, read by every role that assesses"
TERRITORY = "the territory (regions, provinces and their census figures) is public reference data"
FRAMEWORK_EDIT = "the framework is visible to all (so no existence leaks): editing it is the national admin's (403)"
CALL = "a call for projects is published to every association and its partners in the administration"
CALL_ACT = "the call is visible (see CALL): acting on it is its owner's (403)"
DIRECTORY = "centres and associations are no persons: a partner reads the directory (DESIGN: never a person)"
AGGREGATES = ("a partner counts the rows of every centre it sees (the whole directory): figures only, small cells "
              "hidden by forsa.core.disclosure (DESIGN: aggregates only)")
DIRECTORY_EDIT = "the directory is visible to a partner (see DIRECTORY): changing it is not (403)"
NOT_PARTNER = tuple(role for role in SCOPED_ROLES if role != "partner_viewer")
EXPECTED = {
    **{(route, "*"): (200, TERRITORY) for route in (
        "territory:region", "territory:province", "GET /regions/{code}", "GET /provinces/{code}")},
    **{(route, "*"): (200, FRAMEWORK) for route in (
        "assessments:framework", "GET /assessments/frameworks/{framework_id}")},
    **{(f"assessments:{name}", "*"): (403, FRAMEWORK_EDIT) for name in (
        "framework_draft", "framework_publish", "pole_new", "pole_edit", "domain_new", "domain_edit", "scale_edit",
        "competency_new", "competency_edit")},
    **{(route, role): (200, CALL) for route in ("conventions:call", "GET /calls/{call_id}") for role in NOT_PARTNER},
    **{(route, role): (403, CALL_ACT) for role in NOT_PARTNER for route in (
        "conventions:ranking", "conventions:call_status", "GET /calls/{call_id}/ranking", "POST /calls/{call_id}/open",
        "POST /calls/{call_id}/close", "POST /calls/{call_id}/decide", "conventions:apply")},
    ("conventions:apply", "association_manager"): (200, f"{CALL}; eligibility is checked when applying"),
    **{(route, "partner_viewer"): (200, DIRECTORY) for route in (
        "organizations:detail", "centers:detail", "GET /associations/{association_id}", "GET /centers/{center_id}")},
    **{(route, "partner_viewer"): (200, AGGREGATES) for route in (
        "reporting:region", "reporting:province", "reporting:center", "GET /indicators/{code}/regions/{region_code}",
        "reporting:coverage_region", "GET /coverage/regions/{region_code}",
        "reporting:coverage_province", "GET /coverage/provinces/{province_code}",
        "GET /indicators/{code}/provinces/{province_code}", "GET /indicators/{code}/centers/{center_id}",
        "reporting:association", "GET /indicators/{code}/associations/{association_id}",
        "reporting:region_export", "reporting:province_export", "reporting:association_export",
        "reporting:center_export")},
    **{(route, "partner_viewer"): (403, DIRECTORY_EDIT) for route in ("centers:edit", "PATCH /centers/{center_id}")},
}

# Routes that are 404 even for the national admin on the objects built here, with the reason.
EMPTY_FOR_ALL = {
    "learners:transfer_in": "the reference is signed for another user: no one else may use it",
    "learners:consent_document": "no scanned consent was uploaded for this consent",
    "conventions:signed_document": "the convention is not signed yet: there is no signed copy",
    "conventions:report_file": "the report is planned, not submitted: there is no file",
}

# Not rendered for the national admin (20 s each: fonts and shaping): their own tests render them; the
# scoped roles' 404 is still asserted (it comes before any rendering).
SLOW_DOCUMENTS = {"conventions:pdf", "assessments:bulletin"}

# Objects that belong to a person rather than to a scope: national roles are tested on them too.
PERSONAL = {"accounts:token_revoke", "conventions:review", "PUT /reviews/{review_id}"}

# What a POST-only page is sent (so that its answer is about the object, not about a missing field).
POST_DATA = {"conventions:call_status": {"to": "close"}}


def page_routes():
    """{"namespace:name": [argument names]} for every named page of the URL resolver (the API excepted)."""
    routes = {}

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, ":".join(filter(None, [namespace, pattern.namespace])) or None)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace != "api":
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                routes[name] = list(pattern.pattern.converters)

    walk(get_resolver(), None)
    return routes


def api_operations():
    """{"METHOD /path": [path parameter names]} for every operation of the OpenAPI document."""
    schema = api.get_openapi_schema(path_prefix="")
    operations = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            operations[f"{method.upper()} {path}"] = names
    return operations


def every_route():
    return page_routes() | api_operations()


def test_every_route_naming_an_object_is_in_the_matrix():
    missing, unused, wrong = [], [], []
    routes = every_route()
    for route, arguments in routes.items():
        if not arguments or route in NOT_OBJECTS:
            continue
        if route not in OBJECTS:
            missing.append(route)
        elif set(OBJECTS[route]) != set(arguments):
            wrong.append((route, sorted(arguments), sorted(OBJECTS[route])))
    unused = sorted(set(OBJECTS) - set(routes))
    assert missing == [], f"routes without a scope test ({missing}): add them to OBJECTS in {__file__}"
    assert wrong == [], wrong
    assert unused == [], unused


def foreign_objects(world, settings, tmp_path):
    """One object of every kind on the foreign side of ``world``, built through the services."""
    settings.MEDIA_ROOT = tmp_path
    foreign = world["foreign"]
    users = foreign.users
    group = make_group(foreign.center, educators=[users["educator"]])
    learner = make_learner(foreign.center, groups=[group], first_name="Farah", start_date="2026-09-15")
    leaver = make_learner(foreign.center, groups=[group], first_name="Zineb", start_date="2026-09-15",
                          birth_date="2011-06-01")
    learner_exit(actor=users["center_director"], learner=leaver, exit_date=D("2026-10-01"), outcome="employment",
                 employer="Atelier Couture Tanger")
    for day in ("2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"):
        roll, _created = roll_call_record(actor=users["educator"], group=group, date=D(day), slot="morning",
                                          marks={learner.pk: {"kind": "absent"}})
    risk_score_all(as_of=D("2026-11-06"))
    alert = Alert.objects.filter(learner=learner).first() or Alert.objects.create(
        learner=learner, center=foreign.center, opened_on=D("2026-11-06"))
    intervention_record(actor=users["counsellor"], learner=learner, kind="guardian_call", date=D("2026-11-07"),
                        alert=alert)

    assessments.framework_ensure_default()
    framework = Framework.objects.get(status="published")
    competency = framework.competencies.order_by("pk").first()
    assessment = assessments.assessment_create(actor=users["educator"], group=group, kind="diagnostic",
                                               date=D("2026-09-20"))
    remediation = assessments.remediation_group_create(
        actor=users["center_director"], center=foreign.center, name="Remédiation", competencies=[competency],
        learners=[learner], start_date=D("2026-10-01"))

    public_bodies_ensure(actor=None)
    side = build_side(foreign, make_user("reviewer"))
    manager = users["regional_manager"]
    report = conventions.report_plan(actor=manager, convention=side.convention, kind="activity", period="T1",
                                     due_on=D("2026-12-31"))
    tranche = conventions.tranche_plan(actor=manager, convention=side.convention, order=1, planned_amount=1000,
                                       planned_on=D("2026-12-01"))
    token, _raw = api_token_create(actor=users["center_director"], name="foreign")
    # A transfer reference signed for someone else (the foreign centre's director).
    reference = signing.dumps({"learner": learner.pk, "user": users["center_director"].pk}, salt=TRANSFER_IN_SALT)
    # the foreign region's annual report, made by its manager (no small-cell rule: a partner never gets it)
    annual_report = AnnualReport.objects.create(
        requested_by=manager, level="region", place_code=foreign.center.region.code,
        place_name=foreign.center.region.name, school_year="2026-2027", language="fr", status="done", step=6,
        steps=6, file=ContentFile(PDF, name="annual-report.pdf"))
    # the foreign group's bulletins in one PDF, made
    bulletin_batch = BulletinBatch.objects.create(
        group=group, language="fr", until=D("2026-11-06"), requested_by=users["educator"], status="done", done=2,
        total=2, file=ContentFile(PDF, name="bulletins.pdf"))
    User.objects.update(language="en")
    return {
        "token": token, "region_code": foreign.center.region.code, "province_code": foreign.center.province.code,
        "association": foreign.association, "center": foreign.center, "group": group, "learner": learner,
        "leaver": leaver, "consent": learner.consents.first(), "follow_up": leaver.follow_ups.first(), "roll": roll,
        "transfer_reference": reference,
        "framework": framework, "pole": competency.domain.pole, "domain": competency.domain, "competency": competency,
        "assessment": assessment, "remediation": remediation,
        "call": side.call, "application": side.application, "document": side.application.documents.first(),
        "review": side.review, "convention": side.convention, "report": report, "tranche": tranche,
        "alert": alert, "annual_report": annual_report, "bulletin_batch": bulletin_batch,
    }


def _value(objects, key):
    value = objects.get(key, key)
    return getattr(value, "pk", value)


def request_route(client, route, kwargs, bodies, safe_only=False):
    """The answer to ``route`` for an object of another scope: a page by GET (or POST when it takes only
    POST), an API operation by its method with a body its schema accepts (so that the answer is about the
    object, not about the body)."""
    if " " not in route:
        url = reverse(route, kwargs=kwargs)
        response = client.get(url)
        if response.status_code == 405 and not safe_only:
            response = client.post(url, POST_DATA.get(route, {}))
        return response.status_code
    method, path = route.split(" ", 1)
    if safe_only and method != "GET":
        return None
    url = API + re.sub(r"{(\w+)}", lambda m: str(kwargs[m.group(1)]), path)
    content_type, body = bodies.get(route, (None, None))
    if content_type is None:
        return client.generic(method, url).status_code
    if content_type == "multipart/form-data":
        return client.post(url, body).status_code
    return client.generic(method, url, json.dumps(body), content_type=content_type).status_code


def example_bodies():
    """{route: (content type, a body its schema accepts)} for every API operation with a request body."""
    schema = api.get_openapi_schema(path_prefix="")
    components = schema.get("components", {}).get("schemas", {})

    def example(node, name=""):
        if "$ref" in node:
            return example(components[node["$ref"].rsplit("/", 1)[1]], name)
        for key in ("anyOf", "oneOf", "allOf"):
            if key in node:
                options = [option for option in node[key] if option.get("type") != "null"]
                return example(options[0], name)
        if "enum" in node:
            return node["enum"][0]
        if "const" in node:
            return node["const"]
        kind = node.get("type")
        if kind == "object" or "properties" in node:
            properties = node.get("properties", {})
            return {key: example(properties[key], key) for key in node.get("required", [])}
        if kind == "array":
            return [example(node.get("items", {}), name) for _ in range(node.get("minItems", 0))]
        if kind == "integer":
            return max(node.get("minimum", 1), 1)
        if kind == "number":
            return max(node.get("minimum", 1), 1)
        if kind == "boolean":
            return False
        if node.get("format") == "binary":
            return SimpleUploadedFile(f"{name}.pdf", PDF, content_type="application/pdf")
        if node.get("format") == "date":
            return "2026-10-01"
        if node.get("format") == "date-time":
            return "2026-10-01T10:00:00Z"
        return "x" * max(node.get("minLength", 1), 1)

    bodies = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            for content_type, media in content.items():
                bodies[f"{method.upper()} {path}"] = (content_type, example(media["schema"]))
    return bodies


@pytest.mark.django_db
def test_no_role_reaches_an_object_of_another_scope(client, world, settings, tmp_path):
    with translation.override("en"):
        objects = foreign_objects(world, settings, tmp_path)
    routes = {route: arguments for route, arguments in every_route().items() if route in OBJECTS}
    users = {role: world["own"].users.get(role) or world[role] for role in SCOPED_ROLES + NATIONAL_ROLES}
    bodies, wrong = example_bodies(), []
    # The objects exist and the routes work: the national admin, who sees everything, does not get a 404
    # (else every 404 below would prove nothing). Reads only: writes would change the world under test.
    client.force_login(world["national_admin"])
    for route in routes:
        if route in PERSONAL or route in EMPTY_FOR_ALL or route in SLOW_DOCUMENTS:
            continue
        kwargs = {arg: _value(objects, key) for arg, key in OBJECTS[route].items()}
        if request_route(client, route, kwargs, bodies, safe_only=True) == 404:
            wrong.append(f"{'national_admin':20} {route:60} 404 (the object is in the admin's scope)")
    client.logout()
    for role, user in users.items():
        client.force_login(user)
        for route in routes:
            if role in NATIONAL_ROLES and route not in PERSONAL:
                continue
            kwargs = {arg: _value(objects, key) for arg, key in OBJECTS[route].items()}
            expected, _reason = EXPECTED.get((route, role)) or EXPECTED.get((route, "*")) or (404, "")
            status = request_route(client, route, kwargs, bodies)
            if status != expected:
                wrong.append(f"{role:20} {route:60} {status} (expected {expected})")
        client.logout()
    assert wrong == [], "\n" + "\n".join(wrong)

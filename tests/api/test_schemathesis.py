"""The API against its own OpenAPI document, with Schemathesis (issue 11).

Every operation of ``/api/v1/openapi.json`` is called with requests generated from the document, valid
and invalid, as the national admin and as a centre director (personal API tokens), over a small seeded
network (two regions, groups, learners, a roll call, an assessment, calls, applications and conventions).
All of Schemathesis's built-in checks run on every answer: no server error, status code and content type
documented, the body conforming to the documented schema, invalid data refused, valid data not refused
for a reason the document does not give.

The run is bounded and reproducible: a fixed seed and ``SCHEMATHESIS_EXAMPLES`` examples per operation
and role (default 6). ``bench/README.md`` gives the long run (more than 10,000 calls):

    SCHEMATHESIS_EXAMPLES=120 pytest -m schemathesis tests/api/test_schemathesis.py
"""

import datetime
import os
from collections import Counter

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st

from forsa.accounts.services import api_token_create
from forsa.assessments import services as assessment_services
from forsa.assessments.models import Assessment, Framework
from forsa.attendance.models import Session
from forsa.attendance.services import roll_call_record
from forsa.centers.models import Center, Group
from forsa.conventions.models import Application, CallForProjects, Convention, Report, Review, Tranche
from forsa.learners.models import Consent, FollowUp, Learner
from forsa.organizations.models import Association
from forsa.territory.models import Province, Region
from tests.conventions.conftest import conventions  # noqa: F401 (the seeded calls and conventions)
from tests.factories import make_group, make_learner

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "6"))
SEED = 20261204
ROLES = ("national_admin", "center_director")

# What a request valid by the document may still get: the network's rules (a date in the future, a
# centre's age range, a learner already enrolled) and scope (an id of nothing the user sees: 404) are
# not in the document. The check still fails on any other answer (a 400 or a 500).
VALID_MAY_GET = ["2xx", "401", "403", "404", "409", "422"]

# Ids drawn at random seldom name a row: path parameters are also drawn among the seeded rows (of both
# regions: the foreign ones must answer 404), so that reads and writes reach real objects.
PATH_ROWS = {
    "application_id": Application, "assessment_id": Assessment, "association_id": Association,
    "call_id": CallForProjects, "center_id": Center, "consent_id": Consent, "convention_id": Convention,
    "follow_up_id": FollowUp, "framework_id": Framework, "group_id": Group, "learner_id": Learner,
    "report_id": Report, "review_id": Review, "roll_id": Session, "tranche_id": Tranche,
}


@pytest.fixture
def network(conventions, settings):  # noqa: F811 (the fixture imported above)
    """The conventions' world, with a group, learners, a roll call and an assessment in the own centre."""
    world = conventions
    center = world["own"].center
    group = make_group(center)
    learners = [make_learner(center, groups=[group], first_name=name, last_name="Alami")
                for name in ("Salma", "Yassine", "Imane")]
    director = world["own"].users["center_director"]
    roll_call_record(actor=director, group=group, date=datetime.date(2026, 10, 5), slot="morning", activity=None,
                     client_key="seed-roll", marks={learners[0].pk: {"kind": "absent", "justified": False,
                                                                    "reason": ""}})
    assessment_services.framework_ensure_default()
    assessment_services.assessment_create(actor=director, group=group, kind="diagnostic",
                                          date=datetime.date(2026, 10, 6), competencies=None)
    return world


class Counted:
    """Django's WSGI handler, counting the status of every answer (the checks' own requests included)."""

    def __init__(self):
        self.app, self.statuses = get_wsgi_application(), Counter()

    def __call__(self, environ, start_response):
        def counted(status, headers, exc_info=None):
            self.statuses[int(status.split()[0])] += 1
            return start_response(status, headers, exc_info)

        return self.app(environ, counted)


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, in the test's transaction: the signals that would close the connection
    between requests are disconnected, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield Counted()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_conforms_to_the_document(network, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    schema.config.checks.positive_data_acceptance.expected_statuses = VALID_MAY_GET
    tokens = {role: api_token_create(actor=user, name="schemathesis")[1]
              for role, user in (("national_admin", network["national_admin"]),
                                 ("center_director", network["own"].users["center_director"]))}
    rows = {name: list(model.objects.values_list("pk", flat=True)) for name, model in PATH_ROWS.items()}
    rows["code"] = [*Region.objects.values_list("code", flat=True)[:3],
                    *Province.objects.values_list("code", flat=True)[:3]]
    calls, failures = Counter(), []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for role in ROLES:
            try:
                _run(operation, {"Authorization": f"Bearer {tokens[role]}"}, rows, calls)
            except (Exception, BaseExceptionGroup) as failure:  # every operation runs; all failures are told
                failures.append(f"{operation.label} as {role}:\n{failure}")
    statuses = dict(sorted(wsgi_app.statuses.items()))
    print(f"schemathesis: seed {SEED}, {EXAMPLES} examples per operation and role, {len(operations)} operations, "
          f"{sum(calls.values())} generated requests, {sum(statuses.values())} HTTP calls in all (with the checks' "
          f"own), statuses {statuses}, {len(failures)} failing")
    assert not failures, "\n\n".join(failures)
    assert not any(status >= 500 for status in statuses)


def _run(operation, headers, rows, calls):
    """``EXAMPLES`` generated requests to ``operation``, each answer checked; raises on the first failure."""

    @hypothesis.settings(max_examples=EXAMPLES, database=None, deadline=None, phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    @hypothesis.seed(SEED)
    @given(case=operation.as_strategy(), data=st.data())
    def call(case, data):
        for name, value in (case.path_parameters or {}).items():
            if rows.get(name):
                case.path_parameters[name] = data.draw(st.sampled_from([value, *rows[name]]))
        response = case.call(headers=headers)
        calls[response.status_code] += 1
        case.validate_response(response, headers=headers)

    call()

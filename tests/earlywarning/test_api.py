"""The early-warning API: risk list and filters, a learner's risk, alerts, interventions, the model card;
foreign scope 404, partners no person, 422 naming the field, query counts."""

import datetime

import pytest
from django.utils import timezone

from forsa.earlywarning import services
from forsa.earlywarning.models import Alert, Intervention, RiskModel

API = "/api/v1/earlywarning"


def test_risk_list_in_scope_with_filters_and_reasons_in_arabic(api_as, world, scored):
    _group, (amina, *_rest) = scored
    counsellor = world["own"].users["counsellor"]
    counsellor.language = "ar"  # the language is kept on the user
    counsellor.save()
    client = api_as(counsellor)
    rows = client.get(f"{API}/risks").json()["items"]
    assert [row["learner"] for row in rows] == [amina.pk]
    assert rows[0]["level"] == "high" and rows[0]["reason_codes"] == ["consecutive"]
    assert rows[0]["reasons"] == ["5 غيابات متتالية"] and rows[0]["probability"] is None
    assert client.get(f"{API}/risks", {"level": "watch"}).json()["items"] == []
    assert client.get(f"{API}/risks", {"center": world["own"].center.pk}).json()["count"] == 1
    response = client.get(f"{API}/risks", {"center": world["foreign"].center.pk})
    assert response.status_code == 422 and "center" in response.json()["errors"]
    assert client.get(f"{API}/risks", {"reason": "nonsense"}).status_code == 422
    assert client.get(f"{API}/risks", {"level": "nonsense"}).status_code == 422
    assert client.get(f"{API}/risks", {"center": 2**70}).status_code == 422
    # Partners: no person at all.
    partner = api_as(world["partner_viewer"])
    assert partner.get(f"{API}/risks").json()["items"] == []
    assert partner.get(f"{API}/learners/{amina.pk}/risk").status_code == 404


def test_a_learner_risk_and_history_foreign_404(api_as, world, scored):
    _group, (amina, *_rest) = scored
    client = api_as(world["own"].users["center_director"])
    body = client.get(f"{API}/learners/{amina.pk}/risk").json()
    assert body["current"]["level"] == "high" and [s["as_of"] for s in body["history"]] == ["2026-11-06"]
    assert "decision" in body["advice"]
    assert client.get(f"{API}/learners/{world['foreign'].learner.pk}/risk").status_code == 404
    assert client.get(f"{API}/learners/{2**70}/risk").status_code in (404, 422)


def test_alert_and_intervention_workflow(api_as, world, scored):
    _group, (amina, *_rest) = scored
    own = world["own"]
    alert = Alert.objects.get(learner=amina)
    client = api_as(own.users["counsellor"])
    assert [row["id"] for row in client.get(f"{API}/alerts", {"status": "open"}).json()["items"]] == [alert.pk]
    response = client.post(f"{API}/learners/{amina.pk}/interventions", {
        "kind": "guardian_call", "date": "2026-11-09", "outcome": "joint", "notes": "confidentiel"},
        content_type="application/json")
    assert response.status_code == 201 and response.json()["alert"] == alert.pk
    response = client.post(f"{API}/learners/{amina.pk}/interventions", {"kind": "visit", "date": "2026-11-09"},
                           content_type="application/json")
    assert response.status_code == 422 and Intervention.objects.count() == 1
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(f"{API}/learners/{amina.pk}/interventions", {"kind": "other", "date": future},
                           content_type="application/json")
    assert response.status_code == 422 and "date" in response.json()["errors"]
    listed = client.get(f"{API}/learners/{amina.pk}/interventions").json()
    assert listed[0]["notes"] == "confidentiel"
    assert api_as(own.users["educator"]).get(f"{API}/learners/{amina.pk}/interventions").json()[0]["notes"] is None
    client = api_as(own.users["counsellor"])
    foreign = world["foreign"].users["counsellor"]
    response = client.post(f"{API}/alerts/{alert.pk}/assign", {"assignee": foreign.pk},
                           content_type="application/json")
    assert response.status_code == 422 and "assignee" in response.json()["errors"]
    response = client.post(f"{API}/alerts/{alert.pk}/assign", {"assignee": own.users["center_director"].pk},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["assigned_to"] == own.users["center_director"].pk
    response = client.post(f"{API}/alerts/{alert.pk}/close", {"reason": "other"}, content_type="application/json")
    assert response.status_code == 422 and "note" in response.json()["errors"]
    response = client.post(f"{API}/alerts/{alert.pk}/close", {"reason": "resolved"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    # Foreign scope: 404 on every write.
    other = api_as(foreign)
    assert other.post(f"{API}/alerts/{alert.pk}/close", {"reason": "resolved"},
                      content_type="application/json").status_code == 404
    assert other.post(f"{API}/learners/{amina.pk}/interventions", {"kind": "other", "date": "2026-11-09"},
                      content_type="application/json").status_code == 404
    assert other.get(f"{API}/learners/{amina.pk}/interventions").status_code == 404


def test_the_model_card(api_as, world):
    client = api_as(world["own"].users["center_director"])
    assert client.get(f"{API}/model").status_code == 404  # rules only
    RiskModel.objects.create(version=1, trained_at=timezone.now(), period_from=datetime.date(2025, 9, 1),
                             period_to=datetime.date(2026, 6, 30), n_samples=1200, artifact=b"x",
                             card={"auc": 0.74}, is_active=True)
    body = client.get(f"{API}/model").json()
    assert (body["version"], body["n_samples"], body["card"]) == (1, 1200, {"auc": 0.74})


@pytest.mark.parametrize("path", ["/risks", "/alerts"])
def test_list_queries_do_not_grow(api_as, world, scored, django_assert_max_num_queries, path):
    group, learners = scored
    client = api_as(world["own"].users["counsellor"])
    from tests.earlywarning.conftest import ABSENT, D, roll, school_days
    from tests.factories import make_learner

    extra = [make_learner(world["own"].center, groups=[group], first_name=f"X{i}", birth_date=f"2011-05-{i + 10}")
             for i in range(4)]
    for day in school_days("2026-11-09", "2026-11-13"):
        roll(world["own"].users["educator"], group, day, {learner.pk: ABSENT for learner in extra})
    services.risk_score_all(as_of=D("2026-11-13"))
    client.get(f"{API}{path}")
    with django_assert_max_num_queries(8):
        response = client.get(f"{API}{path}")
    assert response.status_code == 200 and response.json()["count"] >= 5

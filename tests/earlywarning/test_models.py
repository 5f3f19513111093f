import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from forsa.core import scoping
from forsa.earlywarning.models import Alert, Intervention, LearnerRisk, RiskModel, RiskScore, Threshold


def make_risk_model(version, active):
    return RiskModel.objects.create(
        version=version, trained_at=timezone.now(), period_from=datetime.date(2025, 9, 1),
        period_to=datetime.date(2026, 6, 30), n_samples=100, artifact=b"skops", card={"auc": 0.7},
        is_active=active,
    )


@pytest.mark.django_db
def test_at_most_one_active_risk_model():
    make_risk_model(1, True)
    make_risk_model(2, False)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_risk_model(3, True)
    assert bytes(RiskModel.objects.get(version=1).artifact) == b"skops"


def test_every_model_has_a_scoping_rule_and_persons_stay_hidden_from_partners():
    for model in (LearnerRisk, RiskScore, Alert, Intervention):
        assert scoping.rule_for(model).holds_persons
    assert scoping.rule_for(Threshold).public and scoping.rule_for(RiskModel).public

"""Early warning: the risk list of the user's scope, a learner's risk and history, alerts (assign,
close), interventions (list, create), the model card.

Reads go through ``forsa.earlywarning.selectors`` (scoped by ``forsa.core.scoping``), writes through
``forsa.earlywarning.services``. A learner or alert out of scope is 404; partner viewers see no person
(the lists are empty for them, a learner is 404); an unknown centre or assignee id is a 422 naming the
field. The score is advice to a named person, never a decision.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from forsa.centers.selectors import center_list
from forsa.core.api import Pagination, fetch
from forsa.core.schemas import ErrorOut, ValidationErrorOut
from forsa.earlywarning import selectors, services
from forsa.earlywarning.reasons import CODES
from forsa.earlywarning.schemas import (
    AlertOut,
    AlertQuery,
    AssignIn,
    CloseIn,
    InterventionIn,
    InterventionOut,
    LearnerRiskOut,
    ModelCardOut,
    RiskOut,
    RiskQuery,
)

router = Router(tags=["early warning"])


def _unknown(field, value):
    return ValidationError({field: [_("No such item in your scope: %(id)s.") % {"id": value}]})


@router.get("/earlywarning/risks", response={200: list[RiskOut], 422: ValidationErrorOut})
@paginate(Pagination)
def risk_list(request, filters: Query[RiskQuery]):
    """Learners of the user's scope at high or watch risk, most at risk first."""
    center = None
    if filters.center is not None:
        center = center_list(user=request.auth).filter(pk=filters.center).first()
        if center is None:
            raise _unknown("center", filters.center)
    if filters.reason and filters.reason not in CODES:
        raise ValidationError({"reason": [_("Choose one of: %(codes)s.") % {"codes": ", ".join(CODES)}]})
    return selectors.worklist(user=request.auth, center=center, level=filters.level, reason=filters.reason)


@router.get("/earlywarning/learners/{learner_id}/risk", response={200: LearnerRiskOut, 404: ErrorOut})
def learner_risk(request, learner_id: int):
    """A learner's current risk with its reasons and what changed, and the history of the score."""
    learner = fetch(selectors.learner_get, user=request.auth, pk=learner_id)
    return {"current": selectors.learner_risk_of(user=request.auth, learner=learner),
            "history": list(selectors.score_history(user=request.auth, learner=learner))}


@router.get("/earlywarning/alerts", response={200: list[AlertOut]})
@paginate(Pagination)
def alert_list(request, filters: Query[AlertQuery]):
    return selectors.alert_list(user=request.auth, status=filters.status).order_by("-opened_on", "-pk")


@router.post("/earlywarning/alerts/{alert_id}/assign",
             response={200: AlertOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut})
def alert_assign(request, alert_id: int, payload: AssignIn):
    alert = fetch(selectors.alert_get, user=request.auth, pk=alert_id)
    assignee = selectors.staff_choices(center_id=alert.center_id).filter(pk=payload.assignee).first()
    if assignee is None:
        raise _unknown("assignee", payload.assignee)
    return services.alert_assign(actor=request.auth, alert=alert, assignee=assignee)


@router.post("/earlywarning/alerts/{alert_id}/close",
             response={200: AlertOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut})
def alert_close(request, alert_id: int, payload: CloseIn):
    alert = fetch(selectors.alert_get, user=request.auth, pk=alert_id)
    return services.alert_close(actor=request.auth, alert=alert, reason=payload.reason, note=payload.note)


@router.get("/earlywarning/learners/{learner_id}/interventions",
            response={200: list[InterventionOut], 404: ErrorOut})
def intervention_list(request, learner_id: int):
    learner = fetch(selectors.learner_get, user=request.auth, pk=learner_id)
    return list(selectors.interventions_of(user=request.auth, learner=learner).select_related("learner"))


@router.post("/earlywarning/learners/{learner_id}/interventions",
             response={201: InterventionOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut})
def intervention_create(request, learner_id: int, payload: InterventionIn):
    """Record an intervention (by the signed-in user), attached to the learner's open alert if any."""
    learner = fetch(selectors.learner_get, user=request.auth, pk=learner_id)
    alert = selectors.alert_list(user=request.auth, status="open").filter(learner=learner).first()
    intervention = services.intervention_record(actor=request.auth, learner=learner, alert=alert,
                                                **payload.model_dump())
    return Status(201, intervention)


@router.get("/earlywarning/model", response={200: ModelCardOut, 404: ErrorOut})
def model_card(request):
    """The active model's card (training period, size, metrics, fairness); 404 with rules only."""
    return fetch(selectors.active_model)

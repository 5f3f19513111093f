"""Attendance: record a roll call idempotently, correct it, read rolls, who a roll covers, rates.

Everything reads through ``forsa.attendance.selectors`` (and the centres', learners' and
territory's selectors), scoped by ``forsa.core.scoping``, and writes through
``forsa.attendance.services``:

* a group or roll call outside the user's scope does not exist (404 in the path, 422 naming the field
  in a body); an educator sees only the groups they teach and their rolls;
* a roll call is recorded with a ``client_key`` chosen by the client: sending it again (a resend
  over a bad connection) answers 200 with the roll already saved and changes nothing;
* partner viewers never see a roll, a group or a person: they read rates only, and a cell that fewer
  than 5 learners (``FORSA_SMALL_CELL``) stand behind, or that could be recovered from its month's
  total, is suppressed (its counts are null): ``forsa.core.disclosure``, as on the overview page.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from forsa.attendance import selectors, services
from forsa.attendance.models import Session
from forsa.attendance.schemas import (
    DayQuery,
    ExpectedOut,
    LearnerAttendanceOut,
    MarkIn,
    MarksIn,
    PeriodQuery,
    RateOut,
    RatesQuery,
    RollDetailOut,
    RollIn,
    RollOut,
    RollQuery,
)
from forsa.centers.models import Group
from forsa.centers.selectors import center_list, group_get, group_scope
from forsa.core.api import Pagination, fetch, resolved
from forsa.core.schemas import ErrorOut, Id, ValidationErrorOut
from forsa.learners import selectors as learner_selectors
from forsa.learners import services as learner_services
from forsa.territory.selectors import province_list, region_list

router = Router(tags=["attendance"])


# Reading the request ------------------------------------------------------------------


def _group(user, pk) -> Group:
    """The group named in the path, or 404 when the user does not see it."""
    return fetch(group_get, user=user, pk=pk)


def _roll(user, pk) -> Session:
    return fetch(selectors.roll_get, user=user, pk=pk)


def _marks(marks: list[MarkIn]) -> dict:
    """The marks by learner, as the services take them; a learner marked twice is refused."""
    by_learner = {}
    for index, mark in enumerate(marks):
        if mark.learner in by_learner:
            raise ValidationError({f"marks.{index}.learner": _("This learner is marked twice.")})
        by_learner[mark.learner] = mark.model_dump(exclude={"learner"})
    return by_learner


def _period(query: PeriodQuery) -> tuple[dt.date, dt.date]:
    """The period asked, by default from the start of the school year (1 September) to today."""
    today = timezone.localdate()
    end = query.end or today
    start = query.start or dt.date(end.year if end.month >= 9 else end.year - 1, 9, 1)
    if end < start:
        raise ValidationError({"end": _("The end date cannot be before the start date.")})
    return start, end


def _places(user, level, rows) -> dict:
    """The centres, provinces or regions named by the rows, by id (one query)."""
    ids = {row[f"{level}_id"] for row in rows} if level != "national" else set()
    if not ids:
        return {}
    selector = {"center": center_list, "province": province_list, "region": region_list}[level]
    return {place.pk: place for place in selector(user=user).filter(pk__in=ids)}


# Endpoints ----------------------------------------------------------------------------


@router.post(
    "/attendance/rolls",
    response={200: RollOut, 201: RollOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def roll_record(request, payload: RollIn):
    """Record a roll call in one request: 201 when saved, 200 when this ``client_key`` was already
    used for it (the roll saved then is returned, nothing changes)."""
    # A group the user does not see is a 422 naming the field.
    group = resolved({"group": payload.group}, group=group_scope(user=request.auth))["group"]
    if not payload.client_key.strip():
        raise ValidationError({"client_key": _("This field is required.")})
    try:
        session, created = services.roll_call_record(
            actor=request.auth, group=group, date=payload.date, slot=payload.slot, activity=payload.activity,
            client_key=payload.client_key.strip(), marks=_marks(payload.marks),
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"client_key": exc.messages}) from exc  # the key names another roll call
    return Status(201 if created else 200, session)


@router.put(
    "/attendance/rolls/{roll_id}/marks",
    response={200: RollDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def roll_correct(request, roll_id: Id, payload: MarksIn):
    """Replace the marks of a roll, within the correction window (7 days unless the centre's rule
    says otherwise); the change is recorded in the roll's history."""
    session = _roll(request.auth, roll_id)
    services.roll_call_correct(actor=request.auth, session=session, marks=_marks(payload.marks))
    return _roll(request.auth, roll_id)


@router.get("/attendance/rolls", response={200: list[RollOut], 422: ValidationErrorOut})
@paginate(Pagination)
def roll_list(request, filters: Query[RollQuery]):
    """Roll calls in the user's scope, newest first (none for partner viewers)."""
    narrow = {"group_id": filters.group, "center_id": filters.center, "date__gte": filters.date_from,
              "date__lte": filters.date_to}
    return (selectors.session_list(user=request.auth).filter(**{k: v for k, v in narrow.items() if v is not None})
            .order_by("-date", "group__name", "slot", "pk"))


@router.get("/attendance/rolls/{roll_id}", response={200: RollDetailOut, 404: ErrorOut})
def roll_detail(request, roll_id: Id):
    return _roll(request.auth, roll_id)


@router.get("/attendance/groups/{group_id}/expected", response={200: ExpectedOut, 404: ErrorOut,
                                                                 422: ValidationErrorOut})
def roll_expected(request, group_id: Id, query: Query[DayQuery]):
    """The learners a roll of the group covers on that date, and the rolls already taken then."""
    group = _group(request.auth, group_id)
    day = query.date or timezone.localdate()
    taken = selectors.session_list(user=request.auth).filter(group=group, date=day).order_by("pk")
    learners = learner_selectors.expected_learners(group=group, day=day)
    return {"group": group, "date": day, "learners": list(learners.values()), "taken": taken}


@router.get("/attendance/rates", response={200: list[RateOut], 422: ValidationErrorOut})
def rate_list(request, query: Query[RatesQuery]):
    """Monthly rates per centre, province or region, or national, over the user's scope.

    Partner viewers read them too, with the small-cell rule of the overview page
    (``forsa.core.disclosure``): a figure that fewer than 5 learners stand behind is suppressed, and so
    is a second one of the same month when it could be recovered from the month's total.
    """
    start, end = _period(query)
    within = {"region__code": query.region, "province__code": query.province, "center_id": query.center}
    within = {key: value for key, value in within.items() if value is not None}
    rows = selectors.rates_by(user=request.auth, level=query.level, start=start, end=end + dt.timedelta(days=1),
                              **within)
    places = _places(request.auth, query.level, rows)
    return [{"month": row["month"], "sessions": row["sessions"], "suppressed": row["suppressed"],
             "place": (place := places.get(row.get(f"{query.level}_id"))) and {"id": place.pk, "code": place.code,
                                                                               "name": place.name},
             **{key: row[key] for key in ("expected", "absent", "late", "rate")}}
            for row in rows]


@router.get("/learners/{learner_id}/attendance", response={200: LearnerAttendanceOut, 404: ErrorOut,
                                                           422: ValidationErrorOut})
def learner_attendance(request, learner_id: Id, query: Query[PeriodQuery]):
    """The learner's calendar (every roll they were expected at, with their mark) and rate.

    Scoped like the learner's file, and logged as a view of it."""
    learner = fetch(learner_selectors.learner_get, user=request.auth, pk=learner_id)
    start, end = _period(query)
    calendar = selectors.learner_calendar(learner=learner, start=start, end=end)
    learner_services.learner_file_viewed(actor=request.auth, learner=learner)
    days = [{"roll": session.pk, "date": session.date, "slot": session.slot, "group": session.group_id,
             "mark": mark} for session, mark in calendar["days"]]
    days.sort(key=lambda day: (day["date"], selectors.SLOT_ORDER.get(day["slot"], 9)))  # morning first
    return {"learner": learner.pk, "start": start, "end": end, "days": days,
            **{key: calendar[key] for key in ("expected", "absent", "late", "rate")}}

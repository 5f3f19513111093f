"""Schemas of the attendance API: answers (``…Out``) and requests (``…In``, ``…Query``)."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from forsa.attendance import models, selectors
from forsa.attendance.models import Absence
from forsa.centers.models import Group
from forsa.core.schemas import Date, Id, one_of

Slot = one_of(models.Slot)
Activity = one_of(models.Activity)
Kind = one_of(Absence.Kind)


# Answers ------------------------------------------------------------------------------


class RollGroupRef(Schema):
    id: int
    name: str
    kind: one_of(Group.Kind)
    school_year: str
    center: int = Field(description="Id of the centre.")

    @staticmethod
    def resolve_center(obj):
        return obj.center_id


class RollOut(Schema):
    """A roll call with its counts; present = expected - absent (late learners are present)."""

    id: int
    group: RollGroupRef
    date: Date
    slot: Slot
    activity: Activity
    taken_by: str | None = Field(description="Full name of who took it; null when unknown.")
    taken_at: dt.datetime
    client_key: str | None
    expected: int = Field(description="Learners placed in the group that day.")
    absent: int
    late: int
    present: int
    rate: float | None = Field(description="Attendance rate in %; null when nobody was expected.")

    @staticmethod
    def resolve_taken_by(obj):
        return obj.taken_by.full_name if obj.taken_by else None

    @staticmethod
    def resolve_present(obj):
        return obj.expected - obj.absent

    @staticmethod
    def resolve_rate(obj):
        return selectors.rate(obj.expected, obj.absent)


class MarkOut(Schema):
    learner: int
    name: str
    kind: Kind
    justified: bool
    reason: str

    @staticmethod
    def resolve_learner(obj):
        return obj.learner_id

    @staticmethod
    def resolve_name(obj):
        return obj.learner.full_name


class RollDetailOut(RollOut):
    marks: list[MarkOut] = Field(description="Absences and lateness; every other expected learner was present.")

    @staticmethod
    def resolve_marks(obj):
        return obj.absences.all()


class ExpectedLearnerRef(Schema):
    id: int
    name: str = Field(description="In the request's language when written in that script.")
    first_name: str
    last_name: str
    first_name_ar: str
    last_name_ar: str

    @staticmethod
    def resolve_name(obj):
        return obj.full_name


class TakenRef(Schema):
    id: int
    slot: Slot


class ExpectedOut(Schema):
    group: RollGroupRef
    date: Date
    learners: list[ExpectedLearnerRef] = Field(description="Placed in the group that day: the roll covers them.")
    taken: list[TakenRef] = Field(description="Rolls already taken for the group that day.")


class PlaceRef(Schema):
    id: int
    code: str
    name: str


class RateOut(Schema):
    month: Date = Field(description="First day of the month.")
    place: PlaceRef | None = Field(description="The centre, province or region; null for the national level.")
    sessions: int = Field(description="Roll calls taken.")
    expected: int | None = Field(description="Expected learner-sessions; null when suppressed.")
    absent: int | None
    late: int | None
    rate: float | None = Field(description="Attendance rate in %; null when suppressed or nobody was expected.")
    suppressed: bool = Field(description="Partner viewers: fewer than 5 learners (FORSA_SMALL_CELL) stand behind "
                             "the figure, or it could be recovered from its month's total.")


class DayOut(Schema):
    roll: int = Field(description="Id of the roll call.")
    date: Date
    slot: Slot
    group: int
    mark: Kind | None = Field(description="Null when present.")


class LearnerAttendanceOut(Schema):
    learner: int
    start: Date
    end: Date
    expected: int
    absent: int
    late: int
    rate: float | None
    days: list[DayOut] = Field(description="Every roll call the learner was expected at, oldest first.")


# Requests -----------------------------------------------------------------------------


class MarkIn(Schema):
    learner: Id = Field(description="Id of a learner placed in the group on that date.")
    kind: Kind = Field(description="Presence is implied: only absences and lateness are sent.")
    justified: bool = False
    reason: str = Field("", description="At most 200 characters.")


class RollIn(Schema):
    group: Id = Field(description="Id of the group.")
    date: Date = Field(description="Today or a past day.")
    slot: Slot
    activity: Activity | None = Field(None, description="The group's kind when omitted.")
    client_key: str = Field(
        description="Chosen by the client (e.g. a UUID), at most 64 characters: sending the same roll "
        "again with it changes nothing."
    )
    marks: list[MarkIn] = Field([], description="Absences and lateness only.")


class MarksIn(Schema):
    marks: list[MarkIn] = Field(description="Replaces all the marks of the roll.")


class RollQuery(Schema):
    group: Id | None = Field(None, description="Id of a group.")
    center: Id | None = Field(None, description="Id of a centre.")
    date_from: Date | None = None
    date_to: Date | None = None


class DayQuery(Schema):
    date: Date | None = Field(None, description="Today when omitted.")


class PeriodQuery(Schema):
    start: Date | None = Field(None, description="First day; the start of the school year when omitted.")
    end: Date | None = Field(None, description="Last day (included); today when omitted.")


class RatesQuery(PeriodQuery):
    level: Literal[tuple(selectors.LEVELS)] = "center"
    region: str | None = Field(None, description="HCP code of a region.")
    province: str | None = Field(None, description="HCP code of a province.")
    center: Id | None = Field(None, description="Id of a centre.")

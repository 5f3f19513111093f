"""Schemas of the attendance API: answers (``…Out``) and requests (``…In``, ``…Query``)."""

import datetime as dt

from ninja import Field, Schema

from forsa.attendance import selectors

SMALL_CELL = 5  # partner viewers: fewer expected learner-sessions than this and a cell is suppressed
SLOTS = "morning, afternoon or evening"
ACTIVITIES = "catch_up, workshop or activity (the group's kind when omitted)"
KINDS = "absent or late (presence is implied: only absences and lateness are sent)"
LEVELS = "center, province, region or national"


# Answers ------------------------------------------------------------------------------


class GroupRef(Schema):
    id: int
    name: str
    kind: str = Field(description="catch_up, workshop or activity")
    school_year: str
    center: int = Field(description="Id of the centre.")

    @staticmethod
    def resolve_center(obj):
        return obj.center_id


class RollOut(Schema):
    """A roll call with its counts; present = expected - absent (late learners are present)."""

    id: int
    group: GroupRef
    date: dt.date
    slot: str = Field(description=SLOTS)
    activity: str = Field(description="catch_up, workshop or activity")
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
    kind: str = Field(description="absent or late")
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


class LearnerRef(Schema):
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
    slot: str


class ExpectedOut(Schema):
    group: GroupRef
    date: dt.date
    learners: list[LearnerRef] = Field(description="Placed in the group that day: the roll covers them.")
    taken: list[TakenRef] = Field(description="Rolls already taken for the group that day.")


class PlaceRef(Schema):
    id: int
    code: str
    name: str


class RateOut(Schema):
    month: dt.date = Field(description="First day of the month.")
    place: PlaceRef | None = Field(description="The centre, province or region; null for the national level.")
    sessions: int = Field(description="Roll calls taken.")
    expected: int | None = Field(description="Expected learner-sessions; null when suppressed.")
    absent: int | None
    late: int | None
    rate: float | None = Field(description="Attendance rate in %; null when suppressed or nobody was expected.")
    suppressed: bool = Field(description=f"Partner viewers: fewer than {SMALL_CELL} expected learner-sessions.")


class DayOut(Schema):
    roll: int = Field(description="Id of the roll call.")
    date: dt.date
    slot: str
    group: int
    mark: str | None = Field(description="absent, late, or null when present.")


class LearnerAttendanceOut(Schema):
    learner: int
    start: dt.date
    end: dt.date
    expected: int
    absent: int
    late: int
    rate: float | None
    days: list[DayOut] = Field(description="Every roll call the learner was expected at, oldest first.")


# Requests -----------------------------------------------------------------------------


class MarkIn(Schema):
    learner: int = Field(description="Id of a learner placed in the group on that date.")
    kind: str = Field(description=KINDS)
    justified: bool = False
    reason: str = Field("", description="At most 200 characters.")


class RollIn(Schema):
    group: int = Field(description="Id of the group.")
    date: dt.date = Field(description="Today or a past day.")
    slot: str = Field(description=SLOTS)
    activity: str | None = Field(None, description=ACTIVITIES)
    client_key: str = Field(
        description="Chosen by the client (e.g. a UUID), at most 64 characters: sending the same roll "
        "again with it changes nothing."
    )
    marks: list[MarkIn] = Field([], description="Absences and lateness only.")


class MarksIn(Schema):
    marks: list[MarkIn] = Field(description="Replaces all the marks of the roll.")


class RollQuery(Schema):
    group: int | None = Field(None, description="Id of a group.")
    center: int | None = Field(None, description="Id of a centre.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class DayQuery(Schema):
    date: dt.date | None = Field(None, description="Today when omitted.")


class PeriodQuery(Schema):
    start: dt.date | None = Field(None, description="First day; the start of the school year when omitted.")
    end: dt.date | None = Field(None, description="Last day (included); today when omitted.")


class RatesQuery(PeriodQuery):
    level: str = Field("center", description=LEVELS)
    region: str | None = Field(None, description="HCP code of a region.")
    province: str | None = Field(None, description="HCP code of a province.")
    center: int | None = Field(None, description="Id of a centre.")

"""The computation of each indicator of the catalogue, in SQL, returning cells.

Each computation reads through the scoping module (``for_aggregates``: the rows the user may count)
and groups in the database (``values(...).annotate(...)``): a few rows per place come back, never a
row per learner. A computation answers ``{key: Cell}`` where the key is the place's id at the level
asked (None when one total is asked) and, for a breakdown, ``(place id, category)``.

What an aggregate may disclose to aggregate-only readers is decided afterwards, by
``forsa.reporting.selectors`` with ``forsa.core.disclosure``: each cell carries the distinct people
it stands on (``people`` for its numerator, ``denominator_people`` for its denominator).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from forsa.assessments.models import RemediationGroup, Result
from forsa.assessments.selectors import pole_gains
from forsa.attendance import selectors as attendance
from forsa.attendance.models import Session
from forsa.centers.models import Center, Group, school_year_of
from forsa.conventions.models import Convention, Funding, Report, Tranche
from forsa.earlywarning.models import Intervention, LearnerRisk
from forsa.earlywarning.models import Level as RiskLevel
from forsa.learners.models import POSITIVE_OUTCOMES, Enrollment, Exit, FollowUp, Learner, Placement
from forsa.reporting.indicators import AGE_BAND_FROM, AgeBand
from forsa.territory.models import Province
from forsa.territory.selectors import counted_within


def _place_paths(center):
    """The ORM paths from a model to the places of its centre (``center``: the path to the centre)."""
    prefix = f"{center}__" if center else ""
    return {"region": f"{prefix}region_id", "province": f"{prefix}province_id",
            "association": f"{prefix}association_id", "center": f"{center}_id" if center else "pk"}


# The ORM path from each counted model to the place of a level (None: the nation, no grouping).
PATHS = {
    "enrollment": _place_paths("center"),
    "follow_up": _place_paths("exit__enrollment__center"),
    "exit": _place_paths("enrollment__center"),
    "center": _place_paths(None),
    "group": _place_paths("center"),
    "session": _place_paths("center"),
    "remediation": _place_paths("center"),
    "risk": _place_paths("center"),
    "intervention": _place_paths("center"),
    # a convention covers centres: it counts at each (region and association are its own)
    "convention": {"region": "region_id", "province": "centers__province_id", "association": "association_id",
                   "center": "centers__id"},
}
# The commune kind (rural, urban) of the centre of each counted model.
CATEGORY_PATHS = {"enrollment": {"sex": "learner__sex", "age_band": "age_band", "area": "center__commune__kind",
                                 "track": "tracks__track"},
                  "exit": {"sex": "enrollment__learner__sex", "outcome": "outcome",
                           "area": "enrollment__center__commune__kind"},
                  "follow_up": {"milestone": "months", "situation": "situation"},
                  "remediation": {"sex": "learners__sex"},
                  "risk": {"risk_level": "level", "sex": "learner__sex"},
                  "intervention": {"sex": "learner__sex"}}


def with_age_band(queryset, period, birth_date="learner__birth_date"):
    """``queryset`` with ``age_band``: the learner's age band on 1 September of the school year, in SQL
    (a birth date on or before 1 September of the year minus N makes the learner N or older)."""
    start = period.start
    whens = [When(**{f"{birth_date}__lte": date(start.year - age, 9, 1)}, then=Value(band.value))
             for band, age in AGE_BAND_FROM]
    return queryset.annotate(age_band=Case(*whens, default=Value(AgeBand.UNDER_13.value),
                                           output_field=CharField()))


@dataclass
class Cell:
    """One figure: its value, the counts it is made of, and the distinct people behind them."""

    value: float | int | None
    numerator: int | None = None
    denominator: int | None = None
    people: int = 0  # distinct people behind the numerator (0 for figures about institutions)
    denominator_people: int | None = None
    suppressed: bool = False
    extra: dict = field(default_factory=dict)

    def hide(self):
        self.suppressed = True
        self.value = self.numerator = self.denominator = None


def share(part, whole):
    return None if not whole else round(100 * part / whole, 1)


@dataclass(frozen=True)
class Period:
    """A school year, the month chosen in it (for monthly figures) and its reference day."""

    school_year: str
    month: date  # first day of the month
    today: date | None = None  # the day figures are read on (None: today)

    @classmethod
    def of(cls, school_year=None, month=None, today=None):
        today = today or timezone.localdate()
        school_year = school_year or school_year_of(today)
        start = date(int(school_year[:4]), 9, 1)
        end = date(start.year + 1, 9, 1)
        if month is None or not start <= month < end:
            # the last complete month: the current one is still being called (September: itself)
            if start <= today < end:
                month = today.replace(day=1) if today.month == 9 else (today.replace(day=1) - timedelta(days=1))
            else:
                month = end - timedelta(days=1)
        return cls(school_year, month.replace(day=1), today)

    @property
    def start(self) -> date:
        return date(int(self.school_year[:4]), 9, 1)

    @property
    def end(self) -> date:
        """The day after the school year (exclusive end)."""
        return date(self.start.year + 1, 9, 1)

    @property
    def month_end(self) -> date:
        return attendance.month_span(self.month)[1]

    @property
    def months(self) -> list[date]:
        months, day = [], self.start
        while day < self.end:
            months.append(day)
            day = attendance.month_span(day)[1]
        return months

    def reference_day(self, today=None) -> date:
        """Today during the school year, its last day after it, its first before it."""
        today = today or self.today or timezone.localdate()
        return today if self.start <= today < self.end else min(self.end - timedelta(days=1), max(today, self.start))


def _narrow(kind, within):
    """Filters of ``within`` ({"region": id, "province": id, "association": id, "center": id}) on the model
    ``kind``."""
    return {PATHS[kind][key]: getattr(value, "pk", value) for key, value in (within or {}).items()}


def _keys(kind, level, breakdown):
    keys = [PATHS[kind][level]] if level else []
    if breakdown:
        keys.append(CATEGORY_PATHS[kind][breakdown])
    return keys


def _key(row, keys):
    if not keys:
        return None
    values = tuple(row[k] for k in keys)
    return values[0] if len(values) == 1 else values


def _grouped(queryset, keys, **aggregates):
    """(key, row) per group of ``keys``; one (None, totals) without keys (nothing counted: no row)."""
    if not keys:
        row = queryset.aggregate(**aggregates)
        return [(None, row)] if any(row.values()) else []
    return [(_key(row, keys), row) for row in queryset.values(*keys).annotate(**aggregates).order_by()]


def enrolled_in_year(user, period, within):
    """The enrolments of the school year ``user`` may count, the latest of each learner in the year only
    (a learner who moved or came back in the year counts once, where they were last enrolled)."""
    later = Enrollment.objects.filter(learner=OuterRef("learner"), school_year=period.school_year).filter(
        Q(start_date__gt=OuterRef("start_date")) | Q(start_date=OuterRef("start_date"), pk__gt=OuterRef("pk")))
    return (Enrollment.objects.for_aggregates(user)
            .filter(school_year=period.school_year, **_narrow("enrollment", within)).exclude(Exists(later)))


def learners_enrolled(*, user, period, level=None, within=None, breakdown=None):
    keys = _keys("enrollment", level, breakdown)
    enrolled = enrolled_in_year(user, period, within)
    if breakdown == "age_band":
        enrolled = with_age_band(enrolled, period)
    if breakdown == "track":  # the tracks they took part in during the year (a learner in two counts in both)
        enrolled = enrolled.filter(tracks__isnull=False)
    rows = _grouped(enrolled, keys, n=Count("learner", distinct=True))
    return {key: Cell(row["n"], numerator=row["n"], people=row["n"]) for key, row in rows}


def first_enrolments(user, period, within):
    """The first enrolments ever of learners (no earlier enrolment, not a transfer) started in the year."""
    earlier = Enrollment.objects.filter(learner=OuterRef("learner")).filter(
        Q(start_date__lt=OuterRef("start_date")) | Q(start_date=OuterRef("start_date"), pk__lt=OuterRef("pk")))
    return (Enrollment.objects.for_aggregates(user)
            .filter(start_date__gte=period.start, start_date__lt=period.end, transferred_from__isnull=True,
                    **_narrow("enrollment", within))
            .exclude(Exists(earlier)))


def new_intakes(*, user, period, level=None, within=None, breakdown=None):
    first = first_enrolments(user, period, within)
    if breakdown == "age_band":
        first = with_age_band(first, period)
    rows = _grouped(first, _keys("enrollment", level, breakdown), n=Count("learner", distinct=True))
    return {key: Cell(row["n"], numerator=row["n"], people=row["n"]) for key, row in rows}


def girls_share(*, user, period, level=None, within=None, breakdown=None):
    rows = _grouped(enrolled_in_year(user, period, within), _keys("enrollment", level, None),
                    n=Count("learner", distinct=True),
                    girls=Count("learner", distinct=True, filter=Q(learner__sex="F")))
    return {key: Cell(share(row["girls"], row["n"]), numerator=row["girls"], denominator=row["n"],
                      people=row["girls"], denominator_people=row["n"]) for key, row in rows}


def attendance_within(within):
    """``within`` as filters of attendance's sessions (which hold no association: through their centre)."""
    return {key if key != "association" else "center__association": value for key, value in (within or {}).items()}


def attendance_rate(*, user, period, level=None, within=None, breakdown=None):
    """The month's rates of ``forsa.attendance.selectors.rates_by`` (its small cells already hidden for
    aggregate-only scopes, by forsa.core.disclosure, with the month's total)."""
    narrow = attendance_within(within)
    rows = attendance.rates_by(user=user, level=level or "national", start=period.month, end=period.month_end,
                               **narrow)
    cells = {}
    for row in rows:
        key = row[f"{level}_id"] if level else None
        cell = Cell(row["rate"], numerator=None if row["suppressed"] else row["expected"] - row["absent"],
                    denominator=row["expected"], suppressed=row["suppressed"])
        cell.extra["sessions"] = row["sessions"]
        cells[key] = cell
    return cells


def _exits(user, period, within):
    return Exit.objects.for_aggregates(user).filter(exit_date__gte=period.start, exit_date__lt=period.end,
                                                    **_narrow("exit", within))


def exits(*, user, period, level=None, within=None, breakdown=None):
    rows = _grouped(_exits(user, period, within), _keys("exit", level, breakdown), n=Count("pk"),
                    people=Count("enrollment__learner", distinct=True))
    return {key: Cell(row["n"], numerator=row["n"], people=row["people"]) for key, row in rows}


def positive_exit_rate(*, user, period, level=None, within=None, breakdown=None):
    positive = Q(outcome__in=POSITIVE_OUTCOMES)
    rows = _grouped(_exits(user, period, within), _keys("exit", level, None), n=Count("pk"),
                    people=Count("enrollment__learner", distinct=True), positive=Count("pk", filter=positive),
                    positive_people=Count("enrollment__learner", distinct=True, filter=positive))
    return {key: Cell(share(row["positive"], row["n"]), numerator=row["positive"], denominator=row["n"],
                      people=row["positive_people"], denominator_people=row["people"]) for key, row in rows}


def follow_up_rate(*, user, period, level=None, within=None, breakdown=None):
    """Follow-ups (+3, +6, +12 months after an exit) due from the start of the school year to its reference
    day, and those done."""
    due = FollowUp.objects.for_aggregates(user).filter(due_on__gte=period.start, due_on__lte=period.reference_day(),
                                                       **_narrow("follow_up", within))
    done = Q(done_on__isnull=False)
    rows = _grouped(due, _keys("follow_up", level, breakdown), n=Count("pk"), people=Count("learner", distinct=True),
                    done=Count("pk", filter=done), done_people=Count("learner", distinct=True, filter=done))
    return {key: Cell(share(row["done"], row["n"]), numerator=row["done"], denominator=row["n"],
                      people=row["done_people"], denominator_people=row["people"]) for key, row in rows}


def open_centers(user, period, within):
    return (Center.objects.for_aggregates(user).filter(status=Center.Status.OPEN, **_narrow("center", within))
            .filter(Q(opening_date__isnull=True) | Q(opening_date__lt=period.end)))


def centres_open(*, user, period, level=None, within=None, breakdown=None):
    rows = _grouped(open_centers(user, period, within), _keys("center", level, None), n=Count("pk"))
    return {key: Cell(row["n"], numerator=row["n"]) for key, row in rows}


def seats(*, user, period, level=None, within=None, breakdown=None):
    rows = _grouped(open_centers(user, period, within), _keys("center", level, None), n=Sum("capacity"))
    return {key: Cell(row["n"] or 0, numerator=row["n"] or 0) for key, row in rows}


def occupancy(*, user, period, level=None, within=None, breakdown=None, today=None):
    day = period.reference_day(today)
    covering = (Enrollment.objects.for_aggregates(user)
                .filter(start_date__lte=day, **_narrow("enrollment", within))
                .filter(Q(end_date__isnull=True) | Q(end_date__gt=day)))
    learners = dict(_grouped(covering, _keys("enrollment", level, None), n=Count("learner", distinct=True)))
    places = dict(_grouped(open_centers(user, period, within), _keys("center", level, None), n=Sum("capacity")))
    cells = {}
    for key in {*learners, *places}:
        enrolled = learners.get(key, {}).get("n", 0)
        capacity = places.get(key, {}).get("n") or 0
        cells[key] = Cell(share(enrolled, capacity), numerator=enrolled, denominator=capacity, people=enrolled)
        cells[key].extra["day"] = day
    return cells


RETENTION_DAYS = {"retention_3m": 91, "retention_6m": 182}


def _retention(days, *, user, period, level=None, within=None, breakdown=None):
    """New intakes of the year who started at least ``days`` before the reference day; retained: an enrolment
    of theirs covers their ``days``-th day, or a positive exit of theirs is dated before it. Counted at the
    centre that took them in (additive)."""
    last_start = period.reference_day() - timedelta(days=days)
    cohort = first_enrolments(user, period, within).filter(start_date__lte=last_start)

    def at():  # the cohort enrolment's start plus ``days``, written inside each subquery
        return ExpressionWrapper(OuterRef("start_date") + timedelta(days=days), output_field=DateField())

    covering = Enrollment.objects.filter(learner=OuterRef("learner"), start_date__lte=at()).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=at()))
    positive = Exit.objects.filter(enrollment__learner=OuterRef("learner"), exit_date__lte=at(),
                                   outcome__in=POSITIVE_OUTCOMES)
    kept = Q(Exists(covering)) | Q(Exists(positive))
    rows = _grouped(cohort, _keys("enrollment", level, breakdown), n=Count("learner", distinct=True),
                    kept=Count("learner", distinct=True, filter=kept))
    cells = {}
    for key, row in rows:
        cells[key] = Cell(share(row["kept"], row["n"]), numerator=row["kept"], denominator=row["n"],
                          people=row["kept"], denominator_people=row["n"])
        cells[key].extra["started_by"] = last_start
    return cells


def retention_3m(**kwargs):
    return _retention(RETENTION_DAYS["retention_3m"], **kwargs)


def retention_6m(**kwargs):
    return _retention(RETENTION_DAYS["retention_6m"], **kwargs)


def _as_date(value):
    """A date from the database (SQLite may answer MAX/MIN of dates as text)."""
    return date.fromisoformat(str(value)[:10]) if not isinstance(value, date) else value


def roll_days(period):
    """The school days (Monday to Friday) of the month up to the day before the reference day."""
    last = min(period.month_end, period.reference_day()) - timedelta(days=1)
    return attendance.school_days(period.month, last) if last >= period.month else []


def rolls_not_taken(*, user, period, level=None, within=None, breakdown=None):
    """Group-days expected in the month: each group with a learner placed in the month is expected on the school
    days from its first learner's placement to the end of its last one's, clamped to the month (one grouped
    query: a row per group, its days counted here; a row per place did not pay: correlated subqueries per
    group took 3 s at 500,000 learners); minus the group-days with a roll call (distinct group and date,
    weekdays)."""
    days = roll_days(period)
    if not days:
        return {}
    after = days[-1] + timedelta(days=1)
    groups = Group.objects.for_aggregates(user).filter(**_narrow("group", within)).values("pk")
    placed = (Placement.objects.filter(group__in=groups, start_date__lte=days[-1])
              .filter(Q(end_date__isnull=True) | Q(end_date__gt=days[0])))
    place = [f"group__{PATHS['group'][level]}"] if level else []
    expected = {}
    # one row per group with a learner placed in the month (its first placement's start, its last one's end)
    for row in (placed.values("group", *place)
                .annotate(first=Min("start_date"), last=Max(Coalesce("end_date", Value(after)))).order_by()):
        since, until = max(_as_date(row["first"]), days[0]), min(_as_date(row["last"]), after)
        key = row[place[0]] if place else None
        expected[key] = expected.get(key, 0) + sum(1 for day in days if since <= day < until)
    group_day = Concat(Cast("group_id", CharField()), Value("-"), Cast("date", CharField()), output_field=CharField())
    taken_sessions = (Session.objects.for_aggregates(user)
                      .filter(date__gte=days[0], date__lte=days[-1], date__week_day__in=[2, 3, 4, 5, 6], expected__gt=0,
                              **_narrow("session", within)))
    taken = {key: row["n"] for key, row in _grouped(taken_sessions, _keys("session", level, None),
                                                    n=Count(group_day, distinct=True))}
    cells = {}
    for key, n in expected.items():
        if not n:
            continue
        missing = max(n - taken.get(key, 0), 0)
        cells[key] = Cell(missing, numerator=missing, denominator=n)
        cells[key].extra["until"] = days[-1]
    return cells


def situation_after_exit(*, user, period, level=None, within=None, breakdown=None):
    done = FollowUp.objects.for_aggregates(user).filter(done_on__gte=period.start, done_on__lt=period.end,
                                                        **_narrow("follow_up", within))
    positive = Q(situation__in=POSITIVE_OUTCOMES)
    rows = _grouped(done, _keys("follow_up", level, breakdown), n=Count("pk"), people=Count("learner", distinct=True),
                    positive=Count("pk", filter=positive),
                    positive_people=Count("learner", distinct=True, filter=positive))
    if breakdown == "situation":  # a count per situation found: the value is the follow-ups of that situation
        return {key: Cell(row["n"], numerator=row["n"], people=row["people"]) for key, row in rows}
    return {key: Cell(share(row["positive"], row["n"]), numerator=row["positive"], denominator=row["n"],
                      people=row["positive_people"], denominator_people=row["people"]) for key, row in rows}


def basic_skills_gain(*, user, period, level=None, within=None, breakdown=None):
    """Per pole, learners measured and those who gained a level, by ``assessments.selectors.pole_gains`` (its
    definition, not a copy): the means per learner, pole and assessment in SQL (one grouped query), the
    comparison of the first diagnostic with the latest later level per learner in Python; each learner at the
    centre of their latest enrolment of the year (one query). Correlated subqueries per learner and pole did it
    all in SQL but took 20 s for 1,400 learners on SQLite; the per-centre roll-ups are where it belongs."""
    enrolled = enrolled_in_year(user, period, within)
    path = PATHS["enrollment"][level] if level else "learner"
    place_of = dict(enrolled.values_list("learner", path)) if level else dict.fromkeys(
        enrolled.values_list("learner", flat=True))
    means = (Result.objects.filter(learner__in=enrolled.values("learner"), absent=False, level__isnull=False,
                                   assessment__group__school_year=period.school_year)
             .values_list("learner_id", "competency__domain__pole__code", "assessment__kind", "assessment__date",
                          "assessment_id")
             .annotate(mean=Avg("level")).order_by())
    gains = pole_gains([(*row[:5], float(row[5])) for row in means])
    counts = {}  # key: [measured, gained, learners measured, learners who gained]
    for (learner, pole), (_first, _latest, gained) in gains.items():
        place = place_of.get(learner)
        for key in ([(place, pole) if level else pole] if breakdown == "pole" else [place]):
            count = counts.setdefault(key, [0, 0, set(), set()])
            count[0] += 1
            count[1] += gained
            count[2].add(learner)
            if gained:
                count[3].add(learner)
    return {key: Cell(share(gained, measured), numerator=gained, denominator=measured, people=len(gainers),
                      denominator_people=len(learners))
            for key, (measured, gained, learners, gainers) in counts.items()}


def in_remediation(*, user, period, level=None, within=None, breakdown=None):
    groups = (RemediationGroup.objects.for_aggregates(user)
              .filter(start_date__lt=period.end, **_narrow("remediation", within))
              .filter(Q(start_date__gte=period.start) | Q(status=RemediationGroup.Status.ACTIVE)))
    rows = _grouped(groups.filter(learners__isnull=False), _keys("remediation", level, breakdown),
                    n=Count("learners", distinct=True))
    return {key: Cell(row["n"], numerator=row["n"], people=row["n"]) for key, row in rows}


SIGNED = ("signed", "active", "suspended", "closed")


def _conventions(user, within):
    """Conventions ``user`` may count, narrowed to ``within`` without multiplying them by their centres."""
    conventions = Convention.objects.for_aggregates(user).filter(status__in=SIGNED)
    for key, value in (within or {}).items():
        if key in ("province", "center"):
            covered = Convention.centers.through.objects.filter(
                convention=OuterRef("pk"), **{"center__province" if key == "province" else "center": value})
            conventions = conventions.filter(Exists(covered))
        else:
            conventions = conventions.filter(**{f"{key}": value})
    return conventions


def _convention_cells(queryset, level, prefix, **aggregates):
    """Cells of a figure about conventions (not people): grouped by the place of the convention."""
    keys = [f"{prefix}{PATHS['convention'][level]}"] if level else []
    rows = _grouped(queryset, keys, **aggregates)
    return {key: Cell(row["n"] or 0, numerator=row["n"] or 0,
                      denominator=row.get("d")) for key, row in rows}


def conventions_signed(*, user, period, level=None, within=None, breakdown=None):
    signed = _conventions(user, within).filter(signed_on__gte=period.start, signed_on__lt=period.end)
    return _convention_cells(signed, level, "", n=Count("pk", distinct=True))


def amounts_committed(*, user, period, level=None, within=None, breakdown=None):
    signed = _conventions(user, within).filter(signed_on__gte=period.start, signed_on__lt=period.end)
    fundings = Funding.objects.filter(convention__in=signed.values("pk"))
    return _money(_convention_cells(fundings, level, "convention__", n=Sum("amount")))


def amounts_disbursed(*, user, period, level=None, within=None, breakdown=None):
    tranches = Tranche.objects.filter(convention__in=_conventions(user, within).values("pk"), status="released",
                                      released_on__gte=period.start, released_on__lt=period.end)
    return _money(_convention_cells(tranches, level, "convention__",
                                    n=Sum(Coalesce("released_amount", "planned_amount"))))


def _money(cells):
    for cell in cells.values():
        cell.value = cell.numerator = int(round(cell.value or 0))
    return cells


def late_reports(*, user, period, level=None, within=None, breakdown=None):
    due = Report.objects.filter(convention__in=_conventions(user, within).values("pk"), due_on__gte=period.start,
                                due_on__lt=min(period.end, period.reference_day()))
    late = Q(submitted_on__isnull=True) | Q(submitted_on__gt=F("due_on"))
    return _convention_cells(due, level, "convention__", n=Count("pk", distinct=True, filter=late),
                             d=Count("pk", distinct=True))


def learners_at_risk(*, user, period, level=None, within=None, breakdown=None):
    risks = (LearnerRisk.objects.for_aggregates(user)
             .filter(as_of__gte=period.start, as_of__lt=period.end, learner__status=Learner.Status.ENROLLED,
                     **_narrow("risk", within)))
    at_risk = Q(level__in=[RiskLevel.HIGH, RiskLevel.WATCH])
    if breakdown == "risk_level":
        risks = risks.filter(at_risk)
    rows = _grouped(risks, _keys("risk", level, breakdown), n=Count("learner", distinct=True),
                    risk=Count("learner", distinct=True, filter=at_risk))
    return {key: Cell(row["risk"], numerator=row["risk"], denominator=row["n"], people=row["risk"],
                      denominator_people=row["n"]) for key, row in rows if row["n"]}


def interventions(*, user, period, level=None, within=None, breakdown=None):
    done = Intervention.objects.for_aggregates(user).filter(date__gte=period.start, date__lt=period.end,
                                                            **_narrow("intervention", within))
    rows = _grouped(done, _keys("intervention", level, breakdown), n=Count("pk"),
                    people=Count("learner", distinct=True))
    return {key: Cell(row["n"], numerator=row["n"], people=row["people"]) for key, row in rows}


COMPUTATIONS = {
    "learners_enrolled": learners_enrolled,
    "new_intakes": new_intakes,
    "girls_share": girls_share,
    "attendance_rate": attendance_rate,
    "exits": exits,
    "positive_exit_rate": positive_exit_rate,
    "follow_up_rate": follow_up_rate,
    "centres_open": centres_open,
    "seats": seats,
    "occupancy": occupancy,
    "retention_3m": retention_3m,
    "retention_6m": retention_6m,
    "rolls_not_taken": rolls_not_taken,
    "situation_after_exit": situation_after_exit,
    "basic_skills_gain": basic_skills_gain,
    "in_remediation": in_remediation,
    "conventions_signed": conventions_signed,
    "amounts_committed": amounts_committed,
    "amounts_disbursed": amounts_disbursed,
    "late_reports": late_reports,
    "learners_at_risk": learners_at_risk,
    "interventions": interventions,
}


# --- Need against coverage: the 2024 census (RGPH, HCP) per province, from the territory app -------------------

CENSUS_BANDS = ("population_10_14_male", "population_10_14_female", "population_15_19_male",
                "population_15_19_female")
SEXES = ("male", "female")
CENSUS_RATES_BY_SEX = ("schooling_rate_6_11_male", "schooling_rate_6_11_female", "illiteracy_rate_10_plus_male",
                       "illiteracy_rate_10_plus_female")


@dataclass
class Census:
    """The census figures of a place (a province, or the sum of a region's or the nation's provinces).

    ``out_of_school_low`` = adolescents aged 10–19 × (100 − schooling rate at 6–11) / 100;
    ``out_of_school_high`` = adolescents aged 10–19 × illiteracy rate at 10 and over / 100 (never below the
    low one). Both are None when the place has no province with its figures; ``missing`` counts the
    provinces summed whose figures are missing (then the sums are partial).

    By sex (``low_by_sex``, ``high_by_sex``: {"male"|"female": int or None}), the same two estimates from
    that sex's adolescents and that sex's own rates (schooling at 6–11 and illiteracy at 10+ of boys, of
    girls); ``missing_by_sex`` counts the provinces without them. Girls + boys need not equal the estimate for
    everyone: each sex has its own rate, and the rounding is per province and sex."""

    population: dict = field(default_factory=lambda: dict.fromkeys(CENSUS_BANDS, 0))
    out_of_school_low: int | None = None
    out_of_school_high: int | None = None
    provinces: int = 0
    missing: int = 0  # provinces whose population 10-19 or rates are missing
    counted: int = 0  # provinces whose population 10-19 is known
    low_by_sex: dict = field(default_factory=lambda: dict.fromkeys(SEXES))
    high_by_sex: dict = field(default_factory=lambda: dict.fromkeys(SEXES))
    missing_by_sex: int = 0  # provinces whose estimate for boys or for girls is missing

    @property
    def population_10_19(self) -> int | None:
        return sum(self.population.values()) if self.counted else None

    def _band(self, name) -> int | None:
        return self.population[name] if self.counted else None

    population_10_14_male = property(lambda self: self._band("population_10_14_male"))
    population_10_14_female = property(lambda self: self._band("population_10_14_female"))
    population_15_19_male = property(lambda self: self._band("population_15_19_male"))
    population_15_19_female = property(lambda self: self._band("population_15_19_female"))

    @property
    def complete(self) -> bool:
        return self.provinces > 0 and not self.missing

    out_of_school_low_male = property(lambda self: self.low_by_sex["male"])
    out_of_school_low_female = property(lambda self: self.low_by_sex["female"])
    out_of_school_high_male = property(lambda self: self.high_by_sex["male"])
    out_of_school_high_female = property(lambda self: self.high_by_sex["female"])

    def _add_by_sex(self, row):
        missing = False
        for sex in SEXES:
            adolescents = row[f"population_10_14_{sex}"] + row[f"population_15_19_{sex}"]
            schooling = row.get(f"schooling_rate_6_11_{sex}")
            illiteracy = row.get(f"illiteracy_rate_10_plus_{sex}")
            if not adolescents or schooling is None or illiteracy is None:
                missing = True
                continue
            low = round(adolescents * (100 - float(schooling)) / 100)
            high = max(low, round(adolescents * float(illiteracy) / 100))
            self.low_by_sex[sex] = (self.low_by_sex[sex] or 0) + low
            self.high_by_sex[sex] = (self.high_by_sex[sex] or 0) + high
        self.missing_by_sex += missing

    def add(self, row):
        """Add one province's census row (a dict of Province fields)."""
        self.provinces += 1
        self._add_by_sex(row)
        adolescents = sum(row[band] for band in CENSUS_BANDS)
        schooling, illiteracy = row["schooling_rate_6_11"], row["illiteracy_rate_10_plus"]
        if adolescents:  # 0 is how the loader leaves a population the census did not give
            self.counted += 1
            for band in CENSUS_BANDS:
                self.population[band] += row[band]
        if not adolescents or schooling is None or illiteracy is None:
            self.missing += 1
            return
        low = round(adolescents * (100 - float(schooling)) / 100)
        high = max(low, round(adolescents * float(illiteracy) / 100))
        self.out_of_school_low = (self.out_of_school_low or 0) + low
        self.out_of_school_high = (self.out_of_school_high or 0) + high


CENSUS_PATHS = {"region": "region_id", "province": "pk"}


def census_by(*, level=None, within=None) -> dict:
    """{place id (None: one total): Census} summed from the provinces (83 rows at most, one query), each
    person once (``territory.selectors.counted_within``); the territory is public (census figures are not
    about a person)."""
    narrow = {CENSUS_PATHS[key]: getattr(value, "pk", value) for key, value in (within or {}).items()}
    rows = list(Province.objects.filter(**narrow).values("pk", "code", "region_id", "schooling_rate_6_11",
                                                         "illiteracy_rate_10_plus", *CENSUS_BANDS,
                                                         *CENSUS_RATES_BY_SEX).order_by())
    # a place counted within another of the rows (Casablanca's prefectures of arrondissements) is left out of
    # a sum: its people are already in its container's figures
    nested = counted_within(row["code"] for row in rows) if level != "province" else {}
    places = {}
    for row in rows:
        if row["code"] in nested:
            continue
        key = row[CENSUS_PATHS[level]] if level else None
        places.setdefault(key, Census()).add(row)
    return places


def out_of_school(*, user, period, level=None, within=None, breakdown=None):
    """Estimated out-of-school adolescents aged 10–19 (the low estimate; the high one in ``extra``)."""
    cells = {}
    for key, census in census_by(level=level, within=within).items():
        cell = Cell(census.out_of_school_low, numerator=census.out_of_school_low,
                    denominator=census.population_10_19)
        cell.extra |= {"high": census.out_of_school_high, "missing": census.missing}
        cells[key] = cell
    return cells


def coverage_rate(*, user, period, level=None, within=None, breakdown=None):
    """Learners enrolled / estimated out-of-school adolescents (the low estimate: the highest coverage the
    census allows; the rate against the high estimate in ``extra["low"]``)."""
    learners = learners_enrolled(user=user, period=period, level=level, within=within)
    cells = {}
    for key, census in census_by(level=level, within=within).items():
        enrolled = learners[key].numerator if key in learners else 0
        low, high = census.out_of_school_low, census.out_of_school_high
        cell = Cell(share(enrolled, low) if low else None, numerator=enrolled, denominator=low, people=enrolled)
        cell.extra |= {"low": share(enrolled, high) if high else None, "missing": census.missing}
        cells[key] = cell
    return cells


COMPUTATIONS |= {"out_of_school": out_of_school, "coverage_rate": coverage_rate}

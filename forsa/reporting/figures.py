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

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Sum, Value, When
from django.utils import timezone

from forsa.attendance import selectors as attendance
from forsa.centers.models import Center, school_year_of
from forsa.learners.models import POSITIVE_OUTCOMES, Enrollment, Exit, FollowUp
from forsa.reporting.indicators import AGE_BAND_FROM, AgeBand
from forsa.territory.models import Province

# The ORM path from each counted model to the place of a level (None: the nation, no grouping).
PATHS = {
    "enrollment": {"region": "center__region_id", "province": "center__province_id", "center": "center_id"},
    "follow_up": {"region": "exit__enrollment__center__region_id",
                  "province": "exit__enrollment__center__province_id", "center": "exit__enrollment__center_id"},
    "exit": {"region": "enrollment__center__region_id", "province": "enrollment__center__province_id",
             "center": "enrollment__center_id"},
    "center": {"region": "region_id", "province": "province_id", "center": "pk"},
}
CATEGORY_PATHS = {"enrollment": {"sex": "learner__sex", "age_band": "age_band"},
                  "exit": {"sex": "enrollment__learner__sex", "outcome": "outcome"}}


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
    """Filters of ``within`` ({"region": id, "province": id, "center": id}) on the model ``kind``."""
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
    rows = _grouped(enrolled, keys, n=Count("learner", distinct=True))
    return {key: Cell(row["n"], numerator=row["n"], people=row["n"]) for key, row in rows}


def new_intakes(*, user, period, level=None, within=None, breakdown=None):
    earlier = Enrollment.objects.filter(learner=OuterRef("learner")).filter(
        Q(start_date__lt=OuterRef("start_date")) | Q(start_date=OuterRef("start_date"), pk__lt=OuterRef("pk")))
    first = (Enrollment.objects.for_aggregates(user)
             .filter(start_date__gte=period.start, start_date__lt=period.end, transferred_from__isnull=True,
                     **_narrow("enrollment", within))
             .exclude(Exists(earlier)))
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


def attendance_rate(*, user, period, level=None, within=None, breakdown=None):
    """The month's rates of ``forsa.attendance.selectors.rates_by`` (its small cells already hidden for
    aggregate-only scopes, by forsa.core.disclosure, with the month's total)."""
    narrow = {key: value for key, value in (within or {}).items()}
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
    rows = _grouped(due, _keys("follow_up", level, None), n=Count("pk"), people=Count("learner", distinct=True),
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
}


# --- Need against coverage: the 2024 census (RGPH, HCP) per province, from the territory app -------------------

CENSUS_BANDS = ("population_10_14_male", "population_10_14_female", "population_15_19_male",
                "population_15_19_female")


@dataclass
class Census:
    """The census figures of a place (a province, or the sum of a region's or the nation's provinces).

    ``out_of_school_low`` = adolescents aged 10–19 × (100 − schooling rate at 6–11) / 100;
    ``out_of_school_high`` = adolescents aged 10–19 × illiteracy rate at 10 and over / 100 (never below the
    low one). Both are None when the place has no province with its figures; ``missing`` counts the
    provinces summed whose figures are missing (then the sums are partial)."""

    population: dict = field(default_factory=lambda: dict.fromkeys(CENSUS_BANDS, 0))
    out_of_school_low: int | None = None
    out_of_school_high: int | None = None
    provinces: int = 0
    missing: int = 0  # provinces whose population 10-19 or rates are missing
    counted: int = 0  # provinces whose population 10-19 is known

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

    def add(self, row):
        """Add one province's census row (a dict of Province fields)."""
        self.provinces += 1
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
    """{place id (None: one total): Census} summed from the provinces (83 rows at most, one query); the
    territory is public (census figures are not about a person)."""
    narrow = {CENSUS_PATHS[key]: getattr(value, "pk", value) for key, value in (within or {}).items()}
    rows = Province.objects.filter(**narrow).values("pk", "region_id", "schooling_rate_6_11",
                                                    "illiteracy_rate_10_plus", *CENSUS_BANDS).order_by()
    places = {}
    for row in rows:
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

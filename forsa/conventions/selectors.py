"""Every read of conventions, already scoped; performance computed from the learners' data.

Performance of a convention, over its centres and its dates (never typed in):

* enrolled: distinct learners with an enrolment at a covered centre overlapping the convention's
  dates, by sex, against the targets;
* retention: the share of them who did not drop out (an exit "dropped out" within the dates);
* attendance: 1 − absent / expected over the roll calls of the covered centres within the dates;
* positive exits: exits within the dates to school, training, apprenticeship or work, among all exits;
* disbursed against planned (tranches), reports late (due date passed, not approved).

Lists compute these for a whole page in one grouped query per measure, whatever its length.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, Prefetch, Q, Sum
from django.utils import timezone

from forsa.accounts.models import User
from forsa.attendance.models import Session
from forsa.centers.models import Center
from forsa.conventions.models import (
    Application,
    ApplicationDocument,
    CallForProjects,
    Convention,
    Report,
    Review,
    Tranche,
)
from forsa.core import scoping
from forsa.core.roles import Role
from forsa.learners.models import POSITIVE_OUTCOMES, Enrollment, Outcome
from forsa.organizations.models import Association
from forsa.territory.models import Commune

UNDER_ENROLMENT_SHARE = Decimal("0.8")  # below 80 % of the target …
UNDER_ENROLMENT_AFTER_MONTHS = 3  # … three months after the start


# Calls ----------------------------------------------------------------------------------


def call_list(*, user):
    """Published calls, and the drafts of the calls the user runs (CallForProjects' scoping rule)."""
    return (CallForProjects.objects.for_user(user)
            .select_related("owner", "region").annotate(applications_count=Count("applications"))
            .order_by("-opens_on", "reference"))


def call_get(*, user, pk) -> CallForProjects:
    return call_list(user=user).prefetch_related("criteria").get(pk=pk)


def may_manage_call(*, user, call) -> bool:
    """The owner of a call runs it and decides: national admins for a central call, the region's managers."""
    return scoping.can(user, "call.manage", **({"region": call.region_id} if call.region_id else {}))


def call_owner_choices(*, user):
    """The public bodies on whose behalf the user may launch a call."""
    from forsa.organizations.models import Organization

    scope = scoping.scope_of(user)
    bodies = Organization.objects.filter(kind__in=[Organization.Kind.MINISTRY, Organization.Kind.AREF])
    if Role.NATIONAL_ADMIN in scope.roles:
        return bodies
    return bodies.filter(kind=Organization.Kind.AREF, region__in=scope.ids("region", roles={Role.REGIONAL_MANAGER}))


# Applications ---------------------------------------------------------------------------


def application_list(*, user):
    return (Application.objects.for_user(user)
            .select_related("call", "call__owner", "association")
            .annotate(score=_mean_score(), reviews_done=Count("reviews", filter=Q(
                reviews__status=Review.Status.SUBMITTED)))
            .order_by("call", "association__name", "pk"))


def _mean_score():
    from django.db.models import Avg

    return Avg("reviews__total", filter=Q(reviews__status=Review.Status.SUBMITTED))


def application_get(*, user, pk) -> Application:
    return (Application.objects.for_user(user)
            .select_related("call", "call__owner", "association", "new_site_commune")
            .prefetch_related("centers", "trades", "documents", "call__criteria",
                              Prefetch("reviews", queryset=Review.objects.select_related("reviewer")))
            .get(pk=pk))


def document_get(*, user, pk) -> ApplicationDocument:
    return ApplicationDocument.objects.for_user(user).select_related("application", "application__call").get(pk=pk)


def review_get(*, user, pk) -> Review:
    """A review the user was assigned (the only reviews one may fill in)."""
    return (Review.objects.for_user(user).filter(reviewer=user)
            .select_related("application", "application__call", "application__association")
            .prefetch_related("application__call__criteria", "application__documents", "application__centers")
            .get(pk=pk))


def my_reviews(*, user):
    return (Review.objects.filter(reviewer=user).select_related("application", "application__call",
                                                                "application__association")
            .order_by("status", "application__call", "pk"))


@dataclass
class RankedApplication:
    application: Application
    rank: int
    score: Decimal | None
    reviews: int
    tie: bool = False  # same score as the one before: ordered by earlier submission


def call_ranking(*, user, call) -> list[RankedApplication]:
    """The call's submitted applications by the mean of their submitted reviews, best first.

    Equal scores share a rank; between them the one submitted first comes first (and is flagged).
    Applications not yet scored come last.
    """
    rows = list(application_list(user=user).filter(call=call).exclude(status=Application.Status.DRAFT)
                .order_by(F("score").desc(nulls_last=True), "submitted_at", "pk"))
    ranked, previous = [], None
    for position, application in enumerate(rows, start=1):
        score = None if application.score is None else Decimal(application.score).quantize(Decimal("0.01"))
        tie = previous is not None and score is not None and score == previous.score
        rank = previous.rank if tie else position
        item = RankedApplication(application, rank, score, application.reviews_done, tie)
        if tie:
            previous.tie = True
        ranked.append(item)
        previous = item
    return ranked


# Conventions ----------------------------------------------------------------------------


def convention_list(*, user):
    return (Convention.objects.for_user(user)
            .select_related("party", "party__region", "association", "region")
            .order_by("-start_date", "number"))


def convention_get(*, user, pk) -> Convention:
    return (Convention.objects.for_user(user)
            .select_related("party", "party__region", "association", "region", "application")
            .prefetch_related("centers", "fundings", "amendments",
                              Prefetch("tranches", queryset=Tranche.objects.prefetch_related("required_reports")),
                              "reports")
            .get(pk=pk))


def report_list(*, user):
    return Report.objects.for_user(user)


def report_get(*, user, pk) -> Report:
    return Report.objects.for_user(user).select_related("convention", "convention__party").get(pk=pk)


def tranche_get(*, user, pk) -> Tranche:
    return (Tranche.objects.for_user(user).select_related("convention", "convention__party")
            .prefetch_related("required_reports").get(pk=pk))


# Performance ----------------------------------------------------------------------------


def _share(part, whole):
    return None if not whole else round(100 * part / whole, 1)


@dataclass
class Performance:
    convention: Convention
    enrolled_girls: int = 0
    enrolled_boys: int = 0
    dropouts: int = 0
    exits: int = 0
    positive_exits: int = 0
    expected: int = 0
    absent: int = 0
    budget: Decimal = Decimal(0)
    planned: Decimal = Decimal(0)
    disbursed: Decimal = Decimal(0)
    reports_late: int = 0
    alerts: list = field(default_factory=list)

    @property
    def enrolled(self):
        return self.enrolled_girls + self.enrolled_boys

    @property
    def enrolment_rate(self):
        return _share(self.enrolled, self.convention.target_total)

    @property
    def retention(self):
        return _share(self.enrolled - self.dropouts, self.enrolled)

    @property
    def attendance(self):
        return _share(self.expected - self.absent, self.expected)

    @property
    def positive_exit_rate(self):
        return _share(self.positive_exits, self.exits)

    @property
    def disbursed_rate(self):
        return _share(self.disbursed, self.planned)


class Alert:
    OVERDUE_REPORTS = "overdue_reports"
    UNDER_ENROLMENT = "under_enrolment"


def performance_of(conventions, *, today=None) -> dict[int, Performance]:
    """Performance of each convention given, in a fixed number of grouped queries."""
    today = today or timezone.localdate()
    conventions = list(conventions)
    ids = [c.pk for c in conventions]
    result = {c.pk: Performance(c) for c in conventions}
    if not ids:
        return result
    key = "center__conventions"
    start, end = F(f"{key}__start_date"), F(f"{key}__end_date")
    in_window = Q(**{f"{key}__in": ids}) & Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start))
    enrolled = (Enrollment.objects.filter(in_window).values(key, "learner__sex")
                .annotate(n=Count("learner", distinct=True)).order_by())
    for row in enrolled:
        perf = result[row[key]]
        if row["learner__sex"] == "F":
            perf.enrolled_girls += row["n"]
        else:
            perf.enrolled_boys += row["n"]
    exits = (Enrollment.objects.filter(in_window & Q(exit__exit_date__gte=start, exit__exit_date__lte=end))
             .values(key).annotate(
                 exits=Count("learner", distinct=True),
                 dropouts=Count("learner", distinct=True, filter=Q(exit__outcome=Outcome.DROPOUT)),
                 positive=Count("learner", distinct=True, filter=Q(exit__outcome__in=POSITIVE_OUTCOMES)))
             .order_by())
    for row in exits:
        perf = result[row[key]]
        perf.exits, perf.dropouts, perf.positive_exits = row["exits"], row["dropouts"], row["positive"]
    sessions = (Session.objects.filter(Q(**{f"{key}__in": ids}) & Q(date__gte=start, date__lte=end))
                .values(key).annotate(expected=Sum("expected"), absent=Sum("absent")).order_by())
    for row in sessions:
        result[row[key]].expected, result[row[key]].absent = row["expected"] or 0, row["absent"] or 0
    money = (Convention.objects.filter(pk__in=ids).values("pk").annotate(
        budget=Sum("fundings__amount")).order_by())
    for row in money:
        result[row["pk"]].budget = row["budget"] or Decimal(0)
    tranches = (Tranche.objects.filter(convention__in=ids).values("convention").annotate(
        planned=Sum("planned_amount"), disbursed=Sum("released_amount", filter=Q(status=Tranche.Status.RELEASED)))
        .order_by())
    for row in tranches:
        perf = result[row["convention"]]
        perf.planned, perf.disbursed = row["planned"] or Decimal(0), row["disbursed"] or Decimal(0)
    late = (Report.objects.filter(convention__in=ids, due_on__lt=today).exclude(status=Report.Status.APPROVED)
            .values("convention").annotate(n=Count("pk")).order_by())
    for row in late:
        result[row["convention"]].reports_late = row["n"]
    for perf in result.values():
        perf.alerts = _alerts(perf, today)
    return result


def _alerts(perf, today):
    alerts = []
    convention = perf.convention
    if perf.reports_late and convention.status != Convention.Status.CLOSED:
        alerts.append(Alert.OVERDUE_REPORTS)
    settled = convention.start_date + relativedelta(months=UNDER_ENROLMENT_AFTER_MONTHS) <= today
    if (convention.status == Convention.Status.ACTIVE and settled and convention.target_total
            and perf.enrolled < UNDER_ENROLMENT_SHARE * convention.target_total):
        alerts.append(Alert.UNDER_ENROLMENT)
    return alerts


def convention_years(*, user) -> list[int]:
    return sorted({d.year for d in convention_list(user=user).dates("start_date", "year")}, reverse=True)


def late_reports(*, convention, today=None):
    today = today or timezone.localdate()
    return [r for r in convention.reports.all() if r.due_on < today and r.status != Report.Status.APPROVED]


def is_late(report, today: date) -> bool:
    return report.due_on < today and report.status != Report.Status.APPROVED


def applicant_associations(*, user):
    """The active associations the user may apply for (those they manage)."""
    ids = scoping.scope_of(user).ids("association", roles={Role.ASSOCIATION_MANAGER})
    return Association.objects.filter(pk__in=ids, status=Association.Status.ACTIVE).order_by("name")


def reviewer_candidates(*, application):
    """Who may be assigned to review an application: evaluators, national admins and, for a regional
    call, the region's managers; not those already assigned."""
    active = Q(is_active=True)
    candidates = Q(memberships__role__in=[Role.REVIEWER, Role.NATIONAL_ADMIN])
    if application.call.region_id:
        candidates |= Q(memberships__role=Role.REGIONAL_MANAGER, memberships__region=application.call.region_id)
    return (User.objects.filter(active & candidates).exclude(reviews__application=application)
            .distinct().order_by("full_name"))


def convention_of_application(*, user, application) -> Convention | None:
    return Convention.objects.for_user(user).filter(application=application).first()


def association_centers(*, user, associations):
    """The centres of these associations the user sees (those an application or a convention may cover)."""
    return Center.objects.for_user(user).filter(association__in=associations).order_by("code")


def call_communes(*, call):
    """Where a new site may be proposed: the communes of a regional call's region, any for a central call."""
    communes = Commune.objects.order_by("name_fr")
    return communes.filter(province__region=call.region_id) if call.region_id else communes


def application_association(*, application):
    """The applicant as a choice list of one: an application's association does not change."""
    return Association.objects.filter(pk=application.association_id)


def reports_due(*, user, until):
    """Reports the user sees still owed (expected, or returned for changes) and due by ``until`` (or late)."""
    return (report_list(user=user).filter(status__in=[Report.Status.EXPECTED, Report.Status.RETURNED],
                                          due_on__lte=until)
            .select_related("convention").order_by("due_on", "pk"))


def tranches_due(*, user, until):
    """Tranches the user sees planned by ``until`` and not released yet, soonest first."""
    return (Tranche.objects.for_user(user).filter(status=Tranche.Status.PLANNED, planned_on__lte=until)
            .select_related("convention").order_by("planned_on", "pk"))


def open_calls(*, user, today):
    """Calls for projects open to applications on ``today``, closing soonest first."""
    return (CallForProjects.objects.for_user(user)
            .filter(status=CallForProjects.Status.OPEN, opens_on__lte=today, closes_on__gte=today)
            .order_by("closes_on", "reference"))


def required_documents(*, application):
    """[(kind's label, attached?)] of the documents an application cannot be submitted without (one query)."""
    kinds = set(application.documents.values_list("kind", flat=True))
    return [(ApplicationDocument.Kind(kind).label, kind in kinds) for kind in ApplicationDocument.REQUIRED]

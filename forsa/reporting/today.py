"""The "today" page, every role's home: what the signed-in person must do and know now in their scope, each
item a link to where it is done. Reporting stands above the apps it reads, through their selectors."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import ngettext

from forsa.assessments.selectors import groups_without_diagnostic
from forsa.attendance import selectors as attendance
from forsa.attendance.models import Slot
from forsa.centers.models import Center, Group, school_year_of
from forsa.centers.selectors import center_choices, group_list
from forsa.conventions.models import Review
from forsa.conventions.selectors import my_reviews, open_calls, reports_due, tranches_due
from forsa.core import scoping
from forsa.core.roles import Role
from forsa.earlywarning.selectors import at_risk_by_center, my_new_alerts
from forsa.learners.selectors import follow_ups_due_by_center, missing_consents_by_center
from forsa.reporting import selectors
from forsa.reporting.figures import Period

# Who leads centres: their home lists each centre's work (a handful of centres, never a region's).
CENTER_LEADS = frozenset({Role.CENTER_DIRECTOR, Role.COUNSELLOR, Role.ASSOCIATION_MANAGER})
MAX_CENTERS = 10
# The figures a territory's or a partner's home shows, with their change; the dashboard has the rest.
SCOPE_FIGURES = ("learners_enrolled", "attendance_rate", "rolls_not_taken", "learners_at_risk",
                 "positive_exit_rate", "follow_up_rate")
AHEAD_DAYS = {"follow_ups": 14, "reports": 30, "tranches": 60}


@dataclass(frozen=True)
class Item:
    """One thing to do or know: how many, what they are (in words), and where to act on them."""

    count: int
    label: str
    url: str
    urgent: bool = False
    detail: str = ""  # which ones, when a count alone does not say (the groups' names)


@dataclass
class CenterToday:
    center: Center
    items: list[Item] = field(default_factory=list)

    @property
    def urgent(self):
        return sum(1 for item in self.items if item.urgent)


@dataclass
class GroupToday:
    group: Group
    taken: list[str]  # the half-days whose roll is taken today
    missing: list[date]  # school days of the last two weeks without a roll

    @property
    def taken_labels(self):
        return [Slot(slot).label for slot in self.taken]


def _has(scope, roles):
    return bool(scope.roles & roles)


def my_groups_today(*, user, today):
    """The groups ``user`` teaches this school year, each with today's rolls taken and the recent ones missed."""
    groups = list(group_list(user=user, school_year=school_year_of(today)).filter(educators=user)
                  .select_related("center"))
    if not groups:
        return []
    taken = attendance.rolls_taken_on(groups=groups, day=today)
    missing = attendance.missing_rolls(groups=groups, **attendance.recent_days(today))
    return [GroupToday(group, taken.get(group.pk, []), missing.get(group, [])) for group in groups]


def _center_items(center, *, rolls, flagged, risk, follow_ups, consents, undiagnosed):
    """The items of one centre, the urgent ones first; a count of 0 is left out (nothing to do)."""
    pk = center.pk
    items = [
        Item(rolls, ngettext("roll not taken in the last two weeks", "rolls not taken in the last two weeks", rolls),
             reverse("attendance:center", args=[pk]) + "#missing-title", urgent=True),
        Item(flagged, ngettext("learner meets an absence rule", "learners meet an absence rule", flagged),
             reverse("attendance:center", args=[pk]) + "#flagged-title", urgent=True),
        Item(risk.get("high", 0), ngettext("learner at high risk of dropping out",
                                           "learners at high risk of dropping out", risk.get("high", 0)),
             reverse("earlywarning:list") + f"?center={pk}&level=high", urgent=True),
        Item(risk.get("watch", 0), ngettext("learner to watch", "learners to watch", risk.get("watch", 0)),
             reverse("earlywarning:list") + f"?center={pk}&level=watch"),
        Item(follow_ups, ngettext("follow-up after exit due within two weeks or overdue",
                                  "follow-ups after exit due within two weeks or overdue", follow_ups),
             reverse("learners:follow_ups")),
        Item(consents, ngettext("enrolled learner without a data consent in force",
                                "enrolled learners without a data consent in force", consents),
             reverse("learners:list") + f"?center={pk}&consent=missing", urgent=True),
    ]
    items.append(Item(len(undiagnosed), ngettext("group without a diagnostic assessment yet",
                                                 "groups without a diagnostic assessment yet", len(undiagnosed)),
                      reverse("assessments:mine"), detail=", ".join(group.name for group in undiagnosed)))
    return sorted((item for item in items if item.count), key=lambda item: not item.urgent)


def centers_today(*, user, today):
    """The work of each centre a director, counsellor or association manager leads (at most MAX_CENTERS)."""
    centers = list(center_choices(user=user)[:MAX_CENTERS])
    if not centers:
        return []
    groups = group_list(user=user, school_year=school_year_of(today)).filter(center__in=centers)
    rolls = {}
    for group, days in attendance.missing_rolls(groups=groups, **attendance.recent_days(today)).items():
        rolls[group.center_id] = rolls.get(group.center_id, 0) + len(days)
    risk = at_risk_by_center(user=user, centers=centers)
    follow_ups = follow_ups_due_by_center(user=user, centers=centers, horizon_days=AHEAD_DAYS["follow_ups"])
    consents = missing_consents_by_center(user=user, centers=centers)
    undiagnosed = {}
    for group in groups_without_diagnostic(groups):
        undiagnosed.setdefault(group.center_id, []).append(group)
    result = []
    for center in centers:
        _rule, flagged = attendance.learners_meeting_rules(user=user, center=center, today=today)
        result.append(CenterToday(center, _center_items(
            center, rolls=rolls.get(center.pk, 0), flagged=len(flagged), risk=risk.get(center.pk, {}),
            follow_ups=follow_ups.get(center.pk, 0), consents=consents.get(center.pk, 0),
            undiagnosed=undiagnosed.get(center.pk, []))))
    return result


def today_page(*, user, today: date) -> dict:
    """The sections of ``user``'s home, as their roles call for; each is None when it does not apply."""
    scope = scoping.scope_of(user)
    territorial = scope.is_national or bool(scope.ids("region") or scope.ids("province"))
    context = {"today": today, "groups": [], "absent_day": None, "absences": [], "centers": [], "alerts": [],
               "reports": [], "tranches": [], "calls": [], "reviews": [], "figures": None}
    if scope.sees_persons:
        context["groups"] = my_groups_today(user=user, today=today)
        if context["groups"]:
            context["absent_day"], context["absences"] = attendance.absent_at_my_last_rolls(user=user, before=today)
        if _has(scope, CENTER_LEADS) and not territorial:
            context["centers"] = centers_today(user=user, today=today)
            context["alerts"] = list(my_new_alerts(user=user)[:10])
        if _has(scope, {Role.CENTER_DIRECTOR, Role.ASSOCIATION_MANAGER}):
            context["reports"] = list(reports_due(user=user, until=today + timedelta(days=AHEAD_DAYS["reports"])))
        if _has(scope, {Role.ASSOCIATION_MANAGER}):
            context["tranches"] = list(tranches_due(user=user, until=today + timedelta(days=AHEAD_DAYS["tranches"])))
            context["calls"] = list(open_calls(user=user, today=today))
    if _has(scope, {Role.REVIEWER}):
        context["reviews"] = [review for review in my_reviews(user=user) if review.status != Review.Status.SUBMITTED]
    if territorial or scope.aggregates_only:
        place = selectors.home_place(user)
        period = Period.of(None, None)
        figures = selectors.key_figures(user=user, place=place, period=period, codes=SCOPE_FIGURES)
        context["figures"] = {"place": place, "period": period, "key": [figures[code] for code in SCOPE_FIGURES]}
    context["empty"] = not any(context[key] for key in ("groups", "centers", "alerts", "reports", "tranches",
                                                          "calls", "reviews", "figures"))
    return context

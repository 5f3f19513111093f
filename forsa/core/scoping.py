"""The one module that decides what a user may see and do.

A user's scope is the set of their memberships (role + scope object). Each
scoped model declares here, once, how it reaches the scope objects:

* ``paths``: ORM lookups from the model to a region, province, association or
  centre, used to filter querysets (``visible``);
* ``anchor``: the same for one instance, used to decide what a user may do
  with it (``can``).

Every selector passes its queryset through ``visible`` (via the managers'
``for_user``); nothing else filters by hand. A row outside the scope simply
does not exist for the user, so views answer 404, never 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q

from forsa.core.roles import ROLE_SCOPE_FIELD, SCOPE_FIELDS, Role

NATIONAL_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.NATIONAL_ANALYST})
STAFF_ROLES = frozenset(
    {Role.CENTER_DIRECTOR, Role.EDUCATOR, Role.TRAINER, Role.COUNSELLOR}
)
# Within their centre, these see only the learners of the groups they teach.
GROUP_STAFF_ROLES = frozenset({Role.EDUCATOR, Role.TRAINER})
ALL_ROLES = frozenset(Role)
SCOPE_KEYS = ("region", "province", "association", "center")


@dataclass(frozen=True)
class Grant:
    role: str
    field: str | None  # None for national roles
    object_id: int | None

    @property
    def role_label(self):
        return Role(self.role).label


@dataclass(frozen=True)
class Scope:
    """What one user holds; built once per request from their memberships."""

    grants: tuple[Grant, ...] = ()

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    @property
    def is_national(self) -> bool:
        return bool(self.roles & NATIONAL_ROLES)

    @property
    def sees_persons(self) -> bool:
        """Partner viewers see aggregates only: no person, no contact detail."""
        return bool(self.roles - {Role.PARTNER_VIEWER})

    def ids(self, key: str, roles=ALL_ROLES) -> set[int]:
        return {g.object_id for g in self.grants if g.field == key and g.role in roles}


def scope_of(user) -> Scope:
    """The user's scope, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_forsa_scope", None)
    if cached is None:
        grants = []
        rows = user.memberships.values_list(
            "role", "region_id", "province_id", "association_id", "center_id", "partner_id"
        )
        for role, *ids in rows:
            key = ROLE_SCOPE_FIELD[role]
            by_key = dict(zip(SCOPE_FIELDS, ids, strict=True))
            grants.append(Grant(role, key, by_key[key] if key else None))
        cached = Scope(tuple(grants))
        user._forsa_scope = cached
    return cached


def forget_scope(user) -> None:
    """Call after changing a user's memberships within a request."""
    user.__dict__.pop("_forsa_scope", None)


@dataclass(frozen=True)
class Rule:
    """How a model reaches the scope objects."""

    paths: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    anchor: Callable[[models.Model], dict[str, int | None]] | None = None
    holds_persons: bool = False  # never shown to partner viewers
    public: bool = False  # reference data every signed-in user may read
    partners_see: bool = False  # institutional data partners may read (aggregated views)
    distinct: bool = False  # paths cross a to-many relation
    owner: str | None = None  # rows belong to one user (their API tokens): only they see them
    group_staff: str | None = None  # path to the educators of the row's groups (GROUP_STAFF_ROLES)
    # Path to the users assigned to the row (the reviewers of an application): they see it, whatever
    # their scope, and hold ASSIGNEE_ROLE over it.
    assignee: str | None = None


def _center_anchor(center):
    return {"region": center.region_id, "province": center.province_id,
            "association": center.association_id, "center": center.pk}


RULES: dict[str, Rule] = {
    "territory.Region": Rule(public=True),
    "territory.Province": Rule(public=True),
    "territory.Commune": Rule(public=True),
    "centers.Trade": Rule(public=True),
    "organizations.Organization": Rule(public=True),
    "organizations.Partner": Rule(public=True),
    "centers.Center": Rule(
        paths={"region": "region", "province": "province", "association": "association", "center": "pk"},
        anchor=_center_anchor,
        partners_see=True,
    ),
    "organizations.Association": Rule(
        # Seen where it runs centres, and in the territory of its seat (before its first centre).
        paths={
            "region": ("centers__region", "commune__province__region"),
            "province": ("centers__province", "commune__province"),
            "association": "pk", "center": "centers",
        },
        anchor=lambda a: {"association": a.pk},
        partners_see=True,
        distinct=True,
    ),
    "accounts.ApiToken": Rule(owner="user"),
    "audit.AuditEntry": Rule(),  # national only; others read one target's history via can()
}


def _learner_anchor(learner):
    return {"region": learner.region_id, "province": learner.province_id,
            "association": learner.association_id, "center": learner.center_id}


RULES["learners.Learner"] = Rule(
    paths={key: key for key in SCOPE_KEYS},
    anchor=_learner_anchor,
    holds_persons=True,
    group_staff="enrollments__placements__group__educators",
)


def through(via: str, parent: str, **options) -> Rule:
    """The rule of a model whose rows belong to a row of ``parent`` (reached by the relation ``via``).

    Same scope as the parent: its paths are prefixed with ``via``, its anchor is the parent's, and
    what the parent says of persons, group staff, assignees and to-many paths follows unless
    ``options`` say otherwise (a centre's groups are seen by their educators, not the centre's).
    """
    base = RULES[parent]

    def prefixed(paths):
        return f"{via}__{paths}" if isinstance(paths, str) else tuple(f"{via}__{path}" for path in paths)

    def anchor(obj):
        for name in via.split("__"):
            obj = getattr(obj, name)
        return base.anchor(obj)

    inherited = {
        "holds_persons": base.holds_persons, "distinct": base.distinct,
        "group_staff": base.group_staff and prefixed(base.group_staff),
        "assignee": base.assignee and prefixed(base.assignee),
    }
    return Rule(paths={key: prefixed(paths) for key, paths in base.paths.items()}, anchor=anchor,
                **(inherited | options))


RULES["centers.Group"] = through("center", "centers.Center", group_staff="educators")
RULES["attendance.Session"] = through("center", "centers.Center", group_staff="group__educators")
RULES["attendance.AbsenceRule"] = through("center", "centers.Center")
RULES["centers.StaffAssignment"] = through("center", "centers.Center", holds_persons=True)
for _label in ("learners.Enrollment", "learners.FollowUp", "learners.Guardian"):
    RULES[_label] = through("learner", "learners.Learner")


def register(label: str, rule: Rule) -> None:
    """Apps added later declare their rule here, at import of their models."""
    RULES[label] = rule


def rule_for(model) -> Rule:
    try:
        return RULES[model._meta.label]
    except KeyError:  # a model nobody declared is invisible, not world-readable
        raise LookupError(f"{model._meta.label} has no scoping rule") from None


def visible(queryset: models.QuerySet, user) -> models.QuerySet:
    """The rows of ``queryset`` that ``user`` may see."""
    rule = rule_for(queryset.model)
    if rule.owner:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return queryset.none()
        return queryset.filter(**{rule.owner: user})
    scope = scope_of(user)
    if not scope.grants:
        return queryset.none()
    if rule.public or scope.is_national:
        return queryset
    if not scope.sees_persons:  # partner viewers only
        return queryset if rule.partners_see else queryset.none()
    condition = Q()
    for key, paths in rule.paths.items():
        ids = scope.ids(key, roles=ALL_ROLES - GROUP_STAFF_ROLES if rule.group_staff else ALL_ROLES)
        if not ids:
            continue
        for path in (paths,) if isinstance(paths, str) else paths:
            condition |= Q(**{f"{path}__in": ids})
    crosses_many = rule.distinct
    if rule.group_staff:
        ids = scope.ids("center", roles=GROUP_STAFF_ROLES)
        if ids:
            condition |= Q(**{f"{rule.paths['center']}__in": ids, rule.group_staff: user})
            crosses_many = True
    if rule.assignee:
        condition |= Q(**{rule.assignee: user})
        crosses_many = True
    if not condition:
        return queryset.none()
    if crosses_many:  # keep one row per object without DISTINCT on the outer query
        inner = queryset.model._base_manager.filter(condition).values("pk")
        return queryset.filter(pk__in=inner)
    return queryset.filter(condition)


def roles_over(user, obj=None, **anchor) -> frozenset[str]:
    """The roles ``user`` holds over ``obj`` (or over the given anchor ids)."""
    scope = scope_of(user)
    if obj is not None:
        anchor = rule_for(type(obj)).anchor(obj)
    roles = {g.role for g in scope.grants if g.role in NATIONAL_ROLES}
    for grant in scope.grants:
        if grant.field in SCOPE_KEYS and anchor.get(grant.field) == grant.object_id:
            roles.add(grant.role)
    if obj is not None and _is_assignee(user, obj):
        roles.add(ASSIGNEE_ROLE)
    return frozenset(roles)


ASSIGNEE_ROLE = Role.REVIEWER  # what an assignment makes of a user over the assigned row


def _is_assignee(user, obj) -> bool:
    rule = rule_for(type(obj))
    if not rule.assignee or not scope_of(user).grants:
        return False
    return type(obj)._base_manager.filter(pk=obj.pk, **{rule.assignee: user}).exists()


# What each action needs. Partners hold no write permission anywhere.
PERMISSIONS: dict[str, frozenset[str]] = {
    "center.create": frozenset(
        {Role.NATIONAL_ADMIN, Role.REGIONAL_MANAGER, Role.PROVINCIAL_MANAGER, Role.ASSOCIATION_MANAGER}
    ),
    "center.change": frozenset(
        {Role.NATIONAL_ADMIN, Role.REGIONAL_MANAGER, Role.PROVINCIAL_MANAGER,
         Role.ASSOCIATION_MANAGER, Role.CENTER_DIRECTOR}
    ),
    "association.change": frozenset({Role.NATIONAL_ADMIN, Role.ASSOCIATION_MANAGER}),
    "staff.view": frozenset(
        {Role.NATIONAL_ADMIN, Role.NATIONAL_ANALYST, Role.REGIONAL_MANAGER,
         Role.PROVINCIAL_MANAGER, Role.ASSOCIATION_MANAGER, Role.CENTER_DIRECTOR}
    ),
    "audit.view": frozenset({Role.NATIONAL_ADMIN, Role.REGIONAL_MANAGER, Role.CENTER_DIRECTOR}),
    "user.manage": frozenset({Role.NATIONAL_ADMIN}),
    "group.manage": frozenset({Role.NATIONAL_ADMIN, Role.ASSOCIATION_MANAGER, Role.CENTER_DIRECTOR}),
    "learner.create": frozenset(
        {Role.NATIONAL_ADMIN, Role.ASSOCIATION_MANAGER, Role.CENTER_DIRECTOR, Role.EDUCATOR, Role.COUNSELLOR}
    ),
    "learner.change": frozenset(
        {Role.NATIONAL_ADMIN, Role.ASSOCIATION_MANAGER, Role.CENTER_DIRECTOR, Role.EDUCATOR, Role.COUNSELLOR}
    ),
    # Household situation and confidential notes: only those who need them.
    "learner.sensitive": frozenset({Role.NATIONAL_ADMIN, Role.CENTER_DIRECTOR, Role.COUNSELLOR}),
    "learner.transfer": frozenset({Role.NATIONAL_ADMIN, Role.ASSOCIATION_MANAGER, Role.CENTER_DIRECTOR}),
    "learner.exit": frozenset({Role.NATIONAL_ADMIN, Role.CENTER_DIRECTOR, Role.COUNSELLOR, Role.EDUCATOR}),
    "learner.access_log": frozenset({Role.NATIONAL_ADMIN, Role.CENTER_DIRECTOR}),
    "attendance.take": frozenset({Role.NATIONAL_ADMIN, Role.CENTER_DIRECTOR, Role.EDUCATOR, Role.TRAINER}),
    "attendance.rules": frozenset({Role.NATIONAL_ADMIN, Role.CENTER_DIRECTOR}),
    # conventions: the owner of a call (national admin for central calls, regional manager for
    # their region's) runs it and decides; the assigned reviewers score; associations apply and report.
    "call.manage": frozenset({Role.NATIONAL_ADMIN, Role.REGIONAL_MANAGER}),
    "application.submit": frozenset({Role.ASSOCIATION_MANAGER}),
    "application.review": frozenset({Role.REVIEWER}),
    "application.decide": frozenset({Role.NATIONAL_ADMIN, Role.REGIONAL_MANAGER}),
    "convention.manage": frozenset({Role.NATIONAL_ADMIN, Role.REGIONAL_MANAGER}),
    "report.submit": frozenset({Role.ASSOCIATION_MANAGER}),
    "report.approve": frozenset({Role.NATIONAL_ADMIN, Role.REGIONAL_MANAGER}),
    "tranche.release": frozenset({Role.NATIONAL_ADMIN, Role.REGIONAL_MANAGER}),
    # basic skills: the framework is national; results and remediation are the centre's.
    "framework.manage": frozenset({Role.NATIONAL_ADMIN}),
    "assessment.record": frozenset({Role.NATIONAL_ADMIN, Role.CENTER_DIRECTOR, Role.EDUCATOR, Role.TRAINER}),
    "remediation.manage": frozenset({Role.NATIONAL_ADMIN, Role.CENTER_DIRECTOR, Role.EDUCATOR, Role.TRAINER,
                                     Role.COUNSELLOR}),
    # early warning: centre staff act on alerts; the levels are national.
    "earlywarning.act": frozenset({Role.NATIONAL_ADMIN, Role.CENTER_DIRECTOR, Role.COUNSELLOR, Role.EDUCATOR,
                                   Role.TRAINER}),
    "earlywarning.thresholds": frozenset({Role.NATIONAL_ADMIN}),
}


def can(user, permission: str, obj=None, **anchor) -> bool:
    """Whether ``user`` may do ``permission`` on ``obj`` (or within ``anchor``)."""
    return bool(roles_over(user, obj, **anchor) & PERMISSIONS[permission])


def province_reach(user, permission: str) -> Q:
    """The provinces where ``permission`` may hold for ``user``, as a filter on Province.

    Forms offer only these, so that a regional manager is not invited to create a centre
    in another region. Organisation- and centre-bound roles are not limited by territory.
    """
    grants = [g for g in scope_of(user).grants if g.role in PERMISSIONS[permission]]
    if any(g.role in NATIONAL_ROLES or g.field in ("association", "center") for g in grants):
        return Q()
    condition = Q(pk__in=[])
    for grant in grants:
        if grant.field == "region":
            condition |= Q(region_id=grant.object_id)
        elif grant.field == "province":
            condition |= Q(pk=grant.object_id)
    return condition


def can_anywhere(user, permission: str) -> bool:
    """Whether some membership of ``user`` could allow ``permission`` (to show a button)."""
    return bool(scope_of(user).roles & PERMISSIONS[permission])


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        return visible(self, user)

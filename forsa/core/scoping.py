"""The one module that decides what a user may see and do.

A user's scope is the set of their memberships (role + scope object). Each scoped model declares,
once and next to itself, how it reaches the scope objects: ``scope_rule = scoping.Rule(paths=...)``
or ``scope_rule = scoping.through("learner")`` (the rule of the row a foreign key leads to).
``load_rules`` gathers them at start-up (``CoreConfig.ready``); the system checks of
``forsa.core.checks`` fail on a scoped model without a rule and on paths that lead nowhere.

* ``paths``: ORM lookups from the model to a region, province, association or centre, used to
  filter querysets (``visible``); the first path of each key also gives, for one instance, where it
  belongs (``Rule.anchor``), used to decide what a user may do with it (``can``).
* Aggregate-only scopes (partner viewers) see no person: ``visible`` gives them institutions and
  reference data only, and ``visible_for_aggregates`` the rows they may count (those of the centres
  they see); what a count may disclose is ``forsa.core.disclosure``'s to say.

Every selector passes its queryset through ``visible`` or ``visible_for_aggregates`` (via the
managers' ``for_user`` and ``for_aggregates``); nothing else filters by hand. A row outside the
scope simply does not exist for the user, so views answer 404, never 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
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
# Roles that read aggregates only, never a person: what a scope made of these alone may see.
AGGREGATE_ONLY_ROLES = frozenset({Role.PARTNER_VIEWER})
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
        return bool(self.roles - AGGREGATE_ONLY_ROLES)

    @property
    def aggregates_only(self) -> bool:
        """Signed in with aggregate-only roles alone (partner viewers): they count rows
        (``for_aggregates``), small cells suppressed, and see no person (``for_user``)."""
        return bool(self.grants) and not self.sees_persons

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


class SystemReader:
    """The whole country, read by the system itself: a task computing national aggregates (the roll-ups
    of reporting), never a request's user. A national scope with no person behind it; it may only
    read through ``for_aggregates`` (nothing it computes is shown as is: pages add up its cells over
    the reader's own scope). Writes go through services with a real actor."""

    is_authenticated = True
    is_active = True
    pk = None
    _forsa_scope = Scope((Grant(Role.NATIONAL_ANALYST, None, None),))


SYSTEM = SystemReader()


def forget_scope(user) -> None:
    """Call after changing a user's memberships within a request."""
    user.__dict__.pop("_forsa_scope", None)


def overview_level(user) -> str:
    """Where a user's overview starts: regions nationally (and for aggregate-only scopes), provinces
    in a region, else centres."""
    scope = scope_of(user)
    if scope.is_national or not scope.sees_persons:
        return "region"
    if scope.ids("region"):
        return "province"
    return "center"


# The model each scope key leads to (by label: core imports no app of Forsa).
SCOPE_TARGETS = {"region": "territory.Region", "province": "territory.Province",
                 "association": "organizations.Association", "center": "centers.Center"}


@dataclass(frozen=True)
class Rule:
    """How a model reaches the scope objects, declared once next to the model (``scope_rule = Rule(...)``).

    ``paths`` maps a scope key (region, province, association, center) to one ORM lookup, or several
    alternatives, ending at that scope object. They filter querysets (``visible``); the FIRST path of
    each key, when it follows only to-one relations, also names where one row belongs (``anchor``,
    what ``can`` checks), so the two cannot disagree. A key whose paths all cross a to-many relation
    gives no anchor (no role over the row through it).
    """

    paths: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    holds_persons: bool = False  # rows about a person: never shown to aggregate-only scopes
    public: bool = False  # reference data every signed-in user may read
    # Whether aggregate-only scopes (partner viewers) may read the rows themselves (institutions);
    # None: as ``public``. Whatever it says, they may count the rows of their centres (for_aggregates).
    partners_see: bool | None = None
    owner: str | None = None  # rows belong to one user (their API tokens): only they see them
    group_staff: str | None = None  # path to the educators of the row's groups (GROUP_STAFF_ROLES)
    # Path to the users assigned to the row (the reviewers of an application): they see it, whatever
    # their scope, and hold ASSIGNEE_ROLE over it.
    assignee: str | None = None
    # Rows matching ``private`` (draft calls) are seen only by holders of ``private_roles`` within the
    # rule's paths (national holders: everywhere), whatever ``public`` says.
    private: Q | None = None
    private_roles: frozenset[str] = frozenset()

    @property
    def shown_to_partners(self) -> bool:
        return (self.public if self.partners_see is None else self.partners_see) and not self.holds_persons

    def alternatives(self, key) -> tuple[str, ...]:
        paths = self.paths.get(key, ())
        return (paths,) if isinstance(paths, str) else tuple(paths)

    def anchor(self, obj) -> dict[str, int | None]:
        """Where ``obj`` belongs: for each key, the id its first path gives (to-one paths only)."""
        anchor = {}
        for key in self.paths:
            path = self.alternatives(key)[0]
            if _crosses_many(type(obj), path):
                continue
            anchor[key] = _follow(obj, path)
        return anchor


@dataclass(frozen=True)
class Through:
    """A rule to resolve at start-up: the rule of the row the foreign key ``via`` leads to."""

    via: str
    options: dict


def through(via: str, **options) -> Through:
    """The rule of a model whose rows belong to the row its relation ``via`` leads to (its parent).

    Same scope as the parent, whose model is read from the relation: its paths are prefixed with
    ``via``, and what it says of persons, group staff and assignees follows unless ``options`` say
    otherwise (a centre's groups are seen by their educators, not the centre's).
    """
    return Through(via, options)


def _field_chain(model, path: str):
    """The fields a lookup path crosses, from ``model`` (FieldDoesNotExist when one does not exist)."""
    fields = []
    for name in path.split("__"):
        if name == "pk":
            fields.append(model._meta.pk)
            continue
        field_ = model._meta.get_field(name)
        fields.append(field_)
        if field_.is_relation:
            model = field_.related_model
    return fields


def path_target(model, path: str):
    """The model a lookup path ends at (the model itself for ``pk``)."""
    target = model
    for field_ in _field_chain(model, path):
        target = field_.related_model if field_.is_relation else field_.model
    return target


def _crosses_many(model, path: str) -> bool:
    return any(f.is_relation and (f.many_to_many or f.one_to_many) for f in _field_chain(model, path))


def _follow(obj, path: str):
    """The id ``path`` leads to from ``obj`` (a foreign key's id is read without a query)."""
    *names, last = path.split("__")
    for name in names:
        obj = getattr(obj, name)
        if obj is None:
            return None
    if last == "pk":
        return obj.pk
    field_ = obj._meta.get_field(last)
    return getattr(obj, field_.attname) if field_.is_relation else getattr(obj, last)


def _prefixed(via, paths):
    return f"{via}__{paths}" if isinstance(paths, str) else tuple(f"{via}__{path}" for path in paths)


RULES: dict[str, Rule] = {}


def declared_rule(model, _seen=()) -> Rule | None:
    """The rule ``model`` declares (``scope_rule``), a Through resolved against its parent's.

    Raises ImproperlyConfigured when a Through leads nowhere or to a model without a rule.
    """
    declared = vars(model).get("scope_rule")
    if not isinstance(declared, Through):
        return declared
    label = model._meta.label
    if label in _seen:
        raise ImproperlyConfigured(f"{label}: scope_rule goes round in a circle ({' -> '.join(_seen)})")
    try:
        parent = path_target(model, declared.via)
    except FieldDoesNotExist as exc:
        raise ImproperlyConfigured(f"{label}: through({declared.via!r}) names no relation: {exc}") from None
    base = declared_rule(parent, (*_seen, label))
    if base is None or parent is model:
        raise ImproperlyConfigured(f"{label}: through({declared.via!r}) leads to {parent._meta.label}, "
                                   f"which has no scope_rule")
    via = declared.via
    inherited = {
        "holds_persons": base.holds_persons,
        "group_staff": base.group_staff and _prefixed(via, base.group_staff),
        "assignee": base.assignee and _prefixed(via, base.assignee),
    }
    return Rule(paths={key: _prefixed(via, paths) for key, paths in base.paths.items()},
                **(inherited | declared.options))


def load_rules(models=None) -> dict[str, Rule]:
    """Gather the rules the models declare (called at start-up by CoreConfig.ready).

    A rule that cannot be resolved is left out (the model is then invisible) and reported by the
    system check forsa.E104.
    """
    RULES.clear()
    for model in apps.get_models() if models is None else models:
        try:
            rule = declared_rule(model)
        except ImproperlyConfigured:
            continue
        if rule is not None:
            RULES[model._meta.label] = rule
    return RULES


def rule_for(model) -> Rule:
    try:
        return RULES[model._meta.label]
    except KeyError:  # a model nobody declared is invisible, not world-readable
        raise LookupError(f"{model._meta.label} has no scoping rule") from None


def _private_filter(rule: Rule, scope: Scope) -> Q:
    """What keeps the private rows (draft calls) of ``rule`` to the holders of its private roles."""
    if rule.private is None:
        return Q()
    grants = [g for g in scope.grants if g.role in rule.private_roles]
    if any(g.role in NATIONAL_ROLES for g in grants):
        return Q()
    reach = ~rule.private
    for key in rule.paths:
        ids = {g.object_id for g in grants if g.field == key}
        for path in rule.alternatives(key) if ids else ():
            reach |= Q(**{f"{path}__in": ids})
    return reach


def _distinct_rows(queryset, condition):
    """``queryset`` filtered by a condition that crosses a to-many relation, one row per object
    without DISTINCT on the outer query."""
    inner = queryset.model._base_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=inner)


def visible(queryset: models.QuerySet, user) -> models.QuerySet:
    """The rows of ``queryset`` that ``user`` may see."""
    model = queryset.model
    rule = rule_for(model)
    if rule.owner:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return queryset.none()
        return queryset.filter(**{rule.owner: user})
    scope = scope_of(user)
    if not scope.grants:
        return queryset.none()
    private = _private_filter(rule, scope)
    if scope.aggregates_only:
        return queryset.filter(private) if rule.shown_to_partners else queryset.none()
    if rule.public or scope.is_national:
        return queryset.filter(private)
    condition = Q()
    crosses_many = False
    for key in rule.paths:
        ids = scope.ids(key, roles=ALL_ROLES - GROUP_STAFF_ROLES if rule.group_staff else ALL_ROLES)
        for path in rule.alternatives(key) if ids else ():
            condition |= Q(**{f"{path}__in": ids})
            crosses_many = crosses_many or _crosses_many(model, path)
    if rule.group_staff:
        ids = scope.ids("center", roles=GROUP_STAFF_ROLES)
        for path in rule.alternatives("center") if ids else ():
            condition |= Q(**{f"{path}__in": ids, rule.group_staff: user})
            crosses_many = True
    if rule.assignee:
        condition |= Q(**{rule.assignee: user})
        crosses_many = True
    if not condition:
        return queryset.none()
    if crosses_many:
        return _distinct_rows(queryset, condition).filter(private)
    return queryset.filter(condition & private)


def visible_for_aggregates(queryset: models.QuerySet, user) -> models.QuerySet:
    """The rows of ``queryset`` that ``user`` may COUNT: what they see, and for aggregate-only scopes
    (partner viewers, who see no person) the rows of the centres they see. Only aggregates may be
    computed from it, and what they disclose goes through ``forsa.core.disclosure``."""
    scope = scope_of(user)
    if not scope.aggregates_only:
        return visible(queryset, user)
    rule = rule_for(queryset.model)
    if rule.shown_to_partners or rule.owner:
        return visible(queryset, user)
    paths = rule.alternatives("center")
    if not paths:
        return queryset.none()
    centers = apps.get_model(SCOPE_TARGETS["center"])
    seen = visible(centers._base_manager.all(), user).values("pk")
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path}__in": seen})
    if rule.private is not None:
        condition &= ~rule.private
    if any(_crosses_many(queryset.model, path) for path in paths):
        return _distinct_rows(queryset, condition)
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
    """The manager of every scoped model: selectors read through ``for_user`` (rows to show) or
    ``for_aggregates`` (rows to count); the model declares its ``scope_rule``."""

    def for_user(self, user):
        return visible(self, user)

    def for_aggregates(self, user):
        return visible_for_aggregates(self, user)

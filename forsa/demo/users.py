"""The demo logins: one user per role, each with the membership giving its scope; the centre roles
are also on the demo centre's staff."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.utils import translation

from forsa.accounts.models import Membership, User
from forsa.accounts.services import membership_grant, user_create
from forsa.centers.models import StaffAssignment
from forsa.centers.services import staff_assign
from forsa.core.roles import ROLE_SCOPE_FIELD, Role
from forsa.core.scoping import NATIONAL_ROLES
from forsa.demo.network import DEMO_PARTNER, Network, staff_start
from forsa.demo.reference import DEMO_DOMAIN
from forsa.territory.models import Region

DEMO_PASSWORD = "Forsa-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    """A demo login: who it is and where its scope comes from."""

    key: str  # which scope object of the demo it is bound to (see seed_users)
    role: str
    email: str
    full_name: str
    language: str = "fr"


DEMO_USERS = (
    DemoUser("national", Role.NATIONAL_ADMIN, f"national.admin@{DEMO_DOMAIN}", "Nadia Bennani"),
    DemoUser("national", Role.NATIONAL_ANALYST, f"national.analyst@{DEMO_DOMAIN}",
             "Youssef El Amrani"),
    DemoUser("region:06", Role.REGIONAL_MANAGER, f"region.casablanca@{DEMO_DOMAIN}",
             "Karim Tazi"),
    DemoUser("region:09", Role.REGIONAL_MANAGER, f"region.souss@{DEMO_DOMAIN}",
             "إبراهيم أوحمو", "ar"),
    DemoUser("province", Role.PROVINCIAL_MANAGER, f"province.manager@{DEMO_DOMAIN}",
             "Samira Lahlou"),
    DemoUser("association", Role.ASSOCIATION_MANAGER, f"association.manager@{DEMO_DOMAIN}",
             "Abdelkader Berrada"),
    DemoUser("center", Role.CENTER_DIRECTOR, f"center.director@{DEMO_DOMAIN}",
             "Latifa Ouazzani"),
    DemoUser("center", Role.EDUCATOR, f"educator@{DEMO_DOMAIN}", "خديجة العلوي", "ar"),
    DemoUser("center", Role.COUNSELLOR, f"counsellor@{DEMO_DOMAIN}", "Meryem Benjelloun"),
    DemoUser("partner", Role.PARTNER_VIEWER, f"partner.unicef@{DEMO_DOMAIN}", "Amina Kettani"),
    DemoUser("reviewer", Role.REVIEWER, f"reviewer@{DEMO_DOMAIN}", "Hassan Idrissi"),
)
# The centre staff the demo users are; the Arabic-speaking educator keeps her
# name in Latin script on the staff list, like every other staff member.
DEMO_STAFF = {
    Role.CENTER_DIRECTOR: (StaffAssignment.Function.COORDINATOR, "Latifa Ouazzani"),
    Role.EDUCATOR: (StaffAssignment.Function.EDUCATOR, "Khadija Alaoui"),
    Role.COUNSELLOR: (StaffAssignment.Function.COUNSELLOR, "Meryem Benjelloun"),
}
SENTINEL_EMAIL = DEMO_USERS[0].email  # its presence means the demo is already seeded


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    full_name: str
    scope: str


def seed_users(*, rng: random.Random, network: Network) -> list[User]:
    """One user per demo role, its membership and, for centre roles, its staff assignment."""
    scope_objects = {
        "national": {},
        "region:06": {"region": Region.objects.get(code="06")},
        "region:09": {"region": Region.objects.get(code="09")},
        "province": {"province": network.demo_center.province},
        "association": {"association": network.demo_association},
        "center": {"center": network.demo_center},
        "partner": {"partner": network.partners[DEMO_PARTNER]},
        "reviewer": {},  # sees only the applications assigned to them
    }
    users = []
    for demo in DEMO_USERS:
        user = user_create(
            actor=None, email=demo.email, full_name=demo.full_name,
            password=DEMO_PASSWORD, language=demo.language,
        )
        membership_grant(actor=None, user=user, role=demo.role, **scope_objects[demo.key])
        if demo.role in DEMO_STAFF:
            function, staff_name = DEMO_STAFF[demo.role]
            staff_assign(
                actor=None, center=network.demo_center, full_name=staff_name, user=user,
                function=function, start_date=staff_start(
                    rng, network.demo_center,
                    first=function == StaffAssignment.Function.COORDINATOR,
                ),
            )
            network.staff += 1
        users.append(user)
    return users


def demo_logins() -> list[Login]:
    """The demo logins as the database has them, with a readable scope."""
    memberships = {
        m.user.email: m
        for m in Membership.objects.filter(user__email__in=[d.email for d in DEMO_USERS])
        .select_related("user", "region", "province", "association", "center", "partner")
    }
    logins = []
    for demo in DEMO_USERS:
        membership = memberships.get(demo.email)
        if membership is None:  # deleted since seeding: nothing to log in with
            continue
        with translation.override("en"):
            role = str(Role(membership.role).label)
        logins.append(Login(
            role=role, email=demo.email,
            full_name=membership.user.full_name, scope=_scope_label(membership),
        ))
    return logins


def _scope_label(membership):
    scope = membership.scope_object
    if scope is None:
        return "national" if membership.role in NATIONAL_ROLES else "the applications assigned to them"
    field_name = ROLE_SCOPE_FIELD[membership.role]
    if field_name == "center":
        return f"{scope.name_fr} ({scope.code})"
    if field_name in ("region", "province"):
        return scope.name_fr
    return scope.name


"""The demo seed: a plausible national network, one login per role, same data for a seed."""

import hashlib
from collections import Counter
from contextlib import ExitStack
from datetime import date
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from forsa.accounts.models import Membership, User
from forsa.audit.models import AuditEntry
from forsa.centers.models import LATITUDE_RANGE, LONGITUDE_RANGE, Center, StaffAssignment, Trade
from forsa.core.demo import DEMO_PASSWORD, DEMO_URL, DEMO_USERS, plan_network, seed_demo, step_rng
from forsa.core.roles import Role
from forsa.organizations.models import Association, Organization, Partner
from forsa.territory.models import Region

FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def territory_already_loaded():
    """tests/conftest.py loaded the territory; reloading it costs seconds per seed."""
    return mock.patch(
        "forsa.core.demo.territory_load",
        return_value={"regions": 0, "provinces": 0, "communes": 0},
    )


def seed_quickly(seed):
    with FAST_HASHER, territory_already_loaded():
        return seed_demo(seed=seed)


def network_digest():
    """What makes the network itself: centres, associations and staff, without ids or times."""
    rows = [
        *Center.objects.order_by("code").values_list(
            "code", "name_fr", "name_ar", "commune__code", "association__registration_number",
            "latitude", "longitude", "opening_date", "status", "capacity",
        ),
        *Association.objects.order_by("registration_number").values_list(
            "registration_number", "name", "name_ar", "president", "phone", "commune__code",
        ),
        *StaffAssignment.objects.order_by("center__code", "function", "full_name", "start_date")
        .values_list("center__code", "function", "full_name", "start_date", "user__email"),
        *Center.trades.through.objects.order_by("center__code", "trade__code")
        .values_list("center__code", "trade__code"),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def row_counts():
    models = (Organization, Trade, Partner, Association, Center, StaffAssignment, User,
              Membership, AuditEntry)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """One seed shared by the read-only tests of a class, rolled back after them."""
    with ExitStack() as stack:
        stack.enter_context(django_db_blocker.unblock())
        stack.enter_context(transaction.atomic())
        report = seed_quickly(1)
        yield report
        transaction.set_rollback(True)


def demo_membership(email):
    return Membership.objects.select_related(
        "region", "province", "association", "center", "partner"
    ).get(user__email=email)


@pytest.mark.usefixtures("seeded")
@pytest.mark.django_db
class TestSeededNetwork:
    def test_public_bodies(self):
        kinds = Counter(Organization.objects.values_list("kind", flat=True))
        assert kinds == {"ministry": 1, "aref": 12, "provincial": 83}

    def test_network_size_and_spread(self):
        assert 55 <= Association.objects.count() <= 65
        assert 85 <= Center.objects.count() <= 95
        assert Partner.objects.filter(
            acronym__in=["UNICEF", "INDH", "UE", "OFPPT"]
        ).count() == 4
        trades = Trade.objects.filter(code__in=["couture", "informatique", "agriculture"])
        assert trades.count() == 3
        per_region = dict(Region.objects.annotate(n=Count("centers")).values_list("code", "n"))
        assert len(per_region) == 12 and min(per_region.values()) >= 1
        # Weighted by population: Casablanca-Settat has the most centres.
        assert per_region["06"] == max(per_region.values())
        assert Center.objects.values("commune__kind").distinct().count() == 2  # urban and rural

    def test_every_centre_is_plausible(self):
        centres = Center.objects.annotate(n_staff=Count("staff", distinct=True),
                                          n_trades=Count("trades", distinct=True))
        for centre in centres:
            assert 4 <= centre.n_staff <= 8, centre.code
            assert 2 <= centre.n_trades <= 5, centre.code
            assert 60 <= centre.capacity <= 300
            assert LATITUDE_RANGE[0] <= centre.latitude <= LATITUDE_RANGE[1]
            assert LONGITUDE_RANGE[0] <= centre.longitude <= LONGITUDE_RANGE[1]
            if centre.opening_date:
                assert date(2017, 1, 1) <= centre.opening_date <= date(2025, 12, 31)
        statuses = Counter(Center.objects.values_list("status", flat=True))
        assert statuses["open"] > 0.75 * sum(statuses.values())
        coordinators = StaffAssignment.objects.filter(function="coordinator")
        assert coordinators.count() == Center.objects.count()

    def test_associations_run_one_to_three_centres(self):
        runs = Association.objects.annotate(n=Count("centers")).values_list("n", flat=True)
        sizes = Counter(runs)
        assert set(sizes) <= {1, 2, 3} and sizes[3] >= 1

    def test_writes_went_through_the_services(self):
        audited = Counter(AuditEntry.objects.values_list("target_type__model", flat=True))
        assert audited["center"] == Center.objects.count()
        assert audited["association"] == Association.objects.count()
        assert audited["membership"] == len(DEMO_USERS)

    def test_one_demo_user_per_role_with_its_scope(self):
        roles = Counter(
            Membership.objects.filter(user__email__in=[d.email for d in DEMO_USERS])
            .values_list("role", flat=True)
        )
        assert roles == {
            Role.NATIONAL_ADMIN: 1, Role.NATIONAL_ANALYST: 1, Role.REGIONAL_MANAGER: 2,
            Role.PROVINCIAL_MANAGER: 1, Role.ASSOCIATION_MANAGER: 1, Role.CENTER_DIRECTOR: 1,
            Role.EDUCATOR: 1, Role.COUNSELLOR: 1, Role.PARTNER_VIEWER: 1,
        }
        assert demo_membership("region.casablanca@demo.forsa.ma").region.code == "06"
        assert demo_membership("region.souss@demo.forsa.ma").region.code == "09"
        association = demo_membership("association.manager@demo.forsa.ma").association
        assert association.centers.count() == 3
        center = demo_membership("center.director@demo.forsa.ma").center
        assert center.association == association and center.status == Center.Status.OPEN
        assert demo_membership("educator@demo.forsa.ma").center == center
        assert demo_membership("counsellor@demo.forsa.ma").center == center
        province = demo_membership("province.manager@demo.forsa.ma").province
        assert province == center.province and province.centers.exists()
        assert demo_membership("partner.unicef@demo.forsa.ma").partner.name == "UNICEF Maroc"
        assert demo_membership("national.admin@demo.forsa.ma").scope_object is None

    def test_centre_users_are_on_the_staff_list(self):
        center = demo_membership("center.director@demo.forsa.ma").center
        linked = center.staff.filter(user__isnull=False).values_list("user__email", "function")
        linked = dict(linked)
        assert linked == {
            "center.director@demo.forsa.ma": "coordinator",
            "educator@demo.forsa.ma": "educator",
            "counsellor@demo.forsa.ma": "counsellor",
        }

    def test_every_association_manager_has_centres(self):
        managed = Membership.objects.filter(role=Role.ASSOCIATION_MANAGER)
        assert managed.exists()
        for membership in managed:
            assert membership.association.centers.exists()

    def test_demo_users_can_log_in(self):
        users = User.objects.filter(email__in=[d.email for d in DEMO_USERS])
        with FAST_HASHER:
            assert all(user.check_password(DEMO_PASSWORD) for user in users)
        assert Counter(users.values_list("language", flat=True)) == {"fr": 8, "ar": 2}

    def test_report_lists_the_logins(self, seeded):
        assert not seeded.already_seeded
        assert [login.email for login in seeded.logins] == [d.email for d in DEMO_USERS]
        scopes = {login.email: login.scope for login in seeded.logins}
        assert scopes["region.casablanca@demo.forsa.ma"] == "Casablanca-Settat"
        assert scopes["national.admin@demo.forsa.ma"] == "national"

    @override_settings(DEBUG=True)
    def test_second_run_creates_nothing_and_still_prints_the_logins(self):
        # The real command, territory loading included, on top of the first run.
        before = row_counts()
        out = StringIO()
        call_command("seed_demo", "--seed", "7", stdout=out)
        assert row_counts() == before
        output = out.getvalue()
        assert "already seeded" in output
        for demo in DEMO_USERS:
            assert demo.email in output
        assert "Casablanca-Settat" in output and DEMO_PASSWORD in output and DEMO_URL in output


def test_same_seed_same_network_in_fresh_databases(db):
    digests = []
    for _ in range(2):
        with transaction.atomic():  # each run starts from the bare territory
            assert not Center.objects.exists()
            seed_quickly(1)
            digests.append(network_digest())
            transaction.set_rollback(True)
    assert digests[0] == digests[1]


def test_another_seed_places_the_network_differently(db):
    # Planning reads the territory only, so comparing plans is enough (and fast).
    def plan(seed):
        return [
            (p.region.code, [(place.province.code, place.commune.code) for place in p.places])
            for p in plan_network(rng=step_rng(seed=seed, step="network"))
        ]

    assert plan(1) == plan(1)
    assert plan(1) != plan(2)


def test_command_refuses_without_debug(db):
    # The demo password is published: it must never land in a production database.
    with pytest.raises(CommandError, match="FORSA_DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()

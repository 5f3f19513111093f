"""The scoping module: who sees which rows, and who may do what."""

import pytest

from forsa.centers.models import Center, StaffAssignment
from forsa.core import scoping
from forsa.organizations.models import Association
from tests.factories import make_center, make_user
from tests.scope import SCOPED_ROLES


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_each_role_sees_its_own_centre_and_not_the_foreign_one(world, role):
    visible = set(Center.objects.for_user(world["own"].users[role]))
    assert world["own"].center in visible
    assert world["foreign"].center not in visible


def test_association_manager_sees_all_and_only_its_centres(world):
    own = world["own"]
    second = make_center(own.association, "01")
    other_in_same_region = make_center(region_code="01")
    visible = set(Center.objects.for_user(own.users["association_manager"]))
    assert visible == {own.center, second}
    assert other_in_same_region in set(Center.objects.for_user(own.users["regional_manager"]))


def test_national_roles_see_everything(world):
    for role in ("national_admin", "national_analyst"):
        assert Center.objects.for_user(world[role]).count() == Center.objects.count()


def test_partner_sees_institutions_but_no_person(world):
    partner = world["partner_viewer"]
    assert Center.objects.for_user(partner).count() == Center.objects.count()
    assert Association.objects.for_user(partner).count() == Association.objects.count()
    StaffAssignment.objects.create(center=world["own"].center, full_name="Salma Idrissi",
                                   function="educator", start_date="2025-09-01")
    assert not StaffAssignment.objects.for_user(partner).exists()
    assert not scoping.scope_of(partner).sees_persons


def test_user_without_membership_sees_nothing(db):
    from tests.factories import UserFactory

    user = UserFactory()
    make_center()
    assert not Center.objects.for_user(user).exists()


def test_association_visible_once_even_with_several_centres_in_scope(world):
    own = world["own"]
    make_center(own.association, "01")
    rows = list(Association.objects.for_user(own.users["regional_manager"]))
    assert rows.count(own.association) == 1


def test_permissions_follow_roles_and_scope(world):
    own, foreign = world["own"], world["foreign"]
    assert scoping.can(own.users["center_director"], "center.change", own.center)
    assert not scoping.can(own.users["educator"], "center.change", own.center)
    assert not scoping.can(own.users["regional_manager"], "center.change", foreign.center)
    assert not scoping.can(world["partner_viewer"], "center.change", own.center)
    assert scoping.can(world["national_admin"], "center.change", foreign.center)


def test_undeclared_model_is_refused(db):
    from forsa.accounts.models import Membership

    with pytest.raises(LookupError):
        scoping.visible(Membership.objects.all(), make_user("national_admin"))


def test_learners_follow_their_current_centre_and_educators_their_groups(world):
    from forsa.learners.models import Enrollment, Learner
    from tests.factories import make_group, make_learner

    own = world["own"]
    educator = own.users["educator"]
    taught = make_group(own.center, "Atelier couture", "workshop", educators=[educator])
    other = make_group(own.center, "Rattrapage B")
    in_group = make_learner(own.center, groups=[taught], first_name="Amina")
    elsewhere = make_learner(own.center, groups=[other], first_name="Imane")
    foreign = make_learner(world["foreign"].center, first_name="Nora")
    assert set(Learner.objects.for_user(educator)) == {in_group}
    assert set(Enrollment.objects.for_user(educator)) == set(in_group.enrollments.all())
    for role in ("center_director", "counsellor", "association_manager", "regional_manager", "provincial_manager"):
        assert set(Learner.objects.for_user(own.users[role])) == {in_group, elsewhere}, role
    assert set(Learner.objects.for_user(world["national_analyst"])) == {in_group, elsewhere, foreign}
    assert not Learner.objects.for_user(world["partner_viewer"]).exists()


@pytest.mark.parametrize(("role", "level"), [
    ("national_admin", "region"), ("national_analyst", "region"), ("partner_viewer", "region"),
    ("regional_manager", "province"), ("provincial_manager", "center"), ("association_manager", "center"),
    ("center_director", "center"), ("educator", "center"),
])
def test_an_overview_starts_at_the_level_of_the_scope(world, role, level):
    user = world[role] if role in ("national_admin", "national_analyst", "partner_viewer") else world["own"].users[role]
    assert scoping.overview_level(user) == level

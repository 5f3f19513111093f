import pytest
from django.urls import reverse

from tests.factories import make_association, make_center
from tests.queries import assert_constant_queries
from tests.scope import SCOPED_ROLES, assert_own_visible_foreign_404


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_association_detail_own_visible_foreign_404(client, world, role):
    assert_own_visible_foreign_404(client, world, role, "organizations:detail",
                                   lambda s: {"pk": s.association.pk})


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_association_list_only_own_scope(client, world, role):
    client.force_login(world["own"].users[role])
    html = client.get(reverse("organizations:list")).content.decode()
    assert world["own"].association.name in html
    assert world["foreign"].association.name not in html


def test_partner_sees_no_contact_details(client, world):
    association = world["own"].association
    client.force_login(world["partner_viewer"])
    html = client.get(reverse("organizations:detail", args=[association.pk])).content.decode()
    assert association.registration_number in html
    for personal in (association.president, association.phone, association.email):
        assert personal not in html
    client.force_login(world["national_admin"])
    html = client.get(reverse("organizations:detail", args=[association.pk])).content.decode()
    assert association.president in html and association.phone in html


def test_association_list_query_count_does_not_grow(client, world):
    client.force_login(world["national_admin"])

    def grow():
        for _ in range(15):
            make_center(make_association("01"), "01")

    assert_constant_queries(client, reverse("organizations:list"), grow, at_most=10)


def test_centre_count_counts_only_visible_centres(client, world):
    own = world["own"]
    make_center(own.association, "06")  # the same association also runs a centre in region 06
    client.force_login(own.users["regional_manager"])
    page = client.get(reverse("organizations:list")).context["page_obj"]
    assert [a.center_count for a in page if a.pk == own.association.pk] == [1]


def test_regional_manager_sees_an_association_seated_in_its_region_before_its_first_centre(client, world):
    newcomer = make_association("01")
    client.force_login(world["own"].users["regional_manager"])
    assert client.get(reverse("organizations:detail", args=[newcomer.pk])).status_code == 200
    client.force_login(world["foreign"].users["regional_manager"])
    assert client.get(reverse("organizations:detail", args=[newcomer.pk])).status_code == 404


def test_association_history_for_national_admin_not_partner(client, world):
    from forsa.organizations.services import association_update

    association = world["own"].association
    association_update(actor=world["national_admin"], association=association, phone="0522334455")
    client.force_login(world["national_admin"])
    history = client.get(reverse("organizations:detail", args=[association.pk])).context["history"]
    assert any(entry.changes.get("phone") == ["0612345678", "0522334455"] for entry in history)
    client.force_login(world["partner_viewer"])
    assert not client.get(reverse("organizations:detail", args=[association.pk])).context["history"]


def test_association_page_lists_the_centres_it_runs(client, world):
    """The centres are a section that centers registers (organizations does not import centers)."""
    own = world["own"]
    client.force_login(world["national_admin"])
    html = client.get(reverse("organizations:detail", args=[own.association.pk])).content.decode()
    assert reverse("centers:detail", args=[own.center.pk]) in html
    assert reverse("centers:detail", args=[world["foreign"].center.pk]) not in html

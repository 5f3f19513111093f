"""Centre pages: scope, validation through the form, query counts."""

import pytest
from django.urls import reverse

from forsa.audit.models import AuditEntry
from forsa.centers.models import Center
from tests.factories import commune_in, make_center, make_trade
from tests.queries import assert_constant_queries
from tests.scope import SCOPED_ROLES, assert_own_visible_foreign_404


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_centre_detail_own_visible_foreign_404(client, world, role):
    assert_own_visible_foreign_404(client, world, role, "centers:detail", lambda s: {"pk": s.center.pk})


@pytest.mark.parametrize("role", ["regional_manager", "provincial_manager", "association_manager", "center_director"])
def test_centre_edit_own_allowed_foreign_404(client, world, role):
    assert_own_visible_foreign_404(client, world, role, "centers:edit", lambda s: {"pk": s.center.pk})


def test_educator_cannot_edit_its_centre(client, world):
    client.force_login(world["own"].users["educator"])
    assert client.get(reverse("centers:edit", args=[world["own"].center.pk])).status_code == 403


def test_partner_cannot_create(client, world):
    client.force_login(world["partner_viewer"])
    assert client.get(reverse("centers:create")).status_code == 403


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_centre_list_shows_only_own_scope(client, world, role):
    client.force_login(world["own"].users[role])
    html = client.get(reverse("centers:list")).content.decode()
    assert world["own"].center.code in html
    assert world["foreign"].center.code not in html


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("centers:detail", args=[world["own"].center.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_filters_narrow_the_list(client, world):
    client.force_login(world["national_admin"])
    html = client.get(reverse("centers:list"), {"region": "06"}).content.decode()
    assert world["foreign"].center.code in html and world["own"].center.code not in html
    html = client.get(reverse("centers:list"), {"q": world["own"].center.code}).content.decode()
    assert world["own"].center.code in html and world["foreign"].center.code not in html


def test_htmx_filter_returns_only_the_results(client, world):
    client.force_login(world["national_admin"])
    response = client.get(reverse("centers:list"), {"region": "01"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and world["own"].center.code in html


def _form_data(world, **overrides):
    commune = commune_in("01", 3)
    data = {
        "code": "CASA-NEW-01", "name_fr": "Centre Al Amal", "name_ar": "مركز الأمل",
        "association": world["own"].association.pk, "province": commune.province_id,
        "commune": commune.pk, "address": "Rue 12", "latitude": "35.76", "longitude": "-5.83",
        "opening_date": "2024-09-15", "status": "open", "capacity": "150",
        "trades": [make_trade("couture").pk],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_regional_manager_creates_a_centre_with_history(client, world):
    client.force_login(world["own"].users["regional_manager"])
    response = client.post(reverse("centers:create"), _form_data(world))
    center = Center.objects.get(code="CASA-NEW-01")
    assert response.status_code == 302
    assert center.region.code == "01" and center.trades.count() == 1
    entry = AuditEntry.objects.get(target_id=str(center.pk), action="create")
    assert entry.actor == world["own"].users["regional_manager"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"commune": None}, "commune"),
        ({"latitude": "48.85", "longitude": "2.35"}, "latitude"),
        ({"code": "DUPLICATE"}, "code"),
        ({"capacity": "0"}, "capacity"),
    ],
)
def test_invalid_centre_is_refused_naming_the_field(client, world, overrides, field):
    make_center(code="DUPLICATE")
    client.force_login(world["national_admin"])
    before = Center.objects.count()
    response = client.post(reverse("centers:create"), _form_data(world, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Center.objects.count() == before


def test_validation_message_in_french(client, world):
    client.force_login(world["national_admin"])
    response = client.post(reverse("centers:create"), _form_data(world, commune=None))
    assert "Ce champ est obligatoire." in response.content.decode()


def test_regional_manager_cannot_create_in_another_region(client, world):
    client.force_login(world["own"].users["regional_manager"])
    commune = commune_in("06", 1)
    # The province is not even offered; without it, the service's refusal lands on the commune.
    for province, refused_field in ((commune.province_id, "province"), (None, "commune")):
        data = _form_data(world, province=province, commune=commune.pk, code="OUT-01")
        response = client.post(reverse("centers:create"), data)
        assert response.status_code == 200 and refused_field in response.context["form"].errors
    assert not Center.objects.filter(code="OUT-01").exists()


def test_centre_form_offers_only_the_provinces_within_reach(client, world):
    client.force_login(world["own"].users["regional_manager"])
    provinces = client.get(reverse("centers:create")).context["form"].fields["province"].queryset
    assert provinces.exists() and {p.region.code for p in provinces} == {"01"}
    client.force_login(world["national_admin"])
    provinces = client.get(reverse("centers:create")).context["form"].fields["province"].queryset
    assert provinces.count() == 75  # 83 less the 8 prefectures of arrondissements, which hold no commune


def test_edit_records_what_changed(client, world):
    center = world["own"].center
    client.force_login(world["own"].users["center_director"])
    data = _form_data(world, code=center.code, association=center.association_id,
                      province=center.province_id, commune=center.commune_id, capacity="222")
    assert client.post(reverse("centers:edit", args=[center.pk]), data).status_code == 302
    entry = AuditEntry.objects.filter(target_id=str(center.pk), action="update").latest("at")
    assert entry.changes["capacity"] == [120, 222]


def test_commune_options_follow_the_province(client, world):
    client.force_login(world["national_admin"])
    commune = commune_in("06", 0)
    html = client.get(reverse("territory:commune_options"), {"province": commune.province_id}).content.decode()
    assert f'value="{commune.pk}"' in html


def test_list_query_count_does_not_grow(client, world):
    client.force_login(world["national_admin"])
    grow = lambda: [make_center(world["own"].association, "01") for _ in range(20)]  # noqa: E731
    assert_constant_queries(client, reverse("centers:list"), grow, at_most=12)


def test_detail_query_count_does_not_grow(client, world):
    center = world["own"].center
    client.force_login(world["national_admin"])
    grow = lambda: center.trades.set([make_trade(f"trade-{i}") for i in range(8)])  # noqa: E731
    assert_constant_queries(client, reverse("centers:detail", args=[center.pk]), grow, at_most=12)


@pytest.mark.parametrize("language, expected", [("fr", "Couture"), ("ar", "خياطة"), ("en", "Sewing")])
def test_a_trade_is_named_in_the_interface_language(db, language, expected):
    from django.utils import translation

    from forsa.centers.models import Trade

    trade = Trade(code="sewing", name_fr="Couture", name_ar="خياطة", name_en="Sewing")
    with translation.override(language):
        assert trade.name == expected and str(trade) == expected
    trade.name_en = trade.name_ar = ""
    with translation.override(language):
        assert trade.name == "Couture"  # French when the language's name is missing

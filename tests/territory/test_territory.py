from decimal import Decimal

from django.urls import reverse

from forsa.territory.models import Commune, Province, Region
from forsa.territory.services import territory_load
from tests.factories import make_center
from tests.queries import assert_constant_queries


def test_counts_match_the_hcp_reference(db):
    assert Region.objects.count() == 12
    assert Province.objects.count() == 83
    assert Commune.objects.count() == 1503


def test_loading_twice_changes_nothing(db):
    before = list(Commune.objects.order_by("code").values_list("code", "name_fr", "name_ar", "province__code"))
    assert territory_load() == {"regions": 0, "provinces": 0, "communes": 0}
    after = list(Commune.objects.order_by("code").values_list("code", "name_fr", "name_ar", "province__code"))
    assert before == after


def test_names_in_both_scripts_and_census_figures(db):
    tanger = Province.objects.get(code="01.511")
    assert tanger.name_fr == "Tanger-Assilah" and tanger.name_ar == "طنجة-أصيلة"
    # 10-14 and 15-19 by sex are derived from HCP shares; they must be plausible, not zero.
    assert 0 < tanger.population_10_19 < tanger.population
    assert tanger.population_10_14_female > 0 and tanger.population_15_19_male > 0
    assert Decimal("50") < tanger.schooling_rate_6_11 <= Decimal("100")
    assert Province.objects.filter(illiteracy_rate_10_plus__isnull=True).count() == 0


def test_browser_pages_show_scoped_counts(client, world):
    client.force_login(world["own"].users["regional_manager"])
    html = client.get(reverse("territory:region", args=["06"])).content.decode()
    assert world["foreign"].center.province.name_fr in html
    html = client.get(reverse("territory:province", args=[world["foreign"].center.province.code])).content.decode()
    assert world["foreign"].center.code not in html  # reference data is public, centres are not
    html = client.get(reverse("territory:province", args=[world["own"].center.province.code])).content.decode()
    assert world["own"].center.code in html


def test_unknown_codes_are_404(client, world):
    client.force_login(world["national_admin"])
    assert client.get(reverse("territory:region", args=["99"])).status_code == 404
    assert client.get(reverse("territory:province", args=["99.999"])).status_code == 404


def test_region_list_query_count_does_not_grow(client, world):
    client.force_login(world["national_admin"])
    grow = lambda: [make_center(region_code=code) for code in ("02", "03", "04", "05")]  # noqa: E731
    assert_constant_queries(client, reverse("territory:regions"), grow, at_most=8)


def test_census_rates_by_sex_are_loaded_and_a_rerun_fills_an_existing_database(db):
    """HCP, RGPH 2024, Tanger-Assilah: schooling at 6-11 boys 95.8 %, girls 96.4 %; illiteracy at 10+ men and
    boys 9.6 %, women and girls 21.0 % (everyone: 96.1 % and 15.2 %)."""
    rates = ("schooling_rate_6_11_male", "schooling_rate_6_11_female", "illiteracy_rate_10_plus_male",
             "illiteracy_rate_10_plus_female")
    expected = (Decimal("95.8"), Decimal("96.4"), Decimal("9.6"), Decimal("21.0"))
    assert Province.objects.filter(code="01.511").values_list(*rates).get() == expected
    for rate in rates:
        assert not Province.objects.filter(**{f"{rate}__isnull": True}).exists(), rate
    # a database migrated before the rates by sex existed: the columns are null until load_territory reruns
    Province.objects.update(**dict.fromkeys(rates))
    assert territory_load() == {"regions": 0, "provinces": 0, "communes": 0}
    assert Province.objects.filter(code="01.511").values_list(*rates).get() == expected
    assert not Province.objects.filter(schooling_rate_6_11_female__isnull=True).exists()
    assert territory_load() == {"regions": 0, "provinces": 0, "communes": 0}  # and again: nothing changes
    assert Province.objects.filter(code="01.511").values_list(*rates).get() == expected

from django.urls import reverse

from tests.factories import make_center


def test_national_dashboard_counts_everything(client, world):
    make_center(region_code="09", capacity=80)
    client.force_login(world["national_admin"])
    context = client.get(reverse("reporting:home")).context
    assert context["totals"]["centers"] == 3
    assert context["totals"]["capacity"] == 120 + 120 + 80
    assert context["breakdown_level"] == "region"
    assert {row["code"] for row in context["breakdown"]} == {"01", "06", "09"}


def test_regional_dashboard_breaks_down_by_province(client, world):
    client.force_login(world["own"].users["regional_manager"])
    context = client.get(reverse("reporting:home")).context
    assert context["totals"]["centers"] == 1
    assert context["breakdown_level"] == "province"
    assert [row["code"] for row in context["breakdown"]] == [world["own"].center.province.code]


def test_partner_dashboard_shows_aggregates(client, world):
    client.force_login(world["partner_viewer"])
    response = client.get(reverse("reporting:home"))
    assert response.status_code == 200
    assert response.context["totals"]["centers"] == 2


def test_association_dashboard_lists_its_centres_by_name(client, world):
    from tests.factories import make_center

    second = make_center(world["own"].association, "01")
    client.force_login(world["own"].users["association_manager"])
    html = client.get(reverse("reporting:home")).content.decode()
    assert world["own"].center.code in html and second.code in html
    assert world["foreign"].center.code not in html

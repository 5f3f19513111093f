"""The thresholds page: national levels and cap (national admin), a centre's own cap (its director)."""

import pytest
from django.urls import reverse
from django.utils import translation

from forsa.audit.models import AuditEntry
from forsa.earlywarning import services
from forsa.earlywarning.models import Threshold
from tests.scope import SCOPED_ROLES, assert_own_visible_foreign_404, status_for

NATIONAL = {"watch_probability": 25, "high_probability": 50, "high_cap": 6}


@pytest.fixture(autouse=True)
def french_pages(settings):
    settings.LANGUAGE_CODE = "fr"
    with translation.override("fr"):
        yield


def test_the_national_admin_sets_the_national_thresholds(client, world):
    admin = world["national_admin"]
    client.force_login(admin)
    worklist = client.get(reverse("earlywarning:list")).content.decode()
    assert reverse("earlywarning:thresholds") in worklist
    page = client.get(reverse("earlywarning:thresholds"))
    assert page.status_code == 200 and 'value="40"' in page.content.decode()  # the defaults before any row
    response = client.post(reverse("earlywarning:thresholds"), NATIONAL | {"use_sensitive_data": "on"})
    assert response.status_code == 302
    national = Threshold.objects.get(center__isnull=True)
    assert (national.watch_probability, national.high_probability, national.high_cap,
            national.use_sensitive_data) == (25, 50, 6, True)
    entry = AuditEntry.objects.filter(actor=admin, target_id=str(national.pk)).latest("pk")
    assert entry.action == AuditEntry.Action.CREATE
    client.post(reverse("earlywarning:thresholds"), NATIONAL | {"high_cap": 8})
    national.refresh_from_db()
    assert national.high_cap == 8 and not national.use_sensitive_data
    assert AuditEntry.objects.filter(actor=admin, target_id=str(national.pk),
                                     action=AuditEntry.Action.UPDATE).exists()
    # The scoring reads them.
    assert services.thresholds_for([world["own"].center.pk])[world["own"].center.pk].high_cap == 8


@pytest.mark.parametrize(("data", "field", "message"), [
    (NATIONAL | {"high_probability": 20}, "high_probability",
     "Le seuil élevé doit être au-dessus du seuil de surveillance."),
    (NATIONAL | {"watch_probability": 0}, "watch_probability", "supérieure ou égale à 1"),
    (NATIONAL | {"high_probability": 101}, "high_probability", "inférieure ou égale à 100"),
    (NATIONAL | {"high_cap": "dix"}, "high_cap", "Saisissez un nombre entier."),
    (NATIONAL | {"high_cap": 501}, "high_cap", "inférieure ou égale à 500"),
    ({"watch_probability": 25, "high_probability": 50}, "high_cap", "Ce champ est obligatoire."),
])
def test_bad_input_names_the_field_in_french_and_changes_nothing(client, world, data, field, message):
    client.force_login(world["national_admin"])
    response = client.post(reverse("earlywarning:thresholds"), data)
    assert response.status_code == 422
    html = response.content.decode()
    error = html.split(f'id="id_{field}_error"')[1].split("</p>")[0]
    assert message in error.replace("&#x27;", "'")
    assert not Threshold.objects.exists()


def test_a_director_sets_the_cap_of_their_centre_only(client, world):
    own, foreign = world["own"], world["foreign"]
    services.threshold_save(actor=world["national_admin"], **NATIONAL)
    director = own.users["center_director"]
    client.force_login(director)
    url = reverse("earlywarning:center_thresholds", args=[own.center.pk])
    assert url in client.get(reverse("earlywarning:list")).content.decode()
    html = client.get(url).content.decode()
    assert 'name="high_cap"' in html and 'value="6"' in html  # the national cap until the centre sets its own
    assert 'name="high_probability"' not in html  # the levels are national
    response = client.post(url, {"high_cap": 3, "high_probability": 90})
    assert response.status_code == 302
    override = Threshold.objects.get(center=own.center)
    assert (override.high_cap, override.high_probability, override.watch_probability) == (3, 50, 25)
    assert services.thresholds_for([own.center.pk, foreign.center.pk])[foreign.center.pk].high_cap == 6
    response = client.post(url, {"high_cap": 0})
    assert response.status_code == 422 and 'id="id_high_cap_error"' in response.content.decode()
    assert Threshold.objects.get(center=own.center).high_cap == 3
    assert status_for(client, director, reverse("earlywarning:thresholds")) == 403
    assert status_for(client, director, reverse("earlywarning:center_thresholds", args=[foreign.center.pk])) == 404
    client.force_login(director)
    assert client.post(reverse("earlywarning:center_thresholds", args=[foreign.center.pk]),
                       {"high_cap": 1}).status_code == 404
    assert client.post(reverse("earlywarning:thresholds"), NATIONAL).status_code == 403
    assert not Threshold.objects.filter(center=foreign.center).exists()
    assert Threshold.objects.get(center__isnull=True).high_cap == 6


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_other_roles_get_403_and_a_foreign_centre_404(client, world, role):
    user = world["own"].users[role]
    assert status_for(client, user, reverse("earlywarning:thresholds")) == 403
    assert_own_visible_foreign_404(client, world, role, "earlywarning:center_thresholds",
                                   lambda side: {"pk": side.center.pk}, 200 if role == "center_director" else 403)
    client.force_login(user)
    worklist = client.get(reverse("earlywarning:list")).content.decode()
    assert reverse("earlywarning:thresholds") not in worklist


@pytest.mark.parametrize("who", ["national_analyst", "partner_viewer"])
def test_analysts_and_partners_cannot_set_thresholds(client, world, who):
    user = world[who]
    assert status_for(client, user, reverse("earlywarning:thresholds")) == 403
    expected = 404 if who == "partner_viewer" else 403  # partners never reach a centre's pages
    assert status_for(client, user, reverse("earlywarning:center_thresholds",
                                            args=[world["own"].center.pk])) == expected
    client.force_login(user)
    assert client.post(reverse("earlywarning:thresholds"), NATIONAL).status_code == 403
    assert not Threshold.objects.exists()


def test_an_unknown_centre_is_404_even_for_the_national_admin(client, world):
    assert status_for(client, world["national_admin"],
                      reverse("earlywarning:center_thresholds", args=[999_999])) == 404

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from forsa.accounts.models import ApiToken, Membership
from forsa.accounts.services import membership_grant
from forsa.audit.models import AuditEntry
from tests.factories import PASSWORD, UserFactory


def test_login_by_email_lands_on_the_dashboard(client, world):
    response = client.post(reverse("accounts:login"), {"username": world["national_admin"].email, "password": PASSWORD},
                           follow=True)
    assert response.resolver_match.view_name == "reporting:home"


def test_wrong_password_is_refused_with_a_message(client, world):
    response = client.post(reverse("accounts:login"), {"username": world["national_admin"].email, "password": "nope"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_language_is_kept_on_the_user_and_arabic_is_rtl(client, world):
    user = world["own"].users["educator"]
    client.force_login(user)
    client.post(reverse("accounts:language"), {"language": "ar", "next": "/"})
    user.refresh_from_db()
    assert user.language == "ar"
    html = client.get(reverse("reporting:home")).content.decode()
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    client.post(reverse("accounts:language"), {"language": "en", "next": "https://evil.example/"})
    html = client.get(reverse("reporting:home")).content.decode()
    assert 'dir="ltr"' in html and 'lang="en"' in html


def test_a_language_chosen_on_the_sign_in_page_sticks_and_is_saved(client, world):
    user = world["own"].users["educator"]
    user.language = "fr"
    user.save(update_fields=["language"])
    client.post(reverse("accounts:language"), {"language": "ar", "next": reverse("accounts:login")})
    assert 'lang="ar"' in client.get(reverse("accounts:login")).content.decode()
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD}, follow=True)
    assert 'lang="ar"' in response.content.decode()
    user.refresh_from_db()
    assert user.language == "ar"
    # signed out and in again without choosing: the saved language, not the sign-in page's
    client.post(reverse("accounts:logout"))
    client.cookies.pop("forsa_language", None)
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD}, follow=True)
    assert 'lang="ar"' in response.content.decode()


def test_the_language_switch_is_one_button_per_other_language(client, world):
    client.force_login(world["own"].users["educator"])
    html = client.get(reverse("reporting:home")).content.decode()
    switch = html[html.index('<form class="langswitch"'):]
    switch = switch[:switch.index("</form>")]
    assert 'name="language" value="ar"' in switch and 'name="language" value="en"' in switch
    assert 'value="fr"' not in switch and "<select" not in switch


def test_language_switch_refuses_foreign_redirects(client, db):
    response = client.post(reverse("accounts:language"), {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_api_token_shown_once_and_stored_hashed(client, world):
    user = world["own"].users["center_director"]
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"name": "MASSAR sync"})
    raw = response.context["new_token"]
    token = ApiToken.objects.get(user=user)
    assert raw.startswith("fa_") and raw not in (token.digest, token.prefix)
    assert token.digest == ApiToken.digest_of(raw)
    assert raw not in client.get(reverse("accounts:profile")).content.decode()


def test_api_token_revoke_only_own(client, world):
    client.force_login(world["own"].users["center_director"])
    client.post(reverse("accounts:profile"), {"name": "mine"})
    token = ApiToken.objects.get()
    client.force_login(world["foreign"].users["center_director"])
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    client.force_login(world["own"].users["center_director"])
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_password_reset_sends_a_link(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post(reverse("accounts:password_reset"), {"email": world["national_admin"].email})
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body


def test_membership_must_match_its_role(world):
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        membership_grant(actor=world["national_admin"], user=user, role="regional_manager")
    assert "region" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        membership_grant(actor=world["national_admin"], user=user, role="national_admin",
                         center=world["own"].center)
    assert "center" in error.value.message_dict
    assert not Membership.objects.filter(user=user).exists()


def test_membership_changes_are_in_the_history(world):
    user = UserFactory()
    membership = membership_grant(actor=world["national_admin"], user=user, role="regional_manager",
                                  region=world["own"].center.region)
    entry = AuditEntry.objects.get(target_id=str(membership.pk), action="create")
    assert entry.actor == world["national_admin"] and entry.changes["role"] == [None, "regional_manager"]


def test_only_national_admins_grant_memberships(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        membership_grant(actor=world["own"].users["regional_manager"], user=UserFactory(), role="national_admin")

"""The scope-test helpers: every page and endpoint is checked own-visible / foreign-404."""

from django.urls import reverse

# Roles bound to a territory or organisation: each sees its own side, never the other.
SCOPED_ROLES = (
    "regional_manager", "provincial_manager", "association_manager",
    "center_director", "educator", "counsellor",
)


def status_for(client, user, url):
    client.force_login(user)
    status = client.get(url).status_code
    client.logout()
    return status


def assert_own_visible_foreign_404(client, world, role, route, kwargs_of, own_status=200):
    """``role`` on the own side gets ``own_status``; the same page for the foreign side is 404."""
    user = world["own"].users[role]
    own_url = reverse(route, kwargs=kwargs_of(world["own"]))
    foreign_url = reverse(route, kwargs=kwargs_of(world["foreign"]))
    assert status_for(client, user, own_url) == own_status, own_url
    assert status_for(client, user, foreign_url) == 404, foreign_url

from forsa.core import scoping


def navigation(request):
    """What the layout needs to draw the menu for this user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scoping.scope_of(user)
    return {
        "forsa_scope": scope,
        "can_create_center": scoping.can_anywhere(user, "center.create"),
    }

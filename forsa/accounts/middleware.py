"""Session lifetime, the second factor and the user's own language."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from forsa.accounts import selectors


class SessionTimeoutMiddleware:
    """Log out after 30 minutes idle or 10 hours after sign-in, whichever comes first."""

    LOGIN_AT = "forsa_login_at"
    SEEN_AT = "forsa_seen_at"

    def __init__(self, get_response):
        self.get_response = get_response
        self.idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
        self.absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.setdefault(self.LOGIN_AT, now)
            seen_at = session.get(self.SEEN_AT, now)
            if now - seen_at > self.idle or now - login_at > self.absolute:
                logout(request)
            elif now - seen_at > 60:  # write the session at most once a minute
                session[self.SEEN_AT] = now
            else:
                session.setdefault(self.SEEN_AT, now)
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the cookie and the browser.

    Runs after AuthenticationMiddleware (LocaleMiddleware ran before it, without
    knowing the user) and keeps the cookie in step for the login page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if user.is_authenticated and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != user.language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, user.language,
                max_age=365 * 24 * 3600,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


class TwoFactorMiddleware:
    """After the password, a user with an authenticator proves it; those who must have one set it up.

    Until then every page redirects to the code (or set-up) page, and the API answers 403 to
    their session. API tokens are not concerned: they are created from a verified session.
    """

    OPEN = frozenset({"two_factor_verify", "two_factor_setup", "logout", "language"})
    NOT_NEEDED = "forsa_second_factor_not_needed"  # checked once per session, not on every page

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (not user.is_authenticated or user.is_verified() or request.session.get(self.NOT_NEEDED)
                or request.path.startswith(settings.STATIC_URL)):
            return self.get_response(request)
        if selectors.two_factor_device(user=user) is not None:
            target = "accounts:two_factor_verify"
        elif selectors.two_factor_required(user=user):
            target = "accounts:two_factor_setup"
        else:
            request.session[self.NOT_NEEDED] = True
            return self.get_response(request)
        match = _resolve(request.path_info)
        if match is not None and match.namespace == "accounts" and match.url_name in self.OPEN:
            request.second_factor_pending = True  # the page shows no menu: it would only lead back here
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": _("Two-factor verification is required.")}, status=403)
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def _resolve(path):
    try:
        return resolve(path)
    except Resolver404:
        return None

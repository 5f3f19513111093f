"""Session lifetime and the user's own language."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils import translation


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

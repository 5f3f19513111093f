"""Authentication of the API by personal tokens (the session is the browser's other way in)."""

from datetime import timedelta

from django.utils import translation
from ninja.security import HttpBearer

from forsa.accounts.models import ApiToken
from forsa.accounts.services import api_token_touch


class ApiTokenAuth(HttpBearer):
    """Personal API tokens: ``Authorization: Bearer fa_…``.

    Only the SHA-256 digest of a token is stored, so the raw value is looked up by its
    digest. Revoked tokens and tokens of inactive users are refused (401). The request
    then runs as the token's owner, in the owner's language, exactly as a session would.
    """

    TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often

    def authenticate(self, request, token):
        if not token:
            return None
        # Authentication comes before any scope: the token table is read by digest only.
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            return None
        api_token_touch(token=api_token, every=self.TOUCH_EVERY)
        user = api_token.user
        request.user = user
        if user.language:  # as UserLanguageMiddleware does for a session
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return user

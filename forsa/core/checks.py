"""Deployment checks of Forsa's own settings (``manage.py check --deploy``)."""

import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

MISSING_SECRET_KEY = "FORSA_SECRET_KEY must be set when FORSA_DEBUG is off"


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if settings.DEBUG or os.environ.get("FORSA_SECRET_KEY"):
        return []
    hint = "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    return [Error(MISSING_SECRET_KEY, hint=hint, id="forsa.E001")]


@register(Tags.security, deploy=True)
def two_factor_is_on(app_configs, **kwargs):
    """DESIGN: national and regional roles sign in with a second factor in production."""
    if settings.DEBUG or settings.FORSA_TWO_FACTOR:
        return []
    return [Warning("FORSA_TWO_FACTOR is off: national and regional users sign in with a password only",
                    hint="unset FORSA_TWO_FACTOR (it is on by default when FORSA_DEBUG is off)", id="forsa.W002")]

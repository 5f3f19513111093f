"""Deployment checks of Forsa's own settings (``manage.py check --deploy``)."""

import os

from django.conf import settings
from django.core.checks import Error, Tags, register

MISSING_SECRET_KEY = "FORSA_SECRET_KEY must be set when FORSA_DEBUG is off"


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if settings.DEBUG or os.environ.get("FORSA_SECRET_KEY"):
        return []
    hint = "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    return [Error(MISSING_SECRET_KEY, hint=hint, id="forsa.E001")]

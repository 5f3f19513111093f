"""Deployment checks of Forsa's own settings (``manage.py check --deploy``)."""

import json
import os
from pathlib import Path

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


def static_manifest_problem():
    """Why pages cannot be served for want of collected static files, or None.

    Without FORSA_DEBUG the static files storage names every file through the manifest that
    ``collectstatic`` writes; when it is missing, the first ``{% static %}`` of every page raises (a 500).
    """
    if settings.DEBUG:
        return None
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.utils.module_loading import import_string

    storage_class = import_string(settings.STORAGES["staticfiles"]["BACKEND"])
    if not issubclass(storage_class, ManifestFilesMixin):
        return None
    where = Path(settings.STATIC_ROOT) / storage_class.manifest_name
    try:
        json.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"{STATIC_MANIFEST_MISSING}: {where}"
    except (OSError, ValueError):
        return f"{STATIC_MANIFEST_MISSING}: {where} cannot be read"
    return None


STATIC_MANIFEST_MISSING = (
    "The static files manifest is missing: run `manage.py collectstatic --noinput` before serving with "
    "FORSA_DEBUG off (every page would fail without it)"
)


@register(Tags.staticfiles, deploy=True)
def static_manifest_exists(app_configs, **kwargs):
    """forsa.E010: the static files have been collected (see static_manifest_problem)."""
    problem = static_manifest_problem()
    if problem is None:
        return []
    return [Error(problem, hint="collectstatic writes it into STATIC_ROOT (FORSA_STATIC_ROOT, or var/static)",
                  id="forsa.E010")]

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


# Scoping (forsa.core.scoping): every scoped model declares a rule that leads somewhere ---------------


def _is_scoped(model) -> bool:
    """Whether one of the model's managers reads through the scoping module (has ``for_user``)."""
    from forsa.core.scoping import ScopedQuerySet

    return any(issubclass(getattr(manager, "_queryset_class", object), ScopedQuerySet) or hasattr(manager, "for_user")
               for manager in model._meta.managers)


def _path_errors(model, label, what, path, target=None):
    """Errors of one lookup path of a rule: it must resolve, and end at ``target`` (a model label)."""
    from django.core.exceptions import FieldDoesNotExist

    from forsa.core.scoping import path_target

    try:
        reached = path_target(model, path)
    except FieldDoesNotExist as exc:
        return [Error(f"{label}: the {what} path {path!r} does not resolve: {exc}", obj=model,
                      hint="Name fields of the model and of the models its relations lead to.", id="forsa.E102")]
    if target and reached._meta.label != target:
        return [Error(f"{label}: the {what} path {path!r} ends at {reached._meta.label}, not at {target}",
                      obj=model, id="forsa.E102")]
    return []


def scoping_rule_errors(models):
    """The scoping errors of ``models`` (the check below, over the installed models)."""
    from django.core.exceptions import ImproperlyConfigured

    from forsa.core.scoping import SCOPE_TARGETS, declared_rule

    errors = []
    for model in models:
        label = model._meta.label
        try:
            rule = declared_rule(model)
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), obj=model, id="forsa.E104"))
            continue
        scoped = _is_scoped(model)
        if rule is None:
            if scoped:
                errors.append(Error(
                    f"{label} has a scoped manager (for_user) and no scoping rule", obj=model, id="forsa.E101",
                    hint="Declare scope_rule = scoping.Rule(...) or scoping.through(...) on the model, "
                         "or give it a plain manager if nobody reads it through a user's scope."))
            continue
        if not scoped:
            errors.append(Error(f"{label} declares a scoping rule but has no scoped manager", obj=model,
                                hint="objects = ScopedQuerySet.as_manager(), so that selectors read it "
                                     "through for_user.", id="forsa.E103"))
        for key in rule.paths:
            if key not in SCOPE_TARGETS:
                errors.append(Error(f"{label}: {key!r} is not a scope key ({', '.join(SCOPE_TARGETS)})",
                                    obj=model, id="forsa.E102"))
                continue
            for path in rule.alternatives(key):
                errors += _path_errors(model, label, key, path, SCOPE_TARGETS[key])
        user_model = settings.AUTH_USER_MODEL
        for what in ("owner", "group_staff", "assignee"):
            if getattr(rule, what):
                errors += _path_errors(model, label, what, getattr(rule, what), user_model)
        if rule.group_staff and "center" not in rule.paths:
            errors.append(Error(f"{label}: group_staff needs a center path", obj=model, id="forsa.E102"))
        if rule.holds_persons and rule.partners_see:
            errors.append(Error(f"{label}: a rule holding persons cannot be shown to partner viewers",
                                obj=model, id="forsa.E105"))
    return errors


@register(Tags.models)
def scoping_rules(app_configs, **kwargs):
    """forsa.E101 a scoped model without a rule; E102 a path that does not resolve or does not end at
    a region, province, association or centre (or at a user for owner, group staff and assignee);
    E103 a rule on a model without a scoped manager; E104 a through() that leads nowhere; E105 a rule
    holding persons shown to partner viewers."""
    from django.apps import apps

    configs = app_configs or apps.get_app_configs()
    return scoping_rule_errors([model for config in configs for model in config.get_models()])

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

"""Sign-in throttling (django-axes): by account and address, then by account alone; never by address alone.

The policy, on purpose:

- the pair (account, address) is locked after ``FORSA_LOGIN_FAILURE_LIMIT`` failures (8): someone
  mistyping their own password, or a guesser at one address;
- the account is locked across every address after ``FORSA_ACCOUNT_FAILURE_LIMIT`` failures (24):
  guesses spread over many addresses;
- an address alone is never locked: a centre's staff share one address, and one person's mistakes
  (or a guesser's) must not lock out everyone behind it.

Axes counts the failures of each parameter set of ``AXES_LOCKOUT_PARAMETERS`` (``[["username",
"ip_address"], "username"]``) against one limit; :class:`ThrottlingHandler` gives each set its own.
The login field is the e-mail, posted as ``username`` (Django's AuthenticationForm) and compared in
lower case, as accounts are stored (:func:`username_of`). A lockout answers 429 with ``Retry-After``
and a page saying how many minutes to wait, in the user's language (:func:`lockout_response`), and
is written in the audit (:func:`audit_lockout`).
"""

import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from forsa.accounts.models import User
from forsa.audit.models import AuditEntry
from forsa.audit.services import audit_record

PAIR = ("username", "ip_address")
ACCOUNT = ("username",)


def limits():
    """The failure limit of each parameter set."""
    return {PAIR: settings.FORSA_LOGIN_FAILURE_LIMIT, ACCOUNT: settings.FORSA_ACCOUNT_FAILURE_LIMIT}


def username_of(request, credentials=None):
    """The account a sign-in attempt names: the posted e-mail, trimmed and in lower case."""
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get("username") or data.get("email")
    return str(value).strip().lower() if value else None


def _key(parameters):
    return (parameters,) if isinstance(parameters, str) else tuple(parameters)


def _recent_attempts(request, credentials, parameters):
    """The attempt rows still counting (within the cool-off) for one parameter set of this request."""
    values = {"username": get_client_username(request, credentials),
              "ip_address": getattr(request, "axes_ip_address", None) or get_client_ip_address(request)}
    since = _now(request) - get_cool_off(request)
    return AccessAttempt.objects.filter(attempt_time__gte=since, **{name: values[name] for name in parameters})


def _now(request):
    return getattr(request, "axes_attempt_time", None) or timezone.now()


def locked_sets(request, credentials=None):
    """{parameter set: seconds until it unlocks} for each set whose failures reached its limit.

    Failures are kept per (account, address, user agent) row, each row expiring a cool-off after its
    last failure: a set unlocks when enough of its oldest rows have expired to leave it under its limit.
    """
    locked = {}
    cool_off = get_cool_off(request)
    for parameters, limit in limits().items():
        rows = list(_recent_attempts(request, credentials, parameters)
                    .order_by("attempt_time").values_list("attempt_time", "failures_since_start"))
        total = sum(failures for _at, failures in rows)
        if total < limit:
            continue
        for attempt_time, failures in rows:
            total -= failures
            if total < limit:
                locked[parameters] = max(0.0, (attempt_time + cool_off - _now(request)).total_seconds())
                break
    return locked


def failure_counts(request, credentials=None):
    """{parameter set: failures still counting} for this request's account and address."""
    return {_key(parameters): sum(_recent_attempts(request, credentials, _key(parameters))
                                  .values_list("failures_since_start", flat=True))
            for parameters in settings.AXES_LOCKOUT_PARAMETERS}


class ThrottlingHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per parameter set (see the module's docstring).

    Axes compares ``get_failures`` with one limit (``AXES_FAILURE_LIMIT``, the pair's): each set's
    failures are shifted by the difference between the pair's limit and its own, so the account set
    reaches the common limit only at its own (24 failures count as 8).
    """

    def get_failures(self, request, credentials=None):
        common = settings.FORSA_LOGIN_FAILURE_LIMIT
        own = limits()
        return max(failures - own.get(key, common) + common
                   for key, failures in failure_counts(request, credentials).items())


def wait_minutes(request, credentials=None):
    """Whole minutes until sign-in is possible again (at least 1 while locked)."""
    seconds = max(locked_sets(request, credentials).values(), default=get_cool_off(request).total_seconds())
    return max(1, math.ceil(seconds / 60))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429, ``Retry-After`` and the wait in minutes, in the user's language."""
    minutes = wait_minutes(request, credentials)
    response = render(request, "accounts/locked.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    """A new lockout (not a refused attempt during one) is written in the audit."""
    if request is None or getattr(request, "axes_failures_since_start", None) is None:
        return  # refused while already locked: the lockout itself is in the audit already
    credentials = getattr(request, "axes_credentials", None)
    locked = locked_sets(request, credentials)
    target = (User.objects.filter(email__iexact=username).first() if username else None) or (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address).order_by("-attempt_time").first()
    )
    if target is None:
        return
    scope = "account" if ACCOUNT in locked else "account_and_address"
    with transaction.atomic():
        audit_record(actor=None, action=AuditEntry.Action.LOCKOUT, target=target, changes={
            "email": username, "ip_address": ip_address, "scope": scope,
            "failures": {"+".join(key): count for key, count in failure_counts(request, credentials).items()},
            "wait_seconds": math.ceil(max(locked.values(), default=get_cool_off(request).total_seconds())),
        })

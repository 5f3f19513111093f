"""The NinjaAPI at /api/v1/: it mounts each app's router and turns errors into JSON.

Authentication: a personal API token (``Authorization: Bearer …``) for integrations,
or the browser's session (CSRF checked on unsafe methods). Errors answer
``{"detail": …}`` (401, 403, 404) or ``{"detail": …, "errors": {field: [messages]}}``
(422), with messages in the request's language.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from forsa.accounts.api import ApiTokenAuth
from forsa.assessments.api import router as assessments_router
from forsa.attendance.api import router as attendance_router
from forsa.centers.api import router as centers_router
from forsa.conventions.api import router as conventions_router
from forsa.learners.api import router as learners_router
from forsa.organizations.api import router as organizations_router
from forsa.territory.api import router as territory_router

api = NinjaAPI(
    title="Forsa API",
    version="1",
    description="E2C-NG information system: territory, associations and centres.",
    urls_namespace="api",
    auth=[ApiTokenAuth(), django_auth],
    # "ninja" is installed, so the docs page uses its bundled static files (no CDN), and
    # Swagger UI's online validator (a call to swagger.io) is switched off.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("", territory_router)
api.add_router("", organizations_router)
api.add_router("", centers_router)
api.add_router("", learners_router)
api.add_router("", attendance_router)
api.add_router("", assessments_router)
api.add_router("", conventions_router)


def _invalid(request, errors):
    return api.create_response(
        request, {"detail": _("The data sent is not valid."), "errors": errors}, status=422
    )


@api.exception_handler(ObjectDoesNotExist)
@api.exception_handler(Http404)
def not_found(request, exc):
    """Out of scope and non-existent are the same answer."""
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    """The object is in scope but the user's role may not do this."""
    return api.create_response(
        request, {"detail": _("You do not have permission to perform this action.")}, status=403
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = api.create_response(
        request, {"detail": _("Authentication credentials are missing or not valid.")}, status=401
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(DjangoValidationError)
def invalid_data(request, exc):
    """A service's full_clean (or a filter) refused the data: messages per field."""
    if hasattr(exc, "error_dict"):
        errors = exc.message_dict
    else:
        errors = {NON_FIELD_ERRORS: exc.messages}
    return _invalid(request, errors)


# Pydantic's messages are English; the common ones are replaced by Django's translated ones.
def _pydantic_message(error):
    kind = error.get("type", "")
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind.startswith(("float_", "decimal_")):
        return _("Enter a number.")
    if kind.startswith("date_"):
        return _("Enter a valid date.")
    return error.get("msg", "")


@api.exception_handler(NinjaValidationError)
def invalid_request(request, exc):
    """The request did not parse (missing field, wrong type): same shape as invalid_data."""
    errors = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "commune"), ("query", "page"), ("path", "center_id")
        field_path = loc[2:] if loc[:1] == ["body"] else loc[1:]
        field = ".".join(field_path) or NON_FIELD_ERRORS
        errors.setdefault(field, []).append(_pydantic_message(error))
    return _invalid(request, errors)

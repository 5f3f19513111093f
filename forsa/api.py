"""The NinjaAPI at /api/v1/: it mounts each app's router and turns errors into JSON.

Authentication: a personal API token (``Authorization: Bearer …``) for integrations,
or the browser's session (CSRF checked on unsafe methods). Errors answer
``{"detail": …}`` (400, 401, 403, 404) or ``{"detail": …, "errors": {field: [messages]}}``
(422), with messages in the request's language; every operation documents them.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import django_auth

from forsa.accounts.api import ApiTokenAuth
from forsa.assessments.api import router as assessments_router
from forsa.attendance.api import router as attendance_router
from forsa.centers.api import router as centers_router
from forsa.conventions.api import router as conventions_router
from forsa.core.schemas import ErrorOut, ValidationErrorOut
from forsa.earlywarning.api import router as earlywarning_router
from forsa.learners.api import router as learners_router
from forsa.organizations.api import router as organizations_router
from forsa.reporting.api import router as reporting_router
from forsa.territory.api import router as territory_router

ERRORS = {
    400: (ErrorOut, "The request could not be read (malformed JSON or multipart body)."),
    401: (ErrorOut, "No valid token or session."),
    403: (ErrorOut, "In scope, but the user's role may not do this."),
    404: (ErrorOut, "Not found, or outside the user's scope (the same answer)."),
    422: (ValidationErrorOut, "The data sent is not valid: the messages per field."),
}


class NoNullCharacters(Parser):
    """Ninja's parser, refusing text with a NUL character (PostgreSQL cannot store one, SQLite would):
    a 422 naming the field, the same on both databases, before any query."""

    def parse_body(self, request):
        data = super().parse_body(request)
        _refuse_nul(data, ("body", "payload"))
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        _refuse_nul(result, ("query",))
        return result


def _nul_paths(value, loc):
    if isinstance(value, str):
        return [loc] if "\x00" in value else []
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    return [path for key, item in items for path in _nul_paths(item, (*loc, key))]


def _refuse_nul(data, loc):
    paths = _nul_paths(data, loc)
    if paths:
        raise NinjaValidationError([{"loc": path, "type": "string_nul"} for path in paths])


class ForsaAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """The document, with the error answers every operation may give, and their body."""
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model, _description in ERRORS.values():
            components.setdefault(model.__name__, model.model_json_schema(ref_template="#/components/schemas/{model}"))
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                for status, (model, description) in ERRORS.items():
                    responses.setdefault(status, {
                        "description": description,
                        "content": {"application/json": {
                            "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
                    })
        return schema


api = ForsaAPI(
    title="Forsa API",
    version="1",
    description="E2C-NG information system: territory, associations and centres.",
    urls_namespace="api",
    parser=NoNullCharacters(),
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
api.add_router("", earlywarning_router)
api.add_router("", reporting_router)


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


@api.exception_handler(HttpError)
def http_error(request, exc):
    """Ninja's own 4xx answers; a body refused for its content (NoNullCharacters) is a 422 naming the field."""
    if isinstance(exc.__cause__, NinjaValidationError):
        return invalid_request(request, exc.__cause__)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(MultiPartParserError)
def unreadable_multipart(request, exc):
    """A multipart body Django cannot parse (no boundary, truncated): the client's error, not ours."""
    return api.create_response(
        request, {"detail": _("The multipart/form-data body could not be read.")}, status=400
    )


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
    if kind == "string_too_short" and error.get("ctx", {}).get("min_length") == 1:
        return _("This field is required.")
    if kind == "string_nul":
        return _("Null characters are not allowed.")
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind.startswith(("float_", "decimal_")):
        return _("Enter a number.")
    if kind.startswith("date_"):
        return _("Enter a valid date.")
    limit = error.get("ctx", {})
    if kind in ("less_than_equal", "less_than"):
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": limit.get("le", limit.get("lt"))}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": limit.get("ge", limit.get("gt"))}
    if kind in ("literal_error", "enum"):
        return _("Select a valid choice. That choice is not one of the available choices.")
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

"""JSON errors of the API, in the user's language (French by default), never a 500 for bad input.

Every error body has a ``detail``: a sentence for most errors, and for validation errors
(422) a list of ``{"loc": [...], "field": "name", "msg": "…", "type": "…"}``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from maillon.core import errors
from maillon.core.apiinput import BODY_NOT_OBJECT, NUL_CHARACTER, REPEATED, RejectedInput

logger = logging.getLogger(__name__)

# Messages of maillon/api.py (kept here so that they are in this app's catalog).
ORGANISATION_NOT_FOUND = gettext_lazy("Organisation not found.")
ORGANISATION_AMBIGUOUS = gettext_lazy(
    "You belong to several organisations: name one with the X-Organisation header (its slug)."
)
CSRF_FAILED = gettext_lazy("CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value.")
MFA_REQUIRED = gettext_lazy("Turn on two-factor authentication to use the API.")
NOT_FOUND = gettext_lazy("Not found.")


def validation_message(error: dict) -> str:
    """A readable sentence for one pydantic / ninja validation error."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"string_too_long", "too_long"}:
        return _("This value is too long (at most %(max)s characters).") % {"max": ctx.get("max_length", "?")}
    if kind in {"string_too_short", "too_short"}:
        return _("This value is too short (at least %(min)s characters).") % {"min": ctx.get("min_length", "?")}
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind in {"string_type"}:
        return _("Enter some text.")
    if kind in {"list_type"}:
        return _("Enter a list.")
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt", "?"))
        return _("Enter a value greater than or equal to %(limit)s.") % {"limit": limit}
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt", "?"))
        return _("Enter a value less than or equal to %(limit)s.") % {"limit": limit}
    if kind == NUL_CHARACTER:
        return _("The null character (\\0) is not accepted.")
    if kind == REPEATED:
        return _("Send this parameter once.")
    if kind == BODY_NOT_OBJECT:
        return _("The request body must be a JSON object ({…}).")
    if kind in {"json_invalid", "model_attributes_type", "dict_type", "model_type"}:
        return _("The request body is not valid JSON of the expected shape.")
    if kind == "value_out_of_range":
        return _("A value is out of range.")
    if kind == "value_error" and error.get("msg"):
        # Raised by our own validators with an already translated message.
        return str(error["msg"]).removeprefix("Value error, ")
    return _("This value is not valid.")


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in {"body", "query", "path", "header", "payload", "form", "data"}]
    return ".".join(parts)


def install(api) -> None:
    """Replace django-ninja's default (English, sometimes 500) error handlers."""

    def invalid(request, raw_errors):
        errors = [
            {"loc": list(e.get("loc", [])), "field": _field(e.get("loc", [])), "msg": validation_message(e), "type": e.get("type", "")}
            for e in raw_errors
        ]
        return api.create_response(request, {"detail": errors}, status=422)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc):
        return invalid(request, exc.errors)

    @api.exception_handler(RejectedInput)
    def rejected_input(request, exc):  # a null character in the query string (core/apiinput.py)
        return invalid(request, exc.errors)

    @api.exception_handler(OverflowError)
    def overflow(request, exc):
        # The last net for a number too large for the database (SQLite raises OverflowError);
        # core/apiinput.py refuses whole numbers past 64 bits before the view runs.
        logger.warning("Number out of range on %s: %s", request.path, exc)
        return invalid(request, [{"loc": ["body"], "type": "value_out_of_range"}])

    @api.exception_handler(DataError)
    def data_error(request, exc):
        # The last net for a value the database refuses (PostgreSQL: a number out of range, a
        # text too long); the schemas should have refused it first, hence the full log.
        logger.error("Value refused by the database on %s", request.path, exc_info=exc)
        return invalid(request, [{"loc": ["body"], "type": "value_out_of_range"}])

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        from .edge import too_large_message

        return api.create_response(request, {"detail": too_large_message(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}, status=413)

    @api.exception_handler(TooManyFieldsSent)
    @api.exception_handler(TooManyFilesSent)
    def too_many(request, exc):
        return api.create_response(request, {"detail": _("The request has too many fields or files.")}, status=413)

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request, exc):
        if hasattr(exc, "error_dict"):
            errors = [
                {"loc": ["body", name], "field": name, "msg": str(message), "type": "value_error"}
                for name, messages in exc.message_dict.items() for message in messages
            ]
        else:
            errors = [{"loc": ["body"], "field": "", "msg": str(m), "type": "value_error"} for m in exc.messages]
        return api.create_response(request, {"detail": errors}, status=422)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return api.create_response(
            request,
            {"detail": _("Authentication required: log in, or send a personal access token (Authorization: Bearer …).")},
            status=401,
        )

    @api.exception_handler(AuthorizationError)
    def authorization_error(request, exc):
        return api.create_response(request, {"detail": _("You are not allowed to do this.")}, status=403)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return api.create_response(request, {"detail": str(exc) or _("You are not allowed to do this.")}, status=403)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        message = exc.args[0] if exc.args and isinstance(exc.args[0], str) else ""
        if not message or "matches the given query" in message:  # Django's own English text
            message = str(NOT_FOUND)
        return api.create_response(request, {"detail": message}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        message = str(exc)
        if isinstance(exc.__cause__, RejectedInput):  # raised by our parser, wrapped by django-ninja
            return invalid(request, exc.__cause__.errors)
        if isinstance(exc.__cause__, RequestDataTooBig):
            return too_big(request, exc.__cause__)
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):  # django-ninja's own English text
            message = _("The request body is not valid JSON.")
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        logger.exception("API error on %s", request.path)
        return errors.api_error(exc)  # 503 when the database is down, 500 otherwise: JSON, in French


# The errors any operation may answer, added to each one's OpenAPI description (see
# maillon/api.py, MaillonAPI.get_openapi_schema), so that every app's endpoints document them
# without repeating them. An operation's own description of a status (a 409 with its body)
# is kept.
COMMON_RESPONSES = {
    400: "Bad request: the body is not JSON, or the organisation must be named (X-Organisation)",
    401: "Authentication required: log in, or send a personal access token",
    403: "Not allowed: role, CSRF check (session), second factor required, or policy",
    404: "Not found, or not visible to the caller (another organisation's object included)",
    413: "The request is too large (body over the upload limit, too many fields)",
    422: "Invalid input: a list of errors, one per field (`loc`, `field`, `msg`), or a sentence",
}
ERROR_SCHEMAS = {
    "Error": {
        "title": "Error", "type": "object", "required": ["detail"],
        "properties": {"detail": {"title": "Detail", "type": "string", "description": "a sentence in the user's language"}},
    },
    "FieldError": {
        "title": "FieldError", "type": "object", "required": ["loc", "field", "msg", "type"],
        "properties": {
            "loc": {"title": "Loc", "type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "field": {"title": "Field", "type": "string"},
            "msg": {"title": "Msg", "type": "string"},
            "type": {"title": "Type", "type": "string"},
        },
    },
    "ValidationErrors": {
        "title": "ValidationErrors", "type": "object", "required": ["detail"],
        "properties": {"detail": {"title": "Detail", "anyOf": [
            {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}}, {"type": "string"},
        ]}},
    },
}


def document(schema: dict) -> dict:
    """Add the common error answers to every operation of an OpenAPI schema (in place)."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in COMMON_RESPONSES.items():
                if status in responses or str(status) in responses:
                    continue
                body = "ValidationErrors" if status == 422 else "Error"
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
                }
    return schema

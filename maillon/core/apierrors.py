"""JSON errors of the API, in the user's language (French by default), never a 500 for bad input.

Every error body has a ``detail``: a sentence for most errors, and for validation errors
(422) a list of ``{"loc": [...], "field": "name", "msg": "…", "type": "…"}``.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

logger = logging.getLogger(__name__)

# Messages of maillon/api.py (kept here so that they are in this app's catalog).
ORGANISATION_NOT_FOUND = gettext_lazy("Organisation not found.")
ORGANISATION_AMBIGUOUS = gettext_lazy(
    "You belong to several organisations: name one with the X-Organisation header (its slug)."
)
CSRF_FAILED = gettext_lazy("CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value.")
MFA_REQUIRED = gettext_lazy("Turn on two-factor authentication to use the API.")


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
    if kind in {"json_invalid", "model_attributes_type", "dict_type", "model_type"}:
        return _("The request body is not valid JSON of the expected shape.")
    if kind == "value_error" and error.get("msg"):
        # Raised by our own validators with an already translated message.
        return str(error["msg"]).removeprefix("Value error, ")
    return _("This value is not valid.")


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in {"body", "query", "path", "header", "payload", "form", "data"}]
    return ".".join(parts)


def install(api) -> None:
    """Replace django-ninja's default (English, sometimes 500) error handlers."""

    @api.exception_handler(ValidationError)
    def validation_error(request, exc):
        errors = [
            {"loc": list(e.get("loc", [])), "field": _field(e.get("loc", [])), "msg": validation_message(e), "type": e.get("type", "")}
            for e in exc.errors
        ]
        return api.create_response(request, {"detail": errors}, status=422)

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
            message = _("Not found.")
        return api.create_response(request, {"detail": message}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        message = str(exc)
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):  # django-ninja's own English text
            message = _("The request body is not valid JSON.")
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        logger.exception("API error on %s", request.path)
        return api.create_response(request, {"detail": _("An unexpected error occurred. It has been logged.")}, status=500)

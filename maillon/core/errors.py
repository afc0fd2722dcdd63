"""The answer to an error nothing else caught (Django's ``handler500``, the API's last handler):
French, JSON under /api/, and 503 when the database cannot be reached. Nothing here reads the
database, the session or the context processors, so it still answers when they are down."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = "30"


def database_unavailable(exc: BaseException | None) -> bool:
    """The database refused or dropped the connection (not a bad query: those are 500s)."""
    return isinstance(exc, (OperationalError, InterfaceError))


def api_error(exc: BaseException | None) -> JsonResponse:
    if database_unavailable(exc):
        response = JsonResponse(
            {"detail": _("The service is unavailable for a moment (the database cannot be reached). Try again in a few minutes.")},
            status=503,
        )
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    return JsonResponse({"detail": _("An unexpected error occurred. It has been logged.")}, status=500)


def server_error(request, *args, **kwargs):
    """handler500. Django calls it inside the ``except`` block of the failed request (through
    asgiref, which carries the exception into its thread), so ``sys.exc_info()`` is that error."""
    exc = sys.exc_info()[1]
    if request.path.startswith("/api/"):
        return api_error(exc)
    unavailable = database_unavailable(exc)
    html = loader.get_template("500.html").render({"unavailable": unavailable})  # no request: no context processor
    response = HttpResponse(html, status=503 if unavailable else 500)
    if unavailable:
        response["Retry-After"] = RETRY_AFTER_SECONDS
    return response

"""The answer to an error nothing else caught (Django's ``handler500``, the API's last handler):
French, JSON under /api/, and 503 when the database cannot be reached. Nothing here reads the
database, the session or the context processors, so it still answers when they are down."""

from __future__ import annotations

import logging
import sys
from urllib.parse import urlencode, urlsplit

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from maillon.core import busy

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "30"


def database_unavailable(exc: BaseException | None) -> bool:
    """The database refused or dropped the connection (not a bad query: those are 500s)."""
    return isinstance(exc, (OperationalError, InterfaceError))


def api_error(exc: BaseException | None) -> JsonResponse:
    if busy.database_busy(exc):  # a lock held too long: « try again in a moment », not « unreachable »
        return busy.busy_response(api=True)
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
    if busy.database_busy(exc):  # raised in a middleware (the session's save…): BusyDatabaseMiddleware did not see it
        return busy.busy_response(request)
    if request.path.startswith("/api/"):
        return api_error(exc)
    unavailable = database_unavailable(exc)
    html = loader.get_template("500.html").render({"unavailable": unavailable})  # no request: no context processor
    response = HttpResponse(html, status=503 if unavailable else 500)
    if unavailable:
        response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


# 400, 403, 404 and the CSRF failure: the French page in the layout for a member of the request's
# organisation, else a minimal page with the same style sheet (rendered without request and
# context processors, like 500.html, so it still answers when the database is down).

MINIMAL_LAYOUT = "ui/error_minimal.html"


def _api_detail(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _host(request) -> str | None:
    try:
        return request.get_host()
    except Exception:  # noqa: BLE001 - DisallowedHost: the 400 page itself must still answer
        return None


def _previous_page(request, host: str | None) -> str | None:
    """The Referer, only when it is a page of this site other than the failed one."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or host is None:
        return None
    if not url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return None
    if urlsplit(referer).path == request.path:
        return None
    return referer


def _user(request):
    """The logged-in person, or None (also when the session or the database cannot be read)."""
    try:
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None
    except Exception:  # noqa: BLE001 - the error page must not fail on an outage
        return None


def _ways_back(request, *, next_here: bool) -> dict:
    organisation = getattr(request, "organisation", None)
    dashboard = reverse("dashboard", kwargs={"org": organisation.slug}) if organisation else reverse("home")
    login_url = reverse("account_login")
    if next_here:
        login_url += "?" + urlencode({"next": request.get_full_path()})
    return {
        "dashboard_url": dashboard,
        "previous_url": _previous_page(request, _host(request)),
        "login_url": login_url,
        "logout_url": reverse("account_logout"),
    }


def _render_error(request, template: str, status: int, *, next_here: bool = False) -> HttpResponse:
    context = _ways_back(request, next_here=next_here)
    user = _user(request)
    if user is not None and getattr(request, "organisation", None) is not None:
        try:
            html = loader.render_to_string(template, {**context, "layout": "base.html"}, request)
            return HttpResponse(html, status=status)
        except Exception:  # noqa: BLE001 - the layout failed (database down...): the minimal page
            logger.exception("Error page %s: the layout could not render", status)
    minimal = {**context, "layout": MINIMAL_LAYOUT, "user": user}
    if user is not None:
        try:
            minimal["csrf_token"] = get_token(request)  # the logout form
        except Exception:  # noqa: BLE001
            minimal["user"] = None
    return HttpResponse(loader.render_to_string(template, minimal), status=status)


def bad_request(request, exception=None):
    """handler400 (also a bad Host header: nothing here trusts it)."""
    if busy.database_busy(exception):  # the session could not be saved: SessionInterrupted after « database is locked »
        return busy.busy_response(request)
    if request.path.startswith("/api/"):
        return _api_detail(_("The request is not valid."), 400)
    return _render_error(request, "400.html", 400)


def permission_denied(request, exception=None):
    """handler403, e.g. /cms/ for someone who is not an editor."""
    if request.path.startswith("/api/"):
        return _api_detail(_("You do not have permission to do this."), 403)
    return _render_error(request, "403.html", 403, next_here=True)


def page_not_found(request, exception=None):
    """handler404."""
    if request.path.startswith("/api/"):
        return _api_detail(_("Not found."), 404)
    return _render_error(request, "404.html", 404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: an expired or missing form token (it runs before the organisation is known)."""
    if request.path.startswith("/api/"):
        return _api_detail(_("CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value."), 403)
    return _render_error(request, "403_csrf.html", 403)

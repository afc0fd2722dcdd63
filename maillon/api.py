"""The JSON API at /api/v1/ (django-ninja). OpenAPI schema: /api/v1/openapi.json.

Authentication: a personal access token sent as ``Authorization: Bearer mln_…``, or the
browser session (then unsafe methods need the CSRF token, as for forms).
Organisation-scoped endpoints call ``current_membership(request)``, which reads the
organisation from the ``X-Organisation`` header (its slug); without it, the person's only
organisation is used. Errors are JSON ``{"detail": …}`` in French (see core/apierrors.py).
Each Maillon app's ``api`` module is imported here and registers its router with
``maillon.core.registry.register_api_router``.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.http import Http404
from django.urls import re_path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer
from ninja.utils import check_csrf

from maillon.core import apierrors, apiinput
from maillon.core.apiinput import NUL_CHARACTER, MaillonParser, guard_view
from maillon.core.registry import registry


class TokenAuth(HttpBearer):
    """Personal access tokens: only their SHA-256 is stored."""

    def authenticate(self, request, token):
        from maillon.accounts.middleware import needs_mfa_setup
        from maillon.accounts.models import PersonalAccessToken

        if not token.startswith(PersonalAccessToken.PREFIX):
            return None
        found = (
            PersonalAccessToken.objects.usable().select_related("user")
            .filter(token_hash=PersonalAccessToken.hash(token), user__is_active=True).first()
        )
        if found is None:
            return None
        if needs_mfa_setup(found.user):
            # Same rule as for pages: sensitive roles need a second factor first.
            raise HttpError(403, str(apierrors.MFA_REQUIRED))
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            PersonalAccessToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser session. CSRF is checked only when the session is what authenticates,
    so a token client is never asked for a CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        key = request.COOKIES.get(self.param_name)
        if not key or not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, str(apierrors.CSRF_FAILED))
        return key

    def authenticate(self, request, key):
        if key and request.user.is_authenticated:
            return request.user
        return None


class OrganisationHeader(APIKeyHeader):
    """Documents the X-Organisation header in the schema (not an authentication)."""

    param_name = "X-Organisation"

    def authenticate(self, request, key):  # pragma: no cover - never used as auth
        return None


def current_membership(request):
    """The caller's active membership in the requested organisation, or 404.

    The same answer for 'no such organisation' and 'not a member', as for pages."""
    from maillon.accounts.models import Membership

    cached = getattr(request, "_api_membership", None)
    if cached is not None:
        return cached
    memberships = Membership.objects.active().with_roles().select_related("organisation", "sector").filter(
        user=request.user, organisation__is_active=True
    )
    slug = request.headers.get("X-Organisation") or request.GET.get("organisation")
    if slug and "\x00" in slug:  # read here, outside django-ninja's validation: same 422
        raise ValidationError([{"loc": ("header", "X-Organisation"), "type": NUL_CHARACTER}])
    if slug:
        membership = memberships.filter(organisation__slug=slug).first()
    else:
        found = list(memberships[:2])
        if len(found) > 1:
            raise HttpError(400, str(apierrors.ORGANISATION_AMBIGUOUS))
        membership = found[0] if found else None
    if membership is None:
        raise Http404(str(apierrors.ORGANISATION_NOT_FOUND))
    from maillon.organisations.middleware import API_MEMBERSHIP_CHECKS

    for check in API_MEMBERSHIP_CHECKS:
        check(membership, request)
    request.organisation = membership.organisation
    request.membership = membership
    request._api_membership = membership
    return membership


class MaillonAPI(NinjaAPI):
    """Adds the apps' routers when the URLs are first built, so that an app's ``api``
    module may import this module (``current_membership``) in any order."""

    _routers_added = False

    @property
    def urls(self):
        self.add_registered_routers()
        patterns, app_name, namespace = super().urls
        # Last: an unknown address under /api/v1/ (or an id that is not a number) is a JSON 404,
        # not a redirect to the pages (APPEND_SLASH) nor an HTML page.
        return [*patterns, re_path(r"^", csrf_exempt(self.not_found))], app_name, namespace

    def not_found(self, request, *args, **kwargs):
        return self.create_response(request, {"detail": str(apierrors.NOT_FOUND)}, status=404)

    def get_openapi_schema(self, **kwargs):
        self.add_registered_routers()
        # Documented once here: the input limits every view enforces (core/apiinput.py) and
        # the errors every operation may answer (401, 403, 404, 422…).
        return apierrors.document(apiinput.document(super().get_openapi_schema(**kwargs)))

    def add_registered_routers(self) -> None:
        if self._routers_added:
            return
        from importlib import import_module, util

        for config in apps.get_app_configs():
            if config.name.startswith("maillon.") and util.find_spec(f"{config.name}.api"):
                import_module(f"{config.name}.api")
        for prefix, router in registry.api_routers:
            self.add_router(prefix, router)
        self._routers_added = True


api = MaillonAPI(
    title="Maillon API",
    version="1",
    description=(
        "Maillon's JSON API: every action of the screens is available here. Authenticate with a "
        "personal access token (`Authorization: Bearer mln_…`, created at /comptes/jetons/) or the "
        "browser session (unsafe methods then need the `X-CSRFToken` header). Organisation-scoped "
        "endpoints take the organisation's slug in the `X-Organisation` header."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api-v1",
    docs_url="/docs",
    # Bodies are JSON objects without null characters; query strings neither (core/apiinput.py).
    parser=MaillonParser(),
)
apierrors.install(api)
# Every view refuses null characters and whole numbers past 64 bits in what it receives.
api.add_decorator(guard_view)

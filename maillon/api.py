"""The JSON API at /api/v1/ (django-ninja). OpenAPI schema: /api/v1/openapi.json.

Authentication: the browser session (with CSRF) or a personal access token sent as
``Authorization: Bearer mln_…``. Organisation-scoped endpoints read the organisation
from the ``X-Organisation`` header (its slug); without it, the person's only
organisation is used. Domain apps add routers with ``register_api_router``.
"""

from __future__ import annotations

from django.apps import apps
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from maillon.core.registry import registry


class TokenAuth(HttpBearer):
    """Personal access tokens: only their SHA-256 is stored."""

    def authenticate(self, request, token):
        from maillon.accounts.models import PersonalAccessToken

        found = (
            PersonalAccessToken.objects.usable().select_related("user")
            .filter(token_hash=PersonalAccessToken.hash(token), user__is_active=True).first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            PersonalAccessToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found
        return found.user


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
    if slug:
        membership = memberships.filter(organisation__slug=slug).first()
    else:
        found = list(memberships[:2])
        if len(found) > 1:
            raise HttpError(400, "Précisez l'organisation avec l'en-tête X-Organisation.")
        membership = found[0] if found else None
    if membership is None:
        raise Http404("Organisation introuvable.")
    request.organisation = membership.organisation
    request.membership = membership
    request._api_membership = membership
    return membership


api = NinjaAPI(
    title="Maillon API",
    version="1",
    description="API de Maillon. Chaque action des écrans y est disponible.",
    auth=[SessionAuth(), TokenAuth()],
    urls_namespace="api-v1",
    docs_url="/docs",
)


def _register_routers():
    # Import every Maillon app's api module so it can register its router.
    from importlib import import_module, util

    for config in apps.get_app_configs():
        if config.name.startswith("maillon.") and util.find_spec(f"{config.name}.api"):
            import_module(f"{config.name}.api")
    for prefix, router in registry.api_routers:
        api.add_router(prefix, router)


_register_routers()

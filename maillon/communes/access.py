"""The one place where a commune's enabled services and its support accesses hold, at each
request of its pages (``organisations.middleware.REQUEST_CHECKS``) and in its navigation
(``core.registry.register_nav_filter``).

A commune of a groupement: the views of a service it has not enabled answer a French 404 page,
keyed by the URL namespace of the resolved view (``catalogue.namespace_allowed``), never per
view; its navigation hides their entries and its dashboard their panels; its API routers answer a
404 too (``check_api_membership``, keyed by the router's prefix). A support membership past its end is closed at the
request that finds it (and by the periodic job for those who do not come back). Organisations
that are not communes of a groupement are untouched, without a query.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.organisations.models import Organisation

from . import catalogue


def check_request(request):
    membership = request.membership
    organisation = request.organisation
    if organisation is None or organisation.kind != Organisation.Kind.COMMUNE:
        return None
    from . import services

    found = services.state(organisation)
    ends_at, access_id = found["support"].get(membership.pk, (None, None))
    if ends_at is not None:
        if _support_over(organisation, ends_at):
            request.organisation = request.membership = None
            return TemplateResponse(request, "communes/support_ended.html", {"commune": organisation}, status=404)
        membership.is_support = True
        request.support_until = datetime.fromtimestamp(ends_at, tz=UTC)
        request.support_access_id = access_id
    if not found["managed"]:
        return None
    enabled = frozenset(found["enabled"])
    membership.hidden_nav, membership.hidden_panels = catalogue.hidden(enabled)
    match = request.resolver_match
    namespace = match.namespaces[0] if match is not None and match.namespaces else ""
    if not catalogue.namespace_allowed(namespace, enabled):
        return TemplateResponse(request, "communes/service_disabled.html", {"commune": organisation}, status=404)
    return None


def in_support(membership) -> bool:
    """The membership acts through a running support access (``check_request`` marked it)."""
    return getattr(membership, "is_support", False)


def _support_over(organisation, ends_at) -> bool:
    """A support access past its end is closed now (audited), whoever finds it first."""
    from . import services

    if ends_at > timezone.now().timestamp():
        return False
    services.end_expired(organisation_id=organisation.pk)
    return True


def check_api_membership(membership, request=None) -> None:
    """The API's side of ``check_request``: a support access past its end acts no more, and the
    router of a service the commune has not enabled answers 404 (``catalogue.api_allowed``)."""
    organisation = membership.organisation
    if organisation.kind != Organisation.Kind.COMMUNE:
        return
    from . import services

    found = services.state(organisation)
    ends_at, _access_id = found["support"].get(membership.pk, (None, None))
    if ends_at is not None and _support_over(organisation, ends_at):
        raise Http404(str(_("Your support access to this commune is over.")))
    if found["managed"] and request is not None and not catalogue.api_allowed(api_prefix(request), frozenset(found["enabled"])):
        raise Http404(str(_("This service is not enabled for your commune")))


@functools.cache
def _api_root() -> str:
    return reverse("api-v1:openapi-json").rsplit("/", 1)[0] + "/"


def api_prefix(request) -> str:
    """The prefix of the router a request to the API reaches: ``leave`` for ``/api/v1/leave/balances``
    (``request.path`` and ``reverse`` both carry the script prefix, if any)."""
    path = request.path
    root = _api_root()
    return path[len(root):].split("/", 1)[0] if path.startswith(root) else ""


def hidden_nav(membership) -> frozenset:
    """Set by ``check_request`` on the commune's membership: no query."""
    return getattr(membership, "hidden_nav", frozenset())


def hidden_panels(membership) -> frozenset:
    """Set by ``check_request`` on the commune's membership: no query."""
    return getattr(membership, "hidden_panels", frozenset())

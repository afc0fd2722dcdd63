"""The one place where a commune's enabled services and its support accesses hold, at each
request of its pages (``organisations.middleware.REQUEST_CHECKS``) and in its navigation
(``core.registry.register_nav_filter``).

A commune of a groupement: the views of a service it has not enabled answer a French 404 page,
keyed by the URL namespace of the resolved view (``catalogue.namespace_allowed``), never per
view; its navigation hides their entries. A support membership past its end is closed at the
request that finds it (and by the periodic job for those who do not come back). Organisations
that are not communes of a groupement are untouched, without a query.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import Http404
from django.template.response import TemplateResponse
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
    membership.hidden_nav = catalogue.COVERED_NAV - frozenset().union(*(catalogue.service(k).nav_keys for k in enabled))
    match = request.resolver_match
    namespace = match.namespaces[0] if match is not None and match.namespaces else ""
    if not catalogue.namespace_allowed(namespace, enabled):
        return TemplateResponse(request, "communes/service_disabled.html", {"commune": organisation}, status=404)
    return None


def _support_over(organisation, ends_at) -> bool:
    """A support access past its end is closed now (audited), whoever finds it first."""
    from . import services

    if ends_at > timezone.now().timestamp():
        return False
    services.end_expired(organisation_id=organisation.pk)
    return True


def check_api_membership(membership) -> None:
    """The API's side of ``check_request``: a support access past its end acts no more."""
    organisation = membership.organisation
    if organisation.kind != Organisation.Kind.COMMUNE:
        return
    from . import services

    ends_at, _access_id = services.state(organisation)["support"].get(membership.pk, (None, None))
    if ends_at is not None and _support_over(organisation, ends_at):
        raise Http404(str(_("Your support access to this commune is over.")))


def hidden_nav(membership) -> frozenset:
    """Set by ``check_request`` on the commune's membership: no query."""
    return getattr(membership, "hidden_nav", frozenset())

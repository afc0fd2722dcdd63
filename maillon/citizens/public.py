"""Public pages of a commune, for citizens without an account: ``/<commune>/…`` patterns whose
slug kwarg is named ``commune`` (never ``org``, which the organisation middleware turns into a
login requirement).

``@public_commune("service_key")`` resolves the slug to the commune's Organisation and answers a
French 404 when the organisation is not an active commune of a groupement, or when that catalogue
service is not enabled for it (the same page for all three: nothing to probe); without a service
(the portal, sign-in, « Mon espace »), one of the ``PUBLIC_SERVICES`` must be enabled. The view gets
``request.commune`` and ``commune=<Organisation>`` instead of the slug.
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404
from django.template.response import TemplateResponse

from maillon.organisations.models import Organisation

# The catalogue services that have public pages: the portal answers when one of them is enabled.
PUBLIC_SERVICES = frozenset({"citizen_procedures", "participation", "problem_reports"})


def commune_enabled(slug: str, service: str | None) -> Organisation | None:
    from maillon.communes import services

    organisation = Organisation.objects.filter(slug=slug, is_active=True, kind=Organisation.Kind.COMMUNE).first()
    if organisation is None:
        return None
    state = services.state(organisation)
    wanted = PUBLIC_SERVICES if service is None else {service}
    if not state["managed"] or not wanted & set(state["enabled"]):
        return None
    return organisation


def enabled_services(organisation: Organisation) -> frozenset[str]:
    from maillon.communes import services

    return frozenset(services.state(organisation)["enabled"])


def public_commune(service: str | None = None):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, commune: str, **kwargs):
            if request.host_organisation_slug and commune != request.host_organisation_slug:
                raise Http404
            organisation = commune_enabled(commune, service)
            if organisation is None:
                return TemplateResponse(request, "citizens/not_found.html", {}, status=404)
            request.commune = organisation
            return view(request, *args, commune=organisation, **kwargs)

        return wrapped

    return decorator

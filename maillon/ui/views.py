"""Home (organisation picker) and the dashboard frame that apps fill with panels."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from maillon.accounts.models import Membership
from maillon.core.registry import registry, visible


@login_required
def home(request):
    """Send the person to the organisation they used last, or let them pick one."""
    memberships = list(
        Membership.objects.active().filter(user=request.user, organisation__is_active=True)
        .select_related("organisation").order_by("organisation__name")
    )
    slugs = [m.organisation.slug for m in memberships]
    preferred = request.host_organisation_slug or request.session.get("organisation")
    if preferred in slugs:
        return redirect("dashboard", org=preferred)
    if len(memberships) == 1:
        return redirect("dashboard", org=slugs[0])
    return render(request, "ui/choose_organisation.html", {"memberships": memberships})


def dashboard(request):
    panels = []
    for panel in visible(registry.panels.values(), request.membership):
        context = panel.get_context(request)
        if context is not None:
            context["panel_id"] = panel.key
            panels.append({"key": panel.key, "html": render_to_string(panel.template, context, request=request)})
    return render(request, "ui/dashboard.html", {"panels": panels})


def menu(request):
    """The full navigation as a page: what the phone's « Menu » button opens."""
    return render(request, "ui/menu.html")

"""Home (organisation picker) and the dashboard frame that apps fill with panels."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from maillon.accounts.models import Membership
from maillon.core.registry import SECTIONS, dashboard_panels, section_rank

HEADED_SECTIONS = {"waiting", "day", "mine"}  # ui/dashboard.html titles these


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
    if not memberships:
        from maillon.spaces.models import Space

        if Space.objects.visible_to(request.user).exists():  # invited into spaces, in no organisation
            return redirect("spaces:index")
    return render(request, "ui/choose_organisation.html", {"memberships": memberships})


def dashboard(request):
    """« What needs me first »: a summary of what waits (counts the panels already read), then the
    panels section by section (core.registry.SECTIONS). A panel with nothing to do is not rendered."""
    sections: dict[str, list] = {key: [] for key in SECTIONS}
    waiting = []
    for panel in dashboard_panels(request.membership):
        context = panel.get_context(request)
        if context is None:
            continue
        waiting += [{**item, "anchor": f"panel-{panel.key}"} for item in context.get("waiting", ()) if item["count"]]
        if context.get("idle"):
            continue
        section = context.get("section", panel.section)
        # Sections with a heading of their own (h2) hold panels titled h3.
        context.update(panel_id=panel.key, level=3 if section in HEADED_SECTIONS else 2)
        # Rendered by the page itself ({% dashboard_panel %}): the context processors run once.
        sections[section].append({"key": panel.key, "template": panel.template, "context": context})
    ordered = [{"key": key, "panels": panels} for key, panels in sorted(sections.items(), key=lambda kv: section_rank(kv[0])) if panels]
    return render(request, "ui/dashboard.html", {"sections": ordered, "waiting": waiting, "has_waiting_panels": bool(sections["waiting"])})


def menu(request):
    """The full navigation as a page: what the phone's « Menu » button opens."""
    return render(request, "ui/menu.html")

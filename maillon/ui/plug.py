"""The foundation's own dashboard panels and navigation entries (same API as domain apps)."""

from django.db.models import Count, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from maillon.accounts.roles import Role
from maillon.core.prepared import prepared
from maillon.core.registry import dashboard_place, register_nav, register_panel


@dashboard_place("about", 20)
def _organisation_panel(request):
    """« Mon organisation »: home sector, job title, roles (with their sectors). No grid of links:
    the side navigation (desktop) and the « Menu » page (phone) already list them."""
    membership = request.membership
    roles = []
    for key, label in Role.choices:
        sectors = [a.sector.name for a in membership.role_assignments.all() if a.role == key and a.sector_id]
        if key in membership.roles:
            roles.append({"key": key, "label": label, "sectors": sorted(sectors)})
    return {"membership": membership, "roles": roles}


@prepared(user=-850_001, organisation=-850_002)
def _latest_notifications(user, organisation):
    from maillon.notifications.services import visible_to

    # The unread count as a scalar subquery (through the (recipient, read_at) index, run once), not
    # a window over every notification of the person with all its columns: 1.3 -> 0.2 ms of
    # SQLite at 10x the demo (360 notifications for one person; issue 14).
    unread = visible_to(user, organisation).unread().order_by().values("recipient").annotate(n=Count("pk")).values("n")
    # Only what the panel shows (not the bodies).
    return visible_to(user, organisation).only("title", "url", "read_at", "created_at").annotate(
        unread_total=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))[:5]


@dashboard_place("waiting", 40)
def _notifications_panel(request):
    """« Dernières notifications »: the five latest of the list, and in the same query the unread
    total that the header badge shows (``ui.context_processors`` reuses it: one query less).
    Among what waits while some are unread; otherwise at the end of the dashboard."""
    latest = list(_latest_notifications(user=request.user.pk, organisation=request.organisation.pk))
    request.unread_count = unread = latest[0].unread_total if latest else 0
    return {"notifications": latest, "unread": unread, "waiting": [{"count": unread, "label": _("Notifications")}],
            "section": "waiting" if unread else "about"}


register_nav("dashboard", _("Dashboard"), "dashboard", icon="home", order=0, primary=True)
register_nav("notifications", _("Notifications"), "notifications:list", icon="bell", order=90, primary=True)
register_nav("members", _("Team and accounts"), "accounts:members", icon="users", order=200, roles={Role.ADMIN, Role.HR})
register_nav("outbox", _("Sent e-mails (dev.)"), "notifications:outbox", icon="mail", order=210, roles={Role.ADMIN})

register_panel("organisation", "ui/panels/organisation.html", order=10, get_context=_organisation_panel)
register_panel("notifications", "ui/panels/notifications.html", order=900, get_context=_notifications_panel)

"""Human names of the pages (« Mes congés », « Compte rendu de réunion »): the statistics count
route names, people read these. A route without a name here reads « <app> · <route> »."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

LABELS = {
    "dashboard": _("Dashboard"),
    "menu": _("Menu"),
    "org_home": _("Organisation home"),
    "organisations:settings": _("Organisation settings"),
    "accounts:members": _("Team and accounts"),
    "accounts:member": _("A member's account"),
    "accounts:member_invite": _("Invite a member"),
    "accounts:members_import": _("Import members"),
    "audit:journal": _("Audit log"),
    "notifications:list": _("My notifications"),
    "notifications:preferences": _("Notification settings"),
    "notifications:outbox": _("Outbox"),
    "agenda:index": _("Planning"),
    "agenda:new": _("New event or booking"),
    "agenda:event": _("An event"),
    "agenda:resources": _("Rooms and equipment"),
    "agenda:resource": _("A room or an item"),
    "agenda:pending": _("Bookings to approve"),
    "agenda:feeds": _("Calendar subscriptions"),
    "agenda:plannings": _("Team plannings"),
    "agenda:planning": _("A team planning"),
    "agenda:shift_edit": _("Edit a shift"),
    "agenda:swaps": _("Shift swaps"),
    "agenda:closures": _("Closures"),
    "leave:mine": _("My leave"),
    "leave:estimate": _("Leave simulator"),
    "leave:team": _("Team leave"),
    "leave:entries": _("Leave movements"),
    "leave:correction": _("Leave correction"),
    "leave:settings": _("Leave settings"),
    "procedures:index": _("My procedures"),
    "procedures:start": _("New procedure"),
    "procedures:submission": _("A procedure file"),
    "procedures:edit": _("Edit a procedure file"),
    "procedures:decide": _("Decision on a procedure"),
    "procedures:queue": _("Procedures to approve"),
    "procedures:oversee": _("Procedures follow-up"),
    "procedures:delegations": _("Delegations"),
    "procedures:manage": _("Procedure builder"),
    "procedures:manage_edit": _("Edit a procedure form"),
    "content:home": _("Home page"),
    "content:page": _("Intranet page"),
    "content:news": _("News"),
    "content:documents": _("Document library"),
    "content:document": _("A document"),
    "content:search": _("Search"),
    "content:back_office": _("Content back office"),
    "directory:partners": _("Partners and funders"),
    "directory:partner": _("A partner"),
    "directory:facilitators": _("Facilitators"),
    "directory:links": _("Useful links"),
    "directory:staff": _("Staff directory"),
    "meetings:index": _("Meetings"),
    "meetings:new": _("New meeting"),
    "meetings:detail": _("A meeting"),
    "meetings:minutes": _("Meeting minutes"),
    "meetings:tasks": _("A meeting's tasks"),
    "meetings:attendance_sheet": _("Attendance sheet"),
    "meetings:types": _("Meeting types"),
    "reception:history": _("Messages and visitors"),
    "reception:sheet": _("Reception desk"),
    "reception:new_message": _("New phone message"),
    "reception:new_notice": _("New visitor notice"),
    "reception:today": _("Reception's day"),
    "reception:message": _("A phone message"),
    "reception:notice": _("A visitor notice"),
    "health:index": _("Health records"),
    "health:detail": _("A health record"),
    "health:outing": _("Outing sheet"),
    "stats:index": _("Statistics"),
    "stats:page": _("Statistics of a page"),
    "spaces:index": _("Spaces"),
    "spaces:org_index": _("Spaces"),
    "spaces:space": _("A space"),
    "spaces:members": _("A space's members"),
    "spaces:feed": _("A space's feed"),
    "spaces:post": _("A space's message"),
    "spaces:files": _("A space's files"),
    "kb:index": _("Knowledge base"),
    "kb:page": _("A knowledge base page"),
    "kb:history": _("A page's history"),
    "space_events:index": _("A space's events"),
    "space_events:detail": _("An event of a space"),
    "space_events:plan": _("Yearly plan of the meetings"),
    "expertise:index": _("Skills directory"),
    "expertise:org_index": _("Skills directory"),
    "expertise:person": _("A person's skills"),
    "expertise:mine": _("My skills"),
    "mailings:index": _("Mailings"),
    "mailings:detail": _("A mailing"),
    "reports:space": _("A space's reports"),
    "reports:space_report": _("An activity report"),
    "reports:federation": _("Federation reports"),
}


def page_label(route: str) -> str:
    """« Mes congés » for ``leave:mine``; « Réunions · rsvp » for a route not named above."""
    if route in LABELS:
        return str(LABELS[route])
    namespace, _sep, name = route.rpartition(":")
    readable = name.replace("_", " ").strip() or route
    if namespace:
        try:
            return f"{apps.get_app_config(namespace.split(':')[0]).verbose_name} · {readable}"
        except LookupError:
            return f"{namespace} · {readable}"
    return readable.capitalize()

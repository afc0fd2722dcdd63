"""The catalogue of services a groupement can enable for one of its communes.

Each service names the navigation entries (``register_nav`` keys), the URL namespaces (app
labels of the views), the dashboard panels (``register_panel`` keys) and the API routers
(``register_api_router`` prefixes, by default its namespaces) it covers: a commune of a groupement
sees in its navigation and on its dashboard only those of its enabled services, and the pages and
API of a disabled service answer a 404 (``access.py``). Entries, namespaces, panels and routers
that no service covers (dashboard, notifications, accounts, settings…) stay open to every commune.
The diagnostic app imports ``SERVICES`` to recommend a bundle.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Service:
    key: str
    label: object  # lazy translation
    description: object  # lazy translation
    nav_keys: frozenset[str]  # navigation entries it covers
    namespaces: frozenset[str]  # URL namespaces (app labels) of its views
    panel_keys: frozenset[str] = frozenset()  # dashboard panels (``register_panel`` keys)
    api_prefixes: frozenset[str] = frozenset()  # API routers (``register_api_router`` prefixes)


def _service(key, label, description, nav_keys, namespaces, *, panels=(), api=None) -> Service:
    return Service(key, label, description, frozenset(nav_keys), frozenset(namespaces), frozenset(panels),
                   frozenset(namespaces if api is None else api))


SERVICES: tuple[Service, ...] = (
    _service("procedures", _("Online procedures"), _("Forms for requests, approval chains, signatures and receipts."),
             {"procedures"}, {"procedures"}, panels={"procedures_queue", "procedures_mine"}),
    _service("agenda", _("Calendar and rooms"), _("Plannings, events, bookings of rooms and equipment."),
             {"agenda", "plannings", "resources"}, {"agenda"}, panels={"my_planning"}),
    _service("meetings", _("Meetings and councils"), _("Meetings, invitations, minutes written together, tasks."),
             {"meetings"}, {"meetings"}, panels={"my_meetings", "my_tasks", "pending_minutes"}),
    _service("content", _("News and documents"), _("The commune's news, sections and documents."),
             {"news", "documents", "back_office"}, {"content"}, panels={"news"}),
    _service("directory", _("Directory"), _("Partners, contacts, useful links and the staff directory."),
             {"directory"}, {"directory"}),
    _service("leave", _("Staff leave"), _("Leave requests, balances and ledgers of the commune's staff."),
             {"leave", "leave_team"}, {"leave"}, panels={"leave"}),
    _service("reception", _("Reception desk"), _("Phone messages and visitor notices for the reception desk."),
             {"reception"}, {"reception"}),
    _service("spaces", _("Shared spaces"), _("Working groups shared with other communes and partners."),
             {"spaces", "expertise"}, {"spaces", "expertise"}, api={"spaces", "skills", "space-events"}),
    _service("mailings", _("Mailings"), _("Targeted mailings and newsletters."),
             {"mailings"}, {"mailings"}),
    _service("citizen_procedures", _("Online procedures for citizens"),
             _("Public forms without an account (or with FranceConnect), receipts, follow-up and messages."),
             # staff instruct citizens' requests in the procedures pages: this service opens them too
             {"procedures"}, {"procedures"}, panels={"procedures_queue", "procedures_mine"}),
    _service("participation", _("Citizen participation"), _("Consultations and an idea box, moderated."),
             {"participation"}, {"participation"}),
    _service("problem_reports", _("Problem reports"), _("Citizens report a problem with a photo and a place; staff follow it up."),
             {"signalements"}, {"signalements"}),
    _service("stats", _("Statistics"), _("Privacy-respecting usage statistics."),
             {"stats"}, {"stats"}),
)

_BY_KEY = {s.key: s for s in SERVICES}
KEYS: tuple[str, ...] = tuple(_BY_KEY)
CHOICES = [(s.key, s.label) for s in SERVICES]

# What some service covers: an entry or namespace outside these sets is never restricted.
COVERED_NAV = frozenset().union(*(s.nav_keys for s in SERVICES))
COVERED_NAMESPACES = frozenset().union(*(s.namespaces for s in SERVICES))
COVERED_PANELS = frozenset().union(*(s.panel_keys for s in SERVICES))
COVERED_API = frozenset().union(*(s.api_prefixes for s in SERVICES))


def service(key: str) -> Service:
    """The service of ``key``; KeyError for an unknown key."""
    return _BY_KEY[key]


def nav_allowed(nav_key: str, enabled: frozenset[str] | set[str]) -> bool:
    """Whether a navigation entry shows for a commune whose enabled services are ``enabled``."""
    if nav_key not in COVERED_NAV:
        return True
    return any(nav_key in _BY_KEY[k].nav_keys for k in enabled if k in _BY_KEY)


def namespace_allowed(namespace: str, enabled: frozenset[str] | set[str]) -> bool:
    """Whether the views of a URL namespace answer for a commune whose enabled services are ``enabled``."""
    if namespace not in COVERED_NAMESPACES:
        return True
    return any(namespace in _BY_KEY[k].namespaces for k in enabled if k in _BY_KEY)


def hidden(enabled: frozenset[str] | set[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(navigation keys, dashboard panel keys) hidden for a commune whose enabled services are ``enabled``."""
    services = [_BY_KEY[k] for k in enabled if k in _BY_KEY]
    return (COVERED_NAV - frozenset().union(*(s.nav_keys for s in services)),
            COVERED_PANELS - frozenset().union(*(s.panel_keys for s in services)))


def api_allowed(prefix: str, enabled: frozenset[str] | set[str]) -> bool:
    """Whether the API router mounted at ``/api/v1/<prefix>/`` answers for a commune whose enabled services are ``enabled``."""
    if prefix not in COVERED_API:
        return True
    return any(prefix in _BY_KEY[k].api_prefixes for k in enabled if k in _BY_KEY)

"""Where domain apps plug into the foundation without editing it.

In its ``AppConfig.ready()`` a domain app calls:

- ``register_panel(...)``: a panel on the dashboard (« Tableau de bord »);
- ``register_nav(...)``: an entry in the navigation;
- ``register_api_router(prefix, router)``: its django-ninja router under /api/v1/<prefix>;
- ``register_websocket(path, consumer)``: a WebSocket route;
- ``register_demo_seeder(func)``: its part of ``maillon demo``'s fictional data;
- ``register_dock(...)``: something fixed at the bottom of every organisation page (a tab);
- ``maillon.core.periodic.register(...)``: a periodic job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The dashboard reads « what needs me first »: its sections in this order. A panel's context may
# move it for one request (``"section": ...``), e.g. notifications wait only while some are unread.
SECTIONS = (
    "waiting",  # what waits for me: approvals, tasks, minutes, unread notifications
    "day",  # my day: shifts, meetings, bookings
    "mine",  # my balance and my requests
    "news",  # the organisation's news
    "other",  # panels that did not say
    "about",  # who I am here, what I have read
)
_SECTION_RANK = {key: rank for rank, key in enumerate(SECTIONS)}


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    order: int = 100  # within its section
    # Called with the request; returns the panel's context, or None to hide the panel. A context
    # may carry ``waiting`` ([{count, label, anchor}]: the dashboard's « à traiter » summary),
    # ``idle`` (True: nothing to show, the template is not rendered) and ``section``.
    get_context: Callable[[Any], dict | None] = lambda request: {}
    roles: frozenset[str] = frozenset()  # empty: everyone
    section: str = "other"


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Any  # lazy translation
    url_name: str  # reversed with the organisation slug as ``org``
    icon: str = "circle"
    order: int = 100
    roles: frozenset[str] = frozenset()
    primary: bool = False  # shown in the phone's bottom bar (at most 4)
    # Finer than roles: shown only when ``visible_if(membership)`` (no query: it runs on every page).
    visible_if: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class Dock:
    """A template included at the end of every organisation page (base.html) for the members with
    one of ``roles`` (empty: everyone), e.g. the reception desk's fixed « Accueil » tab; with
    ``top``, before the header instead (a banner in the page's flow, e.g. a running support access).
    It must run no query: it is on every page."""

    key: str
    template: str
    order: int = 100
    roles: frozenset[str] = frozenset()
    top: bool = False
    visible_if: Callable[[Any], bool] | None = None  # drawn only for the memberships it accepts


@dataclass
class Registry:
    panels: dict[str, Panel] = field(default_factory=dict)
    nav: dict[str, NavEntry] = field(default_factory=dict)
    api_routers: list[tuple[str, Any]] = field(default_factory=list)
    websockets: list[Any] = field(default_factory=list)
    demo_seeders: list[Callable[[Any], None]] = field(default_factory=list)
    docks: dict[str, Dock] = field(default_factory=dict)
    nav_filters: list[Callable[[Any], frozenset]] = field(default_factory=list)
    panel_filters: list[Callable[[Any], frozenset]] = field(default_factory=list)


registry = Registry()


def dashboard_place(section: str, order: int):
    """Decorates a panel's context function (in the app's panels.py) with its place on the
    dashboard: the section (one of ``SECTIONS``) and the order within it. It wins over the
    ``order`` given to ``register_panel``, so an app's panels are placed where they are written."""
    if section not in _SECTION_RANK:
        raise ValueError(f"unknown dashboard section {section!r}")

    def place(func):
        func.dashboard_section, func.dashboard_order = section, order
        return func

    return place


def register_panel(key: str, template: str, *, order: int = 100, section: str | None = None, get_context=None, roles=()) -> None:
    get_context = get_context or (lambda request: {})
    section = section or getattr(get_context, "dashboard_section", "other")
    order = getattr(get_context, "dashboard_order", order)
    if section not in _SECTION_RANK:
        raise ValueError(f"unknown dashboard section {section!r}")
    registry.panels[key] = Panel(key, template, order, get_context, frozenset(roles), section)


def register_nav(key: str, label, url_name: str, *, icon: str = "circle", order: int = 100, roles=(), primary: bool = False,
                 visible_if=None) -> None:
    registry.nav[key] = NavEntry(key, label, url_name, icon, order, frozenset(roles), primary, visible_if)


def register_nav_filter(func, *, panels=None) -> None:
    """``func(membership)`` returns the navigation keys hidden for it, ``panels(membership)`` the
    dashboard panel keys (no query: they run on every page)."""
    registry.nav_filters.append(func)
    if panels is not None:
        registry.panel_filters.append(panels)


def register_dock(key: str, template: str, *, order: int = 100, roles=(), top: bool = False, visible_if=None) -> None:
    registry.docks[key] = Dock(key, template, order, frozenset(roles), top, visible_if)


def register_api_router(prefix: str, router) -> None:
    registry.api_routers.append((prefix, router))


def register_websocket(route) -> None:
    registry.websockets.append(route)


def register_demo_seeder(func) -> None:
    """``func(context)`` adds the app's demo data; context has the demo organisations and people."""
    registry.demo_seeders.append(func)


def visible(items, membership) -> list:
    """Items whose roles the membership holds (or open to all), in order."""
    roles = membership.roles if membership is not None else frozenset()
    hidden = frozenset().union(*(f(membership) for f in registry.nav_filters)) if membership is not None else frozenset()
    return sorted((i for i in items if (not i.roles or i.roles & roles)
                   and not (hidden and isinstance(i, NavEntry) and i.key in hidden)
                   and (getattr(i, "visible_if", None) is None or i.visible_if(membership))), key=lambda i: i.order)


def dashboard_panels(membership) -> list[Panel]:
    """The panels the membership may see, section by section (``SECTIONS``), then by order."""
    hidden = frozenset().union(*(f(membership) for f in registry.panel_filters)) if membership is not None else frozenset()
    return sorted((p for p in visible(registry.panels.values(), membership) if p.key not in hidden),
                  key=lambda p: (_SECTION_RANK[p.section], p.order))


def section_rank(section: str) -> int:
    return _SECTION_RANK[section]

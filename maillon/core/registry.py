"""Where domain apps plug into the foundation without editing it.

In its ``AppConfig.ready()`` a domain app calls:

- ``register_panel(...)``: a panel on the dashboard (« Tableau de bord »);
- ``register_nav(...)``: an entry in the navigation;
- ``register_api_router(prefix, router)``: its django-ninja router under /api/v1/<prefix>;
- ``register_websocket(path, consumer)``: a WebSocket route;
- ``register_demo_seeder(func)``: its part of ``maillon demo``'s fictional data;
- ``maillon.core.periodic.register(...)``: a periodic job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    order: int = 100
    # Called with the request; returns the panel's context, or None to hide the panel.
    get_context: Callable[[Any], dict | None] = lambda request: {}
    roles: frozenset[str] = frozenset()  # empty: everyone


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Any  # lazy translation
    url_name: str  # reversed with the organisation slug as ``org``
    icon: str = "circle"
    order: int = 100
    roles: frozenset[str] = frozenset()
    primary: bool = False  # shown in the phone's bottom bar (at most 4)


@dataclass
class Registry:
    panels: dict[str, Panel] = field(default_factory=dict)
    nav: dict[str, NavEntry] = field(default_factory=dict)
    api_routers: list[tuple[str, Any]] = field(default_factory=list)
    websockets: list[Any] = field(default_factory=list)
    demo_seeders: list[Callable[[Any], None]] = field(default_factory=list)


registry = Registry()


def register_panel(key: str, template: str, *, order: int = 100, get_context=None, roles=()) -> None:
    registry.panels[key] = Panel(key, template, order, get_context or (lambda request: {}), frozenset(roles))


def register_nav(key: str, label, url_name: str, *, icon: str = "circle", order: int = 100, roles=(), primary: bool = False) -> None:
    registry.nav[key] = NavEntry(key, label, url_name, icon, order, frozenset(roles), primary)


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
    return sorted((i for i in items if not i.roles or i.roles & roles), key=lambda i: i.order)

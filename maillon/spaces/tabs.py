"""The tabs of a space's pages. Each feature registers its own in its AppConfig.ready():
``register_tab("kb", _("Knowledge base"), "kb:index", order=20)``; the URL is reversed with
``space=<slug>``. ``visible_if(space, role)`` hides a tab (no query: it runs on every space page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class Tab:
    key: str
    label: Any
    url_name: str
    order: int = 100
    visible_if: Callable[[Any, str | None], bool] | None = None


TABS: dict[str, Tab] = {}


def register_tab(key: str, label, url_name: str, *, order: int = 100, visible_if=None) -> None:
    TABS[key] = Tab(key, label, url_name, order, visible_if)


def tabs_for(space, role, current: str) -> list[dict]:
    return [{"key": tab.key, "label": tab.label, "url": reverse(tab.url_name, kwargs={"space": space.slug}),
             "current": tab.key == current}
            for tab in sorted(TABS.values(), key=lambda t: (t.order, t.key))
            if tab.visible_if is None or tab.visible_if(space, role)]

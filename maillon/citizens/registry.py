"""What each public app adds to the commune's portal, to « Mon espace » and to moderation.

- ``register_portal_section``: a card on the commune's public home page (``/<commune>/citoyens/``),
  shown when its catalogue ``service`` is enabled.
- ``register_citizen_items(func)``: ``func(citizen, commune) -> list[CitizenItem]``, what this
  citizen sent to this commune, listed on « Mon espace ».
- ``register_moderated``: a model (subclass of ``models.Moderated`` and ``TenantModel``) whose
  pending rows fill the staff moderation queue (``/<org>/moderation/``); ``template`` renders one
  row (context: ``item``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PortalSection:
    key: str
    label: object
    description: object
    url_name: str  # reversed with kwargs={"commune": slug}
    service: str
    order: int = 100


@dataclass(frozen=True)
class CitizenItem:
    title: str
    url: str
    status: str
    at: datetime
    kind: str = ""


@dataclass(frozen=True)
class ModeratedKind:
    key: str
    label: object
    model: type
    service: str
    template: str


PORTAL_SECTIONS: dict[str, PortalSection] = {}
CITIZEN_ITEMS: list = []
MODERATED: dict[str, ModeratedKind] = {}


def register_portal_section(key, label, description, url_name, *, service, order=100) -> None:
    PORTAL_SECTIONS[key] = PortalSection(key, label, description, url_name, service, order)


def register_citizen_items(func) -> None:
    if func not in CITIZEN_ITEMS:
        CITIZEN_ITEMS.append(func)


def register_moderated(key, label, model, *, service, template) -> None:
    MODERATED[key] = ModeratedKind(key, label, model, service, template)


def portal_sections(enabled: frozenset[str]) -> list[PortalSection]:
    return sorted((s for s in PORTAL_SECTIONS.values() if s.service in enabled), key=lambda s: s.order)

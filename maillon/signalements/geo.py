"""Where a report's point may be: France, metropolitan and overseas (boxes drawn a little wide,
so a point on the coast or a border is never refused), and the map's tiles."""

from __future__ import annotations

import os
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings

# (south, west, north, east) in degrees.
BOXES = (
    (41.2, -5.5, 51.2, 9.8),  # metropolitan France and Corsica
    (15.8, -61.9, 16.6, -60.9),  # Guadeloupe
    (14.3, -61.3, 14.95, -60.75),  # Martinique
    (2.1, -54.7, 5.9, -51.5),  # Guyane
    (-21.45, 55.15, -20.8, 55.9),  # La Réunion
    (-13.1, 44.9, -12.55, 45.35),  # Mayotte
)
# Where the map opens without a point: the whole of metropolitan France.
FRANCE_CENTRE = (46.6, 2.4, 5)

DEFAULT_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def in_france(latitude: float | Decimal, longitude: float | Decimal) -> bool:
    lat, lng = float(latitude), float(longitude)
    return any(south <= lat <= north and west <= lng <= east for south, west, north, east in BOXES)


def tiles_url() -> str:
    """The tiles' URL template (Leaflet's {z}/{x}/{y}, {s} for subdomains): the setting or the
    environment variable MAILLON_MAP_TILES_URL, OpenStreetMap's by default."""
    return getattr(settings, "MAILLON_MAP_TILES_URL", "") or os.environ.get("MAILLON_MAP_TILES_URL", "") or DEFAULT_TILES


def tiles_origin() -> str:
    """The origin the tiles come from, for the page's img-src (« {s}. » becomes « *. »); empty
    when they come from this site."""
    url = tiles_url()
    if url.startswith("/"):
        return ""
    parts = urlsplit(url.replace("{s}", "s-placeholder"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc.replace('s-placeholder', '*')}"

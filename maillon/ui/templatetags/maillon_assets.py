"""``{% favicon_uri %}``: the favicon as a ``data:`` URL written into the page (issue 14: a cold
page is ≤ 6 requests, and a favicon file is one, fetched by the browser on every first visit).
The source stays ui/static/ui/img/favicon.svg (the CMS's pages link to the file).
``{{ organisation.logo|small_logo_url }}``: the header's small copy of the logo."""

from functools import cache
from pathlib import Path
from urllib.parse import quote

from django import template
from django.urls import reverse

register = template.Library()

FAVICON = Path(__file__).resolve().parent.parent / "static" / "ui" / "img" / "favicon.svg"


@cache
def svg_data_uri(path: Path) -> str:
    """An SVG file as a ``data:image/svg+xml`` URL safe in a double-quoted attribute (quotes,
    ``#``, ``<`` and ``>`` percent-encoded; the CSP's img-src allows ``data:``)."""
    svg = " ".join(path.read_text(encoding="utf-8").split()).replace('"', "'")
    return "data:image/svg+xml," + quote(svg, safe=" /:=',.-")


@register.simple_tag
def favicon_uri() -> str:
    return svg_data_uri(FAVICON)


@register.filter
def small_logo_url(logo) -> str:
    """The header's copy of an organisation's logo (``organisations.views.logo_small``, 96 px WebP)."""
    return reverse("organisations:logo_small", args=[Path(logo.name).stem + ".webp"])

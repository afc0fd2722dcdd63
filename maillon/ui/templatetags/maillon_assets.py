"""``{% favicon_uri %}``: the favicon as a ``data:`` URL written into the page (issue 14: a cold
page is ≤ 6 requests, and a favicon file is one, fetched by the browser on every first visit).
The source stays ui/static/ui/img/favicon.svg (the CMS's pages link to the file).
``{{ organisation.logo|small_logo_url }}``: the header's small copy of the logo.
``{% icon "bell" %}``: an icon of the sprite. ``{% asset "ui/css/maillon.css" %}``: a static file's URL."""

from functools import cache
from pathlib import Path
from urllib.parse import quote

from django import template
from django.contrib.staticfiles.storage import staticfiles_storage
from django.dispatch import receiver
from django.test.signals import setting_changed
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

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


_icons: dict[str, str] = {}
_assets: dict[str, str] = {}


@receiver(setting_changed)
def _forget_icons(setting, **kwargs) -> None:
    if setting in {"STATIC_URL", "STORAGES"}:
        _icons.clear()
        _assets.clear()


@register.simple_tag
def asset(path) -> str:
    """``{% static path %}`` of the layout's stylesheet and script, found once per process (the
    collected files' names do not change while it runs; issue 14)."""
    found = _assets.get(path)
    if found is None:
        found = _assets[path] = staticfiles_storage.url(path)
    return found


@register.simple_tag
def icon(name) -> str:
    """``<svg class="icon" aria-hidden="true"><use href="…/icons.svg#name"></use></svg>``, as the
    templates wrote it with ``{% static %}`` (whose installed-apps check, at every icon, was a
    twentieth of the dashboard's time: issue 14); each icon's markup is made once per process."""
    found = _icons.get(name)
    if found is None:
        found = _icons[name] = mark_safe(f'<svg class="icon" aria-hidden="true"><use href="{staticfiles_storage.url("ui/img/icons.svg")}#{conditional_escape(name)}"></use></svg>')  # noqa: S308 - the name is escaped
    return found

"""Maillon as an installable app (issue 15): the web app manifest, the service worker, the
offline page and the app icons.

- **Manifest.** ``/<org>/manifest.webmanifest`` for a member (the organisation's name, main
  colour and logo), ``/manifest.webmanifest`` elsewhere (Maillon's). French, standalone, scope
  ``/``; linked from every page by ``{% pwa_head %}`` (templatetags/pwa.py).
- **Icons** (192 and 512 px, « any » and « maskable »): the organisation's logo on white, or the
  Maillon mark in the organisation's main colour. Public like the logos (``/appli/icones/…``),
  made on first request and kept under media/logos/pwa/.
- **Service worker** (``/sw.js``, scope ``/``, never cached by HTTP so an update is seen at the
  next visit): keeps only the static shell (stylesheet, script, sprite, icons, offline page) and
  shows the offline page when a page cannot be loaded. Pages and API answers are never stored
  (they hold personal data). It also shows Web Push notifications (push.py) and opens their page
  on a tap. Registered by ui/js/maillon.js after the page has loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw

from maillon.organisations.models import Organisation
from maillon.organisations.theme import PAGE, palette

SIZES = (192, 512)
DEFAULT_COLOUR = "1d4f91"  # the Maillon mark's blue (ui/img/favicon.svg)
SHORT_NAME_CHARS = 15  # what a home screen shows under an icon
# The shell the service worker keeps (static names), besides the offline page and the icons.
SHELL_STATIC = ("ui/css/maillon.css", "ui/js/maillon.js", "ui/img/icons.svg")
ICON_NAME = re.compile(r"(?P<stem>[A-Za-z0-9_-]{1,100})-(?P<size>192|512)(?P<maskable>-maskable)?\.png")
JSON_TYPE = "application/manifest+json"


# Icons --------------------------------------------------------------------------------------------


def draw_mark(size: int, colour: str, *, maskable: bool = False) -> Image.Image:
    """The Maillon mark (ui/img/favicon.svg: a white « M » on a rounded square) at ``size`` px;
    full-bleed when ``maskable`` (the « M » stays inside the safe circle either way)."""
    big = size * 4  # drawn large, then reduced: smooth edges
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    fill = "#" + colour
    if maskable:
        draw.rectangle((0, 0, big, big), fill=fill)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 7 // 32, fill=fill)
    unit = big / 32
    points = [(x * unit, y * unit) for x, y in ((9, 22), (9, 10), (16, 17), (23, 10), (23, 22))]
    width = round(3 * unit)
    draw.line(points, fill="white", width=width, joint="curve")
    for x, y in (points[0], points[-1]):  # round caps
        draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill="white")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def draw_logo(source: Path, size: int, *, maskable: bool = False) -> Image.Image:
    """The logo centred on white: in 84 % of the square, or in its safe zone when ``maskable``
    (the square inside the central circle of 80 % that every launcher shape keeps)."""
    with Image.open(source) as logo:
        logo = logo.convert("RGBA")
        room = round(size * (0.56 if maskable else 0.84))
        logo.thumbnail((room, room), Image.Resampling.LANCZOS)
        image = Image.new("RGBA", (size, size), "white")
        image.alpha_composite(logo, ((size - logo.width) // 2, (size - logo.height) // 2))
    return image


def _icon_stem(organisation: Organisation | None) -> str:
    if organisation is not None and organisation.logo:
        return Path(organisation.logo.name).stem
    colour = (organisation.primary_colour if organisation is not None else "#" + DEFAULT_COLOUR).lstrip("#").lower()
    return f"maillon-{colour}"


def icons(organisation: Organisation | None) -> list[dict]:
    stem = _icon_stem(organisation)
    return [
        {"src": reverse("notifications:pwa_icon", args=[f"{stem}-{size}{suffix}.png"]), "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": purpose}
        for suffix, purpose in (("", "any"), ("-maskable", "maskable")) for size in SIZES
    ]


@require_safe
def icon(request, name):
    """``<logo stem>-<size>[-maskable].png`` or ``maillon-<colour>-<size>[-maskable].png`` (the
    colour of an organisation: no other, so nobody fills the disk with colours)."""
    match = ICON_NAME.fullmatch(name)
    if match is None:
        raise Http404
    stem, size, maskable = match["stem"], int(match["size"]), bool(match["maskable"])
    folder = Path(settings.MEDIA_ROOT) / "logos"
    target = folder / "pwa" / name
    if not target.is_file():
        if stem.startswith("maillon-"):
            colour = stem.removeprefix("maillon-")
            if not re.fullmatch(r"[0-9a-f]{6}", colour) or (
                    colour != DEFAULT_COLOUR and not Organisation.objects.filter(primary_colour__iexact="#" + colour).exists()):
                raise Http404
            image = draw_mark(size, colour, maskable=maskable)
        else:
            source = folder / f"{stem}.png"
            if not source.is_file():
                raise Http404
            try:
                image = draw_logo(source, size, maskable=maskable)
            except OSError as exc:
                raise Http404 from exc
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{uuid.uuid4().hex}.png")
        image.save(partial, "PNG", optimize=True)
        os.replace(partial, target)  # two first requests at once both write a whole file
    response = HttpResponse(target.read_bytes(), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# Manifest -----------------------------------------------------------------------------------------


def manifest_data(organisation: Organisation | None) -> dict:
    if organisation is None:
        name, colour, start, app_id = "Maillon", "#" + DEFAULT_COLOUR, "/", "/"
    else:
        name = organisation.name
        colour = palette(organisation.primary_colour, organisation.accent_colour)["primary"]
        start = reverse("dashboard", kwargs={"org": organisation.slug})
        app_id = f"/{organisation.slug}/"
    return {
        "id": app_id,
        "name": name,
        "short_name": name if len(name) <= SHORT_NAME_CHARS else "Maillon",
        "description": _("The intranet of %(name)s") % {"name": name} if organisation else _("Your organisation's intranet"),
        "lang": "fr",
        "dir": "ltr",
        "start_url": start,
        "scope": "/",
        "display": "standalone",
        "background_color": PAGE,
        "theme_color": colour,
        "icons": icons(organisation),
    }


def _manifest_response(organisation) -> JsonResponse:
    response = JsonResponse(manifest_data(organisation), content_type=JSON_TYPE, json_dumps_params={"ensure_ascii": False})
    # An hour: a new logo or colour reaches installed apps soon, and a page load costs no request.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_safe
def manifest(request):
    """The organisation's app, for its members (the middleware answers 404 to anyone else)."""
    return _manifest_response(request.organisation)


@require_safe
def default_manifest(request):
    return _manifest_response(None)


# Service worker and offline page -----------------------------------------------------------------


def _shell() -> tuple[tuple[str, ...], str]:
    return _shell_now() if settings.DEBUG else _shell_cached()


def _shell_now() -> tuple[tuple[str, ...], str]:
    """The URLs the service worker keeps, and a version that changes when one of them does (a
    new stylesheet or script, hashed name or not, makes a new worker that drops the old copy)."""
    urls = [static(name) for name in SHELL_STATIC] + [reverse("notifications:offline")]
    urls += [i["src"] for i in icons(None) if i["purpose"] == "any"]
    digest = hashlib.sha256("\n".join(urls).encode())
    for name in SHELL_STATIC:
        path = finders.find(name)
        if path:
            digest.update(Path(path).read_bytes())
    digest.update(Path(__file__).with_name("templates").joinpath("notifications", "sw.js").read_bytes())
    return tuple(urls), digest.hexdigest()[:12]


_shell_cached = lru_cache(maxsize=1)(_shell_now)


@require_safe
def service_worker(request):
    urls, version = _shell()
    context = {"shell_json": json.dumps(urls), "version": version, "offline": reverse("notifications:offline"),
               "icon": icons(None)[0]["src"]}
    response = render(request, "notifications/sw.js", context,
                      content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # checked at every visit: a new worker is seen at once
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def offline(request):
    """What the service worker shows when a page cannot be loaded: no personal data, it is kept."""
    response = render(request, "notifications/offline.html", {"stylesheet": static("ui/css/maillon.css")})
    response["Cache-Control"] = "no-cache"
    return response

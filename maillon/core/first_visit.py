"""A browser's first pages get the layout's stylesheet inside them (issue 14: LCP ≤ 0.65 s on a
cold dashboard under Slow 4G, ≤ 30 KB on every cold page).

A page is drawn only once its render-blocking stylesheet has arrived: for a browser that does not
have it yet, that is a second round trip after the HTML (150 ms and more on a slow 4G network).
The cookie ``maillon_css`` says which stylesheet the browser has: :class:`StylesheetCookieMiddleware`
(above WhiteNoise) sets it on the stylesheet's own response, so it is there only once the browser
has fetched the file (the service worker fetches it into its cache from the second page on;
``notifications/sw.js``). Until then :class:`FirstVisitStyleMiddleware` replaces the layout's
``<link rel="stylesheet">`` by the same CSS in a ``<style>`` carrying the page's CSP nonce; once
the cookie names the current file, pages link it (from the cache). A new stylesheet (a new hashed
name after a deployment) is a new version: inline again until the new file is fetched. The cookie
holds no personal data: the file's name, the same for everyone (the citizens' personal-data page
says so).

Only a whole page (status 200, HTML, not streamed) whose HTML stays small is changed: the page and its
CSS must fit in the first round trips (``MAILLON_INLINE_STYLE_MAX_PAGE`` bytes of HTML before the
CSS, ≈ 6 KB compressed). ``MAILLON_INLINE_STYLE_FIRST_VISIT`` turns it off (off in the tests unless a
test turns it on, so that they read the pages a returning browser gets).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_vary_headers

from .integrity import static_path

COOKIE = "maillon_css"
COOKIE_SECONDS = 365 * 24 * 3600
STYLESHEET = "ui/css/maillon.css"

_kept: dict[str, tuple[bytes, bytes, str, str]] = {}


def stylesheet() -> tuple[bytes, bytes, str, str] | None:
    """(the link tag the layout writes, the file's CSS, its version, its address), read once per process."""
    from maillon.ui.templatetags.maillon_assets import asset

    url = asset(STYLESHEET)
    found = _kept.get(url)
    if found is None:
        path = static_path(url)
        if path is None:
            return None
        css = path.read_bytes()
        if b"</style" in css.lower():  # cannot be written inside a <style> element
            return None
        found = _kept[url] = (f'<link rel="stylesheet" href="{url}">'.encode(), css, url.rsplit("/", 1)[-1], url)
    return found


class FirstVisitStyleMiddleware:
    """Placed inside the integrity middleware (which then leaves the inlined stylesheet alone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code != 200 or response.streaming or response.has_header("Content-Encoding")
                or not response.get("Content-Type", "").startswith("text/html")
                or not settings.MAILLON_INLINE_STYLE_FIRST_VISIT):
            return response
        found = stylesheet()
        nonce = getattr(request, "csp_nonce", None)
        if found is None or nonce is None:
            return response
        link, css, version, _url = found
        patch_vary_headers(response, ("Cookie",))
        if request.COOKIES.get(COOKIE) == version:
            return response
        content = response.content
        if len(content) > settings.MAILLON_INLINE_STYLE_MAX_PAGE or link not in content:
            return response
        response.content = content.replace(link, b'<style nonce="' + nonce.encode() + b'">' + css + b"</style>", 1)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


class StylesheetCookieMiddleware:
    """Placed above WhiteNoise, which answers static files itself: the stylesheet's response (200,
    or 304 when the browser asks again) sets ``maillon_css`` to its version."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (200, 304) and request.path.endswith(".css") and settings.MAILLON_INLINE_STYLE_FIRST_VISIT:
            found = stylesheet()
            if found is not None and request.path == found[3]:
                response.set_cookie(COOKIE, found[2], max_age=COOKIE_SECONDS, secure=request.is_secure(), httponly=True, samesite="Lax")
        return response

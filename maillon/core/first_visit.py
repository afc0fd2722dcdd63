"""A browser's first visit gets the layout's stylesheet inside the page (issue 14: LCP ≤ 0.65 s on
a cold dashboard under Slow 4G).

A page is drawn only once its render-blocking stylesheet has arrived: on a first visit that is a
second round trip after the HTML (150 ms and more on a slow 4G network). When the browser does not
send the cookie ``maillon_css`` with the stylesheet's current version, :class:`FirstVisitStyleMiddleware`
replaces the layout's ``<link rel="stylesheet">`` by the same CSS in a ``<style>`` carrying the
page's CSP nonce, asks the browser to fetch the file once the page is loaded (``<link
rel="prefetch">``, lowest priority: it lands in the HTTP cache, the file being immutable) and sets
the cookie. The next pages link the file, already cached. A new stylesheet (a new hashed name after a
deployment) is a new version: one more page with it inline.

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
COOKIE_SECONDS = 30 * 24 * 3600
STYLESHEET = "ui/css/maillon.css"

_kept: dict[str, tuple[bytes, bytes, str]] = {}


def stylesheet() -> tuple[bytes, bytes, str] | None:
    """(the link tag the layout writes, the file's CSS, its version), read once per process."""
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
        found = _kept[url] = (f'<link rel="stylesheet" href="{url}">'.encode(), css, url.rsplit("/", 1)[-1])
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
        link, css, version = found
        patch_vary_headers(response, ("Cookie",))
        if request.COOKIES.get(COOKIE) == version:
            return response
        content = response.content
        if len(content) > settings.MAILLON_INLINE_STYLE_MAX_PAGE or link not in content or b"</body>" not in content:
            return response
        url = link[len(b'<link rel="stylesheet" href="'):-2]
        content = content.replace(link, b'<style nonce="' + nonce.encode() + b'">' + css + b"</style>", 1)
        index = content.rindex(b"</body>")
        response.content = content[:index] + b'<link rel="prefetch" href="' + url + b'">\n' + content[index:]
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        response.set_cookie(COOKIE, version, max_age=COOKIE_SECONDS, secure=request.is_secure(), httponly=True, samesite="Lax")
        return response

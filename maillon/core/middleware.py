"""Middleware of the platform: health probes answered first, and the headers Django does not set
itself (a strict Content-Security-Policy, Permissions-Policy, Cross-Origin-Resource-Policy, no
caching of what a logged-in person sees). Django's SecurityMiddleware sets the others from the
settings: X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy, HSTS in production;
XFrameOptionsMiddleware X-Frame-Options. core/tests/test_production_headers.py checks them all on
a response of the production settings."""

import secrets

from django.conf import settings
from django.utils.functional import empty

# Every page of Maillon, Django's admin and the API docs (Swagger UI): no inline script at all,
# inline <style> only with this request's nonce. Django's admin (5.2) and django-ninja's Swagger UI
# page load every script from a file and pass their data in JSON or data-* attributes, so they run
# under it (maillon/core/tests/test_browser_csp.py loads them in Chromium and fails on a violation).
STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Wagtail's admin (/cms/, editors only) cannot run under the strict policy yet, for two reasons
# that are Wagtail's (the browser test checks they still hold, so this is loosened no longer than
# needed):
# - its form widgets render inline <script> elements that call their initialiser with the field's
#   id (initDateChooser("id_date", …), new ImageChooser("id_image", …), inline panels), so neither
#   a nonce (Wagtail's templates do not take one) nor a fixed hash can allow them: 'unsafe-inline';
# - its editor inserts <style> elements from JavaScript: style-src 'unsafe-inline'.
# What is still closed there: 'unsafe-eval' (nothing in the pages we use needs it), inline event
# handlers (script-src-attr 'none': Wagtail uses none, and onerror=… is the usual injected
# payload), other origins, plugins, <base>; it may frame itself (page previews), nobody else.
WAGTAIL_ADMIN = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; script-src-attr 'none'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
LOOSE_PREFIXES = ("/cms/",)
# Wagtail's preview renders one of our pages through the whole middleware chain with a dummy
# request (``is_dummy``) whose path is the page's own: our strict policy, with that render's nonce,
# except that the editor's preview panel (/cms/…) frames it.
PREVIEW = STRICT.replace("frame-ancestors 'none'", "frame-ancestors 'self'")

PROBES = {"/healthz", "/readyz"}
# A response to a request that carries credentials is not stored by the browser nor any proxy,
# unless the view chose its own caching (static files, logos, calendar feeds, images).
NO_STORE = "no-store, private"
# Powerful browser features no page of Maillon uses, refused to every page and to anything it frames
# (only features Chromium knows: an unknown name is a console error). WebAuthn (passkeys) and
# fullscreen keep their default, this origin only.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "hid", "magnetometer",
    "microphone", "midi", "payment", "serial", "usb"))


def content_security_policy(request) -> str:
    if getattr(request, "is_dummy", False):
        return PREVIEW.format(nonce=request.csp_nonce)
    return WAGTAIL_ADMIN if request.path.startswith(LOOSE_PREFIXES) else STRICT.format(nonce=request.csp_nonce)


def carries_credentials(request) -> bool:
    """A session cookie or an Authorization header: read without touching the session store, so
    it holds when the database is down and costs no query."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # No other site may embed our responses (a page, a file, a photo) with <img>, <script>…;
        # the pages' opener isolation (Cross-Origin-Opener-Policy) is Django's (settings).
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if "Cache-Control" not in response and (carries_credentials(request) or _authenticated(request)):
            response["Cache-Control"] = NO_STORE
        return response


def _authenticated(request) -> bool:
    """The user this request already loaded (the response to a login, for one), never loading one."""
    user = getattr(request, "user", None)
    loaded = getattr(user, "_wrapped", user)  # request.user is lazy: ``empty`` until first read
    return loaded is not None and loaded is not empty and bool(getattr(loaded, "is_authenticated", False))


class HealthProbeMiddleware:
    """/healthz and /readyz answered before sessions, host checks and the HTTPS redirect: a probe
    must not fail because the session store (the database) is down, nor because the load balancer
    calls the node by its IP address or in plain HTTP on the private network."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in PROBES:
            from maillon.core import views

            return views.healthz(request) if request.path_info == "/healthz" else views.readyz(request)
        return self.get_response(request)

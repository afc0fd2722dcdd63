"""Security headers Django does not set itself: a strict Content-Security-Policy."""

import secrets

# Wagtail's and Django's admin and the API docs (Swagger UI) use inline scripts and styles: they get a
# looser policy, confined to their own paths and to authenticated editors.
LOOSE_PREFIXES = ("/cms/", "/django-admin/", "/api/v1/docs")

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
LOOSE = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = LOOSE if request.path.startswith(LOOSE_PREFIXES) else STRICT.format(nonce=request.csp_nonce)
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response

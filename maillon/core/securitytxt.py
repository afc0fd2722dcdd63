"""``/.well-known/security.txt`` (RFC 9116): whom to tell about a vulnerability.

The contact is MAILLON_SECURITY_CONTACT (an e-mail address, a ``mailto:`` or an ``https:``
address), by default ``security@`` the host of MAILLON_BASE_URL. ``Expires`` is computed at each
request, less than a year ahead as the RFC asks, so the file never goes stale on a server
nobody touches; ``Canonical`` is the file's own address under MAILLON_BASE_URL."""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import links

PATH = "/.well-known/security.txt"
VALID_FOR = timedelta(days=364)


def contact() -> str:
    value = (getattr(settings, "MAILLON_SECURITY_CONTACT", "") or "").strip()
    if not value:
        value = f"security@{urlsplit(links.base_url()).hostname or 'localhost'}"
    if value.startswith(("mailto:", "https://", "tel:")):
        return value
    return f"mailto:{value}" if "@" in value else f"https://{value}"


def text(now=None) -> str:
    expires = ((now or timezone.now()) + VALID_FOR).astimezone(UTC).replace(microsecond=0)
    return (
        f"Contact: {contact()}\n"
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
        "Preferred-Languages: fr, en\n"
        f"Canonical: {links.absolute(PATH)}\n"
    )


@require_safe
def security_txt(request):
    response = HttpResponse(text(), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response

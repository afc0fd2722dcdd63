"""Absolute links for what leaves a request: e-mails, .ics files, PDFs.

The worker sends e-mails without a request, and a request's host can be anything a proxy
lets through; so every such link starts with the one configured address, MAILLON_BASE_URL
(settings.py: required in production unless ALLOWED_HOSTS names a single host)."""

from django.conf import settings


def base_url() -> str:
    """« https://intranet.exemple.fr », without a trailing slash."""
    return settings.MAILLON_BASE_URL.rstrip("/")


def absolute(path: str) -> str:
    """``path`` (« /essais/reunions/3/ », from reverse()) as a full address; an address that
    is already absolute is returned as it is."""
    if path.startswith(("http://", "https://")):
        return path
    return base_url() + "/" + path.lstrip("/")

"""Counts the page views of logged-in members (see recording.py): HTML pages answered 200 to a
GET, by route name. Not the API, static files, the service worker, htmx fragments, prefetches,
nor a browser that sends Do Not Track or Global Privacy Control. Placed after the organisation
middleware: ``request.membership`` is what makes a page countable."""

from __future__ import annotations

from django.utils import timezone

from .recording import buffer, make_view

# Routes that answer HTML but are not pages someone reads.
SKIPPED_ROUTES = frozenset({"notifications:service_worker", "notifications:manifest", "notifications:default_manifest",
                            "notifications:offline"})
SKIPPED_PREFIXES = ("/api/", "/static/", "/media/", "/cms/", "/django-admin/")


def countable(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200 or getattr(response, "streaming", False):
        return False
    if getattr(request, "membership", None) is None:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    headers = request.headers
    if headers.get("HX-Request") and not headers.get("HX-Boosted"):
        return False  # a fragment of a page already counted
    if headers.get("Sec-Fetch-Dest", "document") != "document" or "prefetch" in headers.get("Sec-Purpose", headers.get("Purpose", "")):
        return False
    if headers.get("DNT") == "1" or headers.get("Sec-GPC") == "1":
        return False
    match = getattr(request, "resolver_match", None)
    if match is None or not match.view_name or match.view_name in SKIPPED_ROUTES:
        return False
    return not request.path.startswith(SKIPPED_PREFIXES)


class PageViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            if countable(request, response):
                membership = request.membership
                buffer.add(make_view(
                    user_id=request.user.pk, organisation_id=membership.organisation_id, route=request.resolver_match.view_name,
                    roles=membership.roles, user_agent=request.headers.get("User-Agent", ""),
                    session_key=request.session.session_key or "", now=timezone.now(),
                ))
        except Exception:  # noqa: BLE001 - never a page lost to a statistic
            import logging

            logging.getLogger(__name__).exception("stats: page view not counted")
        return response

"""What every page's layout needs: organisation, navigation, unread count, switcher."""

import functools

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from maillon.core.registry import registry, visible


def nav_entries(request) -> list[dict]:
    """Navigation entries the member may use: [{entry, url, active}], in order. Computed once per
    request (the dashboard renders each panel with the context processors)."""
    cached = getattr(request, "_nav_entries", None)
    if cached is not None:
        return cached
    slug = request.organisation.slug
    entries = [{"entry": entry, "url": url, "active": False}
               for entry in visible(registry.nav.values(), request.membership)
               if (url := _nav_url(entry.url_name, slug)) is not None]
    _mark_active(entries, request.path)
    request._nav_entries = entries
    return entries


@functools.lru_cache(maxsize=4096)
def _nav_url(url_name: str, slug: str) -> str | None:
    """The entry's address in this organisation (the URL patterns do not change while the process runs)."""
    try:
        return reverse(url_name, kwargs={"org": slug})
    except NoReverseMatch:
        return None


def _matches(url: str, path: str) -> bool:
    return path == url or (url.count("/") > 2 and path.startswith(url))


def _mark_active(entries: list[dict], path: str) -> None:
    """Only the most specific entry whose address the page is under is active (« Plannings
    d'équipe » at /agenda/plannings/…, not « Planning » at /agenda/ as well)."""
    matching = [e for e in entries if _matches(e["url"], path)]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["active"] = True


def _other_memberships(request):
    """Loaded by the organisation middleware with the current membership."""
    return getattr(request, "other_memberships", [])


def _unread(request):
    """The header badge; already known when the dashboard's notifications panel counted it."""
    from maillon.notifications.services import unread_count

    known = getattr(request, "unread_count", None)
    return known if known is not None else unread_count(request.user, request.organisation)


def _primary(nav: list[dict], path: str) -> list[dict]:
    """The phone's bottom bar: the first four primary entries, the most specific of them
    active (on a team planning, « Planning » is the closest one there)."""
    primary = [dict(n, active=False) for n in nav if n["entry"].primary][:4]
    _mark_active(primary, path)
    return primary


def _nav_key(entries: list[dict]) -> tuple:
    """What a navigation list shows (the key of its ``{% memo %}``): each entry and whether it is the current one."""
    return tuple((item["entry"].key, item["url"], item["active"]) for item in entries)


def layout(request):
    org = getattr(request, "organisation", None)
    if org is None or not request.user.is_authenticated:
        return {"organisation": org}
    nav = nav_entries(request)
    primary = _primary(nav, request.path)
    return {
        "organisation": org,
        "membership": request.membership,
        "nav_entries": nav,
        "nav_key": _nav_key(nav),
        "primary_nav": primary,
        "primary_key": _nav_key(primary),
        "docks": visible(registry.docks.values(), request.membership),
        "unread_count": SimpleLazyObject(lambda: _unread(request)),
        "other_memberships": SimpleLazyObject(lambda: _other_memberships(request)),
    }

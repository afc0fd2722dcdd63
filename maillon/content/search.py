"""One search box across pages, news, documents and directory entries.

Everything searchable is copied into one table, ``SearchEntry`` (organisation, kind, title,
text, url, roles), by the apps' services: a search is then one indexed query filtered by
organisation and by the roles allowed to see the entry.

- PostgreSQL: full-text search with the ``french`` configuration (stemming: « formations »
  finds « formation »), on a stored ``tsvector`` with a GIN index, ranked.
- SQLite: every word must appear in the accent-free lowercase text (LIKE), with a light plural
  stemming; fine for the small installations SQLite is for.

Other apps call ``index(...)`` / ``unindex(...)`` from their services.
"""

from __future__ import annotations

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, Value

from .models import SearchEntry

MAX_TEXT = 20_000


# The combining marks (accents) left by NFKD decomposition: removed with one C-speed regex
# (a per-character unicodedata.combining() test made search's live sources slow).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Accent-free, lowercase, single-spaced: « Été  Fête » → « ete fete »."""
    text = text or ""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _SPACES.sub(" ", text).lower().strip()


def strip_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html or "")


def roles_value(roles) -> str:
    roles = [r for r in roles or [] if r]
    return f",{','.join(sorted(roles))}," if roles else ""


def index(organisation, kind: str, object_id, *, title: str, url: str, text: str = "", summary: str = "", roles=()) -> None:
    title = (title or "")[:250]
    body = normalise(f"{title} {strip_tags(text)}")[:MAX_TEXT]
    entry, _created = SearchEntry.objects.update_or_create(
        organisation=organisation, kind=kind, object_id=str(object_id),
        defaults={"title": title, "url": url, "summary": (summary or "")[:300], "text": body, "roles": roles_value(roles)},
    )
    if connection.vendor == "postgresql":
        SearchEntry.objects.filter(pk=entry.pk).update(
            vector=SearchVector(Value(normalise(title)), weight="A", config="french") + SearchVector("text", weight="B", config="french")
        )


def unindex(organisation_id, kind: str, object_id) -> None:
    SearchEntry.objects.filter(organisation_id=organisation_id, kind=kind, object_id=str(object_id)).delete()


def _sqlite_terms(query: str) -> list[str]:
    terms = []
    for word in normalise(query).split()[:8]:
        word = word.strip("\"'.,;:!?()")
        if len(word) > 3 and word[-1] in "sx":
            word = word[:-1]
        if word:
            terms.append(word)
    return terms


def visible_entries(membership):
    condition = Q(roles="")
    for role in membership.roles:
        condition |= Q(roles__contains=f",{role},")
    return SearchEntry.objects.for_organisation(membership.organisation).filter(condition)


def search(membership, query: str, *, kinds=None, limit: int = 50) -> list[SearchEntry]:
    """Entries matching ``query`` that ``membership`` may see, best first."""
    query = (query or "").strip()[:200]
    if membership is None or not query:
        return []
    entries = visible_entries(membership).defer("text", "vector")
    if kinds:
        entries = entries.filter(kind__in=kinds)
    if connection.vendor == "postgresql":
        search_query = SearchQuery(normalise(query), config="french", search_type="websearch")
        entries = entries.filter(vector=search_query).annotate(rank=SearchRank(F("vector"), search_query)).order_by("-rank", "-updated_at")
    else:
        terms = _sqlite_terms(query)
        if not terms:
            return []
        for term in terms:
            entries = entries.filter(text__contains=term)
        entries = entries.order_by("-updated_at")
    return list(entries[:limit])


# ---------------------------------------------------------------- live sources

LIVE_ROWS = 500  # candidates read per source (published procedures, upcoming events)


def _matches(terms: list[str], *texts: str) -> bool:
    haystack = normalise(" ".join(t or "" for t in texts))
    return all(term in haystack for term in terms)


def procedures_matching(membership, terms: list[str], limit: int = 50) -> list[SearchEntry]:
    """Published procedures of the organisation (every staff member may start one): one query."""
    from django.apps import apps
    from django.urls import reverse

    if not apps.is_installed("maillon.procedures"):
        return []
    from maillon.procedures.queries import published

    rows = published(membership.organisation).order_by("title").values_list("title", "slug", "description")[:LIVE_ROWS]
    slug = membership.organisation.slug
    found = [row for row in rows if _matches(terms, row[0], row[2])][:limit]
    return [
        SearchEntry(kind="procedure", object_id=proc_slug, title=title, summary=(description or "")[:200],
                    url=reverse("procedures:start", kwargs={"org": slug, "slug": proc_slug}))
        for title, proc_slug, description in found
    ]


EVENTS_CACHE_SECONDS = 60


def upcoming_events(organisation, *, now=None) -> list[tuple]:
    """``(haystack, pk, title, summary, url)`` of the organisation's upcoming published events
    (no room bookings), soonest first, at most ``LIVE_ROWS``.

    Read, normalised and formatted once, then kept a minute in the cache under the state of
    the organisation's events (how many, last change): a new or edited event is searchable at
    once, and so is a date cancelled or moved on its own (``agenda.services.touch_event``
    marks its event changed); only an event becoming past shows within a minute.
    A search then costs one small aggregate query. ``now`` (tests) bypasses the cache."""
    from django.core.cache import cache
    from django.db.models import Count, Max, Min
    from django.urls import reverse
    from django.utils import formats, timezone

    from maillon.agenda.models import Event

    events = Event.objects.for_organisation(organisation)
    key = None
    if now is None:
        state = events.aggregate(n=Count("pk"), last=Max("updated_at"))
        last = state["last"].timestamp() if state["last"] else 0
        key = f"content:search:events:{organisation.pk}:{organisation.slug}:{state['n']}:{last}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    rows = (
        events.filter(status=Event.Status.PUBLISHED, occurrences__end__gte=now or timezone.now(), occurrences__cancelled=False)
        .exclude(kind=Event.Kind.BOOKING)
        .annotate(next_start=Min("occurrences__start"))
        .order_by("next_start").values_list("pk", "title", "description", "place", "next_start")[:LIVE_ROWS]
    )
    slug = organisation.slug
    found = [
        (normalise(f"{title} {description} {place}"), pk, title,
         " · ".join(p for p in (formats.date_format(timezone.localtime(start), "j F Y H:i"), place) if p),
         reverse("agenda:event", kwargs={"org": slug, "pk": pk}))
        for pk, title, description, place, start in rows
    ]
    if key is not None:
        cache.set(key, found, EVENTS_CACHE_SECONDS)
    return found


def events_matching(membership, terms: list[str], limit: int = 50, *, now=None) -> list[SearchEntry]:
    """Upcoming published events (no room bookings) of the organisation matching every term."""
    from django.apps import apps

    if not apps.is_installed("maillon.agenda"):
        return []
    found = [row for row in upcoming_events(membership.organisation, now=now) if all(term in row[0] for term in terms)][:limit]
    return [SearchEntry(kind="event", object_id=str(pk), title=title, summary=summary, url=url) for _h, pk, title, summary, url in found]


LIVE_SOURCES = {"procedure": procedures_matching, "event": events_matching}


def search_everything(membership, query: str, *, kinds=None, limit: int = 50) -> list[SearchEntry]:
    """The index (pages, news, documents, directory) plus live sources (procedures, events)."""
    query = (query or "").strip()[:200]
    if membership is None or not query:
        return []
    indexed_kinds = [k for k in kinds if k not in LIVE_SOURCES] if kinds else None
    results = search(membership, query, kinds=indexed_kinds, limit=limit) if indexed_kinds is None or indexed_kinds else []
    terms = _sqlite_terms(query)
    live = []
    for kind, source in LIVE_SOURCES.items():
        if terms and (not kinds or kind in kinds):
            live.extend(source(membership, terms, limit))
    return (live + results)[:limit]

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


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return re.sub(r"\s+", " ", "".join(c for c in decomposed if not unicodedata.combining(c))).lower().strip()


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


def procedures_matching(membership, terms: list[str]) -> list[SearchEntry]:
    """Published procedures of the organisation (every staff member may start one): one query."""
    from django.apps import apps
    from django.urls import reverse

    if not apps.is_installed("maillon.procedures"):
        return []
    from maillon.procedures.queries import published

    rows = published(membership.organisation).order_by("title").values_list("title", "slug", "description")[:LIVE_ROWS]
    slug = membership.organisation.slug
    return [
        SearchEntry(kind="procedure", object_id=proc_slug, title=title, summary=(description or "")[:200],
                    url=reverse("procedures:start", kwargs={"org": slug, "slug": proc_slug}))
        for title, proc_slug, description in rows if _matches(terms, title, description)
    ]


def events_matching(membership, terms: list[str], *, now=None) -> list[SearchEntry]:
    """Upcoming published events (no room bookings) of the organisation: one query."""
    from django.apps import apps
    from django.db.models import Min
    from django.urls import reverse
    from django.utils import formats, timezone

    if not apps.is_installed("maillon.agenda"):
        return []
    from maillon.agenda.models import Event

    now = now or timezone.now()
    rows = (
        Event.objects.for_organisation(membership.organisation)
        .filter(status=Event.Status.PUBLISHED, occurrences__end__gte=now, occurrences__cancelled=False)
        .exclude(kind=Event.Kind.BOOKING)
        .annotate(next_start=Min("occurrences__start"))
        .order_by("next_start").values_list("pk", "title", "description", "place", "next_start")[:LIVE_ROWS]
    )
    slug = membership.organisation.slug
    return [
        SearchEntry(kind="event", object_id=str(pk), title=title,
                    summary=" · ".join(p for p in (formats.date_format(timezone.localtime(start), "j F Y H:i"), place) if p),
                    url=reverse("agenda:event", kwargs={"org": slug, "pk": pk}))
        for pk, title, description, place, start in rows if _matches(terms, title, description, place)
    ]


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
            live.extend(source(membership, terms))
    return (live + results)[:limit]

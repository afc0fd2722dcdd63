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

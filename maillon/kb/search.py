"""French full-text search in the knowledge bases of the spaces a person belongs to.

The same words and ranking as the content app's search (``maillon.content.search``: the query
cleaned and cut, accent-free terms with a light plural stemming, the Python scorer that puts
title matches first, then recent pages), on the KB's own columns:
- PostgreSQL: the French full-text vector (title weight A, text B: « formations » finds
  « formation ») OR every term in the accent-free text (GIN trigram index), ranked by
  ``ts_rank`` for the candidates;
- SQLite: every term in the accent-free text (``instr``).
Only pages of spaces ``Space.objects.visible_to(user)`` returns: two queries (those spaces' ids, then the pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse

from maillon.content.search import Hit, clean_query, normalise, rank, terms
from maillon.spaces.models import Space

from .models import Page

CANDIDATES = 200  # pages read for one search, ranked in Python
FIELDS = ("pk", "title", "summary", "updated_at", "space__slug", "space__name")  # the order unpacked below


@dataclass
class Found:
    pk: int
    title: str
    space_name: str
    updated_at: datetime


def search(user, query: str, *, space=None, limit: int = CANDIDATES) -> list[tuple[Hit, Found]]:
    """Pages matching ``query`` in the spaces ``user`` belongs to (only ``space`` when given),
    best first, as (hit, found) pairs: two queries whatever the number of results."""
    query, _cut = clean_query(query)
    query_terms = terms(query)
    if not query_terms:
        return []
    if space is not None:
        space_ids = [space.pk]
    else:  # the person's spaces first (a small list): the pages' (space, …) index then serves the filter
        space_ids = list(Space.objects.visible_to(user).values_list("pk", flat=True))
    pages = Page.objects.filter(space_id__in=space_ids)
    if connection.vendor == "postgresql":
        every_term = Q()
        for term in query_terms:
            every_term &= Q(text__contains=term)
        search_query = SearchQuery(normalise(query), config="french", search_type="websearch")
        pages = (pages.filter(Q(vector=search_query) | every_term)
                 .annotate(rank=SearchRank(F("vector"), search_query)).order_by("-rank", "-updated_at"))
    else:
        # instr() on the accent-free lower-case text: several times faster than LIKE's case folding.
        condition = " AND ".join(['instr("kb_page"."text", %s) > 0'] * len(query_terms))
        pages = pages.filter(RawSQL(condition, query_terms, output_field=BooleanField())).order_by("-updated_at")  # noqa: S611
    # Plain rows and one reverse() per space: building 200 model instances and URLs was a third of a search.
    rows = list(pages.values_list(*FIELDS)[:limit])
    prefixes = {slug: reverse("kb:page", kwargs={"space": slug, "pk": 0})[:-2] for slug in {row[4] for row in rows}}
    pairs = {}
    for pk, title, summary, updated_at, slug, space_name in rows:
        hit = Hit("page", title, f"{prefixes[slug]}{pk}/", summary=summary, when=updated_at, object_id=str(pk))
        pairs[id(hit)] = (hit, Found(pk, title, space_name, updated_at))
    return [pairs[id(hit)] for hit in rank([hit for hit, _f in pairs.values()], query_terms, normalise(query))]

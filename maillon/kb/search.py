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

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import RawSQL

from maillon.content.search import Hit, clean_query, normalise, rank, terms
from maillon.spaces.models import Space

from .models import Page

CANDIDATES = 200  # pages read for one search, ranked in Python
FIELDS = ("pk", "title", "summary", "updated_at", "space__slug", "space__name")


def search(user, query: str, *, space=None, limit: int = CANDIDATES) -> list[tuple[Hit, Page]]:
    """Pages matching ``query`` in the spaces ``user`` belongs to (only ``space`` when given),
    best first, as (hit, page) pairs."""
    query, _cut = clean_query(query)
    query_terms = terms(query)
    if not query_terms:
        return []
    if space is not None:
        space_ids = [space.pk]
    else:  # the person's spaces first (a small list): the pages' (space, …) index then serves the filter
        space_ids = list(Space.objects.visible_to(user).values_list("pk", flat=True))
    pages = Page.objects.filter(space_id__in=space_ids).select_related("space").only(*FIELDS)
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
    found = list(pages[:limit])
    pairs = {id(hit): (hit, page) for page in found
             for hit in [Hit("page", page.title, page.get_absolute_url(), summary=page.summary, when=page.updated_at,
                             object_id=str(page.pk))]}
    return [pairs[id(hit)] for hit in rank([hit for hit, _p in pairs.values()], query_terms, normalise(query))]

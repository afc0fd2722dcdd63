"""One search box across people, news, documents, pages, events, procedures and the directory.

Sources
- The index, ``SearchEntry`` (organisation, kind, title, accent-free text, url, roles), filled
  by the apps' services (``index(...)`` / ``unindex(...)``): pages, news, documents, directory
  entries. Filtered by organisation and by the roles allowed to see each entry.
- Live sources, read at search time from their own tables, each one query on a bounded set:
  the colleagues (what the staff directory shows: name, job, sector; active members of the
  searcher's organisation only), published procedures, upcoming published events (shown at
  their *next* date; team shifts and meetings apart from the other events).

Matching: accents and case never matter (« helene » finds « Hélène »), and a word of four
letters or more may carry one typo (« Dupond » finds « Dupont »: one letter changed, added,
removed, or two neighbours swapped).
- PostgreSQL (production): full-text search (``french`` configuration: « formations » finds
  « formation ») OR every word in the text, exactly or, when no entry the searcher may see has
  it, with pg_trgm's word similarity ≥ 0.6 (GIN trigram index on the text, migration 0003):
  one letter changed, added or removed in words of five letters or more; a swap in longer
  words. The indexed text is accent-folded in Python when stored, so queries need no
  ``unaccent`` (migration 0003 installs it with ``pg_trgm`` all the same).
- SQLite: every word must appear in the accent-free text (LIKE), or, for a typo, when no entry
  the searcher may see has the word (as on PostgreSQL), one of the word's one-edit variants
  (LIKE patterns with ``_``) in the first ``FUZZY_PREFIX`` characters (the title and the start
  of the text). One query either way.
- Live sources: accent-folded comparison in Python on their bounded rows, the same on both.

Ranking (the same Python scorer for every source and both databases): a match in the title
first (every word: exact above one typo above partial), then recent content higher (news and
documents by their last change, events by how soon they come), so « vacances » puts the news
item titled with it before the shifts whose planning mentions it. Results are grouped by kind
(« Personnes », « Actualités »…), groups ordered by their best result; « Voir tout » lists one
kind, paginated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, F, Q, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillon.core.text import fold

from .models import SearchEntry

MAX_TEXT = 20_000
MAX_QUERY = 200  # characters of the query kept
MAX_TERMS = 8  # words of the query kept
CANDIDATES = 200  # rows read per source for one search
PER_GROUP = 4  # results shown per kind on the grouped page
PAGE_SIZE = 20  # results per page of « Voir tout »
FUZZY_MIN = 4  # words shorter than this must match exactly
SIMILAR_ROWS = 500  # PostgreSQL: entries read for one word with a typo
FUZZY_PREFIX = 300  # SQLite: characters of the text (title first) where a typo is tolerated

# The kinds shown, in the order used when two groups score alike: key → (label, entry kinds).
GROUPS: dict[str, tuple] = {
    "person": (_("People"), ("person",)),
    "news": (_("News"), ("news",)),
    "document": (_("Documents"), ("document",)),
    "page": (_("Pages"), ("page",)),
    "event": (_("Events"), ("event",)),
    "meeting": (_("Meetings"), ("meeting",)),
    "procedure": (_("Procedures"), ("procedure",)),
    "shift": (_("Shifts"), ("shift",)),
    "directory": (_("Directory"), ("partner", "contact", "facilitator", "link")),
}
GROUP_OF = {kind: key for key, (_label, kinds) in GROUPS.items() for kind in kinds}
INDEXED_KINDS = ("page", "news", "document", "partner", "contact", "facilitator", "link")


# ---------------------------------------------------------------- text

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # NUL (refused by PostgreSQL), controls, lone surrogates
_WORDS = re.compile(r"\w+")


# Accent-free, lowercase, single-spaced: « Été  Fête » → « ete fete » (one folding for every match).
normalise = fold


def strip_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html or "")


def clean_query(raw) -> tuple[str, bool]:
    """The query as searched (controls removed, spaces collapsed, at most ``MAX_QUERY``
    characters) and whether it was cut."""
    query = _SPACES.sub(" ", _CONTROL.sub(" ", str(raw or ""))).strip()
    return query[:MAX_QUERY].strip(), len(query) > MAX_QUERY


def terms(query: str) -> list[str]:
    """The query's words, accent-free, with a light plural stemming (« sorties » → « sortie »)."""
    found = []
    for word in _WORDS.findall(normalise(query).replace("_", " ")):
        if len(word) > 3 and word[-1] in "sx":
            word = word[:-1]
        if word not in found:
            found.append(word)
    return found[:MAX_TERMS]


def near(term: str, word: str) -> bool:
    """``word`` is ``term`` with one typo: a letter changed, added or removed, or two
    neighbouring letters swapped (``term`` of ``FUZZY_MIN`` letters or more)."""
    n, m = len(term), len(word)
    if n < FUZZY_MIN or abs(n - m) > 1 or term == word:
        return term == word
    i = 0
    while i < min(n, m) and term[i] == word[i]:
        i += 1
    if n == m:
        return term[i + 1:] == word[i + 1:] or (i + 1 < n and term[i] == word[i + 1] and term[i + 1] == word[i] and term[i + 2:] == word[i + 2:])
    return term[i + 1:] == word[i:] if n > m else term[i:] == word[i + 1:]


def term_match(term: str, text: str, words) -> float:
    """1 when ``term`` is in ``text`` (accent-free), 0.8 when a word of it is ``term`` with one typo, else 0."""
    if term in text:
        return 1.0
    if len(term) >= FUZZY_MIN and any(near(term, word) for word in words):
        return 0.8
    return 0.0


def matches(query_terms: list[str], text: str) -> bool:
    """Every term is in the accent-free ``text``, exactly or with one typo."""
    words = None
    for term in query_terms:
        if term in text:
            continue
        if len(term) < FUZZY_MIN:
            return False
        words = words if words is not None else set(_WORDS.findall(text))
        if not any(near(term, word) for word in words):
            return False
    return True


# ---------------------------------------------------------------- results and ranking


@dataclass
class Hit:
    """One result. ``when``: the date that ranks it (last change, next date)."""

    kind: str
    title: str
    url: str
    summary: str = ""
    when: date | datetime | None = None
    score: float = 0.0
    object_id: str = ""
    sort_key: str = ""  # ties: this, else the title (people: last name first, as the directory)

    @property
    def group(self) -> str:
        return GROUP_OF.get(self.kind, "directory")

    @property
    def kind_label(self):
        return GROUPS[self.group][0]


def score(hit: Hit, query_terms: list[str], phrase: str, *, now: datetime) -> float:
    """Title first (every word: exact 3, with typos down to 2.8; some words: up to 1, plus
    0.5 for the whole phrase), then 1 for matching at all, then freshness up to 1: content
    changed today, an event starting now (half-life a month for content, two weeks for events)."""
    title = normalise(hit.title)
    words = set(_WORDS.findall(title))
    found = [term_match(term, title, words) for term in query_terms]
    if found and all(found):
        value = 2 + sum(found) / len(found)
    else:
        value = sum(1 for f in found if f) / max(len(found), 1)
    if len(query_terms) > 1 and phrase in title:
        value += 0.5
    value += 1
    when = hit.when
    if isinstance(when, datetime):
        days = (when - now).total_seconds() / 86400
        value += 1 / (1 + days / 14) if days >= 0 else 1 / (1 - days / 30)
    elif isinstance(when, date):
        value += 1 / (1 + max((now.date() - when).days, 0) / 30)
    return round(value, 6)


def _fresher(hit: Hit) -> float:
    """Ties: the latest change first, the soonest event first."""
    when = hit.when
    if isinstance(when, datetime):
        return when.timestamp() if when <= timezone.now() else -when.timestamp()
    return datetime(when.year, when.month, when.day).timestamp() if isinstance(when, date) else 0.0


def rank(hits: list[Hit], query_terms: list[str], phrase: str, *, now=None) -> list[Hit]:
    now = now or timezone.now()
    for hit in hits:
        hit.score = score(hit, query_terms, phrase, now=now)
    return sorted(hits, key=lambda h: (-h.score, -_fresher(h), h.sort_key or normalise(h.title)))


# ---------------------------------------------------------------- the index


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


def visible_entries(membership):
    condition = Q(roles="")
    for role in membership.roles:
        condition |= Q(roles__contains=f",{role},")
    return SearchEntry.objects.for_organisation(membership.organisation).filter(condition)


def typo_patterns(term: str) -> list[str]:
    """LIKE patterns matching ``term`` with one typo (changed, added, removed or swapped letter)."""
    if len(term) < FUZZY_MIN:
        return []
    n = len(term)
    variants = {term[:i] + "_" + term[i + 1:] for i in range(n)}  # a letter changed
    variants |= {term[:i] + term[i + 1:] for i in range(n)}  # a letter typed too many
    variants |= {term[:i] + "_" + term[i:] for i in range(1, n)}  # a letter missing (inside)
    variants |= {term[:i] + term[i + 1] + term[i] + term[i + 2:] for i in range(n - 1)}  # neighbours swapped
    return sorted(f"%{v}%" for v in variants)


def _similar_ids(membership, term: str):
    """Ids of the entries with a word like ``term`` (pg_trgm's ``%>``, word similarity ≥ 0.6),
    when no entry that ``membership`` may see has ``term`` itself (then the exact matches
    suffice; entries it may not see never change its results).

    A MATERIALIZED CTE so that PostgreSQL plans it alone and uses the trigram index: inside the
    main query it computed the similarity for every row (0.9 s at 10,000 entries, 30 ms so);
    the NOT EXISTS is evaluated once, and skips the similarity for a word that exists. At most
    ``SIMILAR_ROWS`` rows: a typo of a word found everywhere stops there (1.7 s → 50 ms)."""
    roles = sorted(membership.roles)
    role_sql = " OR ".join(["roles = ''"] + ["roles LIKE %s"] * len(roles))
    # The values are bound parameters; the SQL is built from constants only.
    visible = f"organisation_id = %s AND ({role_sql}) AND text LIKE %s"
    sql = f"WITH similar_text AS MATERIALIZED (SELECT id FROM content_searchentry WHERE text %%> %s AND NOT EXISTS (SELECT 1 FROM content_searchentry WHERE {visible}) LIMIT %s) SELECT id FROM similar_text"  # noqa: S608
    return RawSQL(sql, (term, membership.organisation_id, *[f"%,{role},%" for role in roles], f"%{term}%", SIMILAR_ROWS))  # noqa: S611


def _sqlite_terms(membership, query_terms: list[str]) -> RawSQL:
    """SQLite: every term in the entry's text, or, for a term of ``FUZZY_MIN`` letters or more that
    no entry ``membership`` may see contains (as on PostgreSQL), one of its typo variants in the
    first ``FUZZY_PREFIX`` characters. One SQL fragment with bound values, built from constants:
    the ORM's tree of 20–30 LIKE lookups per word cost more to compile than the search itself;
    the NOT EXISTS (not correlated: SQLite runs it once) spares the variants' scan of every row
    when the word exists, and the term's two halves skip most rows when it does not."""
    roles = sorted(membership.roles)
    role_sql = " OR ".join(["e.roles = ''"] + ["e.roles LIKE %s"] * len(roles))
    role_params = [f"%,{role},%" for role in roles]
    text = '"content_searchentry"."text"'
    parts, params = [], []
    for term in query_terms:
        patterns = typo_patterns(term)
        if not patterns:
            parts.append(f"{text} LIKE %s")
            params.append(f"%{term}%")
            continue
        head = f"substr({text}, 1, {FUZZY_PREFIX})"
        variants = " OR ".join([f"{head} LIKE %s"] * len(patterns))
        exists = f"SELECT 1 FROM content_searchentry e WHERE e.organisation_id = %s AND ({role_sql}) AND e.text LIKE %s"  # noqa: S608
        # Every one-typo variant keeps the term's first half or the rest after its next letter
        # (a typo at or after letter ``a`` leaves ``term[:a]``, one before leaves ``term[a + 1:]``):
        # two cheap LIKEs that skip most rows before the 20–30 variants.
        a = len(term) // 2
        parts.append(f"({text} LIKE %s OR (NOT EXISTS ({exists}) AND ({head} LIKE %s OR {head} LIKE %s) AND ({variants})))")
        params += [f"%{term}%", membership.organisation_id, *role_params, f"%{term}%", f"%{term[:a]}%", f"%{term[a + 1:]}%", *patterns]
    return RawSQL(" AND ".join(parts), params, output_field=BooleanField())  # noqa: S611


def search_entries(membership, query: str, *, kinds=None, limit: int = CANDIDATES) -> list[SearchEntry]:
    """Entries of the index matching ``query`` that ``membership`` may see, best candidates
    first (at most ``limit``; the final order is ``rank``'s). One query."""
    query, _cut = clean_query(query)
    query_terms = terms(query)
    if membership is None or not query_terms:
        return []
    entries = visible_entries(membership).defer("text", "vector")
    if kinds:
        entries = entries.filter(kind__in=kinds)
    if connection.vendor == "postgresql":
        # Stemmed full text (« formations »), or every word in the text, exactly or with a typo
        # (word similarity of pg_trgm, threshold 0.6): both served by GIN indexes.
        search_query = SearchQuery(normalise(query), config="french", search_type="websearch")
        every_term = Q()
        for term in query_terms:
            exact = Q(text__contains=term)
            every_term &= exact | Q(pk__in=_similar_ids(membership, term)) if len(term) >= FUZZY_MIN else exact
        entries = (
            entries.filter(Q(vector=search_query) | every_term)
            # The title weighs A in the vector: ts_rank puts title matches first among the
            # candidates (a trigram similarity of the unaccented title cost 100 ms per 9,000
            # matching rows); ``rank`` orders the candidates finally.
            .annotate(rank=SearchRank(F("vector"), search_query))
            .order_by("-rank", "-updated_at")
        )
    else:
        entries = entries.filter(_sqlite_terms(membership, query_terms)).order_by("-updated_at")
    return list(entries[:limit])


def search(membership, query: str, *, kinds=None, limit: int = 50) -> list[SearchEntry]:
    """Entries of the index matching ``query`` that ``membership`` may see, best first."""
    query, _cut = clean_query(query)
    pairs = [(Hit(e.kind, e.title, e.url, when=e.updated_at), e) for e in search_entries(membership, query, kinds=kinds)]
    entry_of = {id(hit): entry for hit, entry in pairs}
    return [entry_of[id(hit)] for hit in rank([hit for hit, _e in pairs], terms(query), normalise(query))][:limit]


def _entry_hits(membership, query: str, query_terms, kinds) -> list[Hit]:
    return [
        Hit(entry.kind, entry.title, entry.url, summary=entry.summary, when=entry.updated_at, object_id=entry.object_id)
        for entry in search_entries(membership, query, kinds=kinds)
    ]


# ---------------------------------------------------------------- live sources

LIVE_ROWS = 500  # candidates read per live source (published procedures, upcoming events)
PEOPLE_ROWS = 2000  # members read for a search (a social centre has far fewer)


def people_matching(membership, query_terms: list[str]) -> list[Hit]:
    """Active colleagues of the searcher's organisation, by what the staff directory shows
    (name, job, sector): one query over at most ``PEOPLE_ROWS`` members, compared in Python
    (the same on both databases: a team is small)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from maillon.accounts.models import Membership

    members = Membership.objects.active().for_organisation(membership.organisation)
    rows = members.order_by("user__last_name", "user__first_name").values_list(
        "pk", "user__first_name", "user__last_name", "user__username", "job_title", "sector__name")[:PEOPLE_ROWS]
    staff = reverse("directory:staff", kwargs={"org": membership.organisation.slug})
    hits = []
    for pk, first, last, username, job, sector in rows:
        name = f"{first} {last}".strip() or username
        if not matches(query_terms, normalise(f"{name} {job} {sector or ''}")):
            continue
        lookup = last or first
        url = f"{staff}?{urlencode({'q': lookup})}" if lookup else staff
        hits.append(Hit("person", name, url, summary=" · ".join(p for p in (job, sector) if p), object_id=str(pk),
                        sort_key=normalise(f"{last} {first} {username}")))
    return hits


def procedures_matching(membership, query_terms: list[str]) -> list[Hit]:
    """Published procedures of the organisation (every staff member may start one): one query."""
    from django.apps import apps
    from django.urls import reverse

    if not apps.is_installed("maillon.procedures"):
        return []
    from maillon.procedures.queries import published

    rows = published(membership.organisation).order_by("title").values_list("title", "slug", "description")[:LIVE_ROWS]
    slug = membership.organisation.slug
    return [
        Hit("procedure", title, reverse("procedures:start", kwargs={"org": slug, "slug": proc_slug}), summary=(description or "")[:200], object_id=proc_slug)
        for title, proc_slug, description in rows if matches(query_terms, normalise(f"{title} {description}"))
    ]


EVENTS_CACHE_SECONDS = 60


def upcoming_events(organisation, *, now=None) -> list[tuple]:
    """``(haystack, pk, title, summary, url, kind, next_start)`` of the organisation's upcoming
    published events (no room bookings), soonest first, at most ``LIVE_ROWS``. ``next_start``
    is the next date that is not cancelled (a weekly workshop shows next week's, not its
    first); ``kind``: the result kind (``event``, ``meeting`` or ``shift``: its summary names
    its planning, which a shift is often found by).

    Read, normalised and formatted once, then kept a minute in the cache under the state of
    the organisation's events (how many, last change): a new or edited event is searchable at
    once, and so is a date cancelled or moved on its own (``agenda.services.touch_event``
    marks its event changed); only an event becoming past shows within a minute.
    A search then costs one small aggregate query. ``now`` (tests) bypasses the cache."""
    from django.core.cache import cache
    from django.db.models import Count, Max, Min
    from django.urls import reverse
    from django.utils import formats

    from maillon.agenda.models import Event

    events = Event.objects.for_organisation(organisation)
    key = None
    if now is None:
        state = events.aggregate(n=Count("pk"), last=Max("updated_at"))
        last = state["last"].timestamp() if state["last"] else 0
        key = f"content:search:events:v2:{organisation.pk}:{organisation.slug}:{state['n']}:{last}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    rows = (
        events.filter(status=Event.Status.PUBLISHED, occurrences__end__gte=now or timezone.now(), occurrences__cancelled=False)
        .exclude(kind=Event.Kind.BOOKING)
        .annotate(next_start=Min("occurrences__start"))
        .order_by("next_start").values_list("pk", "title", "description", "place", "next_start", "kind")[:LIVE_ROWS]
    )
    slug = organisation.slug
    kinds = {Event.Kind.MEETING: "meeting", Event.Kind.SHIFT: "shift"}
    found = [
        (normalise(f"{title} {description} {place}"), pk, title,
         " · ".join(p for p in (formats.date_format(timezone.localtime(start), "l j F Y H:i"), place,
                                description[:80] if kind == Event.Kind.SHIFT else "") if p),
         reverse("agenda:event", kwargs={"org": slug, "pk": pk}), kinds.get(kind, "event"), start)
        for pk, title, description, place, start, kind in rows
    ]
    if key is not None:
        cache.set(key, found, EVENTS_CACHE_SECONDS)
    return found


def events_matching(membership, query_terms: list[str], *, now=None) -> list[Hit]:
    """Upcoming published events (no room bookings) of the organisation matching every term."""
    from django.apps import apps

    if not apps.is_installed("maillon.agenda"):
        return []
    return [
        Hit(kind, title, url, summary=summary, when=start, object_id=str(pk))
        for haystack, pk, title, summary, url, kind, start in upcoming_events(membership.organisation, now=now)
        if matches(query_terms, haystack)
    ]


# ---------------------------------------------------------------- everything, grouped


def _wanted(kinds, source_kinds) -> bool:
    return not kinds or any(kind in kinds for kind in source_kinds)


def search_everything(membership, query: str, *, kinds=None, limit: int = 50) -> list[Hit]:
    """Every source, ranked together, best first (at most ``limit``): what ``membership`` may see."""
    query, _cut = clean_query(query)
    query_terms = terms(query)
    if membership is None or not query_terms:
        return []
    hits: list[Hit] = []
    indexed = [k for k in kinds if k in INDEXED_KINDS] if kinds else None
    if indexed is None or indexed:
        hits += _entry_hits(membership, query, query_terms, indexed)
    if _wanted(kinds, ("person",)):
        hits += people_matching(membership, query_terms)
    if _wanted(kinds, ("procedure",)):
        hits += procedures_matching(membership, query_terms)
    if _wanted(kinds, ("event", "meeting", "shift")):
        hits += [h for h in events_matching(membership, query_terms) if not kinds or h.kind in kinds]
    return rank(hits, query_terms, normalise(query))[:limit]


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.hits)

    @property
    def first(self) -> list[Hit]:
        return self.hits[:PER_GROUP]

    @property
    def more(self) -> int:
        return max(self.total - PER_GROUP, 0)


def grouped(hits: list[Hit]) -> list[Group]:
    """Hits (ranked) by kind; groups ordered by their best hit, then in ``GROUPS`` order."""
    groups = {key: Group(key, label) for key, (label, _kinds) in GROUPS.items()}
    for hit in hits:
        groups[hit.group].hits.append(hit)
    order = list(GROUPS)
    return sorted((g for g in groups.values() if g.hits), key=lambda g: (-g.hits[0].score, order.index(g.key)))


def results_page(membership, params) -> dict:
    """The search page's context from the query string: ``q``, ``type`` (one group: « Voir
    tout », paginated) and ``page``."""
    query, cut = clean_query(params.get("q", ""))
    group = params.get("type", "")
    group = group if group in GROUPS else ""
    context = {"q": query, "cut": cut, "max_query": MAX_QUERY, "kind": group, "kinds": [(k, label) for k, (label, _x) in GROUPS.items()],
               "groups": [], "page_obj": None, "searched": bool(query), "usable": bool(terms(query))}
    if not context["usable"]:
        return context
    hits = search_everything(membership, query, kinds=GROUPS[group][1] if group else None, limit=len(GROUPS) * CANDIDATES)
    if group:
        from urllib.parse import urlencode

        context["page_obj"] = Paginator(hits, PAGE_SIZE).get_page(params.get("page"))
        context["group_label"] = GROUPS[group][0]
        context["query"] = urlencode({"q": query, "type": group})
    else:
        context["groups"] = grouped(hits)
    context["total"] = len(hits)
    return context

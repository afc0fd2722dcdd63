"""The cross-organisation matrix (issue 12): every URL of the resolver and every API operation,
requested by members of organisation A with organisation B's real ids.

Two organisations are built from the demo seeders (B is the demo's rich « Les Tilleuls », A is
« Arc-en-Ciel » with fresh members), then every free-text field of B's rows carries ``MARKER``.
A response leaks when its body or headers show the marker to one of A's members (PDF text,
folded iCalendar/vCard lines and slugified links included), or when a request of A's member
changed one of B's rows. Server errors are counted apart.

Nothing here names an app: B's rows are found by following foreign keys from every model of
``apps.get_models()`` to ``Organisation`` (or to a page or collection of B's Wagtail tree), and
URL arguments are filled from those rows by name (``pk``, ``meeting_id``, ``partner_pk``,
``slug``, ``token``…), so a new app's pages and API are covered without extra work.

Used by ``bench/crossorg.py`` (the command) and ``core/tests/test_crossorg_matrix.py``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import re
import zlib
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.db import DatabaseError, connection, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

MARKER = "FUITE-ORG-B"
SEARCH_WORD = "FUITE"  # searched for, without the rest of the marker, so an echoed query is no leak

# Free-text fields that get the marker: by name, so a new app's titles and notes are marked too.
TEXT_FIELD = re.compile(
    r"(^|_)(name|title|label|description|text|body|intro|notes?|comments?|subject|summary|location|"
    r"message|reason|objective|agenda|details?|question|answer|caption|job_title|address|remarks?|"
    r"instructions?|purpose|content|place|topic)$"
)

# Routes not requested, each with its reason.
SKIPPED = {
    "cms/failwhale/": "Wagtail's deliberate error page (raises on purpose to test error reporting)",
}

# Expected failures while other parts of issue 12 land: (kind, method, route regex, why).
# Empty this list as the fixes arrive; an entry that no longer fails is reported as « résolu ».
ALLOWLIST: list[tuple[str, str, str, str]] = []


# ---------------------------------------------------------------------------------------------
# The two organisations


@dataclass
class World:
    a: object
    b: object
    attackers: dict  # role name → A's member (a Django user)
    b_member: object  # B's member holding every role (the crawl that finds B's real URLs)
    tokens: dict = field(default_factory=dict)  # role name → A member's API token
    b_rows: list = field(default_factory=list)  # (model, queryset of B's rows)
    b_ids: dict = field(default_factory=dict)  # model → [pk, …] of B
    a_ids: dict = field(default_factory=dict)  # model → [pk, …] of A
    b_strings: dict = field(default_factory=dict)  # field name → [value, …] of B's rows
    a_strings: dict = field(default_factory=dict)


ROLE_SETS = {
    "staff": (),
    "coordinator": ("coordinator",),
    # Every role at once, MFA on: the member whom permission checks let furthest, so the
    # tenancy filter is the only thing between them and B's rows.
    "direction": ("director", "hr", "admin", "communication", "reception", "equipment_manager", "supervisor", "coordinator"),
}


def build_world() -> World:
    """Seed the demo, give A fresh members of each role set, mark B's rows. Call it inside a
    database that may be thrown away (a test database)."""
    from maillon.accounts.models import PersonalAccessToken
    from maillon.audit.services import record
    from maillon.core import demo
    from maillon.testing import give_totp, make_member

    context = demo.seed()
    a, b = context.second, context.main
    attackers = {}
    for name, roles in ROLE_SETS.items():
        user = make_member(a, *roles, sector_name="Secteur Enfance", username=f"matrice.{name}")
        if roles:
            give_totp(user)
        attackers[name] = user
    b_member = make_member(b, *ROLE_SETS["direction"], sector_name="Secteur Enfance", username="matrice.org-b")
    give_totp(b_member)
    world = World(a=a, b=b, attackers=attackers, b_member=b_member)
    _spaces_of_b_only(a, b)
    _problem_report_of(b)
    for name, user in attackers.items():
        raw = PersonalAccessToken.generate()
        PersonalAccessToken.objects.create(user=user, name="matrice", token_hash=PersonalAccessToken.hash(raw), hint=raw[:12])
        world.tokens[name] = raw
    world.b_rows = owned_rows(b)
    mark(world.b_rows)
    record("matrix.marker", actor=b_member, organisation=b, target=b_member, data={"note": MARKER})
    _reindex_wagtail()
    world.b_ids, world.b_strings = collect(world.b_rows)
    world.a_ids, world.a_strings = collect(owned_rows(a))
    return world


def _problem_report_of(b) -> None:
    """Problem reports live in communes, which the demo's two centres are not: B gets one row so
    their addresses (a tracking number, not an id) are built and requested by A too."""
    from maillon.citizens.services import verified_citizen
    from maillon.signalements.models import Category, Report

    category = Category.objects.create(organisation=b, name="Voirie")
    Report.objects.create(organisation=b, category=category, description="Nid-de-poule devant l'école",
                          citizen=verified_citizen("habitant.matrice@exemple.test"), address="1 place de la Mairie")


def _spaces_of_b_only(a, b) -> None:
    """Spaces are the one place where content crosses organisations, on purpose (DESIGN.md): a
    space's members see each other whatever their organisation. Here B owns every space and A
    is in none of them (nor in B's federation's open ones), so the matrix checks the other half
    of the rule: someone who is not a member sees nothing of a space."""
    from maillon.spaces.models import Space, SpaceMember, SpaceOrganisation

    Space.objects.update(organisation=b, visibility=Space.Visibility.MEMBERS)
    SpaceOrganisation.objects.filter(organisation=a).delete()
    SpaceMember.objects.filter(user__memberships__organisation=a).delete()


def _org_path(model, depth: int = 3):
    """(kind, lookup) from ``model`` to what says whose row it is: an organisation, a page of
    an organisation's tree, or a collection of it. Breadth first through forward foreign keys."""
    from wagtail.models import Collection, Page

    from maillon.organisations.models import Organisation

    if issubclass(model, Page):
        return ("page", "")
    if model is Collection:
        return ("collection", "")
    queue, seen = deque([(model, "", 0)]), {model}
    while queue:
        current, prefix, level = queue.popleft()
        for f in current._meta.concrete_fields:
            if not f.is_relation or not (f.many_to_one or f.one_to_one) or f.related_model is None:
                continue
            related, lookup = f.related_model, f"{prefix}{f.name}"
            if related is Organisation:
                return ("organisation", lookup)
            if issubclass(related, Page):
                return ("page", lookup + "__")
            if related is Collection:
                return ("collection", lookup + "__")
            if level + 1 < depth and related not in seen:
                seen.add(related)
                queue.append((related, lookup + "__", level + 1))
    return None


def owned_rows(organisation) -> list:
    """Every (model, queryset) of ``organisation``'s rows, over all installed models."""
    from maillon.accounts.models import Membership, User
    from maillon.content.models import HomePage

    home = HomePage.objects.filter(organisation=organisation).select_related("collection").first()
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        if model is User:
            # A person belongs to the organisations of their memberships; only people who
            # belong to no other organisation are « its » people.
            elsewhere = Membership.objects.exclude(organisation=organisation).values("user")
            found.append((model, User.objects.filter(memberships__organisation=organisation).exclude(pk__in=elsewhere).distinct()))
            continue
        path = _org_path(model)
        if path is None:
            continue
        kind, lookup = path
        if kind == "organisation":
            queryset = model._base_manager.filter(**{lookup: organisation})
        elif home is None:
            continue
        elif kind == "page":
            queryset = model._base_manager.filter(**{f"{lookup}path__startswith": home.path})
        elif home.collection is not None:
            queryset = model._base_manager.filter(**{f"{lookup}path__startswith": home.collection.path})
        else:
            continue
        found.append((model, queryset))
    return found


def _text_fields(model) -> list:
    return [
        f for f in model._meta.local_concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, models.SlugField | models.EmailField | models.URLField | models.GenericIPAddressField)
        and not f.choices and not f.primary_key and TEXT_FIELD.search(f.name)
    ]


def mark(rows: list) -> None:
    """Append the marker to every free-text field of these rows (cut to fit max_length)."""
    suffix = f" {MARKER}"
    for model, queryset in rows:
        changes = {}
        for f in _text_fields(model):
            keep = (f.max_length - len(suffix)) if f.max_length else None
            if keep is not None and keep < 1:
                continue
            source = Substr(F(f.name), 1, keep) if keep else F(f.name)
            changes[f.name] = Concat(source, Value(suffix), output_field=f)
        if not changes:
            continue
        try:
            with transaction.atomic():
                model._base_manager.filter(pk__in=queryset.values("pk")).update(**changes)
        except DatabaseError:
            # Append-only tables (the audit log) refuse: they get a marked row of their own.
            pass


def _reindex_wagtail() -> None:
    """Wagtail's search index copies titles: rebuild it so a search sees the marked ones."""
    from django.core.management import call_command

    call_command("update_index", verbosity=0)


def collect(rows: list, per_model: int = 60) -> tuple[dict, dict]:
    """The ids of these rows per model, and the values of their slug/token/key-like fields by
    field name (used to fill ``<slug>``, ``<token>``… URL arguments)."""
    ids, strings = {}, defaultdict(list)
    for model, queryset in rows:
        pks = list(queryset.order_by("pk").values_list("pk", flat=True)[:per_model])
        if not pks:
            continue
        ids[model] = pks
        names = [
            f.name for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.UUIDField) and not f.choices and not TEXT_FIELD.search(f.name)
            and (isinstance(f, models.SlugField | models.UUIDField) or re.search(r"(slug|token|key|code|uid|kind|spec|path)", f.name)
                 or (f.unique and f.name == "reference"))  # a public tracking number (problem reports)
        ]
        for name in names:
            for value in queryset.order_by("pk").values_list(name, flat=True)[:per_model]:
                for variant in (str(value), str(value).lstrip("/")) if value not in (None, "") else ():
                    if variant and variant not in strings[name]:
                        strings[name].append(variant)  # a stored path also without its first slash
    return ids, dict(strings)


# ---------------------------------------------------------------------------------------------
# URL arguments


def _stem(kwarg: str) -> str:
    return re.sub(r"(_?(id|pk)(_[ab])?)$", "", kwarg.lower()).strip("_")


def _models_named(stem: str, ids: dict) -> list:
    """Models whose name matches a URL argument's stem: ``meeting`` → Meeting, ``doc`` →
    Document, ``parent_page`` → Page, ``o`` (opk) → nothing (then every model is tried)."""
    if not stem:
        return []
    wanted = stem.replace("_", "")
    last = stem.split("_")[-1]
    exact = [m for m in ids if m._meta.model_name == wanted]
    if exact:
        return exact
    return [m for m in ids if len(last) >= 3 and (m._meta.model_name == last or m._meta.model_name.startswith(last) or m._meta.model_name.endswith(last))]


def _interleave(lists) -> list:
    out, seen = [], set()
    for group in itertools.zip_longest(*lists):
        for value in group:
            if value is not None and value not in seen:
                seen.add(value)
                out.append(value)
    return out


def candidates(kwarg: str, ids: dict, strings: dict) -> list:
    """Values for one URL argument, the likeliest first: rows of the model it names, values of
    fields it names, then every id (or every slug and token) of the organisation."""
    named = _models_named(_stem(kwarg), ids)
    values = _interleave([ids[m] for m in named])
    for name in (kwarg, _stem(kwarg)):
        values += strings.get(name, [])
    if kwarg in {"token", "key", "slug", "path", "uidb64", "uidb36"} or not named:
        values += _interleave(list(strings.values()))
    values += _interleave(list(ids.values()))
    unique = []
    for value in values:
        if value not in unique:
            unique.append(value)
    return unique


# ---------------------------------------------------------------------------------------------
# The resolver


@dataclass
class Route:
    """One URL pattern of the resolver, with what is needed to build its URLs."""

    parts: list  # pattern objects from the root
    pattern: URLPattern
    label: str  # human-readable route (for the report)

    @property
    def kwarg_regex(self) -> dict:
        found = {}
        for part in self.parts:
            if isinstance(part, RoutePattern):
                for name, converter in part.converters.items():
                    found[name] = converter.regex
            else:
                for name, regex in _regex_groups(part._regex):
                    found[name] = regex
        return found

    def build(self, kwargs: dict) -> str | None:
        """The URL path for these arguments, or None if a value does not fit its converter."""
        for name, regex in self.kwarg_regex.items():
            if name not in kwargs or not re.fullmatch(regex, str(kwargs[name])):
                return None
        url = "/"
        for part in self.parts:
            if isinstance(part, RoutePattern):
                url += re.sub(r"<(?:[^>:]+:)?([^>]+)>", lambda m: str(kwargs[m.group(1)]), str(part._route))
            else:
                url += _fill_regex(part._regex, kwargs)
        return url


def _regex_tokens(regex: str) -> list[tuple]:
    """The top level of a URL regex: ("text", char) for each literal character, ("group",
    name, body) for each capturing group (unnamed ones are called _0, _1…)."""
    tokens, depth, start, name, index, i = [], 0, None, None, 0, 0
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            if depth == 0:
                tokens.append(("text", regex[i + 1]))
            i += 2
            continue
        if char == "(":
            if depth == 0:
                named = re.match(r"\(\?P<(\w+)>", regex[i:])
                if named:
                    name, start = named.group(1), i + len(named.group(0))
                elif not regex.startswith("(?", i):
                    name, start = f"_{index}", i + 1
                    index += 1
                else:
                    name, start = None, None
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0 and start is not None:
                tokens.append(("group", name, regex[start:i]))
                start = None
        elif depth == 0 and char not in "^$":
            tokens.append(("text", char))
        i += 1
    return tokens


def _regex_groups(regex: str) -> list[tuple[str, str]]:
    return [(token[1], token[2]) for token in _regex_tokens(regex) if token[0] == "group"]


def _fill_regex(regex: str, kwargs: dict) -> str:
    out = "".join(token[1] if token[0] == "text" else str(kwargs.get(token[1], "")) for token in _regex_tokens(regex))
    # A catch-all left outside any group (Wagtail's « ^.*/$ ») gets a harmless word.
    return re.sub(r"\.[*+]", "matrice", out).replace("?", "")


def routes() -> list[Route]:
    """Every URL pattern of the resolver (the API's operations come from its schema)."""
    found = []

    def walk(resolver, parts):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, [*parts, entry.pattern])
            else:
                module = getattr(entry.callback, "__module__", "") or ""
                if module.startswith("ninja."):
                    continue
                chain = [*parts, entry.pattern]
                found.append(Route(parts=chain, pattern=entry, label="/" + "".join(str(p) for p in chain)))

    walk(get_resolver(), [])
    return found


def _same_view(url: str, route: Route) -> bool:
    try:
        match = resolve(url.split("?")[0])
    except Resolver404:
        return False
    return match.func == route.pattern.callback or getattr(match.func, "__wrapped__", None) == route.pattern.callback


def combos(route: Route, world: World, limit: int, harvested: list | None = None) -> list[dict]:
    """Argument sets for one route as A's member: harvested real sets of B (org set to A),
    then each argument in turn over B's values while the others take A's own values (A's own
    meeting with B's outcome), then all arguments from B. ``org`` is A's slug."""
    names = [n for n in route.kwarg_regex if n != "org"]
    has_org = "org" in route.kwarg_regex
    base = {"org": world.a.slug} if has_org else {}
    found: list[dict] = []

    def add(values: dict):
        built = {**values, **base}
        if built not in found and route.build(built):
            found.append(built)

    for kwargs in harvested or []:
        add({k: v for k, v in kwargs.items() if k != "org"})
    if not names:
        add({})
        return found[:limit]
    regex = route.kwarg_regex
    # An argument that is a list of words (``account|mfa|auth``) takes those words.
    words = {n: regex[n].split("|") for n in names if re.fullmatch(r"[\w-]+(\|[\w-]+)+", regex[n])}
    b_values = {n: words.get(n) or [v for v in candidates(n, world.b_ids, world.b_strings) if re.fullmatch(regex[n], str(v))] for n in names}
    a_values = {n: words.get(n) or [v for v in candidates(n, world.a_ids, world.a_strings) if re.fullmatch(regex[n], str(v))] for n in names}
    for index in range(max(len(v) for v in b_values.values()) if b_values else 0):
        if len(found) >= limit:
            break
        if len(names) > 1:
            for name in names:
                others = {n: (a_values[n] or b_values[n] or [None])[0] for n in names if n != name}
                if index < len(b_values[name]) and None not in others.values():
                    add({**others, name: b_values[name][index]})
        add({n: b_values[n][min(index, len(b_values[n]) - 1)] for n in names if b_values[n]})
    return found[:limit]


# ---------------------------------------------------------------------------------------------
# Requests and verdicts


@dataclass
class Finding:
    kind: str  # "fuite", "modification", "erreur 500"
    role: str
    method: str
    url: str
    status: int
    detail: str = ""
    expected: str = ""  # the allowlist entry that covers it

    def __str__(self) -> str:
        note = f"  [attendu : {self.expected}]" if self.expected else ""
        return f"{self.kind:<12} {self.method:<6} {self.url}  ({self.role}, {self.status}) {self.detail}{note}"


@dataclass
class Report:
    requests: int = 0
    routes: int = 0  # URL patterns of the resolver requested
    by_status: dict = field(default_factory=lambda: defaultdict(int))
    findings: list = field(default_factory=list)
    unbuilt: list = field(default_factory=list)  # routes whose URL could not be built
    shadowed: list = field(default_factory=list)  # routes whose URL reaches an earlier pattern
    checks: list = field(default_factory=list)  # sanity checks that failed
    b_pages_with_marker: int = 0
    b_pages_seen: int = 0
    resolved: list = field(default_factory=list)
    redirects: dict = field(default_factory=lambda: defaultdict(int))  # where 301/302 lead
    logouts: list = field(default_factory=list)  # requests that ended the session

    def unexpected(self, kind: str | None = None) -> list:
        return [f for f in self.findings if not f.expected and (kind is None or f.kind == kind)]

    @property
    def ok(self) -> bool:
        return not self.unexpected() and not self.checks

    def summary(self) -> str:
        leaks = len(self.unexpected("fuite")) + len(self.unexpected("modification"))
        errors = len(self.unexpected("erreur 500"))
        expected = sum(1 for f in self.findings if f.expected)
        return (
            f"{self.requests} requêtes, {leaks} fuites, {errors} erreurs 500"
            + (f" ({expected} attendues, liste ALLOWLIST)" if expected else "")
        )

    def lines(self) -> list[str]:
        out = [self.summary()]
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.by_status.items()))
        out.append(f"réponses par statut : {statuses}")
        out.append(f"adresses du résolveur : {self.routes} demandées, {len(self.shadowed)} masquées par une autre "
                   f"(--verbose), {len(self.unbuilt)} non construites")
        out.append(f"témoin : {self.b_pages_with_marker} pages de B sur {self.b_pages_seen} montrent le marqueur à un membre de B")
        top = sorted(self.redirects.items(), key=lambda item: -item[1])[:8]
        out.append("redirections les plus fréquentes : " + ", ".join(f"{where} ({n})" for where, n in top))
        out += [f"adresse non construite : {label}" for label in self.unbuilt]
        out += [f"session fermée par {r} (rouverte)" for r in self.logouts]
        out += [f"contrôle échoué : {c}" for c in self.checks]
        out += [str(f) for f in self.findings]
        out += [f"entrée d'ALLOWLIST jamais rencontrée (à retirer) : {r}" for r in self.resolved]
        return out


def _allowed(kind: str, method: str, url: str) -> str:
    for entry_kind, entry_method, pattern, why in ALLOWLIST:
        if entry_kind == kind and entry_method in (method, "*") and re.search(pattern, url):
            return why
    return ""


def body_text(response) -> str:
    """What a person would read in the response: PDF text drawn, folded lines unfolded."""
    if getattr(response, "streaming", False):
        raw = b"".join(itertools.islice(response.streaming_content, 200))
    else:
        raw = response.content
    if raw[:5] == b"%PDF-":
        parts = [raw]
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
            with contextlib.suppress(zlib.error):
                parts.append(zlib.decompress(stream))
        raw = b"\n".join(parts)
    text = raw.decode("utf-8", "replace")
    text = re.sub(r"\r?\n[ \t]", "", text)  # RFC 5545 / vCard line folding
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    return f"{headers}\n{text}"


def leak_excerpt(response, url: str = "") -> str:
    """The text around B's marker in the response ("" when absent). The requested address is
    taken out first: a URL built from B's slugs may carry the marker and be echoed back."""
    text = body_text(response)
    if url:
        from urllib.parse import quote

        for echoed in {url, quote(url, safe="/"), url.split("?")[0]}:
            text = text.replace(echoed, "")
    at = text.lower().find(MARKER.lower())
    if at < 0:
        return ""
    return " ".join(text[max(0, at - 70): at + len(MARKER) + 10].split())


def fingerprint(world: World, labels=None) -> dict:
    """A digest of B's rows per model (a changed field shows, not only a new or deleted row)."""
    digest = {}
    for model, queryset in world.b_rows:
        if labels is not None and model._meta.db_table not in labels:
            continue
        names = [f.attname for f in model._meta.concrete_fields if type(f).__module__.startswith("django.") and not isinstance(f, models.FileField | models.BinaryField)]
        digest[model._meta.db_table] = hash(repr(list(queryset.order_by("pk").values_list(*names))))
    return digest


WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


def written_tables(captured) -> set:
    return {m.group(1) for q in captured if (m := WRITE.match(q["sql"]))}


class Matrix:
    """Runs the requests and collects a Report."""

    def __init__(self, world: World, *, roles=None, post_roles=None, limit: int = 6, post: bool = True, api_tokens: bool = True,
                 crawl: int = 200, query_probes: bool = True, other_org_slug: bool = True, progress=None):
        self.world = world
        self.roles = list(roles or world.attackers)
        self.post_roles = list(post_roles or self.roles)
        self.limit = limit
        self.post = post
        self.api_tokens = api_tokens
        self.crawl_limit = crawl
        self.query_probes = query_probes
        self.other_org_slug = other_org_slug
        self.report = Report()
        self.progress = progress or (lambda message: None)
        self.clients = {}
        for role in self.roles:
            self.clients[role] = _client(world.attackers[role])
        self.allow_seen = set()

    # -- one request
    def send(self, role: str, client, method: str, url: str, **extra):
        connection.queries_log.clear()  # a full log (9,000 queries) would capture nothing
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method.lower())(url, **extra)
        self.report.requests += 1
        self.report.by_status[response.status_code] += 1
        if response.status_code in (301, 302):
            self.report.redirects[re.sub(r"[?#].*", "", response["Location"])[:60]] += 1
            if role in self.clients and "_auth_user_id" not in client.session:
                # This request ended the session (a logout): open it again, or every later
                # answer would be a redirect to the login page and prove nothing.
                self.report.logouts.append(f"{method} {url}")
                self.clients[role] = _client(self.world.attackers[role])
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            detail = f"{exc[0].__name__}: {str(exc[1])[:160]}" if exc else ""
            self.record("erreur 500", role, method, url, response.status_code, detail)
        elif excerpt := leak_excerpt(response, url):
            self.record("fuite", role, method, url, response.status_code, f"« …{excerpt}… »")
        # Only the tables this request wrote to are compared with their state before it.
        touched = written_tables(queries.captured_queries) & set(self.b_state)
        if touched:
            after = fingerprint(self.world, touched)
            changed = sorted(t for t in touched if after[t] != self.b_state[t])
            if changed:
                self.record("modification", role, method, url, response.status_code, "lignes de B modifiées : " + ", ".join(changed))
            self.b_state.update(after)
        return response

    def record(self, kind, role, method, url, status, detail=""):
        why = _allowed(kind, method, url)
        if why:
            self.allow_seen.add(why)
        self.report.findings.append(Finding(kind, role, method, url, status, detail, why))

    # -- the run
    def run(self) -> Report:
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        logging.getLogger("django.security").setLevel(logging.CRITICAL)
        self.sanity()
        harvested = self.crawl()
        self.b_state = fingerprint(self.world)
        self.pages(harvested)
        self.api()
        self.report.resolved = sorted({why for *_, why in ALLOWLIST} - self.allow_seen)
        return self.report

    def sanity(self):
        """The sessions work (else every answer is a redirect and 0 leaks means nothing)."""
        for role, client in self.clients.items():
            response = client.get(f"/{self.world.a.slug}/tableau-de-bord/")
            if response.status_code != 200:
                self.report.checks.append(f"le membre « {role} » de A n'ouvre pas son tableau de bord ({response.status_code})")

    def crawl(self) -> dict:
        """B's member follows B's own links: real argument sets for each route (a meeting and
        its own outcome), and a check that the marker shows where it should."""
        client = _client(self.world.b_member)
        by_route: dict = defaultdict(list)
        queue = deque()
        for route in routes():
            if "org" in route.kwarg_regex and len(route.kwarg_regex) == 1:
                queue.append(route.build({"org": self.world.b.slug}))
        queue.append("/cms/pages/")
        seen = set(queue)
        while queue and self.report.b_pages_seen < self.crawl_limit:
            url = queue.popleft()
            if not url:
                continue
            response = client.get(url)
            self.report.b_pages_seen += 1
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            if leak_excerpt(response):
                self.report.b_pages_with_marker += 1
            for href in re.findall(r'href="(/[^"#?]*)', response.content.decode("utf-8", "replace")):
                if href in seen or href.startswith(("/static/", "/comptes/logout")) or "supprimer" in href or "logout" in href:
                    continue
                try:
                    match = resolve(href)
                except Resolver404:
                    continue
                seen.add(href)
                key = match.route.replace("^", "")
                kwargs = dict(match.kwargs) or {f"_{i}": a for i, a in enumerate(match.args)}
                if kwargs not in by_route[key]:
                    by_route[key].append(kwargs)
                queue.append(href)
        if self.report.b_pages_with_marker == 0:
            self.report.checks.append("aucune page de B ne montre le marqueur à un membre de B : le détecteur est aveugle")
        return by_route

    def pages(self, harvested: dict):
        all_routes = routes()
        self.progress(f"{len(all_routes)} adresses du résolveur")
        for route in all_routes:
            if _route_key(route) in SKIPPED:
                continue
            found = harvested.get(_route_key(route), [])
            sets = combos(route, self.world, self.limit, found)
            if not sets:
                self.report.unbuilt.append(route.label)
                continue
            built = [u for u in (route.build(kwargs) for kwargs in sets) if u]
            # A pattern without « $ » matches longer addresses too (the API's JSON 404).
            built = [u if _same_view(u, route) or not _same_view(u + "matrice/", route) else u + "matrice/" for u in built]
            urls = [u for u in built if _same_view(u, route)]
            if not urls:
                # Shadowed: the same address reaches an earlier pattern, requested on its own.
                (self.report.shadowed if built else self.report.unbuilt).append(route.label)
                continue
            self.report.routes += 1
            if self.other_org_slug and "org" in route.kwarg_regex:
                b_url = route.build({**sets[0], "org": self.world.b.slug})
                if b_url:
                    urls.append(b_url)
            for role in self.roles:
                for url in urls:
                    self.send(role, self.clients[role], "GET", url)
                    if self.post and role in self.post_roles and len(route.kwarg_regex) > ("org" in route.kwarg_regex):
                        self.send(role, self.clients[role], "POST", url, data={})
            if self.query_probes and len(route.kwarg_regex) == ("org" in route.kwarg_regex):
                role = self.roles[-1]
                self.send(role, self.clients[role], "GET", f"{urls[0]}?q={SEARCH_WORD}&search={SEARCH_WORD}")

    def api(self):
        from maillon.api import api

        schema = api.get_openapi_schema()
        components = schema.get("components", {}).get("schemas", {})
        headers = {"HTTP_X_ORGANISATION": self.world.a.slug}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                params = operation.get("parameters", [])
                path_params = [p["name"] for p in params if p["in"] == "path"]
                sets = self._api_path_sets(path_params)
                body = _minimal_body(operation, components, self.world) if "requestBody" in operation else None
                for kwargs in sets:
                    url = re.sub(r"{(\w+)}", lambda m, kw=kwargs: str(kw[m.group(1)]), path)
                    for query in self._api_queries(params):
                        full = f"{url}?{query}" if query else url
                        extra = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
                        for role in self.roles:
                            self.send(role, self.clients[role], method.upper(), full, **extra, **headers)
                        if self.api_tokens:
                            role = self.roles[-1]
                            bearer = {"HTTP_AUTHORIZATION": f"Bearer {self.world.tokens[role]}", "HTTP_X_ORGANISATION": self.world.a.slug}
                            self.send(f"{role} (jeton)", Client(raise_request_exception=False), method.upper(), full, **extra, **bearer)
                if self.other_org_slug and sets:
                    url = re.sub(r"{(\w+)}", lambda m, kw=sets[0]: str(kw[m.group(1)]), path)
                    role = self.roles[-1]
                    self.send(role, self.clients[role], method.upper(), url, HTTP_X_ORGANISATION=self.world.b.slug,
                              **({"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}))

    def _api_path_sets(self, names: list) -> list[dict]:
        if not names:
            return [{}]
        b_values = {n: candidates(n, self.world.b_ids, self.world.b_strings) for n in names}
        a_values = {n: candidates(n, self.world.a_ids, self.world.a_strings) for n in names}
        sets: list[dict] = []
        for index in range(self.limit):
            if len(names) > 1:
                for name in names:
                    if index < len(b_values[name]):
                        item = {n: (a_values[n] or b_values[n])[0] for n in names if n != name} | {name: b_values[name][index]}
                        if item not in sets:
                            sets.append(item)
            item = {n: b_values[n][min(index, len(b_values[n]) - 1)] for n in names if b_values[n]}
            if len(item) == len(names) and item not in sets:
                sets.append(item)
        return sets[: self.limit]

    def _api_queries(self, params: list) -> list[str]:
        """The query string: required parameters filled, then each optional parameter that
        names an object of B (``membership``, ``resource``…) or a search term, one at a time."""
        from urllib.parse import urlencode

        required = {}
        for p in params:
            if p["in"] == "query" and p.get("required"):
                required[p["name"]] = _query_value(p, self.world)
        found = [urlencode(required)]
        for p in params:
            if p["in"] != "query" or p.get("required"):
                continue
            values = candidates(p["name"], self.world.b_ids, self.world.b_strings) if _models_named(_stem(p["name"]), self.world.b_ids) else []
            for value in values[:2]:
                found.append(urlencode({**required, p["name"]: value}))
        return found


def _client(user) -> Client:
    """A test client logged in as ``user`` the way allauth logs people in (MFA passed)."""
    from maillon.testing import allauth_login

    client = Client(raise_request_exception=False)
    allauth_login(client, user)
    return client


def _route_key(route: Route) -> str:
    return "".join(str(p) for p in route.parts).replace("^", "")


def _query_value(param: dict, world: World):
    name = param["name"]
    if re.search(r"(^|_)(q|query|search|term)$", name):
        return SEARCH_WORD
    if name in {"start", "since", "from"}:
        return (date.today() - timedelta(days=400)).isoformat()
    if name in {"end", "until", "to"}:
        return (date.today() + timedelta(days=400)).isoformat()
    values = candidates(name, world.b_ids, world.b_strings)
    return values[0] if values else "1"


def _minimal_body(operation: dict, components: dict, world: World):
    """A body with the required fields of the schema, ids taken from B (names say which)."""
    content = operation["requestBody"].get("content", {})
    schema = (content.get("application/json") or next(iter(content.values()), {})).get("schema", {})
    return _example(schema, components, world, "", depth=0)


def _example(schema: dict, components: dict, world: World, name: str, depth: int):
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema and schema[key]:
            return _example(schema[key][0], components, world, name, depth)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 3:
            return {}
        required = schema.get("required", [])
        return {k: _example(v, components, world, k, depth + 1) for k, v in schema.get("properties", {}).items() if k in required}
    if kind == "array":
        item = _example(schema.get("items", {}), components, world, name, depth + 1)
        return [item] if item not in (None, {}) else []
    if kind == "integer":
        values = candidates(name, world.b_ids, {}) if _models_named(_stem(name), world.b_ids) else []
        return values[0] if values else 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return date.today().isoformat()
        if fmt == "date-time":
            return f"{date.today().isoformat()}T10:00:00"
        if "enum" in schema:
            return schema["enum"][0]
        return "matrice"
    return None

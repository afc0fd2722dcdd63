"""Content bench (issue 6): the organisation's home page and the search.

Run with ``.venv/bin/python bench/content.py`` (SQLite in a throw-away data directory, or
PostgreSQL when DATABASE_URL is set). Seeds the demo, adds many news items and documents,
then measures:
- the content home page ``/les-tilleuls/accueil/`` and the dashboard (news panel): compressed
  HTML and SQL queries, which must not depend on the number of news and documents;
- the search page over 10,000 indexed items (pages, news, documents, directory entries) plus
  the live sources (published procedures of the demo, and ``--events`` upcoming events with
  four dates each, read by ``search.events_matching``) and ``--people`` more members, with a
  mix of words, colleagues' names and typos, p95 of the whole request.
Writes bench/results/content.json; exits 1 over budget.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import RESULTS, measure, prepare, setup_django  # noqa: E402

# The dashboard is reported, not budgeted here: its panels belong to several apps (bench/run.py owns it).
BUDGETS = {"home_html_gzip": 14 * 1024, "home_queries": 12, "search_p95_ms": 150.0}
WORDS = ("formation", "sortie", "enfance", "réunion", "subvention", "caf", "atelier", "parents", "sécurité", "jeunesse",
         "planning", "été", "bénévoles", "quartier", "convention", "règlement", "théâtre", "numérique", "accueil", "budget")


def p95(values: list[float]) -> float:
    values = sorted(values)
    return round(values[max(0, int(len(values) * 0.95) - 1)], 2)


def seed_events(org, count: int, rng: random.Random) -> None:
    """Upcoming published activities (four weekly dates each): what the live event source reads."""
    from datetime import timedelta

    from django.utils import timezone

    from maillon.agenda.models import Event, Occurrence

    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    events = Event.objects.bulk_create([
        Event(organisation=org, title=f"{rng.choice(('Atelier', 'Sortie', 'Réunion', 'Permanence'))} {' '.join(rng.sample(WORDS, 2))} {i}",
              description=" ".join(rng.choices(WORDS, k=12)), kind=Event.Kind.ACTIVITY, status=Event.Status.PUBLISHED,
              place="Salle polyvalente", start=start + timedelta(hours=i), end=start + timedelta(hours=i + 2))
        for i in range(count)
    ], batch_size=500)
    Occurrence.objects.bulk_create([
        Occurrence(organisation=org, event=event, start=event.start + timedelta(weeks=w), end=event.end + timedelta(weeks=w),
                   original_start=event.start + timedelta(weeks=w))
        for event in events for w in range(4)
    ], batch_size=1000)


def seed_people(org, count: int, rng: random.Random) -> None:
    """``count`` more active members (name, job, sector): what the search's people source reads."""
    from maillon.accounts.models import Membership, User
    from maillon.organisations.models import Sector

    firsts = ("Hélène", "Zoé", "Jérôme", "Amélie", "Loïc", "Céline", "François", "Anaïs", "Noël", "Gaëlle", "Marc", "Inès")
    lasts = ("Dupont", "Lefèvre", "Moreau", "Girard", "Bénard", "Mercier", "Lemaître", "Faure", "Rousseau", "Chevalier")
    jobs = ("Animateur", "Animatrice jeunesse", "Référente familles", "Agent d'accueil", "Comptable", "Coordinateur enfance")
    sectors = list(Sector.objects.for_organisation(org)) or [None]
    users = User.objects.bulk_create(User(username=f"bench-personne-{i}", first_name=rng.choice(firsts), last_name=f"{rng.choice(lasts)}{i}")
                                     for i in range(count))
    Membership.objects.bulk_create(Membership(user=u, organisation=org, sector=rng.choice(sectors), job_title=rng.choice(jobs)) for u in users)


def seed_volume(news_count: int, documents: int, entries: int, events: int = 0, people: int = 0) -> None:
    from django.db import connection

    from maillon.content.editors import ensure_home
    from maillon.content.models import Document, DocumentCategory, NewsPage, SearchEntry
    from maillon.content.search import normalise
    from maillon.organisations.models import Organisation

    org = Organisation.objects.get(slug="les-tilleuls")
    home = ensure_home(org)
    rng = random.Random(6)
    for i in range(news_count):
        page = home.add_child(instance=NewsPage(title=f"Actualité {i} : {' '.join(rng.sample(WORDS, 3))}", intro="Résumé de l'actualité", live=False))
        page.save_revision().publish(skip_permission_checks=True)
    category = DocumentCategory.objects.get_or_create(organisation=org, name="Archives")[0]
    Document.objects.bulk_create(Document(organisation=org, title=f"Document archivé {i}", category=category) for i in range(documents))
    existing = SearchEntry.objects.filter(organisation=org).count()
    rows = []
    for i in range(max(0, entries - existing)):
        title = f"{rng.choice(('Compte rendu', 'Fiche', 'Note', 'Procédure', 'Contact'))} {' '.join(rng.sample(WORDS, 3))} {i}"
        body = " ".join(rng.choices(WORDS, k=40))
        rows.append(SearchEntry(organisation=org, kind=rng.choice(("page", "news", "document", "partner", "contact")), object_id=f"bench-{i}",
                                title=title, url="/les-tilleuls/", text=normalise(f"{title} {body}"), roles="" if i % 10 else ",hr,"))
    SearchEntry.objects.bulk_create(rows, batch_size=1000)
    seed_events(org, events, rng)
    seed_people(org, people, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE content_searchentry SET vector = setweight(to_tsvector('french', lower(title)), 'A') || setweight(to_tsvector('french', text), 'B') WHERE vector IS NULL"
            )
            cursor.execute("ANALYZE content_searchentry")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--news", type=int, default=60)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=500, help="upcoming events added for the live search source")
    parser.add_argument("--people", type=int, default=400, help="members added for the people source (10x the demo's staff)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="maillon-bench-content-") as data_dir:
        setup_django(data_dir)
        prepare(notifications=40)
        from django.db import connection
        from django.test import Client

        from maillon.accounts.models import User
        from maillon.content.models import SearchEntry

        seed_volume(args.news, args.documents, args.entries, args.events, args.people)
        home = measure("content home", "/les-tilleuls/accueil/", "animateur", args.runs)
        dashboard = measure("dashboard", "/les-tilleuls/tableau-de-bord/", "animateur", args.runs)
        client = Client()
        from maillon.testing import allauth_login
        allauth_login(client, User.objects.get(username="animateur"))
        rng = random.Random(7)
        # Words of the content, a colleague's name (with or without accents), and one typo.
        names = ("Hélène", "helene dupont", "Lefevre", "animatrice", "Dupond", "formaton", "reunoin", "vacances")
        queries = [" ".join(rng.sample(WORDS, rng.choice((1, 1, 2)))) if i % 3 else rng.choice(names) for i in range(args.runs)]
        client.get("/les-tilleuls/recherche/?q=formation")
        timings, hits = [], []
        for q in queries:
            start = time.perf_counter()
            response = client.get("/les-tilleuls/recherche/", {"q": q})
            timings.append((time.perf_counter() - start) * 1000)
            hits.append(response.content.count(b'class="row-primary"'))
        result = {
            "database": connection.vendor,
            "indexed_items": SearchEntry.objects.count(),
            "upcoming_events": args.events, "members": args.people,
            "home_html_gzip": home["html_gzip"], "home_queries": home["queries"], "home_p95_ms": home["p95_ms"],
            "dashboard_html_gzip": dashboard["html_gzip"], "dashboard_queries": dashboard["queries"],
            "search_p95_ms": p95(timings), "search_median_ms": round(sorted(timings)[len(timings) // 2], 2),
            "search_mean_results": round(sum(hits) / len(hits), 1),
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "content.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    over = [f"{k} = {result[k]} > {limit}" for k, limit in BUDGETS.items() if result[k] > limit]
    for line in over:
        print("OVER BUDGET:", line)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

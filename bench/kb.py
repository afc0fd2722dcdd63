"""Knowledge base bench (issue 17): search across spaces over 10,000 pages.

Run with ``.venv/bin/python bench/kb.py`` (SQLite in a throw-away data directory, or
PostgreSQL when DATABASE_URL is set: an empty database of its own, migrated and filled; drop and
create it again before the next run).
Builds 20 spaces of 500 pages each (a three-level tree, one to three versions, French text),
the searcher a member of half of them, then measures:
- ``search.search`` (the service, one query) for a mix of words, plurals and two-word queries;
- the whole request ``/espaces/<space>/base/?q=…&partout=1`` (login, space checks, layout);
p95 of each over ``--runs`` queries. Writes bench/results/kb.json; exits 1 over budget.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import RESULTS, percentile, throwaway_instance  # noqa: E402

BUDGETS = {"search_p95_ms": 150.0, "request_p95_ms": 150.0}
WORDS = ("allocataire", "démarche", "formation", "ressources", "caf", "impôts", "retraite", "logement", "numérique", "accueil",
         "aidant", "mandat", "coffre-fort", "identité", "justificatif", "permanence", "bénévoles", "rendez-vous", "quartier", "santé",
         "famille", "enfance", "jeunesse", "budget", "convention", "réunion", "atelier", "courrier", "signature", "droits")
QUERIES = ("formation", "formations", "démarches caf", "logement", "retraite allocataire", "numerique", "aidants", "santé famille",
           "coffre fort", "rendez-vous", "signature", "convention budget", "justificatifs", "quartier", "mot absent")


def p95(values: list[float]) -> float:
    return round(percentile(values, 0.95), 2)


def build(org, pages: int, spaces: int, rng: random.Random):
    from maillon.accounts.roles import Role as OrgRole
    from maillon.kb import services
    from maillon.kb.models import Page, Version
    from maillon.spaces.models import Role, Space, SpaceMember
    from maillon.testing import make_member

    user = make_member(org, OrgRole.STAFF, username="chercheuse")
    made = []
    for s in range(spaces):
        space = Space.objects.create(name=f"Espace {s}", organisation=org)
        if s % 2 == 0:
            SpaceMember.objects.create(space=space, user=user, role=Role.CONTRIBUTOR)
        made.append(space)
    per_space = pages // spaces
    for space in made:
        rows = []
        for i in range(per_space):
            title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}"
            rows.append(Page(space=space, title=title, position=i))
        Page.objects.bulk_create(rows)
        created = list(Page.objects.filter(space=space).order_by("pk"))
        for i, page in enumerate(created):  # a tree: every 10th page on top, the others under one of them
            if i % 10:
                page.parent_id = created[i - i % 10].pk
        Page.objects.bulk_update(created, ["parent"])
        versions = []
        for page in created:
            for n in range(1, rng.randint(1, 3) + 1):
                body = "\n\n".join(" ".join(rng.choices(WORDS, k=25)) for _p in range(4))
                versions.append(Version(page=page, number=n, title=page.title, body=body))
        Version.objects.bulk_create(versions)
        last = {}
        for version in Version.objects.filter(page__space=space).order_by("number"):
            last[version.page_id] = version
        for page in created:
            page.current, page.version_count = last[page.pk], last[page.pk].number
            services.reindex(page, last[page.pk])
        Page.objects.bulk_update(created, ["current", "version_count"])
    return user, made[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--spaces", type=int, default=20)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(17)
    with throwaway_instance("kb") as org:
        from django.db import connection
        from django.test import Client

        from maillon.kb.models import Page
        from maillon.kb.search import search

        started = time.perf_counter()
        user, space = build(org, args.pages, args.spaces, rng)
        built = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE kb_page")
        for query in QUERIES:  # warm up
            search(user, query)
        service, request, found = [], [], {}
        from maillon.testing import allauth_login

        client = Client()
        allauth_login(client, user)
        url = f"/espaces/{space.slug}/base/"
        for i in range(args.runs):
            query = QUERIES[i % len(QUERIES)]
            t = time.perf_counter()
            hits = search(user, query)
            service.append((time.perf_counter() - t) * 1000)
            found[query] = len(hits)
            t = time.perf_counter()
            response = client.get(url, {"q": query, "partout": "1"})
            request.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
        visible = Page.objects.visible_to(user).count()
        result = {"database": connection.vendor, "pages": Page.objects.count(), "visible_pages": visible,
                  "build_s": round(built, 1), "runs": args.runs, "search_p95_ms": p95(service),
                  "search_median_ms": round(sorted(service)[len(service) // 2], 2), "request_p95_ms": p95(request),
                  "request_median_ms": round(sorted(request)[len(request) // 2], 2), "results_per_query": found}
    print(json.dumps(result, indent=2, ensure_ascii=False))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "kb.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    over = [key for key, budget in BUDGETS.items() if result[key] > budget]
    if over:
        print("over budget:", ", ".join(over))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

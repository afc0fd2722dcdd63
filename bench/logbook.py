"""Logbook publications bench (issue 18): compiling a bimonthly collective narrative from 2,000 entries.

Run with ``.venv/bin/python bench/logbook.py`` (SQLite in a throw-away data directory, or PostgreSQL
when DATABASE_URL is set: an empty database of its own, migrated and filled; drop and create it
again before the next run).
Builds one framework (4 levels, 2 job profiles, 6 domains of 5 competencies, 8 themes), 30
participants and ``--entries`` entries in one two-month period (70 % shared with the group, the rest
private, for the coordinator or drafts; a third quotable; two competencies and one or two themes
each, French text), then measures ``publications.compile_narrative`` (the draft's Markdown and its
figures) ``--runs`` times: median and worst, and its number of queries. Writes
bench/results/logbook.json; exits 1 over budget (2 s).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import RESULTS, throwaway_instance  # noqa: E402

BUDGETS = {"compile_max_s": 2.0}
SENTENCES = ("Une famille est venue pour son dossier CAF.", "Atelier smartphone avec six seniors du quartier.",
             "J’ai montré comment créer une adresse mail.", "Le site des impôts était en panne toute la matinée.",
             "Nous avons essayé un pas-à-pas imprimé.", "Les parents ont découvert l’espace numérique de travail.",
             "Un jeune a sécurisé son compte avec la double authentification.", "Le partenariat avec la médiathèque avance.")


def build(org, entries: int, rng: random.Random):
    from maillon.competencies.models import (
        Competency,
        Domain,
        Entry,
        Framework,
        JobProfile,
        Level,
        Participant,
        Theme,
    )
    from maillon.testing import make_member

    framework = Framework.objects.create(organisation=org, name="Référentiel du banc")
    for i, name in enumerate(["découverte", "pratique", "maîtrise", "transmission"], 1):
        Level.objects.create(framework=framework, position=i, name=name)
    profiles = [JobProfile.objects.create(framework=framework, name=n) for n in ("Chargé d'innovation numérique", "Chargé d'animation numérique")]
    competencies = []
    for d in range(6):
        domain = Domain.objects.create(framework=framework, name=f"Domaine {d + 1}", position=d)
        for c in range(5):
            competency = Competency.objects.create(framework=framework, domain=domain, code=f"D{d + 1}.{c + 1}", name=f"Compétence {d}-{c}")
            competency.profiles.add(profiles[c % 2])
            competencies.append(competency)
    themes = [Theme.objects.create(framework=framework, name=n) for n in ("Accès aux droits", "Parentalité", "E-administration", "Seniors",
                                                                          "Jeunesse", "Emploi", "Santé", "Culture")]
    people = []
    for p in range(30):
        user = make_member(org, first_name=f"Prénom{p}", last_name=f"Nom{p}")
        Participant.objects.create(framework=framework, user=user, organisation=org, profile=profiles[p % 2])
        people.append(user)
    start = date(2027, 1, 1)
    rows = []
    for i in range(entries):
        roll = rng.random()
        visibility, draft = ("group", False) if roll < 0.7 else (("private", False) if roll < 0.8 else (("coordinator", False) if roll < 0.9 else ("group", True)))
        rows.append(Entry(framework=framework, author=rng.choice(people), organisation=org, occurred_on=start + timedelta(days=rng.randrange(59)),
                          title=f"Entrée {i}", happened=rng.choice(SENTENCES), tried=rng.choice(SENTENCES), learned=rng.choice(SENTENCES),
                          blocked=rng.choice(SENTENCES) if rng.random() < 0.3 else "", visibility=visibility, is_draft=draft,
                          quote_consent=rng.random() < 0.33))
    Entry.objects.bulk_create(rows, batch_size=500)
    tagged_c, tagged_t = [], []
    for entry in Entry.objects.filter(framework=framework).only("pk"):
        for competency in rng.sample(competencies, 2):
            tagged_c.append(Entry.competencies.through(entry_id=entry.pk, competency_id=competency.pk))
        for theme in rng.sample(themes, rng.choice((1, 2))):
            tagged_t.append(Entry.themes.through(entry_id=entry.pk, theme_id=theme.pk))
    Entry.competencies.through.objects.bulk_create(tagged_c, batch_size=1000)
    Entry.themes.through.objects.bulk_create(tagged_t, batch_size=1000)
    return framework, start, date(2027, 2, 28)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(18)
    with throwaway_instance("logbook") as org:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from maillon.competencies import publications

        started = time.perf_counter()
        framework, start, end = build(org, args.entries, rng)
        built = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        timings = []
        for _run in range(args.runs):
            t = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                body, figures = publications.compile_narrative(framework, start, end)
            timings.append(time.perf_counter() - t)
        timings.sort()
        result = {"database": connection.vendor, "entries": args.entries, "shared_in_period": figures["entries"], "build_s": round(built, 1),
                  "runs": args.runs, "compile_median_s": round(timings[len(timings) // 2], 3), "compile_max_s": round(timings[-1], 3),
                  "queries": len(queries), "draft_chars": len(body)}
    print(json.dumps(result, indent=2, ensure_ascii=False))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "logbook.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    over = [key for key, budget in BUDGETS.items() if result[key] > budget]
    if over:
        print("over budget:", ", ".join(over))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

"""Skills search at scale: 3,000 more people of Les Tilleuls, 3 skills each (9,000 declarations).

It WRITES to the database: run it on a copy of a demo instance's data, never on real data:

    python -c "import sqlite3; s=sqlite3.connect('<demo>/maillon.sqlite3'); d=sqlite3.connect('/tmp/bench/maillon.sqlite3'); s.backup(d)"
    EXPERTISE_BENCH=1 MAILLON_DATA_DIR=/tmp/bench .venv/bin/python maillon/expertise/tests/bench_search.py
"""
import os
import random
import statistics
import sys
import time

if os.environ.get("EXPERTISE_BENCH") != "1":
    sys.exit("Writes 3,000 people: set EXPERTISE_BENCH=1 and MAILLON_DATA_DIR to a copy of a demo instance.")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillon.settings")
import django  # noqa: E402

django.setup()
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from maillon.accounts.models import Membership, RoleAssignment, User  # noqa: E402
from maillon.expertise import services  # noqa: E402
from maillon.expertise.models import Declaration, Skill  # noqa: E402
from maillon.expertise.services import taxonomy_skills  # noqa: E402
from maillon.organisations.models import Organisation  # noqa: E402

random.seed(1)
main = Organisation.objects.get(slug="les-tilleuls")
skills = list(Skill.objects.all())
with transaction.atomic():
    users = User.objects.bulk_create([User(username=f"bench{i}", first_name=f"P{i}", last_name=f"N{i}", email=f"b{i}@x.test") for i in range(3000)])
    ms = Membership.objects.bulk_create([Membership(user=u, organisation=main) for u in users])
    RoleAssignment.objects.bulk_create([RoleAssignment(membership=m, role="staff") for m in ms])
    Declaration.objects.bulk_create([Declaration(user=u, skill=s, level=random.randint(1, 3), note="atelier numérique" if random.random() < .1 else "")
                                     for u in users for s in random.sample(skills, 3)])
print("declarations", Declaration.objects.count(), "people", User.objects.count())
for username in ("arc.animatrice", "animateur"):
    viewer = User.objects.get(username=username)
    for label, kwargs in (("all", {}), ("skill", {"skill": skills[0]}), ("text", {"text": "numerique"}), ("level 3", {"min_level": 3})):
        times = []
        for _ in range(15):
            t = time.perf_counter()
            with CaptureQueriesContext(connection) as q:
                tax = taxonomy_skills(viewer)
                if "skill" in kwargs:
                    kwargs["skill"] = next(s for s in tax if s.pk == skills[0].pk)
                people, declarations = services.search(viewer, skills=tax, **kwargs)
                n = people.count()
                page = list(people[:20])
                list(declarations.filter(user_id__in=[p.pk for p in page]))
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(f"{username:15} {label:8} found {n:5}  {len(q)} queries  median {statistics.median(times):6.1f} ms  p95 {times[13]:6.1f} ms")

"""Health records bench (issue 15): the list with 500 records and opening a record.

Run with ``.venv/bin/python bench/health.py`` (SQLite in a throw-away data directory, or
PostgreSQL when DATABASE_URL is set). Creates an organisation with ``--records`` children's
records (every medical field filled, two contacts each, encrypted as in production) across
its childhood and youth sectors, then:
- measures the list as the director sees it (every record, 100 a page): queries, gzip HTML,
  median and p95 over ``--runs`` requests;
- opens ``--runs`` different records through the page as the director (session, MFA
  middleware, decryption of every field and contact, the audit entry, rendering): median and
  p95 of the whole request (wall clock, and the process's CPU time, which a busy machine does
  not inflate), and checks that each opening wrote its audit entry;
- measures the outing sheet for 30 children (queries, p95).
Writes bench/results/health.json; exits 1 over budget.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import RESULTS, measure, percentile, throwaway_instance  # noqa: E402

BUDGETS = {"list_queries": 12, "list_html_gzip": 14 * 1024, "open_p95_ms": 50.0}


def p95(values: list[float]) -> float:
    return round(percentile(values, 0.95), 2)


def seed(org, count: int) -> list[int]:
    """``count`` records written in bulk (the fields are encrypted on the way to the database)."""
    from maillon.health.models import HealthContact, HealthRecord, search_key
    from maillon.testing import sector

    sectors = [sector(org, "Secteur Enfance"), sector(org, "Secteur Jeunes et Adolescents")]
    today = datetime.date.today()
    year = today.year if today.month >= 9 else today.year - 1
    records = []
    for i in range(count):
        first, last = f"Prénom{i:03d}", f"Nomdefamille{(i * 37) % count:03d}"
        records.append(HealthRecord(
            organisation=org, first_name=first, last_name=last, search_name=search_key(f"{last} {first}"),
            birth_date=datetime.date(2012 + i % 8, 1 + i % 12, 1 + i % 28), sex="f" if i % 2 else "m",
            school_year=year - (1 if i % 25 == 0 else 0), valid_until=datetime.date(year + (0 if i % 25 == 0 else 1), 8, 31),
            last_enrolled_on=today, doctor_name="Dr Camille Brunelle", doctor_phone="04 72 10 20 30",
            allergies="Arachides (choc anaphylactique possible)" if i % 4 == 1 else "", diet="Sans porc" if i % 5 == 2 else "",
            treatments="Ventoline avant l'effort (dans le sac à dos)" if i % 9 == 4 else "", has_pai=i % 8 == 1,
            dtp_date=datetime.date(2020, 3, 4), other_vaccinations="ROR (2 doses), méningocoque C",
            medical_notes="Porte des lunettes." if i % 11 == 3 else "", allows_photos=True, allows_outings=True,
            allows_transport=True, allows_emergency_care=True))
    HealthRecord.objects.bulk_create(records, batch_size=200)
    ids = list(HealthRecord.objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True))
    through = HealthRecord.sectors.through
    through.objects.bulk_create([through(healthrecord_id=pk, sector_id=sectors[0 if i < count * 3 // 5 else 1].pk)
                                 for i, pk in enumerate(ids)], batch_size=500)
    HealthContact.objects.bulk_create([
        HealthContact(record_id=pk, position=n, name=f"Contact{n} Famille{i}", phone=f"06 12 34 {i % 100:02d} {n:02d}",
                      relationship=("Mère", "Grand-père")[n], is_guardian=n == 0, may_collect=True)
        for i, pk in enumerate(ids) for n in range(2)], batch_size=500)
    return ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    with throwaway_instance("health") as org:
        from django.db import connection
        from django.test import Client

        from maillon.audit.models import AuditEntry
        from maillon.testing import allauth_login, give_totp, make_member

        director = make_member(org, "director", sector_name=None, username="directrice")
        give_totp(director)
        t = time.perf_counter()
        ids = seed(org, args.records)
        seeded_s = round(time.perf_counter() - t, 1)

        listing = measure("health_list", "/banc/fiches-sanitaires/", director.username, args.runs)
        outing_query = "&".join(f"enfants={pk}" for pk in ids[:30])
        outing = measure("outing_sheet", f"/banc/fiches-sanitaires/sortie/fiche/?{outing_query}", director.username, 30)

        client = Client()
        allauth_login(client, director)
        client.get(f"/banc/fiches-sanitaires/{ids[0]}/")  # the session settles (organisation, MFA)
        before = AuditEntry.objects.filter(action="health.read").count()
        opened, opened_cpu = [], []
        for i in range(args.runs):
            pk = ids[(i * 7) % len(ids)]
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(f"/banc/fiches-sanitaires/{pk}/")
            opened.append((time.perf_counter() - start) * 1000)
            opened_cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200, f"record {pk} answered {response.status_code}"
        audited = AuditEntry.objects.filter(action="health.read").count() - before
        assert audited == args.runs, f"{audited} audit entries for {args.runs} openings"

        result = {
            "database": connection.vendor,
            "records": args.records,
            "seeded_s": seeded_s,
            "list_queries": listing["queries"],
            "list_html_bytes": listing["html_bytes"],
            "list_html_gzip": listing["html_gzip"],
            "list_median_ms": listing["median_ms"],
            "list_p95_ms": listing["p95_ms"],
            "list_sql": listing["queries_sql"],
            "open_median_ms": round(statistics.median(opened), 2),
            "open_p95_ms": p95(opened),
            "open_cpu_median_ms": round(statistics.median(opened_cpu), 2),
            "open_cpu_p95_ms": p95(opened_cpu),
            "open_audited": audited,
            "load_average": [round(x, 1) for x in os.getloadavg()],
            "outing_30_queries": outing["queries"],
            "outing_30_median_ms": outing["median_ms"],
            "outing_30_p95_ms": outing["p95_ms"],
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "health.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    over = [f"{k} = {result[k]} > {v}" for k, v in BUDGETS.items() if result[k] > v]
    for line in over:
        print("OVER BUDGET:", line)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

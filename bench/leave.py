"""Leave bench: « Mes congés », its simulator, the HR ledgers, and the ledger writes.

Run with ``.venv/bin/python bench/leave.py`` (SQLite; ``DATABASE_URL`` for PostgreSQL). Same
throw-away instance as bench/run.py (demo data), plus a long ledger for the measured person
so the page is measured with history. Budgets: pages as in issue 2 (HTML ≤ 14 KB compressed,
first load ≤ 60 KB, ≤ 12 queries, p95 ≤ 50 ms); recording an approved leave (debit, audit,
fractionnement) and cancelling it p95 ≤ 100 ms (issue 3's approval budget).
Writes bench/results/leave.json and exits 1 when a budget is exceeded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (bench/run.py: setup, measure, budgets)

WRITE_P95_MS = 100.0


def prepare(entries: int) -> None:
    from django.core.management import call_command

    from maillon.accounts.models import Membership, User
    from maillon.core import demo
    from maillon.leave import services
    from maillon.leave.models import LeaveType

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    demo.seed()
    membership = Membership.objects.get(user=User.objects.get(username="animateur"), organisation__slug="les-tilleuls")
    cp = LeaveType.objects.get(organisation=membership.organisation, code="cp")
    for index in range(entries):
        services.add_correction(membership=membership, leave_type=cp, amount=Decimal("0.5") * (1 if index % 2 else -1),
                                reason=f"Régularisation n° {index}", actor=None)


def time_writes(runs: int) -> dict:
    from maillon.accounts.models import Membership, User
    from maillon.leave import services
    from maillon.leave.models import LeaveType

    membership = Membership.objects.select_related("organisation").get(user=User.objects.get(username="coordo.jeunes"), organisation__slug="les-tilleuls")
    actor = User.objects.get(username="directrice")
    cp = LeaveType.objects.get(organisation=membership.organisation, code="cp")
    debit, cancel, count = [], [], []
    start = date.today() + timedelta(days=40)
    for index in range(runs):
        day = start + timedelta(days=index % 200)
        reference = f"bench:{index}"
        t0 = time.perf_counter()
        services.count_request(membership, cp, day, "am", day + timedelta(days=11), "pm")
        t1 = time.perf_counter()
        services.record_approved_request(membership=membership, leave_type=cp, start_date=day, start_half="am",
                                         end_date=day + timedelta(days=11), end_half="pm", reference=reference, actor=actor)
        t2 = time.perf_counter()
        services.cancel_request(reference, actor, organisation=membership.organisation)
        t3 = time.perf_counter()
        count.append((t1 - t0) * 1000)
        debit.append((t2 - t1) * 1000)
        cancel.append((t3 - t2) * 1000)

    def summary(values):
        values.sort()
        return {"median_ms": round(statistics.median(values), 2), "p95_ms": round(values[max(0, int(len(values) * 0.95) - 1)], 2)}

    return {"count_request": summary(count), "record_approved_request": summary(debit), "cancel_request": summary(cancel)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--entries", type=int, default=300, help="extra ledger entries given to the measured person")
    args = parser.parse_args()
    simulate = "/les-tilleuls/conges/?leave_type={cp}&start_date=2027-02-08&start_half=am&end_date=2027-02-19&end_half=pm"
    with tempfile.TemporaryDirectory(prefix="maillon-bench-leave-") as data_dir:
        run.setup_django(data_dir)
        from django.db import connection

        from maillon.leave.models import LeaveType

        prepare(args.entries)
        cp = LeaveType.objects.get(organisation__slug="les-tilleuls", code="cp").pk
        pages = [
            ("my-leave", "/les-tilleuls/conges/", "animateur"),
            ("simulator", simulate.format(cp=cp), "animateur"),
            ("dashboard", "/les-tilleuls/tableau-de-bord/", "animateur"),
            ("team", "/les-tilleuls/conges/equipe/", "rh"),
            ("movements", "/les-tilleuls/conges/equipe/mouvements/", "rh"),
        ]
        results = [run.measure(name, path, user, args.runs) for name, path, user in pages]
        writes = time_writes(args.runs)
        database = connection.vendor

    kb = lambda n: f"{n / 1024:.1f} KB"  # noqa: E731
    print(f"\nMaillon leave bench ({database}, {args.runs} requests per page, {args.entries} extra ledger entries)\n")
    print(f"{'page':<11}{'HTML':>9}{'1st load':>10}{'queries':>12}{'median':>10}{'p95':>10}")
    for r in results:
        print(f"{r['page']:<11}{kb(r['html_gzip']):>9}{kb(r['first_load_gzip']):>10}"
              f"{str(r['queries']) + ' (' + str(r['queries_first_visit']) + ')':>12}{r['median_ms']:>8.1f}ms{r['p95_ms']:>8.1f}ms")
    for name, figures in writes.items():
        print(f"{name:<26} median {figures['median_ms']:>6.1f} ms   p95 {figures['p95_ms']:>6.1f} ms")
    print(f"(budgets: pages as bench/run.py; record_approved_request and cancel_request p95 ≤ {WRITE_P95_MS:.0f} ms)")

    failures = [msg for r in results for msg in run.over_budget(r)]
    failures += [f"{name}: p95_ms = {writes[name]['p95_ms']} > {WRITE_P95_MS}" for name in ("record_approved_request", "cancel_request")
                 if writes[name]["p95_ms"] > WRITE_P95_MS]
    if database != "sqlite":
        failures = [f for f in failures if "p95_ms" not in f]
    run.RESULTS.mkdir(parents=True, exist_ok=True)
    (run.RESULTS / "leave.json").write_text(json.dumps(
        {"database": database, "runs": args.runs, "pages": results, "writes": writes, "failures": failures}, indent=2, ensure_ascii=False))
    print(f"Results: {run.RESULTS / 'leave.json'}")
    if failures:
        print("\nOVER BUDGET:\n  " + "\n  ".join(failures))
        return 1
    print("All budgets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

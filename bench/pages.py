"""CPU per page (issue 14): server time of the main pages, measured in-process.

Run with ``.venv/bin/python bench/pages.py`` (a throw-away demo instance, SQLite unless
DATABASE_URL is set) or ``--data-dir DIR`` to measure an existing instance (one built by
``bench/scale.py``: it is not modified). For each main page, as the person a real user would be:
- **CPU ms**: ``time.process_time()`` of this process per request (Django's test client: the
  whole middleware stack, views, templates and the database driver; SQLite runs in-process, so
  its work is counted; PostgreSQL's server time is not), median and p95 over ``--runs`` requests;
- **wall ms** (median) and the **queries** of a steady-state request.
``--profile NAME`` prints the top cProfile lines of one page (``--sort tottime|cumulative``).
Writes bench/results/pages.json. Budgets: dashboard ≤ 10 ms CPU, every other page ≤ 15 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import RESULTS, data_queries, setup_django  # noqa: E402

BUDGET_MS = {"dashboard": 10.0}
DEFAULT_BUDGET_MS = 15.0

# (name, path under the organisation, username). Paths with {meeting} are filled at run time.
PAGES = [
    ("dashboard", "tableau-de-bord/", "animateur"),
    ("my_leave", "conges/", "animateur"),
    ("agenda_week", "agenda/", "animateur"),
    ("plannings", "agenda/plannings/", "coordo.enfance"),
    ("procedures", "demarches/", "animateur"),
    ("approvals", "demarches/a-valider/", "coordo.enfance"),
    ("meetings", "reunions/", "animateur"),
    ("meeting", "reunions/{meeting}/", "coordo.enfance"),
    ("home", "accueil/", "animateur"),
    ("news", "actualites/", "animateur"),
    ("documents", "documents/", "animateur"),
    ("search", "recherche/?q=reunion", "animateur"),
    ("staff", "annuaire/equipe/", "animateur"),
    ("notifications", "notifications/", "animateur"),
    ("resources", "ressources/", "animateur"),
    ("team_leave", "conges/equipe/", "rh"),
    ("movements", "conges/equipe/mouvements/", "rh"),
]


def fill(path: str, org) -> str:
    if "{meeting}" in path:
        from maillon.meetings.models import Meeting

        meeting = Meeting.objects.filter(organisation=org).order_by("-start").first()
        path = path.replace("{meeting}", str(meeting.pk if meeting else 0))
    return f"/{org.slug}/{path}"


def client_for(username: str):
    from django.test import Client

    from maillon.accounts.models import User
    from maillon.testing import allauth_login

    client = Client()
    allauth_login(client, User.objects.get(username=username))
    # A returning browser: it has the stylesheet (core/first_visit.py: its response sets the cookie),
    # so pages link it instead of carrying it inline as on a first visit.
    from maillon.core.first_visit import stylesheet

    found = stylesheet()
    if found is not None:
        client.get(found[3])
    return client


def measure(name: str, path: str, username: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(username)
    for _ in range(2):  # first visit, then caches warm
        response = client.get(path)
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    queries = len(data_queries(captured.captured_queries))
    cpu, wall = [], []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        client.get(path)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    cpu.sort()
    return {
        "page": name, "path": path, "user": username, "queries": queries,
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(cpu[max(0, int(len(cpu) * 0.95) - 1)], 2),
        "wall_median_ms": round(statistics.median(wall), 2),
        "budget_ms": BUDGET_MS.get(name, DEFAULT_BUDGET_MS),
    }


def profile(path: str, username: str, runs: int, sort: str, lines: int) -> str:
    client = client_for(username)
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(lines)
    return out.getvalue()


def run(args) -> int:
    from maillon.organisations.models import Organisation

    org = Organisation.objects.get(slug=args.org)
    pages = [(n, fill(p, org), u) for n, p, u in PAGES if not args.pages or n in args.pages.split(",")]
    if args.profile:
        name, path, user = next(p for p in pages if p[0] == args.profile)
        print(profile(path, user, args.runs, args.sort, args.lines))
        return 0
    results = [measure(n, p, u, args.runs) for n, p, u in pages]
    print(f"\nCPU per page ({args.runs} requests each; ms)\n")
    print(f"{'page':<15}{'queries':>8}{'CPU med':>9}{'CPU p95':>9}{'wall med':>10}{'budget':>8}")
    for r in results:
        flag = "" if r["cpu_median_ms"] <= r["budget_ms"] else "  OVER"
        print(f"{r['page']:<15}{r['queries']:>8}{r['cpu_median_ms']:>9.1f}{r['cpu_p95_ms']:>9.1f}{r['wall_median_ms']:>10.1f}{r['budget_ms']:>8.0f}{flag}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / args.output).write_text(json.dumps({"runs": args.runs, "pages": results}, indent=2, ensure_ascii=False))
    return 1 if any(r["cpu_median_ms"] > r["budget_ms"] for r in results) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--data-dir", help="measure this existing instance (e.g. built by bench/scale.py)")
    parser.add_argument("--org", default="les-tilleuls")
    parser.add_argument("--pages", help="comma-separated page names (default: all)")
    parser.add_argument("--profile", help="print the cProfile of this page instead")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--output", default="pages.json")
    args = parser.parse_args()
    if args.data_dir:
        setup_django(args.data_dir)
        return run(args)
    with tempfile.TemporaryDirectory(prefix="maillon-pages-") as data_dir:
        setup_django(data_dir)
        from run import prepare

        prepare(40)
        return run(args)


if __name__ == "__main__":
    sys.exit(main())

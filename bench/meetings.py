"""Meetings bench (issue 5): the minutes page and saving a contribution.

Run with ``.venv/bin/python bench/meetings.py`` (SQLite in a throw-away data directory, or
PostgreSQL when DATABASE_URL is set). Creates an organisation with a monthly series of
``--meetings`` meetings, each with ``--tasks`` open tasks (all carried to the last meeting), and
``--outcomes`` outcomes (information, numbered decisions, tasks) on the last one's agenda, then:
- measures the last meeting's minutes page (queries, gzip HTML, p95 over ``--runs`` requests;
  it shows the 50 most urgent tasks) and the second page of its task list;
- measures a participant's dashboard (« Mes réunions », « Mes tâches », « Comptes-rendus en
  attente » share one query) and the attendance sheet;
- times ``--runs`` saves of a contribution through the service (two people alternately, each
  from a stale version, so half the saves go through the section merge), then ``--runs`` saves
  through the page itself (the POST of the minutes form, session, CSRF-exempt test client,
  middleware and audit included: what a participant's phone waits for before the redirect).
Writes bench/results/meetings.json; exits 1 over budget.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import RESULTS, measure, percentile, throwaway_instance  # noqa: E402

BUDGETS = {"minutes_queries": 12, "minutes_p95_ms": 200.0, "task_list_queries": 12, "save_p95_ms": 100.0,
           "save_http_p95_ms": 100.0, "dashboard_meetings_queries": 1}


def p95(values: list[float]) -> float:
    return round(percentile(values, 0.95), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=60)
    parser.add_argument("--tasks", type=int, default=10, help="open tasks per meeting")
    parser.add_argument("--outcomes", type=int, default=30, help="outcomes recorded on the last meeting's agenda")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    with throwaway_instance("meetings") as org:
        from django.db import connection

        from maillon.accounts.models import Membership
        from maillon.agenda.recurrence import PARIS
        from maillon.meetings import services, services_minutes
        from maillon.meetings.models import Minutes, Task
        from maillon.testing import allauth_login, make_member

        users = [make_member(org, "coordinator", username=f"bench{i}") for i in range(8)]
        members = list(Membership.objects.with_roles().select_related("organisation", "user").filter(organisation=org).order_by("pk"))
        organiser, others = members[0], members[1:]
        coordo = next(t for t in services.meeting_types(org) if t.name == "COORDO")
        start = datetime(2030, 1, 3, 14, tzinfo=PARIS)
        series, meetings = None, []
        for i in range(args.meetings):
            when = start + timedelta(days=28 * i)
            m = services.create_meeting(organiser, title=f"COORDO {i + 1}", meeting_type=coordo, start=when,
                                        end=when + timedelta(hours=2), people=others, series=series,
                                        new_series=series is None, send_email=False, allow_past=True)
            series = m.series
            meetings.append(m)
        Task.objects.bulk_create([
            Task(organisation=org, meeting=m, assignee=others[j % len(others)], description=f"Tâche {j} de {m.title}")
            for m in meetings[:-1] for j in range(args.tasks)
        ])
        last = meetings[-1]
        last.agenda = "Tour des secteurs\nBudget\nFête de quartier\nQuestions diverses"
        last.save(update_fields=["agenda"])
        everyone = {m.pk for m in members}
        for j in range(args.outcomes):
            services_minutes.add_outcome(organiser, last.minutes, item=j % 5, kind=("information", "decision", "task")[j % 3],
                                 text=f"Suite {j}", assignee=others[j % len(others)], participant_ids=everyone)
        for m in meetings[:-1]:
            services_minutes.ask_contributions(organiser, m.minutes, [others[0].pk])
        page = measure("minutes", f"/banc/reunions/{last.pk}/compte-rendu/", users[0].username, args.runs)
        task_list = measure("tasks", f"/banc/reunions/{last.pk}/taches/toutes/?page=2", users[0].username, 50)
        sheet = measure("attendance", f"/banc/reunions/{last.pk}/emargement/", users[0].username, 20)
        dashboard = measure("dashboard", "/banc/tableau-de-bord/", users[1].username, 20)
        meetings_sql = [q for q in dashboard["queries_sql"] if "meetings_" in q]

        ids = {m.pk for m in members}
        writers = [organiser, others[0]]
        saves = []
        for i in range(args.runs):
            minutes = Minutes.objects.select_related("meeting").get(meeting=last)
            base = max(1, minutes.version - (i % 2))  # every other save starts from a stale version
            key = "s1" if i % 2 else "s2"
            t = time.perf_counter()
            services_minutes.save_minutes(writers[i % 2], minutes, {key: f"Contribution {i} le 12 mars à 14h"}, base, ids)
            saves.append((time.perf_counter() - t) * 1000)

        from django.test import Client

        client = Client()
        allauth_login(client, users[1])  # others[0], a participant
        path = f"/banc/reunions/{last.pk}/compte-rendu/"
        http_saves = []
        for i in range(args.runs):
            version = Minutes.objects.filter(meeting=last).values_list("version", flat=True).get()
            t = time.perf_counter()
            response = client.post(path, {"version": version, "s3": f"Contribution {i} depuis le téléphone, jeudi prochain à 10h"})
            http_saves.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 302, f"saving answered {response.status_code}"

        result = {
            "database": connection.vendor,
            "meetings_in_series": args.meetings,
            "tasks_carried": Task.objects.carried_to(last).count(),
            "minutes_queries": page["queries"],
            "minutes_html_gzip": page["html_gzip"],
            "minutes_median_ms": page["median_ms"],
            "minutes_p95_ms": page["p95_ms"],
            "minutes_sql": page["queries_sql"],
            "task_list_queries": task_list["queries"],
            "task_list_median_ms": task_list["median_ms"],
            "task_list_p95_ms": task_list["p95_ms"],
            "save_median_ms": round(statistics.median(saves), 2),
            "save_p95_ms": p95(saves),
            "save_http_median_ms": round(statistics.median(http_saves), 2),
            "save_http_p95_ms": p95(http_saves),
            "outcomes_on_last": args.outcomes,
            "attendance_sheet_queries": sheet["queries"],
            "dashboard_queries": dashboard["queries"],
            "dashboard_meetings_queries": len(meetings_sql),
            "dashboard_p95_ms": dashboard["p95_ms"],
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "meetings.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    over = [f"{k} = {result[k]} > {v}" for k, v in BUDGETS.items() if result[k] > v]
    for line in over:
        print("OVER BUDGET:", line)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

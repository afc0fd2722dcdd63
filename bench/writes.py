"""Concurrent writes against a real ``maillon serve`` (issue 14): no « database is locked » ever
reaches a person, and what was written is consistent.

    .venv/bin/python bench/writes.py                      # SQLite, 40 clients, port 8162
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/writes.py

It builds a throw-away instance (a temporary ``MAILLON_DATA_DIR`` with SQLite, or the database
``test_<NAME>`` on PostgreSQL, dropped at the end), migrates, loads the demo, starts
``maillon serve --workers 2 --with-worker`` and sends, all at once, from ``--clients`` people
(each with a session opened in-process as allauth would, see bench/load.py):

- a leave request (one day of « Congés payés ») through the procedure's form, signed;
- a booking through the agenda's form, all of them on the **same slot**: client i asks for
  resource i mod ``--resources``, so about clients/resources people fight for each room or item;
  exactly one must win (a redirect), the others must get the conflict message (never a 5xx);
- a contribution (an « information » point) to the minutes of a meeting they take part in;

while the approvers (coordinators, HR, the director) approve every step of those requests as soon
as it waits for them, through the decision form. Every answer is checked for a 5xx and for
« database is locked » / ``OperationalError``; so is the server's stderr. Then, server stopped,
the database: no two active bookings of a resource overlap, one winner per contested resource,
every approved request debited once in the leave ledger (and holding no days any more), no
debit for the others, one new point per accepted contribution. Prints the numbers (and writes
``bench/results/writes.json``); exits 1 on any 5xx, lock error, lost request or inconsistency, a
PostgreSQL deadlock (even one retried unseen: a lock-order bug) or an audit chain that no longer
verifies.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from load import CSRF, Connection  # noqa: E402  (the tiny keep-alive HTTP/1.1 client)

LOCKED = re.compile(rb"database is locked|OperationalError|database table is locked|Database busy on")
CONFLICT_TEXTS = ("Cette réservation est en conflit avec des réservations existantes.",
                  "Ce créneau vient d’être réservé par quelqu’un d’autre.")


# ---------------------------------------------------------------- the throw-away instance

def prepare(args) -> dict:
    """Environment, database, migrations and the demo; returns the server's environment."""
    os.environ["MAILLON_ENV"] = "development"
    os.environ["MAILLON_DATA_DIR"] = args.data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "maillon.settings"
    os.environ.pop("DEBUG", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from maillon.core import demo

    server_env = dict(os.environ, LOG_LEVEL="WARNING")
    if connection.vendor == "postgresql":
        from django.test.utils import setup_test_environment

        setup_test_environment()
        args.old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        parts = urlsplit(os.environ["DATABASE_URL"])
        server_env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))
    else:
        call_command("migrate", interactive=False, verbosity=0)
    demo.seed()
    connection.close()
    return server_env


def start_server(args, env) -> subprocess.Popen:
    args.stderr_path = Path(args.data_dir) / "server-stderr.log"
    stderr = open(args.stderr_path, "wb")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "maillon.cli", "serve", "--workers", str(args.workers), "--with-worker", "--port", str(args.port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
    deadline = time.time() + 120
    import urllib.request

    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"maillon serve stopped: {args.stderr_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/readyz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("maillon serve did not answer /readyz within 120 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# ---------------------------------------------------------------- the plan (in-process reads)

def weekday_without_holiday(first: date) -> date:
    from maillon.leave import counting

    day = first
    while day.weekday() >= 5 or counting.holidays_between(day, day):
        day += timedelta(days=1)
    return day


def plan(args) -> dict:
    from django.conf import settings
    from django.test import Client

    from maillon.accounts.models import Membership
    from maillon.agenda.models import Resource
    from maillon.meetings.models import Minutes
    from maillon.procedures.models import Procedure
    from maillon.testing import allauth_login

    members = list(Membership.objects.active().filter(organisation__slug=args.org).select_related("user").order_by("pk"))
    cookies: dict[str, str] = {}

    def session(user) -> str:
        if user.username not in cookies:
            client = Client()
            allauth_login(client, user)
            cookies[user.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return cookies[user.username]

    resources = list(Resource.objects.filter(organisation__slug=args.org, is_active=True, moderated=False, waits_for_procedure=False)
                     .order_by("pk")[: args.resources])
    writers = []  # (meeting id, user) of the participants of meetings whose minutes are a draft
    for minutes in Minutes.objects.filter(organisation__slug=args.org, status=Minutes.Status.DRAFT).select_related("meeting"):
        for participant in minutes.meeting.participants.select_related("membership__user"):
            if participant.membership.is_active:
                writers.append((minutes.meeting_id, participant.membership.user))
    if not (members and resources and writers):
        raise SystemExit("The demo lacks members, bookable resources or draft minutes")
    leave_day = weekday_without_holiday(date.today() + timedelta(days=120))
    booking_day = weekday_without_holiday(date.today() + timedelta(days=90))
    clients = []
    for i in range(args.clients):
        applicant = members[i % len(members)].user
        meeting_id, writer = writers[i % len(writers)]
        clients.append({
            "i": i, "applicant": applicant.username, "applicant_id": applicant.pk, "cookie": session(applicant),
            # a second round on the same people asks for the next week
            "leave_day": weekday_without_holiday(leave_day + timedelta(days=7 * (i // len(members)))),
            "resource": resources[i % len(resources)].pk, "writer": writer.username, "writer_cookie": session(writer),
            "meeting": meeting_id,
        })
    approvers = [m for m in Membership.objects.with_roles().active().filter(organisation__slug=args.org).select_related("user", "organisation")
                 if m.has_role("coordinator", "hr", "director", "supervisor")]
    procedure = Procedure.objects.get(organisation__slug=args.org, template_key="absence-conge")
    return {"clients": clients, "resources": [r.pk for r in resources], "booking_day": booking_day,
            "approvers": [(m, session(m.user)) for m in approvers], "procedure": procedure.slug,
            "started": datetime.now().astimezone()}


# ---------------------------------------------------------------- the run

class Run:
    def __init__(self, args, the_plan):
        self.args, self.plan = args, the_plan
        self.statuses: Counter = Counter()  # (action, outcome) → count
        self.errors: list[str] = []
        self.latencies: list[float] = []
        self.won: Counter = Counter()  # resource id → bookings accepted
        self.clients_done = False

    async def send(self, conn, action, method, path, fields=None):
        body = urlencode(fields, doseq=True).encode() if fields is not None else b""
        started = time.perf_counter()
        try:
            status, headers, payload = await asyncio.wait_for(
                conn.request(method, path, body, "application/x-www-form-urlencoded" if fields is not None else ""), self.args.timeout)
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
            self.errors.append(f"{action} {method} {path}: {type(exc).__name__}")
            conn.close()
            return None
        self.latencies.append(time.perf_counter() - started)
        if status >= 500:
            self.errors.append(f"{action} {method} {path}: HTTP {status}")
        if LOCKED.search(payload):
            self.errors.append(f"{action} {method} {path}: « {LOCKED.search(payload).group().decode()} » in the answer")
        return status, headers, payload

    async def form(self, conn, action, form_page, path, fields):
        got = await self.send(conn, action + " (form)", "GET", form_page)
        if got is None:
            return None
        match = CSRF.search(got[2])
        if match is None:
            self.errors.append(f"{action} {form_page}: HTTP {got[0]}, no form")
            return None
        return await self.send(conn, action, "POST", path, {"csrfmiddlewaretoken": match.group(1).decode(), **fields})

    def connection(self, cookie):
        return Connection("127.0.0.1", self.args.port, {"sessionid": cookie})

    async def submit_leave(self, c):
        from maillon.core.demo import DEMO_PASSWORD

        org, day = self.args.org, c["leave_day"].isoformat()
        path = f"/{org}/demarches/nouvelle/{self.plan['procedure']}/"
        conn = self.connection(c["cookie"])
        got = await self.form(conn, "leave", path, path, {
            "leave_type": "Congés payés", "period__start": day, "period__start_half": "morning", "period__end": day,
            "period__end_half": "afternoon", "action": "submit", "signature-password": DEMO_PASSWORD})
        conn.close()
        self.statuses["leave: " + ("sent" if got and got[0] == 302 else f"HTTP {got[0]}" if got else "no answer")] += 1

    async def book(self, c):
        org, resource = self.args.org, c["resource"]
        conn = self.connection(c["cookie"])
        got = await self.form(conn, "booking", f"/{org}/agenda/nouveau/", f"/{org}/agenda/nouveau/", {
            "title": f"Écriture concurrente {c['i']}", "kind": "booking", "day": self.plan["booking_day"].isoformat(),
            "start_time": "14:00", "end_time": "15:00", "resources": str(resource), "repeat": "", "sector": "", "place": "",
            "description": "", "overbook_reason": ""})
        conn.close()
        if got is None:
            outcome = "no answer"
        elif got[0] == 302:
            outcome = "booked"
            self.won[resource] += 1
        elif got[0] == 200 and any(text in got[2].decode() for text in CONFLICT_TEXTS):
            outcome = "conflict message"
        else:
            outcome = f"HTTP {got[0]} without the conflict message"
            self.errors.append(f"booking by client {c['i']}: {outcome}")
        self.statuses["booking: " + outcome] += 1

    async def contribute(self, c):
        org, meeting = self.args.org, c["meeting"]
        conn = self.connection(c["writer_cookie"])
        got = await self.form(conn, "contribution", f"/{org}/reunions/{meeting}/compte-rendu/",
                              f"/{org}/reunions/{meeting}/compte-rendu/points/",
                              {"item": "0", "kind": "information", "text": f"Point concurrent n° {c['i']}", "assignee": "", "due": ""})
        conn.close()
        outcome = "recorded" if got and got[0] == 302 else f"HTTP {got[0]}" if got else "no answer"
        if outcome != "recorded":
            self.errors.append(f"contribution by client {c['i']}: {outcome}")
        self.statuses["contribution: " + outcome] += 1

    async def client(self, c, start: asyncio.Event):
        await start.wait()
        # Each does the three at once: its own three connections, like three tabs.
        await asyncio.gather(self.submit_leave(c), self.book(c), self.contribute(c))

    async def approve(self, step_id, submission_id, cookie):
        from maillon.core.demo import DEMO_PASSWORD

        org = self.args.org
        conn = self.connection(cookie)
        got = await self.form(conn, "approval", f"/{org}/demarches/dossiers/{submission_id}/",
                              f"/{org}/demarches/dossiers/{submission_id}/decision/",
                              {"decision": "approve", "signature-password": DEMO_PASSWORD})
        conn.close()
        self.statuses["approval: " + ("decided" if got and got[0] == 302 else f"HTTP {got[0]}" if got else "no answer")] += 1

    def waiting_steps(self) -> list[tuple[int, int, str]]:
        """(step, submission, approver's cookie) of the steps of this run's requests waiting now."""
        from maillon.procedures import queries

        found, seen = [], set()
        for membership, cookie in self.plan["approvers"]:
            for step_id, submission_id in (queries.queue(membership).filter(submission__created_at__gte=self.plan["started"],
                                                                            submission__version__procedure__slug=self.plan["procedure"])
                                           .values_list("pk", "submission_id")):
                if step_id not in seen:
                    seen.add(step_id)
                    found.append((step_id, submission_id, cookie))
        return found

    async def approvers(self):
        """Approve each waiting step as soon as it shows, alongside the clients, until they are
        done and nothing waits any more. A step is tried once (a refusal stays a refusal)."""
        from asgiref.sync import sync_to_async

        tried, running = set(), set()
        while True:
            # Nothing in flight before this look: it sees every step opened so far. (Deciding after
            # it let the last approval finish in between and its next step go unapproved.)
            idle = self.clients_done and not running
            waiting = await sync_to_async(self.waiting_steps)()
            new = [(step_id, submission_id, cookie) for step_id, submission_id, cookie in waiting if step_id not in tried]
            for step_id, submission_id, cookie in new:
                tried.add(step_id)
                task = asyncio.create_task(self.approve(step_id, submission_id, cookie))
                running.add(task)
                task.add_done_callback(running.discard)
            if idle and not new:
                return
            await asyncio.sleep(0.3)

    async def main(self):
        start = asyncio.Event()
        clients = [asyncio.create_task(self.client(c, start)) for c in self.plan["clients"]]
        approving = asyncio.create_task(self.approvers())
        started = time.perf_counter()
        start.set()
        await asyncio.gather(*clients)
        self.clients_done = True
        await approving
        return time.perf_counter() - started


# ---------------------------------------------------------------- the database afterwards

def check_database(run: Run) -> tuple[dict, list[str]]:
    from maillon.agenda.models import Allocation
    from maillon.leave.models import LedgerEntry, PendingRequest
    from maillon.meetings.models import Outcome
    from maillon.procedures.models import Submission

    problems = []
    org, the_plan = run.args.org, run.plan
    # 1. No two active bookings of a resource overlap (the buffer included), anywhere in the organisation.
    rows = sorted(Allocation.objects.filter(organisation__slug=org, active=True, resource__isnull=False)
                  .values_list("resource_id", "start", "block_end", "pk"))
    overlaps, latest = [], {}  # resource → (the furthest block end so far, its booking)
    for resource, start, block_end, pk in rows:
        if resource in latest and start < latest[resource][0]:
            overlaps.append((latest[resource][1], pk))
        if resource not in latest or block_end > latest[resource][0]:
            latest[resource] = (block_end, pk)
    if overlaps:
        problems.append(f"{len(overlaps)} overlapping active bookings: {overlaps[:5]}")
    # 2. One winner per contested resource, the one in the database.
    for resource in the_plan["resources"]:
        contenders = sum(1 for c in the_plan["clients"] if c["resource"] == resource)
        stored = Allocation.objects.filter(resource_id=resource, active=True, occurrence__event__title__startswith="Écriture concurrente").count()
        if contenders and (run.won[resource] != 1 or stored != 1):
            problems.append(f"resource {resource}: {run.won[resource]} bookings accepted, {stored} in the database, for {contenders} contenders")
    # 3. The leave requests: every approved one debited once and holding nothing; the others never debited.
    ours = list(Submission.objects.filter(created_at__gte=the_plan["started"], version__procedure__slug=the_plan["procedure"])
                .values_list("pk", "status"))
    statuses = Counter(status for _pk, status in ours)
    debits = Counter(LedgerEntry.objects.filter(organisation__slug=org, kind=LedgerEntry.Kind.DEBIT,
                                                reference__in=[f"procedures.submission:{pk}" for pk, _s in ours]).values_list("reference", flat=True))
    holds = Counter(PendingRequest.objects.filter(organisation__slug=org, reference__in=[f"procedures.submission:{pk}" for pk, _s in ours])
                    .values_list("reference", flat=True))
    for pk, status in ours:
        ref = f"procedures.submission:{pk}"
        expected = 1 if status == Submission.Status.APPROVED else 0
        if debits[ref] != expected:
            problems.append(f"request {pk} ({status}): {debits[ref]} debits in the ledger, {expected} expected")
        if status == Submission.Status.APPROVED and holds[ref]:
            problems.append(f"request {pk} approved but still holding days")
    sent = run.statuses["leave: sent"]
    if len([s for _pk, s in ours if s != Submission.Status.DRAFT]) != sent:
        problems.append(f"{sent} leave requests sent (redirect) but {len(ours)} in the database ({dict(statuses)})")
    if statuses.get(Submission.Status.APPROVED, 0) != sent:
        problems.append(f"{sent} leave requests sent, {statuses.get(Submission.Status.APPROVED, 0)} approved at the end ({dict(statuses)})")
    # 4. One point per accepted contribution, numbers never shared.
    points = Outcome.objects.filter(organisation__slug=org, text__startswith="Point concurrent n° ")
    if points.count() != run.statuses["contribution: recorded"]:
        problems.append(f"{run.statuses['contribution: recorded']} contributions accepted, {points.count()} in the database")
    numbered = Counter(Outcome.objects.filter(organisation__slug=org, number__isnull=False).values_list("register", "year", "number"))
    if any(n > 1 for n in numbered.values()):
        problems.append("two points share a register number")
    # 5. The audit log is still one unbroken chain, its head matching its last entry (maillon audit verify).
    from maillon.audit.services import verify_chain

    chain = verify_chain()
    if not chain.ok:
        problems.append(f"audit chain: entry {chain.first_bad_id} {chain.reason} {chain.problems}")
    return {"requests_by_status": dict(statuses), "ledger_debits": sum(debits.values()), "overlapping_bookings": len(overlaps),
            "points_stored": points.count(), "audit_entries_verified": chain.checked}, problems


WORKER_RETRY = b"Worker: the database is busy"  # the task worker waits and claims again: nobody sees it
TRIED_AGAIN = b": trying again"  # core.busy.retry_when_busy: a transaction rolled back whole and run again


def server_log_errors(args) -> tuple[list[str], dict]:
    """The lines of the server's stderr that tell of a lock error or a traceback, and what was
    retried without anybody seeing it: the task worker meeting a busy database while claiming a
    task, a request's transaction chosen as a deadlock's victim (PostgreSQL) and run again."""
    lines = args.stderr_path.read_bytes().splitlines()
    hits = [line.decode(errors="replace") for line in lines
            if (LOCKED.search(line) or b"Traceback" in line) and WORKER_RETRY not in line and TRIED_AGAIN not in line]
    return hits, {"worker_retries": sum(WORKER_RETRY in line for line in lines),
                  "transactions_tried_again": sum(TRIED_AGAIN in line for line in lines),
                  "deadlocks": sum(b"deadlock detected" in line for line in lines)}


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--resources", type=int, default=4, help="contested rooms and items (clients are spread over them)")
    parser.add_argument("--port", type=int, default=8162)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--org", default="les-tilleuls")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds one request may take before it counts as lost")
    parser.add_argument("--keep", action="store_true", help="keep the data directory (and the server's stderr) afterwards")
    args = parser.parse_args(argv)
    args.data_dir = tempfile.mkdtemp(prefix="maillon-writes-")
    args.old_name = None
    began = time.perf_counter()
    server = None
    try:
        server_env = prepare(args)
        server = start_server(args, server_env)
        the_plan = plan(args)
        from django.db import connection

        connection.close()
        run = Run(args, the_plan)
        elapsed = asyncio.run(run.main())
        stop_server(server)
        facts, problems = check_database(run)
        log_hits, retries = server_log_errors(args)
        result = {
            "database": connection.vendor, "clients": args.clients, "workers": args.workers, "contested_resources": len(the_plan["resources"]),
            "seconds": round(elapsed, 1), "requests": len(run.latencies),
            "p50_ms": round(percentile(run.latencies, 50) * 1000), "p95_ms": round(percentile(run.latencies, 95) * 1000),
            "max_ms": round(max(run.latencies, default=0) * 1000),
            "outcomes": dict(sorted(run.statuses.items())), **facts,
            "errors": run.errors[:20], "error_count": len(run.errors), "server_log": log_hits[:20], **retries, "inconsistencies": problems,
            "setup_seconds": round(time.perf_counter() - began - elapsed, 1),
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "writes.json").write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
        failed = bool(run.errors or log_hits or problems or retries["deadlocks"])  # a deadlock retried is still a lock-order bug
        print("FAILED" if failed else "OK: no 5xx, no lock error, consistent", file=sys.stderr)
        return 1 if failed else 0
    finally:
        if server is not None:
            stop_server(server)
        drop(args)


def drop(args) -> None:
    """The throw-away instance of prepare(): its PostgreSQL database, and its data directory
    unless ``--keep``."""
    if args.old_name:
        from django.db import connection

        with connection.cursor() as cursor:  # the approvers' thread may still hold a session on it
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                           [connection.settings_dict["NAME"]])
        connection.close()
        connection.creation.destroy_test_db(args.old_name, verbosity=0)
    if not args.keep:
        shutil.rmtree(args.data_dir, ignore_errors=True)
    else:
        print(f"data kept in {args.data_dir}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

"""Maillon load test: many logged-in people at once against a running ``maillon serve``.

Run it next to a running instance, with the same environment (MAILLON_DATA_DIR or DATABASE_URL)
so it can open sessions for the demo's people (it never types passwords over HTTP: each virtual
person gets a session as allauth's login would give it, see maillon.testing.allauth_login):

    python3 bootstrap.py demo &                       # the newcomer's command, port 8000
    .venv/bin/python bench/load.py                     # 20 people, no think time, dashboard, 30 s
    .venv/bin/python bench/load.py --mix realistic --users 200 --think 5 --duration 120

``--mix dashboard``: every person reloads the dashboard as fast as the server answers.
``--mix realistic``: dashboard, my leave, agenda week, a meeting, search, with a think time
(uniform between 0.5× and 1.5× ``--think``), and a writer that submits one leave request per
minute (``--writes-per-minute``) through the real form and has each approver of its chain approve
it through the real decision form (coordinator → HR → director). Prints requests/s, p50/p95/p99
and every error (5xx, a timeout, a lost session, « database is locked » in a page), and writes
``bench/results/load-<mix>.json``. Exit 1 when a budget given with ``--p95-budget`` or
``--rps-budget`` is missed or when any error happened.

The client is a small asyncio HTTP/1.1 client (keep-alive, one connection per person): no
dependency, and light enough that two cores still mostly go to the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SEARCH_TERMS = ["congés", "réunion", "planning", "salle", "note", "vacances", "bureau", "fête", "sortie", "atelier"]


# ---------------------------------------------------------------- sessions (in-process Django)

def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillon.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@dataclass
class Person:
    username: str
    user_id: int
    cookie: str
    meetings: list[str] = field(default_factory=list)


def open_sessions(org_slug: str, count: int) -> tuple[list[Person], dict]:
    """One session per virtual person, cycling over the organisation's active members."""
    from django.conf import settings
    from django.test import Client

    from maillon.accounts.models import Membership
    from maillon.meetings.models import Participant
    from maillon.testing import allauth_login

    members = list(Membership.objects.active().filter(organisation__slug=org_slug).select_related("user").order_by("pk"))
    if not members:
        raise SystemExit(f"No active member in « {org_slug} »: is the demo loaded in this environment?")
    meetings: dict[int, list[str]] = {}
    for user_id, meeting_id in Participant.objects.filter(meeting__organisation__slug=org_slug, meeting__cancelled_at__isnull=True,
                                                           membership__user__in=[m.user for m in members]).values_list("membership__user_id", "meeting_id"):
        meetings.setdefault(user_id, []).append(f"/{org_slug}/reunions/{meeting_id}/")
    people, by_user = [], {}
    for i in range(count):
        membership = members[i % len(members)]
        client = Client()
        allauth_login(client, membership.user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        person = Person(membership.user.username, membership.user_id, cookie, meetings.get(membership.user_id, []))
        people.append(person)
        by_user.setdefault(membership.user_id, person)
    return people, by_user


def browser_cookies(session: str) -> dict[str, str]:
    """A returning browser's cookies: its session, and the stylesheet it already has (pages link it
    instead of carrying it inline as on a first visit: core/first_visit.py)."""
    from maillon.core.first_visit import COOKIE, stylesheet

    found = stylesheet()
    return {"sessionid": session, **({COOKIE: found[2]} if found is not None else {})}


# ---------------------------------------------------------------- a tiny HTTP/1.1 client

class Connection:
    def __init__(self, host: str, port: int, cookies: dict[str, str]):
        self.host, self.port, self.cookies = host, port, dict(cookies)
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"", content_type: str = "") -> tuple[int, dict, bytes]:
        for attempt in (1, 2):  # a keep-alive connection the server closed is opened again once
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
                return await self._exchange(method, path, body, content_type)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, method, path, body, content_type):
        headers = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept-Encoding: identity",
                   "User-Agent: maillon-load", f"Referer: http://{self.host}:{self.port}{path}"]
        if self.cookies:
            headers.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body or method == "POST":
            headers += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        response_headers: dict[str, list[str]] = {}
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            response_headers.setdefault(name.strip().lower(), []).append(value.strip())
        if "content-length" in response_headers:
            payload = await self.reader.readexactly(int(response_headers["content-length"][0]))
        elif "chunked" in response_headers.get("transfer-encoding", [""])[0]:
            payload = b""
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                payload += await self.reader.readexactly(size)
                await self.reader.readuntil(b"\r\n")
            await self.reader.readuntil(b"\r\n")
        else:
            payload = await self.reader.read()
            self.close()
        for cookie in response_headers.get("set-cookie", []):
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        if "close" in response_headers.get("connection", [""])[0].lower():
            self.close()
        return status, response_headers, payload

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# ---------------------------------------------------------------- the run

@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    writes: dict[str, int] = field(default_factory=lambda: {"submitted": 0, "refused_by_form": 0, "approved": 0, "decisions": 0})

    def record(self, page: str, seconds: float) -> None:
        self.latencies.setdefault(page, []).append(seconds)

    def all(self) -> list[float]:
        return [x for values in self.latencies.values() for x in values]


async def fetch(conn: Connection, stats: Stats, page: str, method: str, path: str, body: bytes = b"", content_type: str = "",
                expect=(200,)) -> tuple[int, dict, bytes] | None:
    started = time.perf_counter()
    try:
        status, headers, payload = await asyncio.wait_for(conn.request(method, path, body, content_type), timeout=30)
    except (TimeoutError, ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
        stats.errors.append(f"{page} {path}: {type(exc).__name__}")
        conn.close()
        return None
    stats.record(page, time.perf_counter() - started)
    if b"database is locked" in payload:
        stats.errors.append(f"{page} {path}: « database is locked » in the page")
    if status not in expect:
        where = headers.get("location", [""])[0]
        stats.errors.append(f"{page} {path}: HTTP {status}{' → ' + where if where else ''}")
    return status, headers, payload


def pages_for(org: str, mix: str, person: Person) -> list[tuple[str, str, float]]:
    if mix == "dashboard":
        return [("dashboard", f"/{org}/tableau-de-bord/", 1.0)]
    monday = date.today() - timedelta(days=date.today().weekday())
    pages = [("dashboard", f"/{org}/tableau-de-bord/", 0.35), ("my leave", f"/{org}/conges/", 0.15),
             ("agenda week", f"/{org}/agenda/?{urlencode({'vue': 'semaine', 'date': monday.isoformat()})}", 0.20),
             ("search", None, 0.15)]
    if person.meetings:
        pages.append(("a meeting", None, 0.15))
    return pages


async def browse(person: Person, args, stats: Stats, deadline: float) -> None:
    conn = Connection(args.host, args.port, browser_cookies(person.cookie))
    pages = pages_for(args.org, args.mix, person)
    weights = [w for *_, w in pages]
    if args.think:
        await asyncio.sleep(random.uniform(0, args.think))  # people do not all click at the same second
    while time.perf_counter() < deadline:
        name, path, _ = random.choices(pages, weights)[0]
        if name == "search":
            path = f"/{args.org}/recherche/?{urlencode({'q': random.choice(SEARCH_TERMS)})}"
        elif name == "a meeting":
            path = random.choice(person.meetings)
        await fetch(conn, stats, name, "GET", path)
        if args.think:
            await asyncio.sleep(random.uniform(0.5 * args.think, 1.5 * args.think))
    conn.close()


CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


async def post_form(conn, stats, page, path, fields: dict, expect=(200, 302), form_page=None):
    """GET the page that shows the form (``form_page``, else ``path``), then POST it with its CSRF token."""
    got = await fetch(conn, stats, page + " (form)", "GET", form_page or path)
    if got is None or not (match := CSRF.search(got[2])):
        stats.errors.append(f"{page} {path}: no CSRF token on the form")
        return None
    body = urlencode({"csrfmiddlewaretoken": match.group(1).decode(), **fields}).encode()
    return await fetch(conn, stats, page, "POST", path, body, "application/x-www-form-urlencoded", expect=expect)


def waiting_approver(submission_id: int, by_user: dict) -> int | None:
    """Who may decide the submission's waiting step now (read in-process: the load is HTTP)."""
    from maillon.accounts.models import Membership
    from maillon.procedures import queries

    for membership in Membership.objects.active().filter(user_id__in=list(by_user)).select_related("organisation", "user"):
        if queries.queue(membership).filter(submission_id=submission_id).exists():
            return membership.user_id
    return None


async def write_leave(args, stats: Stats, by_user: dict, deadline: float, password: str) -> None:
    """Once every 60/writes-per-minute seconds: someone asks for a day of leave through the form,
    then each approver of the chain approves it through the decision form."""
    from asgiref.sync import sync_to_async

    from maillon.procedures.models import Procedure, Submission

    procedure = await sync_to_async(lambda: Procedure.objects.get(organisation__slug=args.org, template_key="absence-conge"))()
    path = f"/{args.org}/demarches/nouvelle/{procedure.slug}/"
    applicants = list(by_user.values())
    period = 60.0 / args.writes_per_minute
    n = 0
    while time.perf_counter() + 5 < deadline:
        started = time.perf_counter()
        person = applicants[n % len(applicants)]
        # A weekday far enough ahead that the applicant has no leave yet: one per week per run.
        day = date.today() + timedelta(days=70 + 7 * (n // len(applicants)) + (n % 5) - date.today().weekday())
        n += 1
        conn = Connection(args.host, args.port, browser_cookies(person.cookie))
        before = await sync_to_async(lambda u=person.user_id: set(Submission.objects.filter(applicant_id=u).values_list("pk", flat=True)))()
        fields = {"leave_type": "Congés payés", "period__start": day.isoformat(), "period__start_half": "morning",
                  "period__end": day.isoformat(), "period__end_half": "afternoon", "action": "submit", "signature-password": password}
        await post_form(conn, stats, "submit leave", path, fields)
        conn.close()
        new = await sync_to_async(lambda u=person.user_id, seen=before: list(Submission.objects.filter(applicant_id=u).exclude(pk__in=seen)
                                                               .values_list("pk", "status")))()
        if not new or new[0][1] != Submission.Status.PENDING:
            stats.writes["refused_by_form"] += 1
        else:
            stats.writes["submitted"] += 1
            pk = new[0][0]
            for _ in range(5):  # coordinator → HR → director (and a margin)
                approver = await sync_to_async(waiting_approver)(pk, by_user)
                if approver is None:
                    break
                conn = Connection(args.host, args.port, browser_cookies(by_user[approver].cookie))
                await post_form(conn, stats, "approve", f"/{args.org}/demarches/dossiers/{pk}/decision/",
                                {"decision": "approve", "signature-password": password}, form_page=f"/{args.org}/demarches/dossiers/{pk}/")
                conn.close()
                stats.writes["decisions"] += 1
            status = await sync_to_async(lambda pk=pk: Submission.objects.get(pk=pk).status)()
            stats.writes["approved"] += status == Submission.Status.APPROVED
        await asyncio.sleep(max(0.0, period - (time.perf_counter() - started)))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else 0.0


async def run(args, people: list[Person], by_user: dict) -> dict:
    from maillon.core.demo import DEMO_PASSWORD

    stats = Stats()
    started = time.perf_counter()
    deadline = started + args.duration
    tasks = [browse(p, args, stats, deadline) for p in people]
    if args.mix == "realistic" and args.writes_per_minute > 0:
        tasks.append(write_leave(args, stats, by_user, deadline, DEMO_PASSWORD))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    every = stats.all()
    ms = lambda s: round(s * 1000, 1)  # noqa: E731
    return {
        "url": args.url, "mix": args.mix, "users": args.users, "think_s": args.think, "duration_s": round(elapsed, 1),
        "requests": len(every), "rps": round(len(every) / elapsed, 1),
        "p50_ms": ms(percentile(every, 50)), "p95_ms": ms(percentile(every, 95)), "p99_ms": ms(percentile(every, 99)),
        "max_ms": ms(max(every, default=0)),
        "pages": {name: {"n": len(v), "p50_ms": ms(statistics.median(v)), "p95_ms": ms(percentile(v, 95))}
                  for name, v in sorted(stats.latencies.items())},
        "writes": stats.writes if args.mix == "realistic" else {},
        "errors": len(stats.errors), "error_samples": stats.errors[:20],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--org", default="les-tilleuls")
    parser.add_argument("--mix", choices=["dashboard", "realistic"], default="dashboard")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--think", type=float, default=0.0, help="mean think time in seconds (0: none)")
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--writes-per-minute", type=float, default=1.0)
    parser.add_argument("--p95-budget", type=float, help="exit 1 if p95 (ms) is above")
    parser.add_argument("--rps-budget", type=float, help="exit 1 if requests/s is below")
    args = parser.parse_args(argv)
    split = urlsplit(args.url)
    args.host, args.port = split.hostname, split.port or 80
    setup_django()
    people, by_user = open_sessions(args.org, args.users)  # before the event loop: the ORM is synchronous
    result = asyncio.run(run(args, people, by_user))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"load-{args.mix}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    failed = bool(result["errors"])
    failed |= args.p95_budget is not None and result["p95_ms"] > args.p95_budget
    failed |= args.rps_budget is not None and result["rps"] < args.rps_budget
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

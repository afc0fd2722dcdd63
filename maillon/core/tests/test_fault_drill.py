"""Fault drill: two application nodes behind a reverse proxy, two workers, people at work, and
one node and one worker killed (SIGKILL) in the middle.

- Six logged-in people (``requests.Session`` through the proxy) each loop: open the dashboard,
  sign and send an « Acompte sur salaire » (its motive carries a unique mark), book a room of
  their own through the API (its title carries the mark). Sending a procedure tells the sector's
  coordinator, so the workers have e-mails to send meanwhile.
- The proxy (below, test only: nginx or Caddy are not on every machine) sends each request to the
  next node in turn; a GET refused by a dead node is sent to the other one, a POST never is.
- Slow tasks of the drill (they write « start » and « end » lines to a journal) are queued; once
  each worker holds one, node A and worker B are killed with SIGKILL and the load goes on.
- Then: every write that was answered 2xx/3xx is in the database, node B still serves (directly
  and through the proxy), the task worker B was running is taken again by worker A after the
  lease and finishes there, no task ran to its end twice, every task of the drill succeeded.

Counts are printed (run with ``-s``). PostgreSQL and Redis only, like test_cluster.py.
"""

from __future__ import annotations

import http.client
import itertools
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import RequestFactory, override_settings
from django.utils import timezone
from django_tasks import task

from maillon.core.tests.test_cluster import Cluster, free_port, log_in
from maillon.core.tests.test_cluster import pytestmark as cluster_marks
from maillon.testing import TEST_PASSWORD, make_member

pytestmark = [cluster_marks, pytest.mark.django_db(transaction=True)]  # the nodes see what the test commits

PEOPLE = 6
LOAD_SECONDS = 8.0  # before the kills, and again after them
DRILL_TASKS = 6
DRILL_TASK_SECONDS = 2.0
LEASE_SECONDS = 6  # a starved heartbeat thread on a loaded machine must not lose its task
ORG = "essais"
PARIS = ZoneInfo("Europe/Paris")


# ---- the drill's own background task ------------------------------------------------------------

def _journal(path: str, line: str) -> None:
    with open(path, "a") as journal:  # one short append: whole lines, whichever process writes
        journal.write(line + "\n")


@task()
def drill_task(label: str, journal: str, seconds: float) -> str:
    """Runs in a ``maillon worker``: says when it starts and when it ends, and which process."""
    _journal(journal, f"start {label} {os.getpid()}")
    time.sleep(seconds)
    _journal(journal, f"end {label} {os.getpid()}")
    return label


# ---- the reverse proxy --------------------------------------------------------------------------

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "content-length"}


class Proxy(ThreadingHTTPServer):
    """Round robin over the nodes. A node that refuses the connection is skipped for a GET or a
    HEAD (nothing reached it, and reading twice is harmless); any other failure, and any failure
    of a POST, is a 502 for the client, who then does not count the request as accepted."""

    daemon_threads = True

    def __init__(self, node_ports: list[int]):
        self.port = free_port()
        self.node_ports = node_ports
        self.turn = itertools.count()
        self.retried = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", self.port), ProxyHandler)
        threading.Thread(target=self.serve_forever, name="drill-proxy", daemon=True).start()

    def order(self) -> list[int]:
        with self.lock:
            first = next(self.turn) % len(self.node_ports)
        return self.node_ports[first:] + self.node_ports[:first]

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class ProxyHandler(BaseHTTPRequestHandler):
    server: Proxy

    def log_message(self, *args):  # quiet
        pass

    def forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        for attempt, port in enumerate(self.server.order()):
            upstream = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                answer = upstream.getresponse()
                content = answer.read()
            except ConnectionRefusedError:
                if self.command in ("GET", "HEAD"):
                    with self.server.lock:
                        self.server.retried += attempt == 0
                    continue
                return self.send_error(502)
            except (OSError, http.client.HTTPException):  # the node died with the request
                return self.send_error(502)
            finally:
                upstream.close()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
            return None
        return self.send_error(502)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = forward


# ---- the people at work -------------------------------------------------------------------------

@dataclass
class Outcome:
    kind: str  # read, procedure, booking
    mark: str
    status: int  # 0: the client got no answer at all

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 400


@dataclass
class Load:
    base: str
    procedure_slug: str
    rooms: list[int]
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def record(self, kind: str, mark: str, send, *args, **kwargs) -> None:
        try:
            status = send(*args, timeout=60, **kwargs).status_code
        except requests.RequestException:
            status = 0
        with self.lock:
            self.outcomes.append(Outcome(kind, mark, status))

    def person(self, index: int, session: requests.Session) -> None:
        for n in itertools.count(1):
            if self.stop.is_set():
                return
            mark = f"drill-{index}-{n}"
            csrf = session.cookies["csrftoken"]
            self.record("read", mark, session.get, f"{self.base}/{ORG}/tableau-de-bord/")
            self.record("procedure", mark, session.post, f"{self.base}/{ORG}/demarches/nouvelle/{self.procedure_slug}/",
                        data={"csrfmiddlewaretoken": csrf, "montant": "150.00", "motif": mark, "date_souhaitee": "2031-01-15",
                              "action": "submit", "signature-password": TEST_PASSWORD},
                        headers={"Referer": f"{self.base}/{ORG}/demarches/"}, allow_redirects=False)
            start = datetime.combine(date(2031, 1, 6) + timedelta(days=n), datetime.min.time(), PARIS).replace(hour=10)
            self.record("booking", mark, session.post, f"{self.base}/api/v1/agenda/bookings",
                        json={"title": mark, "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat(),
                              "resources": [self.rooms[index]]},
                        headers={"X-Organisation": ORG, "X-CSRFToken": csrf})


# ---- setting the scene --------------------------------------------------------------------------

def acompte(people) -> str:
    """« Acompte sur salaire » published in the organisation, with its chain's people."""
    from maillon.accounts.models import Membership
    from maillon.accounts.roles import Role
    from maillon.procedures import services

    people.with_role(Role.COORDINATOR, sector_name="Secteur Enfance")
    hr = people.with_role(Role.HR, sector_name=None)
    people.with_role(Role.DIRECTOR, sector_name=None)
    request = RequestFactory().post("/")
    request.user, request.organisation = hr, people.org
    request.membership = Membership.objects.with_roles().get(user=hr, organisation=people.org)
    from django.contrib.sessions.backends.db import SessionStore

    request.session = SessionStore()
    return services.enable_template(request, "acompte-salaire").slug


def staff(people) -> list:
    hasher = Argon2PasswordHasher()
    password = hasher.encode(TEST_PASSWORD, hasher.salt())  # the nodes check passwords with Argon2
    users = [make_member(people.org, sector_name="Secteur Enfance", username=f"exercice{i}") for i in range(PEOPLE)]
    for user in users:
        user.password = password
        user.save(update_fields=["password"])
    return users


def rooms(people) -> list[int]:
    from maillon.agenda.models import Resource

    return [Resource.objects.create(organisation=people.org, name=f"Salle d'exercice {i}", kind=Resource.Kind.ROOM,
                                    category=Resource.Category.MEETING_ROOM).pk for i in range(PEOPLE)]


def wait_for(condition, timeout: float, what: str):
    """``condition()`` → (done, value), asked every 0.1 s; the value once done."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, value = condition()
        if done:
            return value
        time.sleep(0.1)
    raise AssertionError(f"still waiting after {timeout} s: {what}")


def finished(queryset, *, statuses=("SUCCESSFUL",)):
    """A condition for wait_for: every task row of ``queryset`` is in one of ``statuses``."""

    def condition():
        rows = list(queryset.all())
        return all(row.status in statuses for row in rows), rows

    return condition


# ---- the drill ----------------------------------------------------------------------------------

def test_fault_drill_a_node_and_a_worker_killed_under_load(people, tmp_path):
    from django_tasks_db.models import DBTaskResult

    from maillon.agenda.models import Event
    from maillon.core.models import PeriodicRun, WorkerHeartbeat
    from maillon.procedures.models import Submission

    slug, users, room_ids = acompte(people), staff(people), rooms(people)
    journal = str(tmp_path / "journal.txt")
    nodes = Cluster(tmp_path, env={"MAILLON_WEB_WORKERS": "1", "MAILLON_TASK_LEASE_SECONDS": str(LEASE_SECONDS),
                                   "MAILLON_WORKER_HEARTBEAT_SECONDS": "0.5"})
    proxy, load = None, None
    try:
        started = time.monotonic()
        nodes.wait_until_up()
        proxy = Proxy(nodes.ports)
        base = f"http://127.0.0.1:{proxy.port}"
        sessions = [log_in(proxy.port, user.username) for user in users]
        tasks_before = set(DBTaskResult.objects.values_list("pk", flat=True))
        drill_started = time.monotonic()
        print(f"\nfault drill: {len(nodes.ports)} nodes and {len(nodes.workers)} workers up in {drill_started - started:.1f} s")

        load = Load(base, slug, room_ids)
        threads = [threading.Thread(target=load.person, args=(i, s), name=f"person-{i}", daemon=True) for i, s in enumerate(sessions)]
        for thread in threads:
            thread.start()
        time.sleep(LOAD_SECONDS)

        # Slow tasks, until each worker holds one; then node A and worker B die.
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            labels = {drill_task.enqueue(f"t{i}", journal, DRILL_TASK_SECONDS).id: f"t{i}" for i in range(DRILL_TASKS)}
        node_a, worker_a_process, worker_b_process = nodes.nodes[0], nodes.workers[0], nodes.workers[1]
        pids = [worker_a_process.pid, worker_b_process.pid]

        def both_beating():
            beats = dict(WorkerHeartbeat.objects.filter(pid__in=pids).values_list("pid", "worker_id"))
            return len(beats) == 2, beats

        worker_id = wait_for(both_beating, 30, "both workers' heartbeats")
        worker_a, worker_b = worker_id[worker_a_process.pid], worker_id[worker_b_process.pid]

        def held_by_b():
            for row in DBTaskResult.objects.filter(pk__in=list(labels), status="RUNNING"):
                if row.worker_ids and row.worker_ids[-1] == worker_b:
                    return True, str(row.pk)
            return False, None

        interrupted = wait_for(held_by_b, 30, "worker B running a drill task")

        def begun():  # claimed is not yet running: wait for its « start » line, written by B
            lines = Path(journal).read_text().splitlines() if Path(journal).exists() else []
            return f"start {labels[interrupted]} {worker_b_process.pid}" in lines, None

        wait_for(begun, 30, "worker B starting its drill task")
        node_a.kill()
        worker_b_process.kill()
        killed_at = timezone.now()
        time.sleep(LOAD_SECONDS)
        load.stop.set()
        for thread in threads:
            thread.join(90)

        # The remaining node serves, directly and through the proxy (a GET sent to A goes to B).
        assert requests.get(f"http://127.0.0.1:{nodes.ports[1]}/healthz", timeout=10).status_code == 200
        for _ in range(2):
            page = sessions[0].get(f"{base}/{ORG}/tableau-de-bord/", timeout=60)
            assert page.status_code == 200 and "Centre social des Essais" in page.text
        assert proxy.retried >= 1, "no GET met the dead node"

        # Every task of the drill ends, the interrupted one on worker A after the lease.
        drill_rows = wait_for(finished(DBTaskResult.objects.filter(pk__in=list(labels))),
                              LEASE_SECONDS + DRILL_TASKS * DRILL_TASK_SECONDS + 20, "every drill task finished")
        taken_again = next(r for r in drill_rows if str(r.pk) == interrupted)
        assert taken_again.worker_ids == [worker_b, worker_a]
        events = [line.split() for line in Path(journal).read_text().splitlines()]
        ends = Counter(label for kind, label, _pid in events if kind == "end")
        starts = Counter(label for kind, label, _pid in events if kind == "start")
        assert ends == Counter(labels.values()), "a drill task ran to its end twice, or never"
        assert [pid for kind, label, pid in events if kind == "end" and label == labels[interrupted]] == [str(worker_a_process.pid)]
        assert starts == Counter({**Counter(labels.values()), labels[interrupted]: 2})

        # The load's own tasks (e-mails to the coordinator): each ran once, or again only if worker B
        # had it when it died; none left behind.
        load_rows = wait_for(finished(DBTaskResult.objects.exclude(pk__in=[*tasks_before, *labels]), statuses=("SUCCESSFUL", "FAILED")),
                             LEASE_SECONDS + 30, "every e-mail task finished")
        assert all(r.status == "SUCCESSFUL" for r in load_rows), [(r.task_path, r.status) for r in load_rows if r.status != "SUCCESSFUL"]
        runs = Counter(len(r.worker_ids) for r in load_rows)
        assert all(len(r.worker_ids) == 1 or r.worker_ids == [worker_b, worker_a] for r in load_rows), runs
        periodic = list(PeriodicRun.objects.values_list("job", "period"))
        assert len(periodic) == len(set(periodic))

        # No accepted write lost.
        writes = [o for o in load.outcomes if o.kind != "read"]
        accepted = [o for o in writes if o.accepted]
        submitted = set(Submission.objects.filter(data__motif__startswith="drill-").exclude(status="draft")
                        .values_list("data__motif", flat=True))
        booked = set(Event.objects.filter(title__startswith="drill-").values_list("title", flat=True))
        found = {"procedure": submitted, "booking": booked}
        lost = [o for o in accepted if o.mark not in found[o.kind]]
        reads = [o for o in load.outcomes if o.kind == "read"]
        drill_seconds = time.monotonic() - drill_started
        print(
            f"fault drill: {len(load.outcomes)} requests ({len(reads)} pages, {sum(o.accepted for o in reads)} answered; "
            f"{len(writes)} writes), {len(accepted)} accepted writes ({sum(o.kind == 'procedure' for o in accepted)} procedures "
            f"signed and sent, {sum(o.kind == 'booking' for o in accepted)} bookings), found after: "
            f"{len(accepted) - len(lost)} of {len(accepted)}, {len(submitted) + len(booked) - (len(accepted) - len(lost))} more "
            f"saved whose answer was lost; refused by the proxy or unanswered: "
            f"{sum(o.status in (0, 502) for o in load.outcomes)}; GETs sent to the other node: {proxy.retried}; "
            f"e-mail tasks {len(load_rows)} (runs per task: {dict(runs)}); drill tasks {len(drill_rows)}, "
            f"the one worker B was running finished on worker A {(taken_again.finished_at - killed_at).total_seconds():.1f} s "
            f"after the kill (lease {LEASE_SECONDS} s); "
            f"drill {drill_seconds:.1f} s")
        assert not lost, lost
        assert len(accepted) >= PEOPLE, "the load hardly ran"
        statuses = Counter((o.kind, o.status) for o in load.outcomes)
        assert not [k for k in statuses if k[1] not in (0, 200, 201, 302, 502)], statuses
    finally:
        if load is not None:
            load.stop.set()
        if proxy is not None:
            proxy.stop()
        nodes.stop()

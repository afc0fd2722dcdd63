"""The several-machines topology, played on one machine with processes on loopback.

Two application nodes (``maillon serve``) and two workers (``maillon worker``) share
PostgreSQL and Redis: a session opened on one node works on the other, a notification created
anywhere reaches a WebSocket held by another node, and periodic jobs run once although both
workers try. Runs only with DATABASE_URL on PostgreSQL and REDIS_URL set (as in .ci/run).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time

import pytest
import requests
from django.conf import settings
from django.db import connection

from maillon.testing import TEST_PASSWORD

pytestmark = pytest.mark.skipif(
    not (settings.DATABASES["default"]["ENGINE"].endswith("postgresql") and settings.REDIS_URL),
    reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
)


_GIVEN: set[int] = set()


def free_port() -> int:
    """A port nobody listens on, within MAILLON_TEST_PORTS (e.g. ``8200-8260``) when set: on a
    machine shared with others, each keeps to their range."""
    wanted = os.environ.get("MAILLON_TEST_PORTS")
    low, high = (int(p) for p in wanted.split("-")) if wanted else (0, 0)
    for port in range(low, high + 1):
        if port in _GIVEN:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            found = s.getsockname()[1]
        _GIVEN.add(found)
        return found
    raise RuntimeError(f"no free port in MAILLON_TEST_PORTS={wanted}")


def wait_until_up(port: int, timeout: float = 40) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise AssertionError(f"node on port {port} did not start")


class Cluster:
    """``maillon serve`` nodes and ``maillon worker`` processes on loopback, sharing the test
    database and Redis."""

    def __init__(self, data_dir, *, nodes: int = 2, workers: int = 2, env: dict | None = None):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "MAILLON_ENV": "development",
            "DEBUG": "1",
            "MAILLON_DATA_DIR": str(data_dir),
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            "SECRET_KEY": settings.SECRET_KEY,
            **(env or {}),
        }
        self.ports = [free_port() for _ in range(nodes)]
        self.nodes = [self._start("serve", "--port", str(port)) for port in self.ports]
        self.workers = [self._start("worker", "--interval", "0.2") for _ in range(workers)]

    def _start(self, *command: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "maillon.cli", *command], env=self.env)  # noqa: S603

    def wait_until_up(self, timeout: float = 120) -> None:  # several processes starting at once on a busy machine
        for port in self.ports:
            wait_until_up(port, timeout=timeout)

    def stop(self) -> None:
        processes = self.nodes + self.workers
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def cluster(transactional_db, tmp_path):
    nodes = Cluster(tmp_path)
    try:
        nodes.wait_until_up()
        yield nodes.ports
    finally:
        nodes.stop()


def log_in(port: int, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"http://127.0.0.1:{port}/comptes/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"http://127.0.0.1:{port}/comptes/login/",
        data={"csrfmiddlewaretoken": token, "login": username, "password": TEST_PASSWORD},
        headers={"Referer": f"http://127.0.0.1:{port}/comptes/login/"},
    )
    assert "/comptes/login/" not in response.url, "login failed"
    return session


def test_it_runs_as_several_nodes_sharing_postgresql_and_redis(people, cluster):
    node_a, node_b = cluster
    # The nodes run with production hashers (Argon2), not the tests' fast one.
    from django.contrib.auth.hashers import Argon2PasswordHasher

    people.owner.password = Argon2PasswordHasher().encode(TEST_PASSWORD, Argon2PasswordHasher().salt())
    people.owner.save(update_fields=["password"])
    session = log_in(node_a, people.owner.username)

    # A session opened on node A is valid on node B.
    dashboard = session.get(f"http://127.0.0.1:{node_b}/essais/tableau-de-bord/", allow_redirects=False)
    assert dashboard.status_code == 200
    assert "Centre social des Essais" in dashboard.text

    # A notification created elsewhere reaches a WebSocket held by node B, through Redis.
    import websockets

    from maillon.notifications.services import notify

    async def listen():
        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        async with websockets.connect(
            f"ws://127.0.0.1:{node_b}/ws/notifications/",
            additional_headers={"Cookie": cookie, "Origin": f"http://127.0.0.1:{node_b}"},
        ) as ws:
            first = json.loads(await asyncio.wait_for(ws.recv(), 10))
            await asyncio.to_thread(notify, people.owner, "Réunion d'équipe déplacée", organisation=people.org, email=False)
            second = json.loads(await asyncio.wait_for(ws.recv(), 10))
            return first, second

    first, second = asyncio.run(listen())
    assert second["unread"] == first["unread"] + 1

    # Both workers tried the periodic jobs; each ran once for this period.
    from maillon.core.models import PeriodicRun
    from maillon.core.periodic import JOBS

    deadline = time.time() + 20
    while time.time() < deadline and PeriodicRun.objects.count() < len([j for j in JOBS.values() if j.period == "hourly"]):
        time.sleep(0.5)
    runs = list(PeriodicRun.objects.values_list("job", "period"))
    assert len(runs) == len(set(runs))

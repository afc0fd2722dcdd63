"""Redis going away: pages still work (the process's memory stands in for the cache, sessions
come from the database), live updates are dropped quietly, ``/readyz`` names the part that is down, one log
line says so per outage, and all comes back when Redis does, without a restart.

Runs against a ``redis-server`` of its own, stopped and started (or frozen with SIGSTOP: a Redis
that accepts connections and never answers) by the test, on either database. Skipped when
``redis-server`` is not installed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import subprocess
import threading
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from maillon.core import views
from maillon.core.resilient import ResilientRedisCache
from maillon.core.tests.test_cluster import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
needs_redis_server = pytest.mark.skipif(not os.path.exists(REDIS_SERVER), reason="needs redis-server")
DASHBOARD = "/essais/tableau-de-bord/"
RETRY_SECONDS = 0.5


class OwnRedis:
    """A throwaway redis-server on a port of its own (nothing saved to disk)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.frozen = False

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.frozen:
            self.thaw()
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)
        self.frozen = False


@pytest.fixture
def own_redis(settings):
    """The cache, the channel layer and the sessions as ``REDIS_URL`` sets them, on a Redis of
    the test's own, tried again every half second after a failure (5 s in production)."""
    server = OwnRedis()
    server.start()
    settings.CACHES = {"default": {"BACKEND": "maillon.core.resilient.ResilientRedisCache", "LOCATION": server.url,
                                   "KEY_PREFIX": "maillon", "OPTIONS": {"RETRY_SECONDS": RETRY_SECONDS}}}
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "maillon.core.resilient.ResilientRedisChannelLayer", "CONFIG": {
        "hosts": [{"address": server.url, "socket_connect_timeout": 0.5}], "prefix": "maillon", "retry_seconds": RETRY_SECONDS}}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield server
    server.stop()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def outage_lines(caplog, level) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "maillon.core.resilient" and r.levelno == level]


@needs_redis_server
@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_pages_work_while_redis_is_away_and_all_comes_back_without_a_restart(people, own_redis, outage, caplog,
                                                                             django_capture_on_commit_callbacks):
    from maillon.notifications.services import notify

    reader, leaver = logged_in(people.owner), logged_in(people.colleague)
    assert reader.get(DASHBOARD).status_code == 200  # the session is now in Redis too
    assert leaver.get(DASHBOARD).status_code == 200

    caplog.set_level(logging.WARNING, logger="maillon.core.resilient")
    own_redis.stop() if outage == "stopped" else own_redis.freeze()

    # Pages: still there, logged in, and never waiting long on a dead Redis.
    times = []
    for _ in range(6):
        started = time.perf_counter()
        page = reader.get(DASHBOARD)
        times.append(time.perf_counter() - started)
        assert page.status_code == 200
        assert "Centre social des Essais" in page.content.decode()
    print(f"\nRedis {outage}: dashboard in {', '.join(f'{t * 1000:.0f} ms' for t in times)}")
    assert max(times) < 5, "a page waited on the dead Redis"  # a hang, not a speed budget: timeouts are 0.5-1 s

    # Logging out during the outage: the database row goes, the cached copy is dropped on recovery.
    assert leaver.post("/comptes/logout/").status_code == 302

    # A live update is dropped quietly; the notification itself is saved.
    with django_capture_on_commit_callbacks(execute=True):
        notify(people.owner, "Réunion d'équipe déplacée", organisation=people.org, email=False)
    assert people.owner.notifications.filter(title="Réunion d'équipe déplacée").exists()

    cache.set("written-during-the-outage", outage)  # kept in this process's memory meanwhile
    assert cache.get("written-during-the-outage") == outage

    ready = Client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["failing"] == ["cache", "channel_layer"]
    assert ready.json()["checks"]["database"]["ok"] is True

    down = outage_lines(caplog, logging.ERROR)
    assert len([line for line in down if "for the cache" in line]) == 1, down  # once per outage, not per request
    assert len([line for line in down if "for the channel layer" in line]) == 1, down

    own_redis.start() if outage == "stopped" else own_redis.thaw()
    time.sleep(RETRY_SECONDS + 0.1)

    assert reader.get(DASHBOARD).status_code == 200
    deadline = time.monotonic() + 10
    while (ready := Client().get("/readyz")).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert ready.json() == {**ready.json(), "status": "ok", "failing": []}
    back = outage_lines(caplog, logging.WARNING)
    assert any("back for the cache" in line for line in back), back
    assert any("back for the channel layer" in line for line in back), back
    assert cache.get("written-during-the-outage") is None  # the stand-in is emptied, Redis never had it
    # A frozen Redis kept the session it had cached: it was dropped, the person stays logged out.
    assert leaver.get(DASHBOARD).status_code == 302
    assert len(outage_lines(caplog, logging.ERROR)) == len(down)


@needs_redis_server
def test_an_open_socket_waits_out_the_outage_then_is_asked_to_reconnect(own_redis):
    """A page's WebSocket stays open while Redis is away (no traceback, no live update), and is
    closed once Redis is back so that the page reconnects and joins its group again."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()

    async def outage():
        channel = await layer.new_channel()
        await layer.group_add("people", channel)
        waiting = asyncio.ensure_future(layer.receive(channel))  # the consumer of an open page
        await asyncio.sleep(0.2)
        await asyncio.to_thread(own_redis.stop)
        await asyncio.sleep(2 * RETRY_SECONDS)
        assert not waiting.done()
        await layer.group_send("people", {"type": "unread.changed"})  # dropped quietly
        await asyncio.to_thread(own_redis.start)
        return await asyncio.wait_for(waiting, 10)

    assert asyncio.run(outage()) == {"type": "websocket.disconnect", "code": 1012}


# The cache's answers while Redis is unreachable, one call at a time (nothing listens).

@pytest.fixture
def dead_cache():
    return ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", {"KEY_PREFIX": "maillon", "OPTIONS": {"RETRY_SECONDS": 60}})


def test_while_redis_is_dead_the_process_memory_stands_in_except_for_sessions(dead_cache, caplog):
    caplog.set_level(logging.WARNING, logger="maillon.core.resilient")
    assert dead_cache.get("host-map") is None
    assert dead_cache.get("host-map", "fallback") == "fallback"
    dead_cache.set("host-map", {"intranet.exemple.test": "essais"})
    assert dead_cache.get("host-map") == {"intranet.exemple.test": "essais"}
    # Login rate limits keep counting, in this process.
    assert dead_cache.add("attempts", 1) is True
    assert dead_cache.add("attempts", 1) is False
    assert dead_cache.incr("attempts") == 2
    assert dead_cache.has_key("attempts") is True
    assert dead_cache.get_many(["host-map", "unknown"]) == {"host-map": {"intranet.exemple.test": "essais"}}
    assert dead_cache.set_many({"a": 1, "b": 2}) == []
    assert dead_cache.touch("a") is True
    assert dead_cache.delete("a") is True
    dead_cache.delete_many(["b"])
    assert dead_cache.get("b") is None
    with pytest.raises(ValueError, match="not found"):
        dead_cache.incr("never-set")
    # Sessions are not kept in memory: they are read from the database, so a logout holds everywhere.
    session_key = "django.contrib.sessions.cached_dbk3y"
    dead_cache.set(session_key, {"_auth_user_id": "1"})
    assert dead_cache.get(session_key) is None
    assert dead_cache.clear() is False
    assert dead_cache.get("host-map") is None
    assert len(outage_lines(caplog, logging.ERROR)) == 1
    assert dead_cache.outage.down


def test_keys_written_during_an_outage_are_remembered_to_be_dropped(dead_cache):
    dead_cache.set("session-a", 1)
    dead_cache.delete("session-b")
    dead_cache.set_many({"c": 1})
    assert dead_cache._stale == {":1:".join(["maillon", k]) for k in ("session-a", "session-b", "c")}
    dead_cache.get("d")  # a read changes nothing
    assert len(dead_cache._stale) == 3


# /readyz: each part within its own short time, named when it fails.

def test_readyz_names_a_part_that_hangs_without_waiting_for_it(client, db, monkeypatch):
    release = threading.Event()
    monkeypatch.setitem(views.PARTS, "database", lambda: release.wait(30))
    monkeypatch.setitem(views.TIMEOUTS, "database", 0.2)
    try:
        response = client.get("/readyz")
    finally:
        release.set()
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"]["database"] == {"ok": False, "error": "Timeout"}
    assert body["checks"]["cache"]["ok"] and body["checks"]["channel_layer"]["ok"]

"""Several `maillon serve` processes on one machine (issue 14): how many by default, and what they
share without Redis (the cache, so a login rate limit counts every attempt whichever process got it)."""

import os
import subprocess
import sys
from pathlib import Path

from maillon.core.management.commands import serve

ROOT = Path(__file__).resolve().parents[3]


def test_one_web_process_per_core_at_most_four_unless_configured(monkeypatch):
    monkeypatch.delenv("MAILLON_WEB_WORKERS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(2)), raising=False)
    assert serve.default_workers() == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    assert serve.default_workers() == 4
    monkeypatch.setenv("MAILLON_WEB_WORKERS", "1")
    assert serve.default_workers() == 1
    monkeypatch.setenv("MAILLON_WEB_WORKERS", "0")
    assert serve.default_workers() == 1


def _in_process(data_dir: Path, code: str) -> str:
    env = {**os.environ, "MAILLON_ENV": "development", "MAILLON_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "maillon.settings"}
    for name in ("REDIS_URL", "DATABASE_URL"):
        env.pop(name, None)
    result = subprocess.run([sys.executable, "-m", "maillon.cli", "shell", "-c", code],  # noqa: S603
                            env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def test_without_redis_two_processes_share_one_cache(tmp_path):
    _in_process(tmp_path, "from django.core.cache import cache; cache.set('attempts', [1, 2, 3], 60)")
    seen = _in_process(tmp_path, "from django.core.cache import cache; from django.conf import settings; "
                                 "print(settings.CACHES['default']['BACKEND'].rsplit('.', 1)[1], cache.get('attempts'))")
    assert seen == "FileBasedCache [1, 2, 3]"


def _get(path: str) -> tuple[int, dict, bytes]:
    """One GET through the served ASGI application (what uvicorn calls), not the test client."""
    from asgiref.sync import async_to_sync
    from asgiref.testing import ApplicationCommunicator

    from maillon.asgi import application

    async def run():
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await communicator.receive_output(10)
        body = b""
        while True:
            message = await communicator.receive_output(10)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        return start["status"], dict(start["headers"]), body

    return async_to_sync(run)()


def test_pages_are_served_through_djangos_wsgi_handler_in_the_asgi_server(transactional_db):
    from maillon import asgi

    assert asgi.HTTP_MODE == "wsgi"
    status, headers, body = _get("/comptes/login/")
    assert status == 200 and b"<form" in body
    assert b"content-security-policy" in headers and headers[b"x-frame-options"] == b"DENY"
    status, headers, _body = _get("/tableau-de-bord-inconnu/")
    assert status == 302 and headers[b"location"].startswith(b"/comptes/login/")  # anonymous: to the login page

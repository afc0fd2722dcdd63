"""The whole ASGI application (pages and WebSockets) on loopback, for browser tests of live pages.

pytest-django's ``live_server`` speaks HTTP only: the live socket of maillon.js cannot connect
there. ``asgi_server`` runs ``maillon.asgi.application`` under uvicorn in a thread of the test
process, on the test database (SQLite's shared in-memory one, or PostgreSQL), with the channel
layer of the settings (in-memory, or Redis with REDIS_URL). Point the browser at it:

    from maillon.testing_asgi import asgi_server_fixture  # noqa: F401

    def test_live(browser, asgi_server):
        browser.url = asgi_server.url
        ...
        asgi_server.in_server(live.send, user.pk, event)

``in_server(function, *args)`` calls a synchronous function as a request of the server would (from
a thread of its event loop): the in-memory channel layer only reaches sockets from there.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass

import pytest
from asgiref.sync import sync_to_async


@dataclass
class AsgiServer:
    url: str
    loop: asyncio.AbstractEventLoop

    def screenshot(self, page, name: str) -> None:
        """The viewport only (where toasts float), in screenshots/ as ``browser.screenshot``."""
        from maillon.testing_browser import SCREENSHOTS

        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

    def in_server(self, function, *args, **kwargs):
        call = sync_to_async(function, thread_sensitive=True)(*args, **kwargs)
        return asyncio.run_coroutine_threadsafe(call, self.loop).result(timeout=10)


def close_server_connections() -> None:
    """The database connections left in the pages' thread and the consumers' one, once the server
    stopped (PostgreSQL drops the test database only when nobody is connected)."""
    from asgiref.sync import SyncToAsync
    from django.db import connections

    from maillon.asgi import PAGE_THREAD

    for executor in (PAGE_THREAD, SyncToAsync.single_thread_executor):
        executor.submit(connections.close_all).result(timeout=10)


@pytest.fixture(name="asgi_server")
def asgi_server_fixture(transactional_db):
    import uvicorn

    from maillon.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    loops = []

    async def serve():
        loops.append(asyncio.get_running_loop())
        await server.serve()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), name="asgi-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the ASGI live server did not start")
        time.sleep(0.05)
    try:
        yield AsgiServer(f"http://127.0.0.1:{port}", loops[0])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        close_server_connections()

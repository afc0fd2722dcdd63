"""Liveness and readiness probes for load balancers and orchestration."""

import asyncio
import threading
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """The process answers."""
    return JsonResponse({"status": "ok"})


def _check(func) -> dict:
    started = time.perf_counter()
    try:
        func()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


# Each part of /readyz gets this long (seconds); the three are asked at once, so a dead
# PostgreSQL (whose connection pool waits 20 s) or a Redis that never answers cannot hold the
# probe, nor hide which part is down.
TIMEOUTS = {"database": 2.0, "cache": 1.0, "channel_layer": 1.0}


def _database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # the probe's thread is gone after this: give its connection back


def _cache():
    ping = getattr(cache, "ping", None)  # maillon.core.resilient: asks Redis past its outage guard
    if ping is not None:
        ping()
        return
    cache.set("readyz", "1", 5)
    if cache.get("readyz") != "1":
        raise RuntimeError("cache did not return the value")


async def _round_trip(layer):
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "readyz"})
    async with asyncio.timeout(TIMEOUTS["channel_layer"]):
        if (await layer.receive(channel)).get("type") != "readyz":
            raise RuntimeError("channel layer did not deliver")


async def _ask_layer(layer):
    ping = getattr(layer, "ping", None)  # maillon.core.resilient: asks Redis past its outage guard
    await (ping() if ping is not None else _round_trip(layer))


def _channel_layer():
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer")
    async_to_sync(_ask_layer)(layer)


PARTS = {"database": _database, "cache": _cache, "channel_layer": _channel_layer}


def run_checks() -> dict:
    """Every part's check at once, each in a thread of its own, each within its timeout."""
    results: dict = {}
    threads = {}
    started = time.monotonic()
    for name, func in PARTS.items():
        threads[name] = threading.Thread(target=lambda n=name, f=func: results.__setitem__(n, _check(f)),
                                         name=f"readyz-{name}", daemon=True)
        threads[name].start()
    for name, thread in threads.items():
        thread.join(max(0.0, started + TIMEOUTS[name] - time.monotonic()))
    return {name: results.get(name) or {"ok": False, "error": "Timeout"} for name in PARTS}


@never_cache
def readyz(request):
    """The database, the cache and the channel layer answer; ``failing`` names those that do not."""
    checks = run_checks()
    failing = [name for name, check in checks.items() if not check["ok"]]
    return JsonResponse({"status": "unavailable" if failing else "ok", "failing": failing, "checks": checks},
                        status=503 if failing else 200)


def login_redirect(request):
    """Wagtail's and Django's admin login forms would skip MFA: send people to allauth's."""
    from django.conf import settings
    from django.contrib.auth.views import redirect_to_login
    from django.utils.http import url_has_allowed_host_and_scheme

    next_url = request.GET.get("next", "/cms/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/cms/"
    return redirect_to_login(next_url, settings.LOGIN_URL)

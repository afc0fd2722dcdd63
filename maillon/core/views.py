"""Liveness and readiness probes for load balancers and orchestration."""

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


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    cache.set("readyz", "1", 5)
    if cache.get("readyz") != "1":
        raise RuntimeError("cache did not return the value")


def _channel_layer():
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer")
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.send)(channel, {"type": "readyz"})
    if async_to_sync(layer.receive)(channel).get("type") != "readyz":
        raise RuntimeError("channel layer did not deliver")


@never_cache
def readyz(request):
    """The database, the cache and the channel layer answer."""
    checks = {"database": _check(_database), "cache": _check(_cache), "channel_layer": _check(_channel_layer)}
    ready = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


def login_redirect(request):
    """Wagtail's and Django's admin login forms would skip MFA: send people to allauth's."""
    from django.conf import settings
    from django.contrib.auth.views import redirect_to_login
    from django.utils.http import url_has_allowed_host_and_scheme

    next_url = request.GET.get("next", "/cms/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/cms/"
    return redirect_to_login(next_url, settings.LOGIN_URL)

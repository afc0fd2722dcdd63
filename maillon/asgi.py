"""ASGI entry point: HTTP (Django) and WebSocket (Channels) on one port."""

import gc
import os
import sys
import warnings

# WhiteNoise serves static files with a synchronous iterator; under ASGI Django warns on
# every file. The files are small and cached, so the warning is only noise.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillon.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from maillon.core.management.commands.serve import die_with_serve  # noqa: E402
from maillon.core.registry import registry  # noqa: E402

die_with_serve()  # several web processes: none outlives its `maillon serve`

from concurrent.futures import ThreadPoolExecutor  # noqa: E402

from asgiref.sync import SyncToAsync  # noqa: E402
from asgiref.wsgi import WsgiToAsgi, WsgiToAsgiInstance  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

# Pages are served by Django's WSGI handler on one thread of each web process (uvicorn keeps the
# connections, HTTP parsing and WebSockets on its event loop). Django's ASGI handler went from
# the event loop to a new thread per request, back to the loop, and to the thread again for
# the view, and opened a database connection per request (connections belong to a thread):
# 20 ms of CPU per dashboard served against 11.5 ms this way, 90 against 150 requests/s on two
# cores (issue 14, bench/load.py). Our views are all synchronous, so nothing is lost.
# The thread is a plain executor, not asgiref's « thread-sensitive » one, which breaks when a
# view itself calls async_to_sync (the live badge's group_send). MAILLON_HTTP_MODE=asgi gives
# Django's ASGI handler back.
HTTP_MODE = os.environ.get("MAILLON_HTTP_MODE", "wsgi")
# A GIL hand-over between the event loop and the page thread every 1 ms instead of 5 ms: the
# loop answers and reads the next request sooner while a page is being drawn.
sys.setswitchinterval(float(os.environ.get("MAILLON_SWITCH_INTERVAL", "0.001")))
PAGE_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="maillon-pages")


class _PageRequest(WsgiToAsgiInstance):
    run_wsgi_app = SyncToAsync(WsgiToAsgiInstance.__dict__["run_wsgi_app"].func, thread_sensitive=False, executor=PAGE_THREAD)


class PagesApplication(WsgiToAsgi):
    async def __call__(self, scope, receive, send):
        await _PageRequest(self.wsgi_application, self.duplicate_header_limit)(scope, receive, send)


http = django_asgi if HTTP_MODE == "asgi" else PagesApplication(get_wsgi_application())

application = ProtocolTypeRouter(
    {
        "http": http,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(registry.websockets))),
    }
)

# Everything loaded so far (Django, Wagtail, the URL map, the apps' registries) lives as long as
# the process. Moved out of the collector's reach, a full collection no longer walks its
# ≈ 260,000 objects on some unlucky request: 1.44 → 0.16 ms of GC per dashboard on average
# (issue 14, profiled at 10×).
gc.freeze()

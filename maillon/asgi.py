"""ASGI entry point: HTTP (Django) and WebSocket (Channels) on one port."""

import os
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

application = ProtocolTypeRouter(
    {
        "http": django_asgi,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(registry.websockets))),
    }
)

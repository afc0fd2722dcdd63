import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a str, not a lazy translation
        return str(_("Start the ASGI server (HTTP, WebSocket and static files)."))

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("MAILLON_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MAILLON_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("MAILLON_WEB_WORKERS", "1")))
        parser.add_argument("--with-worker", action="store_true", help="also run the background worker (single-machine setup)")

    def handle(self, *args, **options):
        import uvicorn

        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if options["with_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "maillon.cli", "worker"])  # noqa: S603
        try:
            uvicorn.run(
                "maillon.asgi:application",
                host=options["host"],
                port=options["port"],
                workers=options["workers"],
                proxy_headers=True,
                forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                log_level=os.environ.get("LOG_LEVEL", "warning").lower(),
            )
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

import contextlib
import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Stopped(Exception):  # noqa: N818 - a signal, not an error
    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum, frame):
    raise Stopped(signum)


def start_worker() -> subprocess.Popen:
    """The background worker as a child process. On Linux the kernel sends it SIGTERM if this
    process dies, even by SIGKILL, so it is never left running without its server."""
    preexec = None
    if sys.platform.startswith("linux"):
        def preexec():
            import ctypes

            pr_set_pdeathsig = 1
            # Without prctl in this libc, our SIGTERM handling still stops the worker.
            with contextlib.suppress(OSError, AttributeError):
                ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)

    return subprocess.Popen([sys.executable, "-m", "maillon.cli", "worker"], preexec_fn=preexec)  # noqa: S603, PLW1509


def stop_worker(worker: subprocess.Popen, timeout: float = 30.0) -> None:
    """SIGTERM lets it finish its current task; one that does not stop in time is killed (its
    task is then taken again by the next worker once its lease expires)."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


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
        # uvicorn shuts down gracefully on SIGTERM/SIGINT, then raises the signal again with
        # the handlers it found: ours, so the worker is stopped before this process exits
        # (with the default handler the process died there and left the worker orphaned).
        previous = {sig: signal.signal(sig, _raise_stopped) for sig in STOP_SIGNALS}
        try:
            if options["with_worker"]:
                worker = start_worker()
            uvicorn.run(
                "maillon.asgi:application",
                host=options["host"],
                port=options["port"],
                workers=options["workers"],
                proxy_headers=True,
                forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                log_level=os.environ.get("LOG_LEVEL", "warning").lower(),
                server_header=False,  # no « Server: uvicorn »: nothing to tell a scanner (Date is kept: HTTP/1.1)
            )
        except Stopped:
            pass  # a normal stop: exit 0 once the worker is down
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if worker is not None:
                stop_worker(worker)

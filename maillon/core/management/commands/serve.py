import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.utils.translation import gettext_lazy as _

from maillon.core.commands import TranslatedCommand

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Stopped(Exception):  # noqa: N818 - a signal, not an error
    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum, frame):
    raise Stopped(signum)


PARENT_ENV = "MAILLON_SERVE_PID"


def die_with_parent() -> None:
    """On Linux, ask the kernel to send this process SIGTERM when its parent dies, even by
    SIGKILL: the worker and the web processes are never left running (holding the port) without
    their ``maillon serve``. Elsewhere, or without prctl in the libc, SIGTERM handling still stops them."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


def die_with_serve() -> None:
    """Called by each web process (maillon/asgi.py): tied to the ``maillon serve`` that started it."""
    parent = os.environ.get(PARENT_ENV)
    if parent and os.getppid() == int(parent):
        die_with_parent()
        if os.getppid() != int(parent):  # it died before prctl: nothing would signal us
            os.kill(os.getpid(), signal.SIGTERM)


def start_worker() -> subprocess.Popen:
    """The background worker as a child process, stopped with its server (die_with_parent)."""
    return subprocess.Popen([sys.executable, "-m", "maillon.cli", "worker"], preexec_fn=die_with_parent)  # noqa: S603, PLW1509


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


def default_workers() -> int:
    """One web process per core (at most 4): Django's views are synchronous, so a process serves
    one request at a time, and two processes on two cores served 2x the requests of one (issue 14,
    bench/load.py). MAILLON_WEB_WORKERS overrides it."""
    configured = os.environ.get("MAILLON_WEB_WORKERS", "").strip()
    if configured:
        return max(1, int(configured))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(4, cores))


class Command(TranslatedCommand):
    help_text = _("Start the ASGI server (HTTP, WebSocket and static files).")

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("MAILLON_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MAILLON_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help="web processes (default: MAILLON_WEB_WORKERS, else one per core, at most 4)")
        parser.add_argument("--with-worker", action="store_true", help="also run the background worker (single-machine setup)")
        parser.add_argument("--web-process", action="store_true", help=argparse.SUPPRESS)  # one of serve's own children

    def handle(self, *args, **options):
        if options["web_process"]:
            return run_web_process(options["host"], options["port"], reuse_port=True)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        web: list[subprocess.Popen] = []
        # uvicorn shuts down gracefully on SIGTERM/SIGINT, then raises the signal again with
        # the handlers it found: ours, so the worker is stopped before this process exits
        # (with the default handler the process died there and left the worker orphaned).
        previous = {sig: signal.signal(sig, _raise_stopped) for sig in STOP_SIGNALS}
        try:
            if options["with_worker"]:
                worker = start_worker()
            os.environ[PARENT_ENV] = str(os.getpid())  # read by the web processes (die_with_serve)
            if options["workers"] <= 1:
                run_web_process(options["host"], options["port"], reuse_port=False)
            else:
                supervise_web_processes(web, options["workers"], options["host"], options["port"])
        except Stopped:
            pass  # a normal stop: exit 0 once the worker is down
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            for process in web:
                stop_worker(process)
            if worker is not None:
                stop_worker(worker)


def run_web_process(host: str, port: int, *, reuse_port: bool) -> None:
    """One uvicorn server in this process. ``reuse_port``: its own listening socket with
    SO_REUSEPORT, so that the kernel spreads the connections evenly over the web processes (with
    uvicorn's shared socket, the process that woke first took most of them: one core saturated
    and the other two-thirds idle, p95 ×2 under 20 people at once; issue 14)."""
    import socket

    import uvicorn

    config = uvicorn.Config(
        "maillon.asgi:application",
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        log_level=os.environ.get("LOG_LEVEL", "warning").lower(),
        server_header=False,  # no « Server: uvicorn »: nothing to tell a scanner (Date is kept: HTTP/1.1)
    )
    server = uvicorn.Server(config)
    if not reuse_port:
        server.run()
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(config.backlog)
    server.run(sockets=[sock])


def supervise_web_processes(web: list, count: int, host: str, port: int) -> None:
    """Start ``count`` web processes on the same port and start again any that dies."""
    def start() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "maillon.cli", "serve", "--web-process",  # noqa: S603, PLW1509
                                 "--host", host, "--port", str(port)], preexec_fn=die_with_parent)

    web.extend(start() for _ in range(count))
    while True:
        time.sleep(1)
        for i, process in enumerate(web):
            if process.poll() is not None:
                web[i] = start()

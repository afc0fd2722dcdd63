"""The worker loop: runs queued tasks and, every 30 s, starts the periodic jobs that are due."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections

from . import periodic

logger = logging.getLogger(__name__)


def scheduler_loop(stop: threading.Event, interval: float = 30.0) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            periodic.run_due_jobs()
        except Exception:  # keep the scheduler alive; the error is logged
            logger.exception("periodic scheduler failed")
        finally:
            close_old_connections()
        stop.wait(interval)


def start_scheduler(interval: float = 30.0) -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=scheduler_loop, args=(stop, interval), name="maillon-scheduler", daemon=True).start()
    return stop

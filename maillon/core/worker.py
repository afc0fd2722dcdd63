"""The worker loop's companion thread: every 30 s it records the worker's heartbeat, takes
again the tasks of workers that died, and starts the periodic jobs that are due.

Leases. django-tasks-db marks a task RUNNING with the worker's id and nothing else: a worker
killed in the middle (SIGKILL, out of memory, machine lost) leaves it RUNNING for ever. So each
``maillon worker`` keeps a ``WorkerHeartbeat`` row fresh; any live worker puts back to READY a
RUNNING task whose worker has not beaten for ``MAILLON_TASK_LEASE_SECONDS`` (default 300 s),
up to ``MAILLON_TASK_MAX_ATTEMPTS`` runs in all (default 3), after which it is marked FAILED.
Both are logged and audited. Tasks that can be taken again must be safe to run twice: e-mails
are, through ``maillon.core.idempotency``.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from . import periodic
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# MAILLON_WORKER_HEARTBEAT_SECONDS: the fault drill (core/tests/test_fault_drill.py) beats faster.
HEARTBEAT_SECONDS = float(os.environ.get("MAILLON_WORKER_HEARTBEAT_SECONDS", "30"))


class WorkerLost(Exception):
    """The worker running this task stopped beating, too many times: the task is given up."""


def lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "MAILLON_TASK_LEASE_SECONDS", 300))


def max_attempts() -> int:
    return getattr(settings, "MAILLON_TASK_MAX_ATTEMPTS", 3)


def new_worker_id() -> str:
    """Unique across machines and restarts (django-tasks-db keeps it on the task, ≤ 64 chars)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": timezone.now(), "node": socket.gethostname()[:120], "pid": os.getpid()},
    )


def forget(worker_id: str) -> None:
    """A worker that stops cleanly (its task finished or marked failed) leaves no lease behind."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def requeue_abandoned(now=None) -> list[str]:
    """Put back to READY (or FAILED after too many runs) every RUNNING task whose worker's
    lease expired. Returns the ids of the tasks taken again or given up."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    expiry = now - lease()
    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "beat_at"))
    handled = []
    for task in DBTaskResult.objects.running().only("id", "task_path", "worker_ids", "started_at"):
        worker_id = task.worker_ids[-1] if task.worker_ids else ""
        last_sign_of_life = beats.get(worker_id) or task.started_at  # no row: a worker that died long ago
        if last_sign_of_life is None or last_sign_of_life >= expiry:
            continue
        attempts = len(task.worker_ids)
        # Only if nobody took it meanwhile (same start): two workers never both take it again.
        same_run = DBTaskResult.objects.filter(pk=task.pk, status="RUNNING", started_at=task.started_at)
        if attempts < max_attempts():
            changed = same_run.update(status="READY")
            outcome = "tasks.requeued"
        else:
            changed = same_run.update(
                status="FAILED", finished_at=now, return_value=None,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: worker {worker_id} stopped during attempt {attempts} of {max_attempts()}\n",
            )
            outcome = "tasks.abandoned"
        if not changed:
            continue
        handled.append(str(task.pk))
        _report(outcome, task, worker_id, attempts)
    _prune_heartbeats(now)
    return handled


def _report(outcome: str, task, worker_id: str, attempts: int) -> None:
    from maillon.audit.services import record

    log = logger.warning if outcome == "tasks.requeued" else logger.error
    log("%s: task %s (%s) of worker %s, attempt %s of %s", outcome, task.pk, task.task_path, worker_id, attempts, max_attempts())
    record(outcome, data={"task": str(task.pk), "task_path": task.task_path, "worker": worker_id,
                          "attempt": attempts, "max_attempts": max_attempts()})


def _prune_heartbeats(now) -> None:
    """Rows of workers gone for a day are dropped (their tasks, if any, count as abandoned)."""
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()


def scheduler_loop(stop: threading.Event, worker_id: str, interval: float = HEARTBEAT_SECONDS, *, jobs: bool = True) -> None:
    while not stop.is_set():
        close_old_connections()
        for step in (lambda: beat(worker_id), requeue_abandoned, *([periodic.run_due_jobs] if jobs else [])):
            try:
                step()
            except Exception:  # keep the scheduler alive; the error is logged
                logger.exception("worker scheduler step failed")
        close_old_connections()
        stop.wait(interval)


class Scheduler:
    """The companion thread of one worker process; ``stop()`` waits for its current step."""

    def __init__(self, worker_id: str, interval: float = HEARTBEAT_SECONDS, *, jobs: bool = True):
        self.event = threading.Event()
        self.thread = threading.Thread(target=scheduler_loop, args=(self.event, worker_id, interval),
                                       kwargs={"jobs": jobs}, name="maillon-scheduler", daemon=True)
        self.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.event.set()
        self.thread.join(timeout)


def start_scheduler(worker_id: str, interval: float = HEARTBEAT_SECONDS, *, jobs: bool = True) -> Scheduler:
    return Scheduler(worker_id, interval, jobs=jobs)

"""Periodic jobs, declared in one place and run exactly once per period.

Each job is a django-tasks task plus a period (``hourly``, ``daily``, ``weekly``,
``monthly``) and the local time after which it may start. Every worker calls
``run_due_jobs()`` about every 30 s; the first to insert the (job, period) row into
``PeriodicRun`` enqueues the task, the unique constraint turns every other attempt away.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from datetime import datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import PeriodicRun

logger = logging.getLogger(__name__)

PERIODS = ("hourly", "daily", "weekly", "monthly")


@dataclass(frozen=True)
class Job:
    name: str
    task: object  # a django_tasks Task
    period: str
    at: time = time(0, 0)

    def period_key(self, now: datetime) -> str | None:
        """The key of the period ``now`` falls in, or None if the job's start time has not come."""
        local = timezone.localtime(now)
        if self.period == "hourly":
            return local.strftime("%Y-%m-%dT%H")
        if local.time() < self.at:
            return None
        if self.period == "daily":
            return local.strftime("%Y-%m-%d")
        if self.period == "weekly":
            year, week, _ = local.isocalendar()
            return f"{year}-W{week:02d}"
        return local.strftime("%Y-%m")


JOBS: dict[str, Job] = {}


def register(name: str, task, period: str, at: time = time(0, 0)) -> None:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    JOBS[name] = Job(name, task, period, at)


def run_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current period has no run yet. Returns the names started here."""
    now = now or timezone.now()
    started = []
    for job in JOBS.values():
        key = job.period_key(now)
        if key is None:
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job.name, period=key, node=socket.gethostname()[:120])
                result = job.task.enqueue()
                run.task_id = str(getattr(result, "id", ""))[:64]
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another worker got there first
        logger.info("periodic job %s started for %s", job.name, key)
        started.append(job.name)
    return started

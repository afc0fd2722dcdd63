"""Bookkeeping of periodic jobs: one row per job and period, unique, so it runs once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    job = models.CharField(_("job"), max_length=100)
    period = models.CharField(_("period"), max_length=32)
    started_at = models.DateTimeField(_("started on"), auto_now_add=True)
    node = models.CharField(_("node"), max_length=120, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="periodic_run_once_per_period")]
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"


class WorkerHeartbeat(models.Model):
    """A live ``maillon worker``: it beats every 30 s. A task RUNNING under a worker whose last
    beat is older than the lease (``MAILLON_TASK_LEASE_SECONDS``) is taken again (worker.py)."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    node = models.CharField(_("node"), max_length=120, blank=True)
    pid = models.PositiveIntegerField(_("process"), null=True)
    started_at = models.DateTimeField(_("running since"), auto_now_add=True)
    beat_at = models.DateTimeField(_("last heartbeat"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class IdempotencyKey(models.Model):
    """One side effect (an e-mail sent, …) done at most once per key even when its task runs
    again: « started » is committed before the effect, « done » after (idempotency.py)."""

    class State(models.TextChoices):
        STARTED = "started", _("started")
        DONE = "done", _("done")

    key = models.CharField(_("key"), max_length=200, unique=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.STARTED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("first tried on"), auto_now_add=True, db_index=True)
    done_at = models.DateTimeField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self) -> str:
        return f"{self.key} {self.state}"

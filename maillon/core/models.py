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

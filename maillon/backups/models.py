"""What the backups did: one row per run of ``maillon backup`` or of the daily job, and one per
alert sent (a unique key per incident, so that several workers alert once)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BackupRun(models.Model):
    class Result(models.TextChoices):
        RUNNING = "running", _("running")
        OK = "ok", _("succeeded")
        FAILED = "failed", _("failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("daily job")
        COMMAND = "command", _("command")

    started_at = models.DateTimeField(_("started on"), db_index=True)
    finished_at = models.DateTimeField(_("finished on"), null=True, blank=True)
    duration = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, default=Result.RUNNING)
    error = models.TextField(_("error"), blank=True)
    archive = models.CharField(_("archive"), max_length=200, blank=True)
    encrypted = models.BooleanField(_("encrypted"), default=False)
    # Where the archive was copied: ["/mnt/backup-copy/…", "s3://bucket/prefix/…"].
    copies = models.JSONField(_("copies"), default=list, blank=True)
    trigger = models.CharField(_("started by"), max_length=8, choices=Trigger.choices, default=Trigger.COMMAND)
    node = models.CharField(_("node"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("backup")
        verbose_name_plural = _("backups")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.result}"


class BackupAlert(models.Model):
    """An alert sent for one incident: ``key`` names it (« since:<id of the last success> »),
    unique, so the hourly check and every worker send it once."""

    key = models.CharField(_("incident"), max_length=100, unique=True)
    reason = models.CharField(_("reason"), max_length=20)
    sent_at = models.DateTimeField(_("sent on"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("people told"), default=0)

    class Meta:
        verbose_name = _("backup alert")
        verbose_name_plural = _("backup alerts")

    def __str__(self) -> str:
        return self.key

"""« Sauvegardes » on the dashboard of directors and technical administrators: the last
backup's time, size and result. One query."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillon.core.registry import dashboard_place

from . import services
from .models import BackupRun


@dashboard_place("about", 30)
def last_backup(request):
    ok = BackupRun.objects.filter(result=BackupRun.Result.OK).order_by("-started_at")
    last = (BackupRun.objects.exclude(result=BackupRun.Result.RUNNING).order_by("-started_at")
            .annotate(last_ok_at=Subquery(ok.values("finished_at")[:1]), last_ok_size=Subquery(ok.values("size")[:1]))
            .first())
    if last is None:
        # Nothing yet: an incident once the app has been installed for BACKUP_ALERT_HOURS.
        since = services.installed_at()
        if since is None or since > timezone.now() - timedelta(hours=settings.BACKUP_ALERT_HOURS):
            return {"last": None}
        return {"last": None, "stale": True, "trouble": True, "alert_hours": settings.BACKUP_ALERT_HOURS,
                "section": "waiting", "waiting": [{"count": 1, "label": _("Backup overdue")}]}
    stale = last.last_ok_at is None or last.last_ok_at < timezone.now() - timedelta(hours=settings.BACKUP_ALERT_HOURS)
    trouble = last.result == BackupRun.Result.FAILED or stale
    context = {"last": last, "stale": stale, "trouble": trouble, "alert_hours": settings.BACKUP_ALERT_HOURS}
    if trouble:
        label = _("Failed backup") if last.result == BackupRun.Result.FAILED else _("Backup overdue")
        context.update(section="waiting", waiting=[{"count": 1, "label": label}])
    return context

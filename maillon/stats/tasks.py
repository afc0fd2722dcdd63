"""Periodic jobs of the statistics (registered in apps.py)."""

from django.conf import settings
from django_tasks import task

from . import services


@task()
def aggregate_today() -> int:
    """Hourly: today's figures on the page within the hour (then the purge, cheap when nothing is due)."""
    return services.aggregate_recent(days=1)


@task()
def aggregate_daily() -> int:
    """Nightly: every day whose raw views are still kept (a worker stopped for a few days loses
    nothing), then the purge (raw views after STATS_RAW_DAYS days, aggregates after
    STATS_KEEP_MONTHS months)."""
    return services.aggregate_recent(days=settings.STATS_RAW_DAYS + 1)

"""Periodic work on health records: the yearly expiry reminder and the daily retention purge
(retention.py); registered in apps.py."""

from django_tasks import task

from . import retention


@task()
def remind_expiring() -> int:
    """Monthly; acts in the reminder month (June by default), once a year per organisation."""
    return retention.send_expiry_reminders()


@task()
def purge_past_retention() -> int:
    return retention.purge_due()

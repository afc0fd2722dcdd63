"""The daily backup (02:30, once across nodes: core/periodic.py) and the hourly check."""

from django_tasks import task

from . import services
from .models import BackupRun


@task()
def daily_backup() -> str:
    outcome = services.run_backup(trigger=BackupRun.Trigger.SCHEDULE)
    return outcome.run.result


@task()
def check_backups() -> bool:
    return services.check_alerts() is not None

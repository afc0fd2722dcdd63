"""Periodic jobs of the meetings app (declared in apps.py)."""

from django_tasks import task


@task()
def send_reminders() -> int:
    from .services import send_reminders as run

    return run()

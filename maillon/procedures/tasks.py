"""Periodic jobs of the procedures app (declared in apps.py)."""

from django_tasks import task


@task()
def send_reminders() -> int:
    from .services import send_reminders as run

    return run()


@task()
def purge_expired() -> int:
    from .services import purge_expired as run

    return len(run())

"""The foundation's own periodic work."""

from django.core.management import call_command
from django_tasks import task


@task()
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@task()
def prune_task_results() -> None:
    """Finished background-task rows older than 14 days are removed, and so are the
    idempotency keys of that age (their tasks will not run again)."""
    from .idempotency import prune

    call_command("prune_db_task_results", "--min-age-days", "14", verbosity=0)
    prune(days=14)

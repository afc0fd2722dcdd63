"""Periodic work of the leave app."""

from django_tasks import task


@task()
def monthly_accrual() -> int:
    """Credit this month's paid leave in every organisation (idempotent per person, type and month)."""
    from .services import accrue_all

    return accrue_all()

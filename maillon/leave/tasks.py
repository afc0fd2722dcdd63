"""Periodic work of the leave app."""

from django_tasks import task


@task()
def monthly_accrual() -> int:
    """Credit this month's paid leave in every organisation (idempotent per person, type and month)."""
    from .services import accrue_all

    return accrue_all()


@task()
def period_change() -> int:
    """Carry the leftover paid leave of the period that ended over (« reliquat ») and expire the
    reliquats whose date has passed, in every organisation (idempotent)."""
    from .services import period_change_all

    return period_change_all()

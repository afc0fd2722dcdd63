"""The feed's periodic jobs: the daily and weekly digest e-mails (digest.py)."""

from __future__ import annotations

from django_tasks import task

from .models import Frequency


@task()
def send_daily_digests() -> int:
    from .digest import send_digests

    return send_digests(Frequency.DAILY)


@task()
def send_weekly_digests() -> int:
    from .digest import send_digests

    return send_digests(Frequency.WEEKLY)

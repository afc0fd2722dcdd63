"""Writes of the statistics: a batch of page views, the daily aggregation, the purge, a person's
opt-out. The aggregation of a day replaces that day's aggregates, so running it again (another
worker, a second time after late views arrived) gives the same totals."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import DailyStat, OptOut, PageView
from .recording import PARIS, View


def write_views(views: list[View]) -> int:
    """One query for the opt-outs of the people in the batch, one bulk insert (no user id)."""
    opted_out = set(OptOut.objects.filter(user_id__in={v.user_id for v in views}).values_list("user_id", flat=True))
    rows = [PageView(organisation_id=v.organisation_id, date=v.date, hour=v.hour, weekday=v.weekday, route=v.route,
                     role=v.role, device=v.device, visitor=v.visitor) for v in views if v.user_id not in opted_out]
    PageView.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def count_day(rows) -> tuple[Counter, Counter]:
    """Views and visits per (organisation, route, role, hour, weekday, device) of one day's rows
    ``(pk, organisation_id, visitor, route, role, hour, weekday, device)``. A visit is a session's
    first view of the day in an organisation: it counts where that view was (earliest hour, then
    the first written)."""
    views, visits, first = Counter(), Counter(), {}
    for pk, organisation_id, visitor, route, role, hour, weekday, device in rows:
        key = (organisation_id, route, role, hour, weekday, device)
        views[key] += 1
        seen = first.get((organisation_id, visitor))
        if seen is None or (hour, pk) < seen[0]:
            first[(organisation_id, visitor)] = ((hour, pk), key)
    for _order, key in first.values():
        visits[key] += 1
    return views, visits


@transaction.atomic
def aggregate_day(day: date) -> int:
    """Replace ``day``'s aggregates (every organisation) by the count of its raw views. A day
    without raw views keeps its aggregates (purged raw rows, figures of the demo)."""
    rows = PageView.objects.filter(date=day).values_list("pk", "organisation_id", "visitor", "route", "role", "hour", "weekday", "device")
    views, visits = count_day(rows.iterator(chunk_size=2000))
    if not views:
        return 0
    DailyStat.objects.filter(date=day).delete()
    DailyStat.objects.bulk_create([
        DailyStat(organisation_id=org, date=day, route=route, role=role, hour=hour, weekday=weekday, device=device,
                  views=count, visits=visits.get((org, route, role, hour, weekday, device), 0))
        for (org, route, role, hour, weekday, device), count in views.items()
    ], batch_size=500)
    return len(views)


def today() -> date:
    return timezone.now().astimezone(PARIS).date()


def purge(now_day: date | None = None) -> tuple[int, int]:
    """Raw views older than STATS_RAW_DAYS days, aggregates older than STATS_KEEP_MONTHS months."""
    now_day = now_day or today()
    raw, _ = PageView.objects.filter(date__lt=now_day - timedelta(days=settings.STATS_RAW_DAYS)).delete()
    kept, _ = DailyStat.objects.filter(date__lt=now_day - relativedelta(months=settings.STATS_KEEP_MONTHS)).delete()
    return raw, kept


def aggregate_recent(now_day: date | None = None, days: int = 2) -> int:
    """Today and the days before (views written after midnight by a late batch), then the purge."""
    now_day = now_day or today()
    total = sum(aggregate_day(now_day - timedelta(days=offset)) for offset in range(days))
    purge(now_day)
    return total


def set_opt_out(user, opted_out: bool) -> None:
    """From now on (the next batch written), this person's views are not counted, or counted again."""
    if opted_out:
        OptOut.objects.get_or_create(user=user)
    else:
        OptOut.objects.filter(user=user).delete()


def is_opted_out(user) -> bool:
    return OptOut.objects.filter(user=user).exists()

"""What the statistics page, its CSV exports and the API read: sums of the daily aggregates over a
period, one query each, whatever the number of days or pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum

from maillon.accounts.roles import Role

from .labels import page_label
from .models import DailyStat, Device
from .recording import PROFILE_ORDER

PERIODS = (30, 90, 365)


@dataclass(frozen=True)
class Period:
    days: int
    first: date
    last: date

    @classmethod
    def ending(cls, last: date, days: int) -> Period:
        days = days if days in PERIODS else PERIODS[0]
        return cls(days, last - timedelta(days=days - 1), last)

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]


def _stats(organisation, period: Period, route: str | None = None):
    queryset = DailyStat.objects.for_organisation(organisation).between(period.first, period.last)
    return queryset.filter(route=route) if route is not None else queryset


def _sums(queryset, *fields):
    return queryset.values(*fields).annotate(v=Sum("views"), s=Sum("visits")).order_by()


def per_day(organisation, period: Period, route: str | None = None) -> list[dict]:
    """Every day of the period (zeros included): date, views, visits."""
    found = {row["date"]: row for row in _sums(_stats(organisation, period, route), "date")}
    return [{"date": day, "views": found[day]["v"] if day in found else 0, "visits": found[day]["s"] if day in found else 0}
            for day in period.dates()]


def by_role(organisation, period: Period, route: str | None = None) -> list[dict]:
    found = {row["role"]: row for row in _sums(_stats(organisation, period, route), "role")}
    known = [str(role) for role in PROFILE_ORDER]
    rows = [{"role": role, "label": str(Role(role).label) if role in Role.values else role, "views": found[role]["v"], "visits": found[role]["s"]}
            for role in [*known, *sorted(set(found) - set(known))] if role in found]
    return rows


def by_device(organisation, period: Period) -> list[dict]:
    found = {row["device"]: row for row in _sums(_stats(organisation, period), "device")}
    return [{"device": value, "label": str(label), "views": found[value]["v"] if value in found else 0,
             "visits": found[value]["s"] if value in found else 0} for value, label in Device.choices]


def heat(organisation, period: Period) -> list[list[int]]:
    """Views by weekday (0 = Monday) × hour."""
    grid = [[0] * 24 for _ in range(7)]
    for row in _sums(_stats(organisation, period), "weekday", "hour"):
        if 0 <= row["weekday"] < 7 and 0 <= row["hour"] < 24:
            grid[row["weekday"]][row["hour"]] = row["v"]
    return grid


def top_pages(organisation, period: Period, limit: int | None = 20) -> list[dict]:
    rows = _sums(_stats(organisation, period), "route").order_by("-v", "route")
    rows = rows[:limit] if limit else rows
    return [{"route": row["route"], "label": page_label(row["route"]), "views": row["v"], "visits": row["s"]} for row in rows]


def known_route(organisation, route: str) -> bool:
    return DailyStat.objects.for_organisation(organisation).filter(route=route).exists()


def federation_totals(organisation, period: Period) -> list[dict]:
    """The organisations of ``organisation``'s federations (itself included), views and visits."""
    from maillon.organisations.models import Organisation

    members = Organisation.objects.filter(federations__organisations=organisation, is_active=True).distinct()
    found = {row["organisation"]: row for row in _sums(DailyStat.objects.filter(organisation__in=members).between(period.first, period.last), "organisation")}
    return [{"organisation": org.name, "label": org.name, "slug": org.slug, "views": found[org.pk]["v"] if org.pk in found else 0,
             "visits": found[org.pk]["s"] if org.pk in found else 0} for org in members.order_by("name")]

"""The periods a report covers: two calendar months (« bimestre »: janvier–février, …), or any
span for a final report (at most five years)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

MAX_DAYS = 5 * 366


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def slug(self) -> str:
        """« 2026-6 » for the sixth two-month period of 2026 (a bimonthly period), else the dates."""
        if self.is_bimonthly:
            return f"{self.start.year}-{(self.start.month + 1) // 2}"
        return f"{self.start:%Y-%m-%d}_{self.end:%Y-%m-%d}"

    @property
    def is_bimonthly(self) -> bool:
        return self.start.day == 1 and self.start.month % 2 == 1 and self == bimonthly(self.start.year, (self.start.month + 1) // 2)

    @property
    def label(self) -> str:
        if self.is_bimonthly:
            return _("%(first)s–%(second)s %(year)s") % {
                "first": date_format(self.start, "F"), "second": date_format(self.end, "F"), "year": self.start.year}
        return _("from %(start)s to %(end)s") % {"start": date_format(self.start, "j F Y"), "end": date_format(self.end, "j F Y")}

    def next(self) -> Period:
        """The same length right after (for « planned »): the next two months of a bimonthly period."""
        if self.is_bimonthly:
            n = (self.start.month + 1) // 2
            return bimonthly(self.start.year + (n == 6), 1 if n == 6 else n + 1)
        return Period(self.end + timedelta(days=1), self.end + timedelta(days=self.days))

    def months(self) -> list[date]:
        """The first day of each month the period touches."""
        first, out = self.start.replace(day=1), []
        while first <= self.end:
            out.append(first)
            first = (first + timedelta(days=32)).replace(day=1)
        return out


def bimonthly(year: int, n: int) -> Period:
    """The ``n``-th two-month period of ``year`` (1: January–February … 6: November–December)."""
    if not 1 <= n <= 6 or not 2000 <= year <= 2100:
        raise ValidationError(_("This period does not exist."))
    start = date(year, 2 * n - 1, 1)
    end = (date(year + (n == 6), 1 if n == 6 else 2 * n + 1, 1)) - timedelta(days=1)
    return Period(start, end)


def containing(day: date) -> Period:
    return bimonthly(day.year, (day.month + 1) // 2)


def recent(today: date, count: int = 6) -> list[Period]:
    """The current two-month period and the ones before it, newest first."""
    out, period = [], containing(today)
    for _index in range(count):
        out.append(period)
        period = containing(period.start - timedelta(days=1))
    return out


def parse(slug: str) -> Period:
    """« 2026-6 » (bimonthly) or « 2026-01-01_2026-12-31 » (any span); a French error otherwise."""
    try:
        if "_" in slug:
            first, last = (date.fromisoformat(part) for part in slug.split("_", 1))
            return span(first, last)
        year, n = slug.split("-", 1)
        return bimonthly(int(year), int(n))
    except (ValueError, TypeError) as error:
        raise ValidationError(_("This period does not exist.")) from error


def span(first: date, last: date) -> Period:
    if last < first:
        raise ValidationError(_("The end of the period comes before its start."))
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationError(_("A report covers five years at most."))
    return Period(first, last)

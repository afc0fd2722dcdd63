"""French working-time checks for team plannings (pure: no database).

- at most 10 h of work per calendar day (Europe/Paris),
- at most 48 h per ISO week, and no more than the person's contractual weekly hours,
- an 11-hour daily rest: any two moments of work more than 13 h apart must be separated by
  an uninterrupted rest of at least 11 h (a « working day » between two such rests spans at
  most 13 h, night shifts included).

Intervals are half-open and overlapping work of one person is counted once (the double
booking itself is the conflict engine's business). Tested against a brute-force check on a
quarter-hour grid (tests/test_worktime.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from .recurrence import PARIS

MAX_DAY = timedelta(hours=10)
MAX_WEEK = timedelta(hours=48)
MIN_REST = timedelta(hours=11)
MAX_SPAN = timedelta(hours=24) - MIN_REST


@dataclass(frozen=True)
class Work:
    person: Hashable
    start: datetime
    end: datetime
    ref: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class Breach:
    person: Hashable
    rule: str  # "day", "week", "contract", "rest"
    key: Any  # the local date, the (ISO year, week), or the start of the span without rest
    amount: timedelta  # the hours worked (day, week, contract) or the span (rest)
    limit: timedelta


def merge(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted((s.astimezone(UTC), e.astimezone(UTC)) for s, e in intervals if e > s):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _next_midnight(moment: datetime) -> datetime:
    day = moment.astimezone(PARIS).date() + timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=PARIS).astimezone(UTC)


def per_day(merged: list[tuple[datetime, datetime]]) -> dict[date, timedelta]:
    """Hours worked on each local calendar day (a night shift is cut at midnight)."""
    days: dict[date, timedelta] = defaultdict(timedelta)
    for start, end in merged:
        while start < end:
            cut = min(end, _next_midnight(start))
            days[start.astimezone(PARIS).date()] += cut - start
            start = cut
    return days


def per_week(days: dict[date, timedelta]) -> dict[tuple[int, int], timedelta]:
    weeks: dict[tuple[int, int], timedelta] = defaultdict(timedelta)
    for day, worked in days.items():
        iso = day.isocalendar()
        weeks[(iso[0], iso[1])] += worked
    return weeks


def spans(merged: list[tuple[datetime, datetime]], min_rest: timedelta = MIN_REST) -> list[tuple[datetime, datetime]]:
    """Stretches of work between two rests of at least ``min_rest``."""
    out: list[tuple[datetime, datetime]] = []
    for start, end in merged:
        if out and start - out[-1][1] < min_rest:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def check(work: Iterable[Work], contract_hours: dict[Hashable, Decimal | float | None] | None = None, *,
          max_day: timedelta = MAX_DAY, max_week: timedelta = MAX_WEEK, min_rest: timedelta = MIN_REST) -> list[Breach]:
    """Every breach of the limits, person by person, in a stable order."""
    contract_hours = contract_hours or {}
    by_person: dict[Hashable, list[tuple[datetime, datetime]]] = defaultdict(list)
    for w in work:
        by_person[w.person].append((w.start, w.end))
    breaches = []
    max_span = timedelta(hours=24) - min_rest
    for person in sorted(by_person, key=repr):
        merged = merge(by_person[person])
        days = per_day(merged)
        for day in sorted(days):
            if days[day] > max_day:
                breaches.append(Breach(person, "day", day, days[day], max_day))
        weeks = per_week(days)
        hours = contract_hours.get(person)
        contract = timedelta(hours=float(hours)) if hours is not None else None
        for week in sorted(weeks):
            if weeks[week] > max_week:
                breaches.append(Breach(person, "week", week, weeks[week], max_week))
            if contract is not None and weeks[week] > contract:
                breaches.append(Breach(person, "contract", week, weeks[week], contract))
        for start, end in spans(merged, min_rest):
            if end - start > max_span:
                breaches.append(Breach(person, "rest", start, end - start, min_rest))
    return breaches

"""Counting the days of a leave request: pure functions, no database.

A request covers half-day *slots* from (start_date, start_half) to (end_date, end_half).
A slot is counted (0.5 day) when:

- jours ouvrés (``ouvres``): it falls Monday to Friday, is not a public holiday and the
  person works it (work cycle);
- jours ouvrables (``ouvrables``): it falls Monday to Saturday and is not a public holiday,
  from the first slot the person would have worked (the leave starts on a worked day, as
  the Cour de cassation counts it for part-time staff: a week off costs 6 days whatever
  the cycle). The last day is the eve of the return to work.

A half day that falls on a public holiday counts 0. The work cycle is a bit mask:
bit ``2 * weekday + half`` (weekday 0 = Monday, half 0 = morning).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

WORKING_DAYS = "ouvres"
BUSINESS_DAYS = "ouvrables"
MORNING, AFTERNOON = "am", "pm"
FULL_TIME = 0b1111111111

_COUNTED_WEEKDAYS = {WORKING_DAYS: range(0, 5), BUSINESS_DAYS: range(0, 6)}


def _slot(day: date, half: str) -> int:
    return 2 * day.toordinal() + (1 if half == AFTERNOON else 0)


def _occurrences(first: int, last: int, residue: int, modulus: int = 14) -> int:
    """How many integers i in [first, last] have i % modulus == residue."""
    if last < first:
        return 0
    return (last - residue) // modulus - (first - 1 - residue) // modulus


def _residue(weekday: int, half: int) -> int:
    # date.toordinal() of a Monday is ≡ 1 (mod 7), so slot 2*o+h of weekday w is ≡ 2*((w+1)%7)+h (mod 14).
    return 2 * ((weekday + 1) % 7) + half


def count_days(
    start_date: date, start_half: str, end_date: date, end_half: str, *,
    mode: str = BUSINESS_DAYS, cycle: int = FULL_TIME, holidays: frozenset[date] | set[date] = frozenset(),
) -> Decimal:
    """Days (in halves) a leave request costs. 0 when the range is empty or reversed."""
    first, last = _slot(start_date, start_half), _slot(end_date, end_half)
    if last < first:
        return Decimal(0)
    weekdays = _COUNTED_WEEKDAYS[mode]
    if mode == BUSINESS_DAYS:
        # Start on the first slot the person would have worked (not a holiday).
        slot = first
        while slot <= last:
            day, half = date.fromordinal(slot // 2), slot % 2
            if cycle >> (2 * day.weekday() + half) & 1 and day not in holidays and day.weekday() in weekdays:
                break
            slot += 1
        first = slot
        counted = [(w, h) for w in weekdays for h in (0, 1)]
    else:
        counted = [(w, h) for w in weekdays for h in (0, 1) if cycle >> (2 * w + h) & 1]
    if last < first:
        return Decimal(0)
    halves = sum(_occurrences(first, last, _residue(w, h)) for w, h in counted)
    counted_set = set(counted)
    for day in holidays:
        for h in (0, 1):
            if (day.weekday(), h) in counted_set and first <= 2 * day.toordinal() + h <= last:
                halves -= 1
    return Decimal(halves) / 2


def fractionnement_days(days_outside: Decimal | int | float) -> int:
    """Code du travail L3141-23: main leave taken outside 1 May – 31 October earns
    1 extra day for 3 to 5 days, 2 extra days for 6 days or more."""
    days = Decimal(str(days_outside))
    if days >= 6:
        return 2
    if days >= 3:
        return 1
    return 0


def split_main_period(start_date: date, end_date: date) -> list[tuple[date, date, bool]]:
    """Cut [start_date, end_date] into pieces inside / outside 1 May – 31 October: (from, to, inside)."""
    pieces = []
    day = start_date
    while day <= end_date:
        inside = 5 <= day.month <= 10
        if inside:
            boundary = date(day.year, 10, 31)
        elif day.month >= 11:
            boundary = date(day.year + 1, 4, 30)
        else:
            boundary = date(day.year, 4, 30)
        piece_end = min(boundary, end_date)
        pieces.append((day, piece_end, inside))
        day = piece_end + timedelta(days=1)
    return pieces


def days_outside_main_period(
    start_date: date, start_half: str, end_date: date, end_half: str, *,
    mode: str = BUSINESS_DAYS, cycle: int = FULL_TIME, holidays=frozenset(),
) -> Decimal:
    total = Decimal(0)
    for piece_start, piece_end, inside in split_main_period(start_date, end_date):
        if inside:
            continue
        total += count_days(
            piece_start, start_half if piece_start == start_date else MORNING,
            piece_end, end_half if piece_end == end_date else AFTERNOON,
            mode=mode, cycle=cycle, holidays=holidays,
        )
    return total


@lru_cache(maxsize=64)
def public_holidays(year: int, alsace_moselle: bool = False) -> frozenset[date]:
    """French public holidays of a year (the ``holidays`` library), with Alsace-Moselle's two extra days."""
    import holidays as holidays_lib

    return frozenset(holidays_lib.France(years=year, subdiv="57" if alsace_moselle else None).keys())


def holidays_between(start: date, end: date, alsace_moselle: bool = False) -> frozenset[date]:
    found: set[date] = set()
    for year in range(start.year, end.year + 1):
        found |= {d for d in public_holidays(year, alsace_moselle) if start <= d <= end}
    return frozenset(found)


def reference_period(day: date, start_month: int = 6) -> tuple[date, date]:
    """The reference period (default 1 June – 31 May) that contains ``day``."""
    year = day.year if day.month >= start_month else day.year - 1
    start = date(year, start_month, 1)
    end = date(year + 1, start_month, 1) - timedelta(days=1)
    return start, end


def monthly_accrual(yearly: int, month_index: int) -> Decimal:
    """What month ``month_index`` (1 to 12 of the reference period) adds, so that twelve
    months sum to exactly ``yearly`` (2.5 a month for 30; 2.08 or 2.09 for 25)."""
    def cumulative(months: int) -> Decimal:
        return (Decimal(yearly) * months / 12).quantize(Decimal("0.01"))

    return cumulative(month_index) - cumulative(month_index - 1)

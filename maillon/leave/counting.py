"""Counting the days of a leave request: pure functions, no database.

A request covers half-day *slots* from (start_date, start_half) to (end_date, end_half).
A slot is counted (0.5 day) when:

- jours ouvrés (``ouvres``): it falls Monday to Friday, is not a public holiday and the
  person works it (work cycle);
- jours ouvrables (``ouvrables``, the Code du travail's own unit, L3141-3: 2.5 a month, 30 a
  year): it falls Monday to Saturday (every day but the weekly rest day, Sunday) and is not a
  public holiday, from the first slot the person would have worked (Cass. soc. 2 mars 1989,
  n° 86-44.120) until the eve of the return to work (Cass. soc. 7 mai 1998, n° 97-42.503;
  22 février 2000, n° 97-43.515). So the counting does not stop at the last day asked: the
  ouvrable days after it on which the person would not have worked anyway (the Saturday after a
  Friday, the Wednesday to Saturday of a Monday–Tuesday part-timer) are counted until the next
  slot the person works. A week off costs 6 days whatever the cycle; a single Friday costs 2
  (Friday and Saturday) for someone who does not work on Saturdays.

A half day that falls on a public holiday counts 0 (a public holiday not worked is not an
ouvrable day, also on a Saturday). The work cycle is a bit mask: bit ``2 * weekday + half``
(weekday 0 = Monday, half 0 = morning).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

WORKING_DAYS = "ouvres"
BUSINESS_DAYS = "ouvrables"
MORNING, AFTERNOON = "am", "pm"
FULL_TIME = 0b1111111111

_COUNTED_WEEKDAYS = {WORKING_DAYS: range(0, 5), BUSINESS_DAYS: range(0, 6)}
# How far after the last day asked the return to work is looked for (the same half day comes back
# within a week; public holidays may push it a little further).
_RETURN_HORIZON = 2 * 21
# A cycle with a worked half day Monday to Saturday meets one within a week; public holidays cannot
# hide it for months. Past this many half days without one, the request counts nothing.
_FIRST_WORKED_HORIZON = 2 * 120
_LAST_SLOT = 2 * date.max.toordinal() + 1


def _slot(day: date, half: str) -> int:
    return 2 * day.toordinal() + (1 if half == AFTERNOON else 0)


def _day(slot: int) -> date:
    return date.fromordinal(slot // 2)


@dataclass(frozen=True)
class Count:
    """How a request is counted: the total and the days behind it, for the people who read it.

    ``counted``: (day, days counted that day: 0.5 or 1), in order; ``holidays``: public holidays
    (on a counted weekday) inside the counted span, not counted; ``not_worked_before``: days asked
    before the first day the person would have worked (ouvrables), not counted; ``after_end``:
    days after the last day asked that are counted because the person only returns later
    (ouvrables); ``returns_on``: the day of the return to work (ouvrables), when known."""

    days: Decimal
    mode: str
    counted: tuple[tuple[date, Decimal], ...] = ()
    holidays: tuple[date, ...] = ()
    not_worked_before: tuple[date, ...] = ()
    after_end: tuple[date, ...] = ()
    returns_on: date | None = None
    returns_half: str = MORNING

    @property
    def first(self) -> date | None:
        return self.counted[0][0] if self.counted else None

    @property
    def last(self) -> date | None:
        return self.counted[-1][0] if self.counted else None


def explain_days(
    start_date: date, start_half: str, end_date: date, end_half: str, *,
    mode: str = BUSINESS_DAYS, cycle: int = FULL_TIME, holidays: frozenset[date] | set[date] = frozenset(),
) -> Count:
    """The days a request costs and why (see the module's docstring). Walks the half days, so
    callers keep the range to about a year (``services.validate_request`` refuses more)."""
    first, last = _slot(start_date, start_half), _slot(end_date, end_half)
    if last < first:
        return Count(Decimal(0), mode)
    weekdays = _COUNTED_WEEKDAYS[mode]

    def worked(slot: int) -> bool:
        day = _day(slot)
        return bool(cycle >> (2 * day.weekday() + slot % 2) & 1) and day not in holidays

    def open_slot(slot: int) -> bool:
        day = _day(slot)
        return day.weekday() in weekdays and day not in holidays

    not_worked_before: list[date] = []
    returns_on, returns_half = None, MORNING
    if mode == BUSINESS_DAYS:
        slot, horizon = first, min(last, first + _FIRST_WORKED_HORIZON)
        while slot <= horizon and not (worked(slot) and open_slot(slot)):
            slot += 1
        not_worked_before = sorted({_day(s) for s in range(first, slot) if _day(s) < _day(slot) and open_slot(s)})
        if slot > horizon:
            return Count(Decimal(0), mode, not_worked_before=tuple(sorted({_day(s) for s in range(first, last + 1) if open_slot(s)})))
        first = slot
        probe, horizon = last + 1, min(last + _RETURN_HORIZON, _LAST_SLOT)
        while probe <= horizon and not worked(probe):
            probe += 1
        if probe <= horizon:
            returns_on, returns_half = _day(probe), (AFTERNOON if probe % 2 else MORNING)
            last = probe - 1
        slots = [s for s in range(first, last + 1) if open_slot(s)]
    else:
        slots = [s for s in range(first, last + 1) if open_slot(s) and worked(s)]
    per_day: dict[date, int] = {}
    for s in slots:
        per_day[_day(s)] = per_day.get(_day(s), 0) + 1
    span_first, span_last = _day(first), _day(last)
    skipped = sorted(d for d in holidays if span_first <= d <= span_last and d.weekday() in weekdays)
    after_end = tuple(d for d in per_day if d > end_date)
    return Count(
        Decimal(len(slots)) / 2, mode, counted=tuple((d, Decimal(n) / 2) for d, n in per_day.items()), holidays=tuple(skipped),
        not_worked_before=tuple(not_worked_before), after_end=after_end, returns_on=returns_on, returns_half=returns_half,
    )


def _occurrences(first: int, last: int, residue: int, modulus: int = 14) -> int:
    """How many integers i in [first, last] have i % modulus == residue."""
    if last < first:
        return 0
    return (last - residue) // modulus - (first - 1 - residue) // modulus


def _residue(weekday: int, half: int) -> int:
    # date.toordinal() of a Monday is ≡ 1 (mod 7), so slot 2*o+h of weekday w is ≡ 2*((w+1)%7)+h (mod 14).
    return 2 * ((weekday + 1) % 7) + half


def _counted_span(start_date, start_half, end_date, end_half, *, mode, cycle, holidays) -> tuple[int, int, list] | None:
    """(first slot, last slot, the (weekday, half) counted) of a request, or None when it counts
    nothing: in jours ouvrables from the first worked slot to the eve of the return."""
    first, last = _slot(start_date, start_half), _slot(end_date, end_half)
    if last < first:
        return None
    weekdays = _COUNTED_WEEKDAYS[mode]

    def worked(slot: int) -> bool:
        day = _day(slot)
        return bool(cycle >> (2 * day.weekday() + slot % 2) & 1) and day not in holidays

    if mode != BUSINESS_DAYS:
        return first, last, [(w, h) for w in weekdays for h in (0, 1) if cycle >> (2 * w + h) & 1]
    slot, horizon = first, min(last, first + _FIRST_WORKED_HORIZON)
    while slot <= horizon and not (worked(slot) and _day(slot).weekday() in weekdays):
        slot += 1
    if slot > horizon:
        return None
    probe, horizon = last + 1, min(last + _RETURN_HORIZON, _LAST_SLOT)
    while probe <= horizon and not worked(probe):
        probe += 1
    return slot, (probe - 1 if probe <= horizon else last), [(w, h) for w in weekdays for h in (0, 1)]


def _halves(first: int, last: int, counted: list, holidays) -> int:
    halves = sum(_occurrences(first, last, _residue(w, h)) for w, h in counted)
    counted_set = set(counted)
    for day in holidays:
        for h in (0, 1):
            if (day.weekday(), h) in counted_set and first <= 2 * day.toordinal() + h <= last:
                halves -= 1
    return halves


def count_days(
    start_date: date, start_half: str, end_date: date, end_half: str, *,
    mode: str = BUSINESS_DAYS, cycle: int = FULL_TIME, holidays: frozenset[date] | set[date] = frozenset(),
) -> Decimal:
    """Days (in halves) a leave request costs, as ``explain_days`` counts them, in constant time
    whatever the length of the range (a form may send any dates). 0 when the range is empty or reversed."""
    span = _counted_span(start_date, start_half, end_date, end_half, mode=mode, cycle=cycle, holidays=holidays)
    return Decimal(_halves(*span, holidays)) / 2 if span else Decimal(0)


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
            boundary = date(day.year + 1, 4, 30) if day.year < date.max.year else date.max
        else:
            boundary = date(day.year, 4, 30)
        piece_end = min(boundary, end_date)
        pieces.append((day, piece_end, inside))
        if piece_end == date.max:
            break
        day = piece_end + timedelta(days=1)
    return pieces


def days_outside_main_period(
    start_date: date, start_half: str, end_date: date, end_half: str, *,
    mode: str = BUSINESS_DAYS, cycle: int = FULL_TIME, holidays=frozenset(),
) -> Decimal:
    """The days counted that fall outside 1 May – 31 October (fractionnement), each where it falls
    (the Saturday after a Friday 31 October is inside)."""
    span = _counted_span(start_date, start_half, end_date, end_half, mode=mode, cycle=cycle, holidays=holidays)
    if span is None:
        return Decimal(0)
    first, last, counted = span
    total = 0
    for piece_start, piece_end, inside in split_main_period(_day(first), _day(last)):
        if not inside:
            total += _halves(max(first, _slot(piece_start, MORNING)), min(last, _slot(piece_end, AFTERNOON)), counted, holidays)
    return Decimal(total) / 2


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

"""THE day-counting function, checked against a brute-force walk of the calendar."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.leave import counting
from maillon.leave.counting import (
    AFTERNOON,
    BUSINESS_DAYS,
    FULL_TIME,
    MORNING,
    WORKING_DAYS,
    count_days,
)


def brute_force(start, start_half, end, end_half, *, mode, cycle, holidays):
    """Walk every half day of the request, one by one; in jours ouvrables, go on walking after
    the last half day asked until the person's next worked half day (the return to work)."""
    slots = []
    day = start
    while day <= end:
        for half in (0, 1):
            if day == start and start_half == AFTERNOON and half == 0:
                continue
            if day == end and end_half == MORNING and half == 1:
                continue
            slots.append((day, half))
        day += timedelta(days=1)
    last_weekday = 4 if mode == WORKING_DAYS else 5

    def works(day, half):
        return bool(cycle & (1 << (2 * day.weekday() + half))) and day not in holidays

    halves = 0
    started = mode == WORKING_DAYS
    for day, half in slots:
        open_day = day.weekday() <= last_weekday and day not in holidays
        if mode == WORKING_DAYS:
            halves += open_day and works(day, half)
        else:
            started = started or (open_day and works(day, half))
            halves += started and open_day
    if mode == BUSINESS_DAYS and started and slots:
        day, half = slots[-1]
        after = []
        for _step in range(42):
            day, half = (day, 1) if half == 0 else (day + timedelta(days=1), 0)
            if works(day, half):
                halves += sum(d.weekday() <= last_weekday and d not in holidays for d, _h in after)
                break
            after.append((day, half))
    return Decimal(halves) / 2


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
halves = st.sampled_from([MORNING, AFTERNOON])
cycles = st.integers(min_value=0, max_value=(1 << 14) - 1) | st.just(FULL_TIME)


@settings(max_examples=400, deadline=None)
@given(start=days, length=st.integers(min_value=-3, max_value=80), start_half=halves, end_half=halves,
       mode=st.sampled_from([WORKING_DAYS, BUSINESS_DAYS]), cycle=cycles, alsace=st.booleans(),
       extra=st.sets(days, max_size=5))
def test_it_counts_like_a_walk_through_the_calendar(start, length, start_half, end_half, mode, cycle, alsace, extra):
    end = start + timedelta(days=length)
    holidays = counting.holidays_between(start - timedelta(days=10), end + timedelta(days=10), alsace) | extra
    expected = brute_force(start, start_half, end, end_half, mode=mode, cycle=cycle, holidays=holidays)
    assert count_days(start, start_half, end, end_half, mode=mode, cycle=cycle, holidays=holidays) == expected


def test_it_counts_a_full_week_as_five_working_days_or_six_business_days():
    # Monday 2026-03-09 to Friday 2026-03-13 (back on Monday): the Saturday counts in jours ouvrables.
    assert count_days(date(2026, 3, 9), MORNING, date(2026, 3, 13), AFTERNOON, mode=WORKING_DAYS) == 5
    assert count_days(date(2026, 3, 9), MORNING, date(2026, 3, 13), AFTERNOON, mode=BUSINESS_DAYS) == 6
    assert count_days(date(2026, 3, 9), MORNING, date(2026, 3, 14), AFTERNOON, mode=BUSINESS_DAYS) == 6


def test_it_counts_half_days():
    assert count_days(date(2026, 3, 9), AFTERNOON, date(2026, 3, 10), MORNING, mode=WORKING_DAYS) == Decimal("1")
    assert count_days(date(2026, 3, 9), MORNING, date(2026, 3, 9), MORNING, mode=WORKING_DAYS) == Decimal("0.5")
    assert count_days(date(2026, 3, 9), AFTERNOON, date(2026, 3, 9), MORNING, mode=WORKING_DAYS) == 0


def test_it_counts_nothing_for_a_half_day_on_a_public_holiday():
    holidays = counting.public_holidays(2026)
    # Thursday 14 May 2026 is Ascension Day.
    assert count_days(date(2026, 5, 14), AFTERNOON, date(2026, 5, 14), AFTERNOON, mode=WORKING_DAYS, holidays=holidays) == 0
    # Monday 11 May morning to Friday 15 May: 4 days in jours ouvrés.
    assert count_days(date(2026, 5, 11), MORNING, date(2026, 5, 15), AFTERNOON, mode=WORKING_DAYS, holidays=holidays) == 4


def test_it_counts_part_time_cycles():
    mornings_only = sum(1 << (2 * w) for w in range(5))
    monday_tuesday = 0b1111
    assert count_days(date(2026, 3, 9), MORNING, date(2026, 3, 13), AFTERNOON, mode=WORKING_DAYS, cycle=mornings_only) == Decimal("2.5")
    assert count_days(date(2026, 3, 9), MORNING, date(2026, 3, 13), AFTERNOON, mode=WORKING_DAYS, cycle=monday_tuesday) == 2
    # In jours ouvrables a part-timer's week off still costs six days, from the first worked day.
    assert count_days(date(2026, 3, 9), MORNING, date(2026, 3, 14), AFTERNOON, mode=BUSINESS_DAYS, cycle=monday_tuesday) == 6
    assert count_days(date(2026, 3, 11), MORNING, date(2026, 3, 14), AFTERNOON, mode=BUSINESS_DAYS, cycle=monday_tuesday) == 0


def test_it_knows_the_alsace_moselle_holidays():
    assert date(2026, 4, 3) not in counting.public_holidays(2026)
    assert {date(2026, 4, 3), date(2026, 12, 26)} <= counting.public_holidays(2026, alsace_moselle=True)
    assert date(2026, 7, 14) in counting.public_holidays(2026)


def test_it_grants_fractionnement_days_by_the_code_du_travail():
    assert [counting.fractionnement_days(d) for d in (0, 2, Decimal("2.5"), 3, 5, Decimal("5.5"), 6, 12)] == [0, 0, 0, 1, 1, 1, 2, 2]


def test_it_counts_the_days_outside_1_may_to_31_october():
    # Monday 26 Oct – Friday 6 Nov 2026 (1 and 11 November are holidays, 1 Nov a Sunday).
    holidays = counting.public_holidays(2026)
    outside = counting.days_outside_main_period(date(2026, 10, 26), MORNING, date(2026, 11, 6), AFTERNOON, mode=WORKING_DAYS, holidays=holidays)
    assert outside == 5
    assert counting.days_outside_main_period(date(2026, 7, 1), MORNING, date(2026, 7, 10), AFTERNOON, mode=WORKING_DAYS) == 0


@given(start=days, length=st.integers(min_value=0, max_value=400))
def test_it_splits_any_range_into_contiguous_pieces(start, length):
    end = start + timedelta(days=length)
    pieces = counting.split_main_period(start, end)
    assert pieces[0][0] == start and pieces[-1][1] == end
    for (_a, b, inside), (c, _d, next_inside) in zip(pieces, pieces[1:], strict=False):
        assert c == b + timedelta(days=1) and inside != next_inside
    for a, b, inside in pieces:
        assert all((5 <= (a + timedelta(days=i)).month <= 10) == inside for i in range((b - a).days + 1))


def test_it_finds_the_reference_period():
    assert counting.reference_period(date(2026, 5, 31)) == (date(2025, 6, 1), date(2026, 5, 31))
    assert counting.reference_period(date(2026, 6, 1)) == (date(2026, 6, 1), date(2027, 5, 31))
    assert counting.reference_period(date(2026, 3, 1), start_month=1) == (date(2026, 1, 1), date(2026, 12, 31))


def test_it_accrues_exactly_the_yearly_entitlement_in_twelve_months():
    assert [counting.monthly_accrual(30, m) for m in range(1, 13)] == [Decimal("2.5")] * 12
    months = [counting.monthly_accrual(25, m) for m in range(1, 13)]
    assert sum(months) == 25 and set(months) <= {Decimal("2.08"), Decimal("2.09")}

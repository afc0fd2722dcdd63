"""Jours ouvrables as French payroll counts them, checked by hand on real calendars.

The rule (Code du travail L3141-3: 2.5 jours ouvrables a month, 30 a year; an ouvrable day is
every day but the weekly rest day, Sunday, and the public holidays not worked):

- the first day counted is the first day the person would have worked (Cass. soc. 2 mars 1989,
  n° 86-44.120);
- then every ouvrable day is counted until the eve of the return to work, even the days the
  person or the organisation does not work (Cass. soc. 8 novembre 1983, n° 81-41.583; 7 mai 1998,
  n° 97-42.503; 22 février 2000, n° 97-43.515); the second weekly rest day (the Saturday of a
  Monday–Friday week) is an ouvrable day (Cass. soc. 18 janvier 2006, n° 04-41.746);
- a public holiday not worked is not an ouvrable day: inside the leave it is not counted, also
  when it falls on a Saturday or on a part-timer's day off (the leave is one day longer).

The worked examples below are the ones labour lawyers and the unions' FAQs give (verquin-flament
avocats, Lille, « Doit-on compter les samedis ? Les jours fériés ? »; info-tpe.fr FAQ « congés
payés annuels »; CFTC « Congés payés et jour férié »; Vandevelde avocats « Congés payés et jours
fériés »), recomputed by hand on the 2017, 2025 and 2026 calendars. Maillon's requests give the
last day of absence (not the day of return): for someone who does not work on Saturdays, a
request ending on a Friday means a return on Monday, so the Saturday is counted.
"""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from maillon.leave import counting
from maillon.leave.counting import (
    AFTERNOON,
    BUSINESS_DAYS,
    FULL_TIME,
    MORNING,
    WORKING_DAYS,
    count_days,
    explain_days,
)

H = counting.public_holidays(2017) | counting.public_holidays(2025) | counting.public_holidays(2026) | counting.public_holidays(2027)
MON_TUE = 0b1111  # a part-timer working Monday and Tuesday
WITH_SATURDAY = FULL_TIME | 0b11 << 10  # Monday to Saturday (a centre open on Saturdays)


def ouvrables(start, end, cycle=FULL_TIME, start_half=MORNING, end_half=AFTERNOON):
    return count_days(start, start_half, end, end_half, mode=BUSINESS_DAYS, cycle=cycle, holidays=H)


def test_two_weeks_from_friday_evening_to_monday_cost_twelve_days():
    """Leaves on the evening of Friday 25 July 2025, back at work on Monday 11 August: first day
    counted Monday 28 July, last the eve of the return, Sunday 10 August (verquin-flament example 1):
    Mon 28 July – Sat 2 August (6) + Mon 4 – Sat 9 August (6) = 12. The Saturdays count."""
    found = explain_days(date(2025, 7, 28), MORNING, date(2025, 8, 8), AFTERNOON, mode=BUSINESS_DAYS, holidays=H)
    assert found.days == 12
    assert [d for d, _n in found.counted if d.weekday() == 5] == [date(2025, 8, 2), date(2025, 8, 9)]
    assert found.returns_on == date(2025, 8, 11)
    # Asked as Saturday 26 July to Sunday 10 August, it costs the same: the first Saturday is not a day she would have worked.
    assert ouvrables(date(2025, 7, 26), date(2025, 8, 10)) == 12


def test_a_week_with_a_public_holiday_costs_five_days():
    """Leaves Friday 8 August 2025 evening, back Monday 18 August: Mon 11 – Sat 16 August, and
    Friday 15 August (Assumption) is a public holiday not worked: 5 days (verquin-flament example 2)."""
    found = explain_days(date(2025, 8, 11), MORNING, date(2025, 8, 15), AFTERNOON, mode=BUSINESS_DAYS, holidays=H)
    assert found.days == 5
    assert found.holidays == (date(2025, 8, 15),)
    assert date(2025, 8, 16) in found.after_end


def test_a_single_friday_costs_the_friday_and_the_saturday():
    """Leaves Thursday 24 July 2025 evening, back Monday 28 July: Friday 25 and Saturday 26 are
    counted (verquin-flament example 3; « si vous prenez seulement votre vendredi, deux jours de
    congés seront comptabilisés : le vendredi pris et le samedi »). Someone who works on Saturdays
    comes back on Saturday: one day."""
    assert ouvrables(date(2025, 7, 25), date(2025, 7, 25)) == 2
    assert ouvrables(date(2025, 7, 25), date(2025, 7, 25), cycle=WITH_SATURDAY) == 1
    # In jours ouvrés it is one day.
    assert count_days(date(2025, 7, 25), MORNING, date(2025, 7, 25), AFTERNOON, mode=WORKING_DAYS, holidays=H) == 1


def test_a_week_monday_to_friday_costs_six_days_when_the_person_returns_on_monday():
    """Monday 7 – Friday 11 December 2026, back Monday 14: Monday to Saturday, 6 days (the
    organisation does not work on Saturdays; the Saturday is still ouvrable, Cass. soc. 18 janvier
    2006). Until Friday noon only: back Friday afternoon, 4.5 days."""
    assert ouvrables(date(2026, 12, 7), date(2026, 12, 11)) == 6
    assert ouvrables(date(2026, 12, 7), date(2026, 12, 11), end_half=MORNING) == Decimal("4.5")
    assert ouvrables(date(2026, 12, 7), date(2026, 12, 11), cycle=WITH_SATURDAY) == 5


def test_christmas_with_two_monday_holidays():
    """Leaves Friday 15 December 2017 evening, back Tuesday 26 December morning: Mon 18 – Sat 23
    (6), Sunday 24 not ouvrable, Monday 25 a public holiday: 6 days (Vandevelde avocats)."""
    found = explain_days(date(2017, 12, 18), MORNING, date(2017, 12, 25), AFTERNOON, mode=BUSINESS_DAYS, holidays=H)
    assert found.days == 6 and found.holidays == (date(2017, 12, 25),)
    assert found.returns_on == date(2017, 12, 26)


def test_a_saturday_public_holiday_is_not_counted():
    """Saturday 1 May 2027 is a public holiday: a week Monday 26 April – Friday 30 April, back
    Monday 3 May, costs 5 days (CFTC; lhotellerie-restauration.fr: « il en est de même si le jour
    férié chômé coïncide avec un jour habituellement non travaillé, comme le samedi »)."""
    assert date(2027, 5, 1).weekday() == 5
    assert ouvrables(date(2027, 4, 26), date(2027, 4, 30)) == 5


def test_a_bridge_day_costs_two_days():
    """Ascension is Thursday 14 May 2026; taking the Friday 15 (« le pont ») and coming back on
    Monday costs Friday and Saturday: 2 days in jours ouvrables, 1 in jours ouvrés."""
    assert ouvrables(date(2026, 5, 15), date(2026, 5, 15)) == 2
    assert count_days(date(2026, 5, 15), MORNING, date(2026, 5, 15), AFTERNOON, mode=WORKING_DAYS, holidays=H) == 1


def test_a_part_timer_is_counted_like_a_full_timer():
    """A Monday–Tuesday part-timer off Monday 9 and Tuesday 10 March 2026 is back Monday 16: the
    counting runs from the first day she would have worked to the eve of her return, Monday to
    Saturday, 6 days (info-tpe.fr: « six jours doivent vous être décomptés »). Leave asked from
    Wednesday (a day she does not work) starts on her next worked day."""
    found = explain_days(date(2026, 3, 9), MORNING, date(2026, 3, 10), AFTERNOON, mode=BUSINESS_DAYS, cycle=MON_TUE, holidays=H)
    assert found.days == 6 and found.returns_on == date(2026, 3, 16)
    assert found.after_end == (date(2026, 3, 11), date(2026, 3, 12), date(2026, 3, 13), date(2026, 3, 14))
    late = explain_days(date(2026, 3, 11), MORNING, date(2026, 3, 17), AFTERNOON, mode=BUSINESS_DAYS, cycle=MON_TUE, holidays=H)
    assert late.first == date(2026, 3, 16) and late.not_worked_before == (date(2026, 3, 11), date(2026, 3, 12), date(2026, 3, 13), date(2026, 3, 14))
    assert late.days == 6


def test_a_public_holiday_on_the_day_of_return_moves_the_return():
    """Easter Monday is 6 April 2026: leave Tuesday 7 – Friday 10
    April, back Monday 13: Tue–Sat, 5 days. Leave Monday 30 March – Friday 3 April: back Tuesday
    7 (Monday 6 is Easter Monday, not worked): Mon 30 – Sat 4 = 6 days, Monday 6 not counted."""
    assert ouvrables(date(2026, 4, 7), date(2026, 4, 10)) == 5
    found = explain_days(date(2026, 3, 30), MORNING, date(2026, 4, 3), AFTERNOON, mode=BUSINESS_DAYS, holidays=H)
    assert found.days == 6 and found.returns_on == date(2026, 4, 7) and date(2026, 4, 6) in found.holidays


def test_the_fractionnement_counts_the_saturday_where_it_falls():
    """Leave Monday 26 – Friday 30 October 2026 (back Monday 2 November; 1 November is a Sunday):
    the Saturday 31 October is inside the main period, nothing is outside it. The week after,
    Monday 2 – Friday 6 November, costs 6 days outside it."""
    assert counting.days_outside_main_period(date(2026, 10, 26), MORNING, date(2026, 10, 30), AFTERNOON, holidays=H) == 0
    assert counting.days_outside_main_period(date(2026, 11, 2), MORNING, date(2026, 11, 6), AFTERNOON, holidays=H) == 6  # Saturday 7 too


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
cycles = st.integers(min_value=1, max_value=(1 << 14) - 1) | st.just(FULL_TIME)
halves = st.sampled_from([MORNING, AFTERNOON])


@settings(max_examples=300, deadline=None)
@given(start=days, length=st.integers(min_value=0, max_value=60), start_half=halves, end_half=halves, cycle=cycles,
       extra=st.sets(days, max_size=4))
def test_ouvrables_never_cost_less_than_ouvres(start, length, start_half, end_half, cycle, extra):
    """For the same request, cycle and holidays, jours ouvrables ≥ jours ouvrés."""
    end = start + timedelta(days=length)
    holidays = counting.holidays_between(start - timedelta(days=7), end + timedelta(days=30)) | extra
    kwargs = {"cycle": cycle, "holidays": holidays}
    assert count_days(start, start_half, end, end_half, mode=BUSINESS_DAYS, **kwargs) >= count_days(
        start, start_half, end, end_half, mode=WORKING_DAYS, **kwargs)


@settings(max_examples=300, deadline=None)
@given(start=days, weeks=st.integers(min_value=1, max_value=8), cycle=cycles, holidays=st.sets(days, max_size=4))
def test_each_full_week_costs_six_days_whatever_the_cycle(start, weeks, cycle, holidays):
    """From a day the person works, N whole weeks (back on the same weekday) cost 6 N jours
    ouvrables minus the public holidays that fall Monday to Saturday inside them."""
    assume(cycle >> (2 * start.weekday()) & 1 and start.weekday() != 6)
    end = start + timedelta(days=7 * weeks - 1)
    returns = end + timedelta(days=1)
    assume(start not in holidays and returns not in holidays)
    inside = sum(1 for d in holidays if start <= d <= end and d.weekday() != 6)
    assert count_days(start, MORNING, end, AFTERNOON, mode=BUSINESS_DAYS, cycle=cycle, holidays=holidays) == 6 * weeks - inside


@settings(max_examples=200, deadline=None)
@given(start=days, length=st.integers(min_value=0, max_value=40), start_half=halves, end_half=halves, cycle=cycles)
def test_the_explanation_adds_up(start, length, start_half, end_half, cycle):
    """The days listed add up to the total (the constant-time count), in order, never a Sunday nor
    a public holiday."""
    end = start + timedelta(days=length)
    holidays = counting.holidays_between(start - timedelta(days=7), end + timedelta(days=30))
    for mode in (WORKING_DAYS, BUSINESS_DAYS):
        found = explain_days(start, start_half, end, end_half, mode=mode, cycle=cycle, holidays=holidays)
        assert sum((n for _d, n in found.counted), Decimal(0)) == found.days
        assert found.days == count_days(start, start_half, end, end_half, mode=mode, cycle=cycle, holidays=holidays)
        listed = [d for d, _n in found.counted]
        assert listed == sorted(listed) and all(d.weekday() != 6 and d not in holidays for d in listed)
        assert not set(found.holidays) & set(listed)
        outside = sum((n for d, n in found.counted if not 5 <= d.month <= 10), Decimal(0))
        assert counting.days_outside_main_period(start, start_half, end, end_half, mode=mode, cycle=cycle, holidays=holidays) == outside


def test_a_range_of_centuries_is_counted_at_once():
    """A form may send any dates: the count does not walk them (a few milliseconds, not minutes)."""
    assert count_days(date(1, 1, 1), MORNING, date(9999, 12, 31), AFTERNOON, mode=BUSINESS_DAYS) > 3_000_000
    assert count_days(date(1, 1, 1), MORNING, date(9999, 12, 31), AFTERNOON, mode=BUSINESS_DAYS, cycle=0) == 0
    assert counting.days_outside_main_period(date(1, 1, 1), MORNING, date(9999, 12, 31), AFTERNOON) > 1_000_000

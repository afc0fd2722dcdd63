"""The conflict engine's pure part against a brute-force check; recurrence and DST."""

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.agenda.conflicts import Slot, find_conflicts, overlaps
from maillon.agenda.recurrence import PARIS, build_rule, expand, with_until

BASE = datetime(2027, 3, 1, tzinfo=PARIS)


def slots(key_count=3):
    return st.builds(
        lambda key, start, length, ref: Slot(("resource", key), BASE + timedelta(minutes=15 * start), BASE + timedelta(minutes=15 * (start + length)), ref),
        st.integers(0, key_count), st.integers(0, 200), st.integers(0, 40), st.integers(),
    )


def brute_force(candidates, existing):
    return [(c, e) for c in candidates for e in existing if c.end > c.start and e.end > e.start and overlaps(c, e)]


@settings(max_examples=300, deadline=None)
@given(st.lists(slots(), max_size=20), st.lists(slots(), max_size=60))
def test_it_finds_exactly_the_overlaps_brute_force_finds(candidates, existing):
    found = find_conflicts(candidates, existing)
    expected = brute_force(candidates, existing)
    assert {(c.candidate, c.existing) for c in found} == set(expected)
    assert len(found) == len(expected)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 100), st.integers(1, 12), st.integers(0, 100), st.integers(1, 12))
def test_it_treats_intervals_as_half_open(a, la, b, lb):
    first = Slot("r", BASE + timedelta(hours=a), BASE + timedelta(hours=a + la))
    second = Slot("r", BASE + timedelta(hours=b), BASE + timedelta(hours=b + lb))
    expected = a < b + lb and b < a + la
    assert bool(find_conflicts([first], [second])) is expected


def test_it_lets_a_booking_start_when_the_previous_one_ends():
    assert find_conflicts([Slot("r", BASE, BASE + timedelta(hours=1))], [Slot("r", BASE + timedelta(hours=1), BASE + timedelta(hours=2))]) == []


def test_it_ignores_other_resources():
    assert find_conflicts([Slot("a", BASE, BASE + timedelta(hours=1))], [Slot("b", BASE, BASE + timedelta(hours=1))]) == []


def test_it_keeps_a_weekly_ten_oclock_at_ten_across_both_daylight_saving_changes():
    start = datetime(2027, 3, 17, 10, 0, tzinfo=PARIS)  # summer time starts 28 March 2027
    rule = build_rule("weekly", until=datetime(2027, 11, 10).date())
    occurrences = expand(start, start + timedelta(hours=2), rule)
    assert len(occurrences) == 35
    for begins, ends, _original in occurrences:
        assert (begins.hour, begins.minute) == (10, 0)
        assert ends - begins == timedelta(hours=2)
    utc_hours = {b.astimezone(PARIS).utcoffset() for b, _e, _o in occurrences}
    assert utc_hours == {timedelta(hours=1), timedelta(hours=2)}  # both offsets crossed, wall time kept


def test_it_expands_quarterly_and_skips_excluded_dates():
    start = datetime(2027, 1, 15, 14, 0, tzinfo=PARIS)
    rule = build_rule("quarterly", count=4)
    occurrences = expand(start, start + timedelta(hours=1), rule, exdates=["2027-04-15T14:00:00"])
    assert [b.month for b, _e, _o in occurrences] == [1, 7, 10]


def test_it_ends_a_rule_at_a_given_moment():
    rule = with_until("FREQ=WEEKLY;COUNT=10", datetime(2027, 1, 31, 23, 59, 59))
    start = datetime(2027, 1, 4, 9, 0, tzinfo=PARIS)
    assert len(expand(start, start + timedelta(hours=1), rule)) == 4


def test_it_keeps_a_positive_duration_for_a_wall_time_in_the_spring_forward_gap():
    start = datetime(2027, 3, 21, 2, 0, tzinfo=PARIS)  # 28 March 2027 02:00 does not exist
    for begins, ends, _o in expand(start, start + timedelta(hours=1), build_rule("weekly", count=3)):
        assert ends > begins

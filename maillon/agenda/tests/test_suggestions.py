"""Availability of people and the next free slots (issue 13 item 3), the pure parts: each
against a brute-force oracle written without the engine's shortcuts."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.agenda import conflicts as engine
from maillon.agenda.conflicts import Booked, Slot
from maillon.agenda.recurrence import PARIS

MONDAY = datetime(2030, 3, 4, 0, 0, tzinfo=PARIS)
QUARTER = timedelta(minutes=15)
CLOSURE = object()  # any ref that is neither a booking nor leave: a closure


def _ref(kind):
    if kind == "leave":
        return "leave"
    if kind == "closure":
        return CLOSURE
    return Booked(1, MONDAY, MONDAY, "x", person="P", event_kind=kind)


person_slots = st.lists(st.tuples(
    st.integers(1, 4),  # user id
    st.integers(0, 96),  # start, in quarters of the day
    st.integers(1, 24),  # length, in quarters
    st.sampled_from(["shift", "meeting", "activity", "booking", "leave", "closure"]),
), max_size=12)


@settings(max_examples=300, deadline=None)
@given(person_slots, st.integers(0, 90), st.integers(1, 16))
def test_each_person_gets_the_most_binding_of_what_takes_them_then(rows, begin, length):
    slots = [Slot(("person", uid), MONDAY + s * QUARTER, MONDAY + (s + n) * QUARTER, _ref(kind)) for uid, s, n, kind in rows]
    start, end = MONDAY + begin * QUARTER, MONDAY + (begin + length) * QUARTER
    found = engine.statuses(slots, [1, 2, 3, 4, 5], start, end)
    order = ["leave", "closed", "meeting", "busy", "shift"]
    meaning = {"shift": "shift", "meeting": "meeting", "activity": "busy", "booking": "busy", "leave": "leave", "closure": "closed"}
    for uid in (1, 2, 3, 4, 5):
        # the oracle: every quarter of the asked slot, every slot of the person
        seen = {meaning[kind] for u, s, n, kind in rows if u == uid
                for q in range(begin, begin + length) if s <= q < s + n}
        expected = min(seen, key=order.index) if seen else "free"
        assert found[uid][0] == expected, (uid, rows)
        if expected != "free":
            slot = found[uid][1]
            assert slot.start < end and start < slot.end and engine.status_of(slot) == expected


def test_a_reason_overrides_a_shift_or_an_activity_never_leave_a_closure_or_a_meeting():
    def conflict(kind, key=("person", 1)):
        return engine.Conflict(Slot(key, MONDAY, MONDAY + QUARTER), Slot(key, MONDAY, MONDAY + QUARTER, _ref(kind)))

    assert not engine.is_hard(conflict("shift")) and not engine.is_hard(conflict("activity"))
    assert engine.is_hard(conflict("meeting")) and engine.is_hard(conflict("leave")) and engine.is_hard(conflict("closure"))
    assert engine.is_hard(conflict("booking", key=("resource", 3)))  # a room is never overbooked


busy_slots = st.lists(st.tuples(
    st.sampled_from([("person", 1), ("person", 2), ("resource", 9), ("person", 7)]),  # person 7 is not asked
    st.integers(0, 4 * 96),  # start, in quarters from Monday 00:00 (four days)
    st.integers(1, 40),
), max_size=15)


@settings(max_examples=200, deadline=None)
@given(busy_slots, st.integers(0, 3 * 96), st.sampled_from([2, 4, 6, 8, 12]), st.sets(st.integers(0, 6), max_size=2))
def test_the_next_free_slots_are_the_first_free_ones_for_everyone_on_the_grid(rows, after_q, quarters, skipped):
    busy = [Slot(key, MONDAY + s * QUARTER, MONDAY + (s + n) * QUARTER) for key, s, n in rows]
    pads = {("person", 1): timedelta(0), ("person", 2): timedelta(0), ("resource", 9): timedelta(minutes=15)}
    after = MONDAY + after_q * QUARTER
    duration = quarters * QUARTER
    skip_days = frozenset(MONDAY.date() + timedelta(days=d) for d in skipped)
    found = engine.free_starts(busy, pads, duration, after, count=3, days=6, skip_days=skip_days)
    # the oracle: every half hour from 9:00 to 18:00 on working days, checked by the conflict engine
    expected = []
    day = after.date()
    while len(expected) < 3 and day <= after.date() + timedelta(days=6):
        moment = datetime.combine(day, datetime.min.time(), tzinfo=PARIS) + timedelta(hours=9)
        while moment + duration <= datetime.combine(day, datetime.min.time(), tzinfo=PARIS) + timedelta(hours=18):
            if day.weekday() < 5 and day not in skip_days and moment >= after:
                candidates = [Slot(key, moment, moment + duration + pad) for key, pad in pads.items()]
                if not engine.find_conflicts(candidates, busy) and len(expected) < 3:
                    expected.append((moment, moment + duration))
            moment += timedelta(minutes=30)
        day += timedelta(days=1)
    assert found == expected


def test_the_grid_skips_weekends_and_starts_at_the_opening_hour():
    saturday = datetime(2030, 3, 9, 15, 0, tzinfo=PARIS)
    found = engine.free_starts([], {("person", 1): timedelta(0)}, timedelta(hours=2), saturday, count=2)
    assert found == [(datetime(2030, 3, 11, 9, 0, tzinfo=PARIS), datetime(2030, 3, 11, 11, 0, tzinfo=PARIS)),
                     (datetime(2030, 3, 11, 9, 30, tzinfo=PARIS), datetime(2030, 3, 11, 11, 30, tzinfo=PARIS))]
    assert found[0][0].date() == date(2030, 3, 11)

"""Working-time checks against a brute-force count on a quarter-hour grid."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.agenda.recurrence import PARIS
from maillon.agenda.worktime import Work, check

# Crosses the change to summer time (28 March 2027) so local days of 23 h are included.
BASE = datetime(2027, 3, 22, 0, 0, tzinfo=UTC)
Q = timedelta(minutes=15)


def works():
    return st.builds(
        lambda person, start, length: Work(person, BASE + start * Q, BASE + (start + length) * Q),
        st.sampled_from(["ana", "bruno"]), st.integers(0, 4 * 24 * 9), st.integers(1, 4 * 15),
    )


def brute_force(items, contract):
    """Count worked quarters one by one; rest by the definition: two worked moments more
    than 13 h apart need an 11 h rest (44 free quarters in a row) between them."""
    worked = defaultdict(set)
    for w in items:
        q = int((w.start - BASE) / Q)
        while BASE + q * Q < w.end:
            worked[w.person].add(q)
            q += 1
    found = set()
    for person, quarters in worked.items():
        days, weeks = defaultdict(int), defaultdict(int)
        for q in quarters:
            day = (BASE + q * Q).astimezone(PARIS).date()
            days[day] += 1
            weeks[day.isocalendar()[:2]] += 1
        found |= {(person, "day", d) for d, n in days.items() if n > 40}
        found |= {(person, "week", w) for w, n in weeks.items() if n > 48 * 4}
        if person in contract:
            found |= {(person, "contract", w) for w, n in weeks.items() if n > contract[person] * 4}
        ordered = sorted(quarters)

        def rested_between(a, b, quarters=quarters):
            run = 0
            for q in range(a + 1, b):
                run = 0 if q in quarters else run + 1
                if run >= 44:
                    return True
            return False

        def span_start(a, quarters=quarters, ordered=ordered):
            first, run, q = a, 0, a - 1
            while q >= ordered[0] and run < 44:
                if q in quarters:
                    first, run = q, 0
                else:
                    run += 1
                q -= 1
            return first

        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                if (b + 1 - a) > 13 * 4 and not rested_between(a, b):
                    found.add((person, "rest", BASE + span_start(a) * Q))
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(works(), max_size=14), st.integers(20, 50))
def test_it_finds_the_breaches_a_quarter_hour_count_finds(items, hours):
    contract = {"ana": hours}
    breaches = check(items, contract)
    assert {(b.person, b.rule, b.key) for b in breaches} == brute_force(items, contract)
    assert len(breaches) == len({(b.person, b.rule, b.key) for b in breaches})


def paris(day, hour, minute=0):
    return datetime(2027, 6, day, hour, minute, tzinfo=PARIS)


def test_it_flags_an_evening_shift_followed_by_an_early_morning():
    items = [Work("ana", paris(7, 14), paris(7, 23)), Work("ana", paris(8, 7), paris(8, 12))]
    (breach,) = check(items)
    assert breach.rule == "rest" and breach.amount == timedelta(hours=22)


def test_it_accepts_a_split_day_and_eleven_hours_of_rest():
    items = [Work("ana", paris(7, 8), paris(7, 12)), Work("ana", paris(7, 13), paris(7, 18)),
             Work("ana", paris(8, 5), paris(8, 10))]
    assert check(items) == []


def test_it_cuts_a_night_shift_at_midnight_for_the_daily_limit():
    # 16:00-02:00 is 10 h of work but only 8 h on the 7th: with 3 h that morning, 11 h.
    items = [Work("ana", paris(7, 16), paris(8, 2)), Work("ana", paris(7, 5), paris(7, 8))]
    breaches = {b.rule: b for b in check(items)}
    assert breaches["day"].key == paris(7, 0).date() and breaches["day"].amount == timedelta(hours=11)
    assert check([Work("ana", paris(7, 16), paris(8, 2))]) == []

"""The tally of a consultation: counts and percentages (to a tenth, adding up to 100 %)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillon.participation.services import tally


def test_hand_cases():
    rows, total = tally(["A", "B", "C"], [1, 1, 1])
    assert total == 3 and [r.tenths for r in rows] == [334, 333, 333]
    rows, total = tally(["A", "B"], [3, 1])
    assert [r.percent for r in rows] == [75.0, 25.0]
    rows, total = tally(["A", "B", "C"], [0, 0, 0])
    assert total == 0 and [r.tenths for r in rows] == [0, 0, 0]
    rows, _ = tally(["A", "B", "C"], [2, 1, 0])
    assert [r.tenths for r in rows] == [667, 333, 0]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.integers(min_value=0, max_value=n - 1), max_size=400))))
def test_counts_and_percentages_add_up_for_any_answer_list(case):
    n, answers = case
    labels = [f"option {i}" for i in range(n)]
    counts = [answers.count(i) for i in range(n)]
    rows, total = tally(labels, counts)
    assert total == len(answers) == sum(r.count for r in rows)
    assert [r.label for r in rows] == labels and [r.count for r in rows] == counts
    if total:
        assert sum(r.tenths for r in rows) == 1000
        for row in rows:  # each within a tenth of its exact share, never negative
            assert row.tenths >= 0 and abs(row.tenths - row.count * 1000 / total) < 1
            assert (row.count == 0) == (row.tenths == 0) or row.count * 1000 / total < 1
    else:
        assert all(r.tenths == 0 for r in rows)

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from maillon.reports import periods

years = st.integers(min_value=2000, max_value=2099)


@given(years, st.integers(min_value=1, max_value=6))
def test_two_month_periods_tile_the_years_and_read_back(year, n):
    period = periods.bimonthly(year, n)
    assert period.start.day == 1 and len(period.months()) == 2 and period.is_bimonthly
    assert period.next().start == period.end + timedelta(days=1) and period.next().is_bimonthly
    assert periods.parse(period.slug) == period
    assert periods.containing(period.start + timedelta(days=period.days - 1)) == period


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1)), st.integers(min_value=0, max_value=1800))
def test_any_span_up_to_five_years_reads_back(first, length):
    period = periods.span(first, first + timedelta(days=length))
    assert periods.parse(period.slug) == period and period.days == length + 1


@translation.override("fr")
def test_bad_periods_are_french_errors():
    for slug in ("2026-7", "2026-0", "abc", "2026-01-31_2026-01-01", "1990-1", "2020-01-01_2029-01-01", "2026-02-30_2026-03-01"):
        with pytest.raises(ValidationError):
            periods.parse(slug)
    with pytest.raises(ValidationError, match="avant son début"):
        periods.span(date(2026, 3, 1), date(2026, 2, 1))


@translation.override("fr")
def test_recent_periods_go_back_from_today():
    found = periods.recent(date(2026, 1, 15), count=3)
    assert [p.slug for p in found] == ["2026-1", "2025-6", "2025-5"]
    assert found[0].label == "janvier–février 2026"

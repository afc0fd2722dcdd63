"""The rotation rule (7 daily, 4 weekly, 12 monthly by default), by hypothesis, and applied to a
directory of archives."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from maillon.backups import rotation, services
from maillon.backups.archive import archive_name

START = datetime(2025, 1, 1)
stamps = st.lists(st.integers(min_value=0, max_value=3 * 365 * 24 * 60).map(lambda m: START + timedelta(minutes=m)),
                  max_size=120, unique=True)
counts = st.integers(min_value=0, max_value=15)


@settings(max_examples=300, deadline=None)
@given(stamps, counts, counts, counts)
def test_what_is_kept(stamps, daily, weekly, monthly):
    kept = rotation.to_keep(stamps, daily=daily, weekly=weekly, monthly=monthly)
    assert kept <= set(stamps)
    if not stamps:
        assert kept == set()
        return
    assert max(stamps) in kept  # the newest, always
    assert len(kept) <= max(1, daily + weekly + monthly)
    for period, count in ((lambda s: s.date(), daily), (lambda s: s.isocalendar()[:2], weekly), (lambda s: (s.year, s.month), monthly)):
        latest = {}
        for stamp in stamps:
            latest[period(stamp)] = max(stamp, latest.get(period(stamp), stamp))
        newest = sorted(latest.values(), reverse=True)[:count]
        assert set(newest) <= kept  # the last backup of each of the `count` latest periods
    # Each kept backup is the last of its day: two of one day are never both kept.
    assert len({s.date() for s in kept}) == len(kept)
    # Pruning what was kept deletes nothing more.
    assert rotation.to_keep(kept, daily=daily, weekly=weekly, monthly=monthly) == kept


def test_a_year_of_daily_backups_keeps_7_days_4_weeks_12_months():
    days = [datetime(2026, 1, 1, 2, 30) + timedelta(days=n) for n in range(365)]
    kept = rotation.to_keep(days)
    last = days[-1]
    assert {last - timedelta(days=n) for n in range(7)} <= kept
    assert len(kept) <= 7 + 4 + 12
    assert len({(s.year, s.month) for s in kept}) == 12
    assert min(kept) > datetime(2026, 1, 1, 2, 30)  # the first month fell out when the thirteenth began


def test_the_backup_directory_is_pruned_by_the_rule_and_other_files_are_left(place, settings):
    settings.TIME_ZONE = "Europe/Paris"
    directory = place / "backups"
    directory.mkdir()
    first = datetime(2026, 1, 1, 1, 30).astimezone()
    names = [archive_name(first + timedelta(days=n), encrypted=n % 2 == 0) for n in range(60)]
    for name in names:
        (directory / name).write_bytes(b"x")
    (directory / "notes.txt").write_text("kept")
    deleted = services.prune_directory(directory)
    left = sorted(p.name for p in directory.iterdir())
    assert "notes.txt" in left and names[-1] in left and names[0] not in left
    assert len(left) - 1 == len(names) - len(deleted) <= 7 + 4 + 12

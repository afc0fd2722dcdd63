"""Which backups to keep: the last one of each of the latest ``daily`` days that have a backup,
of each of the latest ``weekly`` ISO weeks, and of each of the latest ``monthly`` months (the
three sets together; the newest backup is always among them). A pure function, so that the
backup directory, the copy directory and the S3 bucket are pruned by the same rule, and pruning
what it kept keeps it all (tests/test_rotation.py checks these with hypothesis)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime


def _latest_per_period(stamps: list[datetime], period: Callable[[datetime], Hashable], count: int) -> set[datetime]:
    latest: dict[Hashable, datetime] = {}
    for stamp in stamps:
        key = period(stamp)
        if key not in latest or stamp > latest[key]:
            latest[key] = stamp
    newest_periods = sorted(latest, key=latest.__getitem__, reverse=True)[: max(count, 0)]
    return {latest[key] for key in newest_periods}


def to_keep(stamps: Iterable[datetime], *, daily: int = 7, weekly: int = 4, monthly: int = 12) -> set[datetime]:
    """The backups (by their local date and time) to keep; every other one may be deleted."""
    stamps = list(stamps)
    if not stamps:
        return set()
    kept = {max(stamps)}
    kept |= _latest_per_period(stamps, lambda s: s.date(), daily)
    kept |= _latest_per_period(stamps, lambda s: s.isocalendar()[:2], weekly)
    kept |= _latest_per_period(stamps, lambda s: (s.year, s.month), monthly)
    return kept

"""RFC 5545 recurrence (dateutil.rrule) expanded in Europe/Paris wall time.

A weekly 10:00 activity stays at 10:00 across the daylight-saving changes: the rule runs on
naive local times, each result is then placed in Europe/Paris.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

PARIS = ZoneInfo("Europe/Paris")
# An open-ended rule is expanded this far ahead (and never more than MAX_OCCURRENCES times).
HORIZON = timedelta(days=2 * 366)
MAX_OCCURRENCES = 800

FREQUENCIES = {
    "weekly": "FREQ=WEEKLY",
    "biweekly": "FREQ=WEEKLY;INTERVAL=2",
    "monthly": "FREQ=MONTHLY",
    "quarterly": "FREQ=MONTHLY;INTERVAL=3",
    "yearly": "FREQ=YEARLY",
}


def local(value: datetime) -> datetime:
    """Naive Europe/Paris wall time of an aware datetime."""
    return value.astimezone(PARIS).replace(tzinfo=None)


def aware(naive_local: datetime) -> datetime:
    return naive_local.replace(tzinfo=PARIS)


def build_rule(frequency: str, until: date | None = None, count: int | None = None) -> str:
    """The RRULE text for a form's choices ("" when not repeating)."""
    if not frequency or frequency not in FREQUENCIES:
        return ""
    rule = FREQUENCIES[frequency]
    if until is not None:
        rule += f";UNTIL={until:%Y%m%d}T235959"
    elif count:
        rule += f";COUNT={int(count)}"
    return rule


def with_until(rule: str, until_local: datetime) -> str:
    """The rule ending at ``until_local`` (inclusive), replacing any UNTIL or COUNT."""
    parts = [p for p in rule.split(";") if p and not p.upper().startswith(("UNTIL=", "COUNT="))]
    parts.append(f"UNTIL={until_local:%Y%m%dT%H%M%S}")
    return ";".join(parts)


def validate_rule(rule: str) -> None:
    """Raise ValueError when dateutil cannot read the rule."""
    if rule:
        rrulestr(rule, dtstart=datetime(2000, 1, 1))


def expand(start: datetime, end: datetime, rule: str = "", exdates=(), *, window_end: datetime | None = None) -> list[tuple[datetime, datetime, datetime]]:
    """(start, end, original_start) of every occurrence, aware datetimes in Europe/Paris.

    ``start``/``end`` are the first occurrence (aware). ``exdates`` are local ISO datetimes
    (or dates) removed from the series."""
    if not rule:
        return [(start, end, start)]
    first = local(start)
    duration = local(end) - first
    limit = local(window_end) if window_end is not None else first + HORIZON
    excluded = {str(x)[:16] for x in exdates}
    out = []
    for when in rrulestr(rule, dtstart=first):
        if when > limit or len(out) >= MAX_OCCURRENCES:
            break
        if when.isoformat()[:16] in excluded:
            continue
        begins = aware(when)
        ends = aware(when + duration)
        if ends <= begins:  # a wall time inside the spring-forward gap: keep the real duration
            ends = begins + duration
        out.append((begins, ends, begins))
    return out

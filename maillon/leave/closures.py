"""Days the whole organisation is closed (agenda closures without a room or item).

Like a public holiday not worked, such a day is not counted in a leave request: the team does not
work it and is paid, so the person on leave does not spend a day of balance on it. A closure meant
as paid leave imposed on everyone (« fermeture pour congés ») is asked as leave by each person, not
recorded as a closure. A day is closed when such a closure covers its noon, as the staff
directory's presence reads it (a closed evening is not a closed day).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def closed_days(organisation, start: date, end: date) -> dict[date, str]:
    """``{day: reason}`` for the days of ``start``–``end`` the whole organisation is closed. One query."""
    try:
        from maillon.agenda.models import Closure
    except ImportError:  # Maillon without its agenda app
        return {}
    zone = timezone.get_default_timezone()
    first_noon, last_noon = datetime.combine(start, time(12), zone), datetime.combine(end, time(12), zone)
    rows = (Closure.objects.for_organisation(organisation).filter(resource__isnull=True, start__lte=last_noon, end__gt=first_noon)
            .order_by("start").values_list("start", "end", "reason"))
    found: dict[date, str] = {}
    for begins, ends, reason in rows:
        day = max(timezone.localtime(begins, zone).date(), start)
        while day <= min(timezone.localtime(ends, zone).date(), end):
            noon = datetime.combine(day, time(12), zone)
            if begins <= noon < ends:
                found.setdefault(day, reason)
            day += timedelta(days=1)
    return found

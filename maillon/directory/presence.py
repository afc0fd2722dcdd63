"""« Present today » for the staff directory, from the leave and agenda apps.

Two queries whatever the number of people: the organisation's approved leave overlapping today
(``maillon.leave.services.absences_between``) and today's active person allocations of the
agenda for the people shown. Each app is used only if it is installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.utils import formats, timezone
from django.utils.translation import gettext as _

PRESENT, PARTLY, ABSENT = "present", "partly", "absent"


@dataclass
class Presence:
    status: str = PRESENT
    label: str = ""
    detail: str = ""
    activities: list[str] = field(default_factory=list)

    @property
    def css(self) -> str:
        return {ABSENT: "status-off", PARTLY: ""}.get(self.status, "status-ok")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    return datetime.combine(day, time(0), zone), datetime.combine(day + timedelta(days=1), time(0), zone)


def absences_today(organisation, day: date) -> dict[int, list[tuple[datetime, datetime]]]:
    """user_id -> [(start, end)] of approved leave overlapping ``day`` (one query)."""
    if not apps.is_installed("maillon.leave"):
        return {}
    from maillon.leave.services import absences_between

    start, end = day_bounds(day)
    result: dict[int, list[tuple[datetime, datetime]]] = {}
    for user_id, leave_start, leave_end in absences_between(organisation, day, day):
        if leave_start < end and leave_end > start:
            result.setdefault(user_id, []).append((leave_start, leave_end))
    return result


def activities_today(organisation, membership_ids, day: date) -> dict[int, list[str]]:
    """membership_id -> ["Title 14:00–16:00"] of today's agenda (one query)."""
    if not apps.is_installed("maillon.agenda") or not membership_ids:
        return {}
    from maillon.agenda.models import Allocation

    start, end = day_bounds(day)
    rows = (
        Allocation.objects.for_organisation(organisation).active()
        .filter(membership_id__in=list(membership_ids), start__lt=end, end__gt=start, occurrence__cancelled=False)
        .order_by("start").values_list("membership_id", "occurrence__event__title", "start", "end")
    )
    result: dict[int, list[str]] = {}
    for membership_id, title, slot_start, slot_end in rows:
        when = f"{timezone.localtime(slot_start):%H:%M}–{timezone.localtime(slot_end):%H:%M}"
        result.setdefault(membership_id, []).append(f"{title} {when}")
    return result


def describe(absences: list[tuple[datetime, datetime]], day: date) -> Presence:
    """The presence of one person on ``day`` given their leave overlapping it (pure)."""
    start, end = day_bounds(day)
    noon = datetime.combine(day, time(12), timezone.get_default_timezone())
    if not absences:
        return Presence(PRESENT, _("Present today"))
    if any(a_start <= start and a_end >= end for a_start, a_end in absences):
        last = max(a_end for _s, a_end in absences) - timedelta(microseconds=1)
        back = formats.date_format(timezone.localtime(last).date(), "j F")
        return Presence(ABSENT, _("On leave"), _("until %(date)s included") % {"date": back})
    morning = any(a_start < noon for a_start, _e in absences)
    afternoon = any(a_end > noon for _s, a_end in absences)
    if morning and afternoon:
        return Presence(ABSENT, _("On leave"), _("today"))
    return Presence(PARTLY, _("Absent this morning") if morning else _("Absent this afternoon"))


def presence_today(organisation, memberships, *, day: date | None = None, absences=None) -> dict[int, Presence]:
    """membership_id -> Presence for ``memberships`` (with ``user_id``): two queries at most."""
    day = day or timezone.localdate()
    absences = absences_today(organisation, day) if absences is None else absences
    activities = activities_today(organisation, [m.pk for m in memberships], day)
    result = {}
    for m in memberships:
        presence = describe(absences.get(m.user_id, []), day)
        if presence.status != ABSENT:
            presence.activities = activities.get(m.pk, [])
        result[m.pk] = presence
    return result

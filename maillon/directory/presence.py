"""« Present today » for the staff directory, from what is known (issue 13, item 11).

A person is « présent·e » when the agenda has them on something today (a shift, a meeting, an
activity) or when today is a worked day of their work cycle (leave app) that is not a public
holiday nor an organisation closure; « absent·e » with the reason when known (approved leave, the
organisation closed, a public holiday, a day their cycle says they do not work); otherwise « pas
d'information » — a person without a work cycle and without anything in the agenda today may or
may not be there, and a Sunday is not « present » by default.

A person on shift during a closure or on a public holiday works: the shift wins. Approved leave
wins over everything (a forgotten shift does not make someone on leave present).

A fixed number of queries whatever the number of people: approved leave overlapping today,
today's person allocations, today's organisation closures, the work cycles of the people shown
and the organisation's leave settings (Alsace-Moselle holidays). Each app is used only if installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from django.apps import apps
from django.db.models import F, IntegerField, Value
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from maillon.core.prepared import prepared

PRESENT, PARTLY, ABSENT, UNKNOWN = "present", "partly", "absent", "unknown"
# Why someone is absent, when known.
LEAVE, CLOSURE, HOLIDAY, DAY_OFF = "leave", "closure", "holiday", "day_off"


@dataclass
class Presence:
    status: str = PRESENT
    label: str = ""
    detail: str = ""
    activities: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def css(self) -> str:
        return {ABSENT: "status-off", PARTLY: "", UNKNOWN: ""}.get(self.status, "status-ok")


@dataclass
class DayFacts:
    """What the organisation knows about one day, the same for everyone (see ``day_facts``)."""

    closure: str | None = None  # the reason of an organisation-wide closure covering the day
    holiday: str | None = None  # the public holiday's name
    cycles: dict[int, int] = field(default_factory=dict)  # membership_id -> WorkCycle.half_days (explicit rows only)


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
    start, end = day_bounds(day)
    wanted = set(membership_ids)
    result: dict[int, list[str]] = {}
    for membership_id, title, slot_start, slot_end in _allocations_between(organisation=organisation.pk, start=start, end=end):
        if membership_id in wanted:
            when = f"{timezone.localtime(slot_start):%H:%M}–{timezone.localtime(slot_end):%H:%M}"
            result.setdefault(membership_id, []).append(f"{title} {when}")
    return result


@prepared(organisation=-130_012, start=datetime(1901, 2, 3, tzinfo=UTC), end=datetime(1901, 2, 4, tzinfo=UTC))
def _allocations_between(organisation, start, end):
    """The organisation's members' active allocations overlapping [start, end), by start (compiled
    once per process: the staff directory reads them at each request; ``activities_today`` keeps
    the people it was asked about)."""
    from maillon.accounts.models import Membership
    from maillon.agenda.models import Allocation

    return (
        Allocation.objects.for_organisation(organisation).active()
        # block_end ≥ end (end plus a buffer): the same rows, found through the (membership, block_end)
        # index of each of the organisation's members instead of every past allocation of the organisation.
        .filter(membership_id__in=Membership.objects.filter(organisation=organisation).values("pk"),
                start__lt=end, end__gt=start, block_end__gt=start, occurrence__cancelled=False)
        # Ties of one person in the order the (membership, block_end) index gave them.
        .order_by("start", "block_end", "pk").values_list("membership_id", "occurrence__event__title", "start", "end")
    )


@lru_cache(maxsize=8)
def _holidays(year: int, alsace_moselle: bool) -> dict[date, str]:
    """The leave app's public holidays of ``year`` with their French names (a few ms to build: once per process)."""
    import holidays as holidays_lib

    from maillon.leave.counting import public_holidays

    names = holidays_lib.France(years=year, subdiv="57" if alsace_moselle else None, language="fr")
    return {day: names.get(day, "") for day in public_holidays(year, alsace_moselle)}


def holiday_name(day: date, alsace_moselle: bool = False) -> str | None:
    """The French public holiday on ``day`` (the leave app's list), with its French name."""
    found = _holidays(day.year, alsace_moselle)
    if day not in found:
        return None
    return found[day] or _("Public holiday")


def with_work_cycles(queryset):
    """Memberships with ``cycle_half_days``, their work cycle (None without one), read in the same
    query: pass ``cycles_of(memberships)`` to ``presence_today`` and it does not read them again."""
    if not apps.is_installed("maillon.leave"):
        return queryset.annotate(cycle_half_days=Value(None, output_field=IntegerField()))
    return queryset.annotate(cycle_half_days=F("work_cycle__half_days"))


def cycles_of(memberships) -> dict[int, int]:
    """membership_id -> half-days of those read through ``with_work_cycles`` that have a cycle."""
    return {m.pk: m.cycle_half_days for m in memberships if m.cycle_half_days is not None}


def day_facts(organisation, membership_ids, day: date, cycles: dict[int, int] | None = None) -> DayFacts:
    """Closure, public holiday and work cycles for ``day``: three queries at most, one on most
    days (the leave settings are read only on a day that is a holiday in Alsace-Moselle alone, the
    work cycles only when ``cycles`` is not given)."""
    facts = DayFacts()
    if apps.is_installed("maillon.agenda"):
        # Closed « today » when an organisation-wide closure covers midday (a closed evening is not a closed day).
        noon = datetime.combine(day, time(12), timezone.get_default_timezone())
        facts.closure = next(iter(_closure_at(organisation=organisation.pk, noon=noon)), None)
    if apps.is_installed("maillon.leave"):
        from maillon.leave.models import WorkCycle
        from maillon.leave.services import settings_for

        if day in _holidays(day.year, True):  # Alsace-Moselle's list holds the national one
            facts.holiday = holiday_name(day, settings_for(organisation).alsace_moselle)
        if cycles is not None:
            facts.cycles = cycles
        elif membership_ids:
            facts.cycles = dict(WorkCycle.objects.for_organisation(organisation).filter(membership_id__in=list(membership_ids))
                                .values_list("membership_id", "half_days"))
    return facts


@prepared(organisation=-130_011, noon=datetime(1901, 2, 3, 12, 0, tzinfo=UTC))
def _closure_at(organisation, noon):
    """The reason of an organisation-wide closure covering ``noon`` (compiled once per process: the
    staff directory reads it at each request)."""
    from maillon.agenda.models import Closure

    return (Closure.objects.filter(organisation=organisation, resource__isnull=True, start__lte=noon, end__gt=noon)
            .order_by("pk").values_list("reason", flat=True)[:1])


def works_on(half_days: int, day: date) -> bool:
    """Whether a work cycle (bit ``2 * weekday + half``) has the morning or the afternoon of ``day``."""
    return bool(half_days >> (2 * day.weekday()) & 0b11)


def describe(absences: list[tuple[datetime, datetime]], day: date) -> Presence | None:
    """The leave part of one person's presence on ``day`` (pure): None without leave that day."""
    start, end = day_bounds(day)
    noon = datetime.combine(day, time(12), timezone.get_default_timezone())
    if not absences:
        return None
    if any(a_start <= start and a_end >= end for a_start, a_end in absences):
        last = max(a_end for _s, a_end in absences) - timedelta(microseconds=1)
        back = formats.date_format(timezone.localtime(last).date(), "j F")
        return Presence(ABSENT, _("On leave"), _("until %(date)s included") % {"date": back}, reason=LEAVE)
    morning = any(a_start < noon for a_start, _e in absences)
    afternoon = any(a_end > noon for _s, a_end in absences)
    if morning and afternoon:
        return Presence(ABSENT, _("On leave"), _("today"), reason=LEAVE)
    return Presence(PARTLY, _("Absent this morning") if morning else _("Absent this afternoon"), reason=LEAVE)


def decide(absences, day: date, *, activities=(), facts: DayFacts | None = None, cycle: int | None = None) -> Presence:
    """One person's presence on ``day`` from what is known (pure; the order is the module's rule)."""
    facts = facts or DayFacts()
    on_leave = describe(absences, day)
    if on_leave is not None and on_leave.status == ABSENT:
        return on_leave
    if activities:
        presence = on_leave or Presence(PRESENT, _("Present today"))
    elif on_leave is not None:
        presence = on_leave
    elif facts.closure:
        return Presence(ABSENT, _("Organisation closed"), facts.closure, reason=CLOSURE)
    elif facts.holiday:
        return Presence(ABSENT, _("Public holiday"), facts.holiday, reason=HOLIDAY)
    elif cycle is not None:
        if not works_on(cycle, day):
            return Presence(ABSENT, _("Not working today"), reason=DAY_OFF)
        presence = Presence(PRESENT, _("Present today"))
    else:
        return Presence(UNKNOWN, _("No information"))
    presence.activities = list(activities)
    return presence


def presence_today(organisation, memberships, *, day: date | None = None, cycles: dict[int, int] | None = None) -> dict[int, Presence]:
    """membership_id -> Presence for ``memberships`` (with ``user_id``): five queries at most, whatever
    their number, three on most days when their work ``cycles`` are given (``with_work_cycles``)."""
    day = day or timezone.localdate()
    ids = [m.pk for m in memberships]
    absences = absences_today(organisation, day)
    activities = activities_today(organisation, ids, day)
    facts = day_facts(organisation, ids, day, cycles)
    return {
        m.pk: decide(absences.get(m.user_id, []), day, activities=activities.get(m.pk, []), facts=facts, cycle=facts.cycles.get(m.pk))
        for m in memberships
    }

"""THE conflict engine: one module for every resource kind and every screen.

Pure part (no database): ``Slot`` and ``find_conflicts()``, tested against a brute-force
check with hypothesis. Database part: ``existing_slots()`` loads what may collide with a set
of candidate slots in one query (plus approved leave, when the leave app is installed), and
``check()`` combines both. ``services`` calls ``check()`` again inside the saving transaction
after locking the resource rows, so two simultaneous bookings cannot both succeed.

Keys: ``("resource", id)`` for rooms and equipment (hard conflicts: never overbooked) and
``("person", user_id)`` for people (a coordinator may overbook with a reason).
A slot's ``end`` is its blocking end: the booking's end plus the resource's buffer.
"""

from __future__ import annotations

import importlib
import importlib.util
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Slot:
    key: Hashable
    start: datetime
    end: datetime
    ref: Any = field(default=None, compare=False)  # the allocation, the occurrence index, "leave"…
    # A candidate's own end, without the resource's buffer: what messages show (None: ``end``).
    until: datetime | None = field(default=None, compare=False)

    @property
    def shown_end(self) -> datetime:
        return self.until or self.end


@dataclass(frozen=True)
class Conflict:
    candidate: Slot
    existing: Slot

    @property
    def is_person(self) -> bool:
        return self.candidate.key[0] == "person"


def overlaps(a: Slot, b: Slot) -> bool:
    return a.key == b.key and a.start < b.end and b.start < a.end


def find_conflicts(candidates: Iterable[Slot], existing: Iterable[Slot]) -> list[Conflict]:
    """Every (candidate, existing) pair on the same key whose half-open intervals overlap.

    O((n + m) log m + k): the existing slots of a key are sorted by start with a running
    maximum of their ends, so only the slots that can overlap are visited."""
    by_key: dict[Hashable, list[Slot]] = defaultdict(list)
    for slot in existing:
        if slot.end > slot.start:
            by_key[slot.key].append(slot)
    index = {}
    for key, slots in by_key.items():
        slots.sort(key=lambda s: s.start)
        running, max_ends = None, []
        for s in slots:
            running = s.end if running is None or s.end > running else running
            max_ends.append(running)
        index[key] = ([s.start for s in slots], max_ends, slots)
    found = []
    for cand in candidates:
        if cand.key not in index or cand.end <= cand.start:
            continue
        starts, max_ends, slots = index[cand.key]
        i = bisect_left(starts, cand.end) - 1  # last slot starting before the candidate ends
        hits = []
        while i >= 0 and max_ends[i] > cand.start:
            if slots[i].end > cand.start:
                hits.append(Conflict(cand, slots[i]))
            i -= 1
        found.extend(reversed(hits))
    return found


# ---- database side -------------------------------------------------------------------


def absences(organisation, start: datetime, end: datetime) -> list[tuple[int, datetime, datetime]]:
    """Approved leave from the leave app, when it is installed: (user_id, start, end)."""
    if importlib.util.find_spec("maillon.leave") is None or importlib.util.find_spec("maillon.leave.services") is None:
        return []
    module = importlib.import_module("maillon.leave.services")
    between = getattr(module, "absences_between", None)
    return list(between(organisation, start, end)) if between else []


RECENT = 8


@dataclass(frozen=True)
class Booked:
    """An existing allocation as the engine sees it: what the French sentence of a conflict
    needs (``services.describe``), read with the slot itself, so a check builds no model
    instance and needs no second query."""

    pk: int
    start: datetime  # the booking's own times (without the buffer)
    end: datetime
    event_title: str
    resource_name: str = ""
    person: str = ""
    event_kind: str = ""  # a person's: « shift » and « meeting » tell the availability apart


def _fetch(sql: str, params: list) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _param(value: datetime):
    from django.db import connection

    return connection.ops.adapt_datetimefield_value(value)


def _aware(value) -> datetime:
    """A datetime read by raw SQL: SQLite gives naive UTC (or text), PostgreSQL aware."""
    from datetime import UTC

    from django.utils.dateparse import parse_datetime

    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


# The tables of ``models`` (Django's default names).
RESOURCE_ROWS_SQL = (
    'SELECT a.id, a.start, a."end", a.block_end, e.title, r.name FROM agenda_allocation a '
    "JOIN agenda_occurrence o ON o.id = a.occurrence_id JOIN agenda_event e ON e.id = o.event_id "
    "JOIN agenda_resource r ON r.id = a.resource_id "
    "WHERE a.resource_id = %s AND a.active AND a.start < %s"
)
CLOSURE_ROWS_SQL = (
    'SELECT id, resource_id, start, "end", reason FROM agenda_closure '
    'WHERE organisation_id = %s AND start < %s AND "end" > %s AND (resource_id IS NULL'
)


def _resource_rows(resource_id: int, hi: datetime, *, exclude: list[int], lo: datetime | None = None, limit: int | None = None) -> list[tuple]:
    """(id, start, end, block_end, event title, resource name) of a resource's active
    allocations starting before ``hi`` (and from ``lo``), newest first.

    The hot path of every booking and live check, so plain SQL: an index range read on
    (resource, start) walked backwards, a few primary-key joins, no ORM compilation and no
    model instances (the ORM version cost 5 to 8 ms against 100,000 allocations)."""
    sql = [RESOURCE_ROWS_SQL]
    params: list = [resource_id, _param(hi)]
    if lo is not None:
        sql.append("AND a.start >= %s")
        params.append(_param(lo))
    if exclude:
        sql.append(f"AND a.occurrence_id NOT IN ({', '.join(['%s'] * len(exclude))})")
        params += exclude
    sql.append("ORDER BY a.start DESC")
    if limit:
        sql.append(f"LIMIT {int(limit)}")
    return _fetch(" ".join(sql), params)


def existing_slots(organisation, candidates: list[Slot], *, exclude_occurrences: Iterable[int] = (), lock: bool = False) -> list[Slot]:
    """Active allocations (and leave, closures) that may collide with ``candidates``.

    Allocations come as ``Booked`` refs. For one room or item: one query for its bookings
    and one for closures."""
    from .models import Allocation

    if not candidates:
        return []
    resource_ids = sorted({c.key[1] for c in candidates if c.key[0] == "resource"})
    user_ids = {c.key[1] for c in candidates if c.key[0] == "person"}
    lo = min(c.start for c in candidates)
    hi = max(c.end for c in candidates)
    exclude = [int(pk) for pk in exclude_occurrences]
    slots = []
    # Resource ids come from querysets scoped to ``organisation`` (services._check_scope,
    # the forms and the API): filtering by resource alone lets the database use the
    # (resource, start) index rather than the organisation's.
    # The allocations of a resource never overlap one another (this engine and, on
    # PostgreSQL, the exclusion constraint see to it): what may touch [lo, hi) is what
    # starts inside it, plus the last one starting before it. Both are index range reads
    # on (resource, start), whatever the size of the history.
    # Usually one query per resource: the latest allocations starting before ``hi``,
    # newest first, reach back past ``lo``; otherwise the window is read in full.
    for resource_id in resource_ids:
        key = ("resource", resource_id)
        rows = _resource_rows(resource_id, hi, exclude=exclude, limit=RECENT)
        if len(rows) == RECENT and _aware(rows[-1][1]) >= lo:
            rows = _resource_rows(resource_id, hi, exclude=exclude, lo=lo) + _resource_rows(resource_id, lo, exclude=exclude, limit=1)
        for pk, start, end, block_end, title, name in rows:
            block_end = _aware(block_end)
            if block_end > lo:
                start = _aware(start)
                slots.append(Slot(key, start, block_end, Booked(pk, start, _aware(end), title, resource_name=name)))
    if user_ids:
        # Scoped through the people's memberships (of ``organisation``): the database starts
        # from them and reads their allocations on the (membership, block_end) index. Filtering
        # on the allocation's organisation instead makes SQLite scan every allocation of the
        # organisation (15 to 20 ms against 100,000 room bookings).
        people = Allocation.objects.filter(membership__organisation=organisation, membership__user_id__in=user_ids,
                                           block_end__gt=lo, start__lt=hi, active=True)
        if exclude:
            people = people.exclude(occurrence_id__in=exclude)
        # People have no buffer: their own slot ends with the event.
        for pk, uid, start, end, title, kind, first, last, username in people.values_list(
                "pk", "membership__user_id", "start", "end", "occurrence__event__title", "occurrence__event__kind",
                "membership__user__first_name", "membership__user__last_name", "membership__user__username"):
            person = f"{first} {last}".strip() or username
            slots.append(Slot(("person", uid), start, end, Booked(pk, start, end, title, person=person, event_kind=kind)))
        for user_id, begins, ends in absences(organisation, lo, hi):
            if user_id in user_ids:
                slots.append(Slot(("person", user_id), begins, ends, "leave"))
    slots += closure_slots(organisation, resource_ids, user_ids, lo, hi)
    return slots


def closure_slots(organisation, resource_ids, user_ids, lo: datetime, hi: datetime) -> list[Slot]:
    """Closures as blocking slots: a room's or item's own, and the organisation's (which
    block every resource and person asked about). One plain SQL query (usually no row)."""
    from .models import Closure

    sql = CLOSURE_ROWS_SQL
    params: list = [organisation.pk, _param(hi), _param(lo)]
    if resource_ids:
        sql += f" OR resource_id IN ({', '.join(['%s'] * len(resource_ids))})"
        params += list(resource_ids)
    slots = []
    for pk, resource_id, start, end, reason in _fetch(sql + ")", params):
        closure = Closure(pk=pk, organisation=organisation, resource_id=resource_id, start=_aware(start), end=_aware(end), reason=reason)
        if resource_id:
            slots.append(Slot(("resource", resource_id), closure.start, closure.end, closure))
            continue
        slots += [Slot(("resource", rid), closure.start, closure.end, closure) for rid in resource_ids]
        slots += [Slot(("person", uid), closure.start, closure.end, closure) for uid in user_ids]
    return slots


def candidate_slots(occurrences: list[tuple[datetime, datetime]], resources=(), user_ids=()) -> list[Slot]:
    """The slots a booking would take: each occurrence × each resource (buffer added) and person."""
    slots = []
    for index, (start, end) in enumerate(occurrences):
        for r in resources:
            slots.append(Slot(("resource", r.pk), start, end + timedelta(minutes=r.buffer_minutes), index, until=end))
        for user_id in user_ids:
            slots.append(Slot(("person", user_id), start, end, index))
    return slots


def check(organisation, occurrences, resources=(), user_ids=(), *, exclude_occurrences=()) -> list[Conflict]:
    candidates = candidate_slots(occurrences, resources, user_ids)
    return find_conflicts(candidates, existing_slots(organisation, candidates, exclude_occurrences=exclude_occurrences))


# ---- availability of people, and what to propose instead of a refused slot ----------------

FREE, SHIFT, BUSY, MEETING, CLOSED, LEAVE = "free", "shift", "busy", "meeting", "closed", "leave"
# When several things take a person at once, the picker shows the most binding.
PRECEDENCE = (LEAVE, CLOSED, MEETING, BUSY, SHIFT)
# What a reason cannot override: leave, a closure, another meeting. A shift (or another
# activity) can be, by a coordinator who says why.
HARD_FOR_PEOPLE = frozenset({LEAVE, CLOSED, MEETING})


def status_of(slot: Slot) -> str:
    """What an existing slot of a person means: on leave, closed, in a meeting, on a shift, busy."""
    ref = slot.ref
    if isinstance(ref, Booked):
        return {"shift": SHIFT, "meeting": MEETING}.get(ref.event_kind, BUSY)
    if isinstance(ref, str) and ref == "leave":
        return LEAVE
    return CLOSED


def is_hard(conflict: Conflict) -> bool:
    """A conflict no reason overrides: any room or item, and a person's leave, closure or meeting."""
    return not conflict.is_person or status_of(conflict.existing) in HARD_FOR_PEOPLE


def statuses(existing: Iterable[Slot], user_ids: Iterable[int], start: datetime, end: datetime) -> dict[int, tuple[str, Slot | None]]:
    """user id → (status, the slot that gives it) for [start, end): the most binding of the
    person's slots that overlap it (``PRECEDENCE``), or (FREE, None)."""
    wanted = {int(u) for u in user_ids}
    found: dict[int, tuple[str, Slot | None]] = {u: (FREE, None) for u in wanted}
    rank = {status: i for i, status in enumerate(PRECEDENCE)}
    for slot in existing:
        kind, uid = slot.key
        if kind != "person" or uid not in wanted or not (slot.start < end and start < slot.end):
            continue
        status = status_of(slot)
        current = found[uid][0]
        if current == FREE or rank[status] < rank[current]:
            found[uid] = (status, slot)
    return found


def availability(organisation, user_ids, start: datetime, end: datetime, *, exclude_occurrences=()) -> dict[int, tuple[str, Slot | None]]:
    """The people's availability for [start, end), for the people picker: one query for their
    bookings and shifts, one for leave, one for closures, however many people."""
    candidates = candidate_slots([(start, end)], (), sorted(set(user_ids)))
    return statuses(existing_slots(organisation, candidates, exclude_occurrences=exclude_occurrences), user_ids, start, end)


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[list[datetime]] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def free_starts(busy: Iterable[Slot], pads: dict[Hashable, timedelta], duration: timedelta, after: datetime, *,
                count: int = 3, days: int = 14, hours: tuple = (9, 0, 18, 0), step: timedelta = timedelta(minutes=30),
                skip_days: frozenset = frozenset(), tz=None) -> list[tuple[datetime, datetime]]:
    """The first ``count`` slots of ``duration`` starting at or after ``after`` on a ``step``
    grid (local time), inside working hours on working days (Monday to Friday, not in
    ``skip_days``), that collide with no busy slot of the keys of ``pads`` (a key's pad: the
    buffer its resource adds after a booking). Pure; tested against a brute-force search."""
    from datetime import time as dtime

    from .recurrence import PARIS

    tz = tz or PARIS
    blocked = _merge([(s.start - pads[s.key], s.end) for s in busy if s.key in pads and s.end > s.start])
    starts = [b[0] for b in blocked]
    local_after = after.astimezone(tz)
    day = local_after.date()
    found = []
    for _i in range(days + 1):
        if day.weekday() < 5 and day not in skip_days:
            begin = datetime.combine(day, dtime(hours[0], hours[1]), tzinfo=tz)
            close = datetime.combine(day, dtime(hours[2], hours[3]), tzinfo=tz)
            moment = begin
            while moment + duration <= close:
                if moment >= after:
                    end = moment + duration
                    i = bisect_left(starts, end) - 1  # the last blocked interval starting before the end
                    if i < 0 or blocked[i][1] <= moment:
                        found.append((moment, end))
                        if len(found) == count:
                            return found
                moment += step
        day += timedelta(days=1)
    return found


def free_rooms(organisation, start: datetime, end: datetime, *, capacity: int | None, exclude=()) -> list:
    """Active rooms of at least ``capacity`` places (any, when unknown) free for [start, end)
    with their buffer: one query for the rooms, one for their bookings, one for closures."""
    from .models import Allocation, Resource

    rooms = Resource.objects.for_organisation(organisation).filter(is_active=True, kind=Resource.Kind.ROOM).exclude(pk__in=list(exclude))
    if capacity:
        rooms = rooms.filter(capacity__gte=capacity)
    rooms = list(rooms.order_by("capacity", "name")[:50])
    if not rooms:
        return []
    longest = max(r.buffer_minutes for r in rooms)
    taken = defaultdict(list)
    for rid, s, e in Allocation.objects.filter(resource_id__in=[r.pk for r in rooms], active=True, start__lt=end + timedelta(minutes=longest),
                                               block_end__gt=start).values_list("resource_id", "start", "block_end"):
        taken[rid].append((s, e))
    for slot in closure_slots(organisation, [r.pk for r in rooms], (), start, end + timedelta(minutes=longest)):
        taken[slot.key[1]].append((slot.start, slot.end))
    return [r for r in rooms if not any(s < end + timedelta(minutes=r.buffer_minutes) and start < e for s, e in taken[r.pk])]


@dataclass
class Suggestions:
    """What a refused slot proposes: the next slots free for everyone asked, rooms free then."""

    slots: list[tuple[datetime, datetime]]
    rooms: list


def suggest(organisation, start: datetime, end: datetime, resources=(), user_ids=(), *, conflicts=(), exclude_occurrences=(),
            now: datetime | None = None, count: int = 3, days: int = 14) -> Suggestions:
    """The next ``count`` slots of the same duration, in the future, within working hours on
    working days (closures and public holidays skipped), free for every person and resource
    asked; and, when a room was refused, the rooms of at least its capacity free at the time
    asked. A bounded number of queries: one per resource, one for the people, leave, closures."""
    from django.utils import timezone

    now = now or timezone.now()
    duration = end - start
    after = max(start, now)  # never in the past; the grid of ``free_starts`` gives round times
    horizon = after + timedelta(days=days + 1)
    pads: dict[Hashable, timedelta] = {("resource", r.pk): timedelta(minutes=r.buffer_minutes) for r in resources}
    pads.update({("person", u): timedelta(0) for u in user_ids})
    window = [Slot(key, after - timedelta(days=1), horizon) for key in pads]
    busy = existing_slots(organisation, window, exclude_occurrences=exclude_occurrences) if window else []
    slots = free_starts(busy, pads, duration, after, count=count, days=days, skip_days=_holidays(after, horizon),
                        step=timedelta(minutes=30) if duration >= timedelta(minutes=30) else timedelta(minutes=15))
    rooms = []
    refused_rooms = {c.existing.key[1] for c in conflicts if c.existing.key[0] == "resource"}
    asked = [r for r in resources if getattr(r, "kind", "") == "room" and r.pk in refused_rooms]
    if asked:
        rooms = free_rooms(organisation, start, end, capacity=max((r.capacity or 0) for r in asked) or None,
                           exclude=[r.pk for r in resources])
    return Suggestions(slots, rooms[:5])


def _holidays(start: datetime, end: datetime) -> frozenset:
    """French public holidays in the window, when the leave app (which knows them) is installed."""
    if importlib.util.find_spec("maillon.leave") is None:
        return frozenset()
    counting = importlib.import_module("maillon.leave.counting")
    return frozenset(counting.holidays_between(start.date(), end.date()))

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


RECENT = 32


def existing_slots(organisation, candidates: list[Slot], *, exclude_occurrences: Iterable[int] = (), lock: bool = False) -> list[Slot]:
    """Active allocations (and leave) that may collide with ``candidates``: one query."""
    from .models import Allocation

    if not candidates:
        return []
    resource_ids = sorted({c.key[1] for c in candidates if c.key[0] == "resource"})
    user_ids = {c.key[1] for c in candidates if c.key[0] == "person"}
    lo = min(c.start for c in candidates)
    hi = max(c.end for c in candidates)
    active = (
        Allocation.objects.active()
        .exclude(occurrence_id__in=list(exclude_occurrences))
        .select_related("occurrence__event", "resource")
    )
    rows = []
    if resource_ids:
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
            latest = list(active.filter(resource_id=resource_id, start__lt=hi).order_by("-start")[:RECENT])
            if len(latest) < RECENT or latest[-1].start < lo:
                rows += [a for a in latest if a.block_end > lo]
            else:
                rows += list(active.filter(resource_id=resource_id, start__gte=lo, start__lt=hi))
                rows += list(active.filter(resource_id=resource_id, start__lt=lo).order_by("-start")[:1])
    if user_ids:
        rows += list(active.filter(organisation=organisation, membership__user_id__in=user_ids, block_end__gt=lo, start__lt=hi)
                     .select_related("membership__user"))
    slots = []
    for a in rows:
        key = ("resource", a.resource_id) if a.resource_id else ("person", a.membership.user_id)
        # People have no buffer: their own slot ends with the event.
        slots.append(Slot(key, a.start, a.block_end if a.resource_id else a.end, a))
    if user_ids:
        for user_id, begins, ends in absences(organisation, lo, hi):
            if user_id in user_ids:
                slots.append(Slot(("person", user_id), begins, ends, "leave"))
    slots += closure_slots(organisation, resource_ids, user_ids, lo, hi)
    return slots


def closure_slots(organisation, resource_ids, user_ids, lo: datetime, hi: datetime) -> list[Slot]:
    """Closures as blocking slots: a room's or item's own, and the organisation's (which
    block every resource and person asked about). One query."""
    from django.db.models import Q

    from .models import Closure

    rows = Closure.objects.filter(organisation=organisation, start__lt=hi, end__gt=lo).filter(
        Q(resource__isnull=True) | Q(resource_id__in=list(resource_ids)))
    slots = []
    for closure in rows:
        if closure.resource_id:
            slots.append(Slot(("resource", closure.resource_id), closure.start, closure.end, closure))
            continue
        slots += [Slot(("resource", rid), closure.start, closure.end, closure) for rid in resource_ids]
        slots += [Slot(("person", uid), closure.start, closure.end, closure) for uid in user_ids]
    return slots


def candidate_slots(occurrences: list[tuple[datetime, datetime]], resources=(), user_ids=()) -> list[Slot]:
    """The slots a booking would take: each occurrence × each resource (buffer added) and person."""
    slots = []
    for index, (start, end) in enumerate(occurrences):
        for r in resources:
            slots.append(Slot(("resource", r.pk), start, end + timedelta(minutes=r.buffer_minutes), index))
        for user_id in user_ids:
            slots.append(Slot(("person", user_id), start, end, index))
    return slots


def check(organisation, occurrences, resources=(), user_ids=(), *, exclude_occurrences=()) -> list[Conflict]:
    candidates = candidate_slots(occurrences, resources, user_ids)
    return find_conflicts(candidates, existing_slots(organisation, candidates, exclude_occurrences=exclude_occurrences))

"""Team plannings: every problem of a planning (computed live on each page view) and the
writes (shifts, assignments, work profiles, publication with one e-mail per affected person).

Once published, a planning stays published: editing its shifts changes the coordinators'
working copy only, and everyone else (the planning page, the agenda, the conflict engine) keeps
the published version until the coordinator republishes (each person is then told their own
changes) or discards the changes. See ``pending``.

Problems reuse THE conflict engine (double booking, leave, closures) and add the working-time
checks of ``worktime`` (10 h a day, 48 h a week, contract hours, 11 h daily rest), the
supervision ratio for children and the qualification a shift requires."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from fractions import Fraction
from functools import lru_cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillon.accounts.models import Membership
from maillon.audit.services import record
from maillon.core.prepared import prepared
from maillon.notifications.services import notify

from . import conflicts as engine
from . import pending, policies, worktime
from .models import (
    Allocation,
    Closure,
    Event,
    Occurrence,
    Planning,
    Qualification,
    Shift,
    WorkProfile,
)
from .recurrence import PARIS


@dataclass
class Problem:
    kind: str  # double, leave, closure, day, week, contract, rest, ratio, qualification
    message: str
    shift_id: int | None = None
    membership_id: int | None = None


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " h"


def _slot(start, end) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    return _("%(day)s %(start)s–%(end)s") % {"day": date_format(start, "l j F").lower(), "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}


def required_adults(shift: Shift, planning: Planning) -> int:
    """1 adult per 8 children under 6 and 1 per 12 from 6 (configurable per planning)."""
    load = Fraction(shift.children_under_6, max(planning.children_per_adult_under_6, 1)) + Fraction(
        shift.children_from_6, max(planning.children_per_adult_from_6, 1))
    return math.ceil(load)


def holds(profile: WorkProfile | None, qualification: str) -> bool:
    if not qualification:
        return True
    held = set(profile.qualifications) if profile else set()
    # A BAFD holder may supervise where a BAFA is required.
    return qualification in held or (qualification == Qualification.BAFA and Qualification.BAFD in held)


def load(planning: Planning) -> tuple[list[Shift], dict[int, WorkProfile]]:
    """The shifts, each with its people as ``shift.members`` (a list), and the work profiles
    of those people. Four queries whatever the size, and one instance per person: the
    people are read once rather than once per shift (a prefetch of ``people__user``)."""
    shifts = list(planning.shifts.all())
    rows = list(Shift.people.through.objects.filter(shift__planning=planning).values_list("shift_id", "membership_id"))
    people = {m.pk: m for m in Membership.objects.filter(organisation=planning.organisation, pk__in={m for _s, m in rows})
              .select_related("user").order_by("user__last_name", "user__first_name", "pk")}
    rank = {pk: i for i, pk in enumerate(people)}
    by_shift: dict[int, list[Membership]] = defaultdict(list)
    for shift_id, membership_id in sorted((row for row in rows if row[1] in people), key=lambda row: rank[row[1]]):
        by_shift[shift_id].append(people[membership_id])
    for s in shifts:
        s.members = by_shift.get(s.pk, [])  # by name, like every list of people
    profiles = {p.membership_id: p for p in WorkProfile.objects.filter(organisation=planning.organisation, membership_id__in=list(people))}
    return shifts, profiles


def members_of(shift: Shift) -> list[Membership]:
    """A shift's people: ``shift.members`` when read by ``load``, else from the database."""
    return shift.members if hasattr(shift, "members") else list(shift.people.all())


def problems(planning: Planning, shifts: list[Shift] | None = None, profiles: dict[int, WorkProfile] | None = None) -> list[Problem]:
    """Every problem of the planning, in a fixed number of queries whatever its size."""
    if shifts is None or profiles is None:
        shifts, profiles = load(planning)
    found: list[Problem] = []
    people_of = {s.pk: members_of(s) for s in shifts}
    members = {m.user_id: m for s in shifts for m in people_of[s.pk]}
    candidates = [engine.Slot(("person", m.user_id), s.start, s.end, s) for s in shifts for m in people_of[s.pk]]

    # 1. Twice in this planning.
    seen = set()
    for c in engine.find_conflicts(candidates, candidates):
        a, b = c.candidate.ref, c.existing.ref
        if a.pk < b.pk and (a.pk, b.pk, c.candidate.key) not in seen:
            seen.add((a.pk, b.pk, c.candidate.key))
            person = members[c.candidate.key[1]]
            found.append(Problem("double", _("%(person)s is on « %(a)s » and « %(b)s » at the same time (%(slot)s).") % {
                "person": person.user, "a": a.title, "b": b.title, "slot": _slot(a.start, a.end)}, a.pk, person.pk))

    # 2. Against the rest of the organisation's agenda (the engine): other events, leave, closures.
    # The planning's own published events are not "the rest", even those of shifts deleted
    # since the publication (they stay in the agenda until the next one).
    told = pending.published(planning) or {}
    own = sorted({s.occurrence_id for s in shifts if s.occurrence_id} | {r["occurrence"] for r in told.values() if r.get("occurrence")})
    outside = engine.existing_slots(planning.organisation, candidates, exclude_occurrences=own)
    for c in engine.find_conflicts(candidates, outside):
        shift, person, ref = c.candidate.ref, members[c.candidate.key[1]], c.existing.ref
        if ref == "leave":
            kind, text = "leave", _("%(person)s is on leave during « %(shift)s » (%(slot)s).")
        elif isinstance(ref, Closure):
            kind, text = "closure", _("« %(shift)s » (%(slot)s) falls in a closure: %(reason)s.")
        else:
            kind, text = "double", _("%(person)s is already on « %(other)s » during « %(shift)s » (%(slot)s).")
        found.append(Problem(kind, text % {
            "person": person.user, "shift": shift.title, "slot": _slot(shift.start, shift.end),
            "reason": getattr(ref, "reason", ""), "other": ref.event_title if isinstance(ref, engine.Booked) else ""},
            shift.pk, person.pk))

    # 3. Working time, counting the person's other work of the same weeks.
    work = [worktime.Work(c.key[1], c.start, c.end) for c in candidates]
    if candidates:
        first = datetime.combine(planning.start_date - timedelta(days=7), time(0), tzinfo=PARIS)
        last = datetime.combine(planning.end_date + timedelta(days=8), time(0), tzinfo=PARIS)
        # Scoped through the people's memberships, on the (membership, block_end) index (a
        # person's block_end is its end): see ``conflicts.existing_slots``.
        others = (Allocation.objects.active().filter(membership__organisation=planning.organisation,
                                                    membership__user_id__in=list(members), block_end__gt=first,
                                                    start__lt=last, end__gt=first)
                  .exclude(occurrence_id__in=own).values_list("membership__user_id", "start", "end"))
        work += [worktime.Work(uid, s, e) for uid, s, e in others]
    hours = {uid: (profiles[m.pk].weekly_hours if m.pk in profiles else None) for uid, m in members.items()}
    first_day, last_day = planning.start_date, planning.end_date
    for b in worktime.check(work, hours):
        person = members[b.person]
        if b.rule == "day":
            if not first_day <= b.key <= last_day:
                continue
            text = _("%(person)s works %(amount)s on %(day)s (10 h a day at most).") % {
                "person": person.user, "amount": _hours(b.amount), "day": date_format(b.key, "l j F").lower()}
        elif b.rule in ("week", "contract"):
            monday = datetime.fromisocalendar(b.key[0], b.key[1], 1).date()
            if monday > last_day or monday + timedelta(days=6) < first_day:
                continue
            values = {"person": person.user, "amount": _hours(b.amount), "limit": _hours(b.limit), "day": date_format(monday, "j F")}
            text = (_("%(person)s works %(amount)s in the week of %(day)s (48 h a week at most).") if b.rule == "week"
                    else _("%(person)s works %(amount)s in the week of %(day)s, more than the %(limit)s of the contract.")) % values
        else:
            local = timezone.localtime(b.key)
            if local.date() > last_day or (local + b.amount).date() < first_day:
                continue
            text = _("%(person)s has no 11-hour rest between %(start)s and %(end)s.") % {
                "person": person.user, "start": _slot(b.key, b.key)[:-6], "end": _slot(b.key + b.amount, b.key + b.amount)[:-6]}
        found.append(Problem(b.rule, text, None, person.pk))

    # 4. Supervision and qualifications, shift by shift.
    for s in shifts:
        people = people_of[s.pk]
        needed = max(s.supervisors_needed, required_adults(s, planning))
        if len(people) < needed:
            found.append(Problem("ratio", _("« %(shift)s » (%(slot)s): %(needed)s adults needed, %(count)s planned.") % {
                "shift": s.title, "slot": _slot(s.start, s.end), "needed": needed, "count": len(people)}, s.pk))
        for m in people:
            if not holds(profiles.get(m.pk), s.qualification):
                found.append(Problem("qualification", _("%(person)s does not hold the %(qualification)s required for « %(shift)s ».") % {
                    "person": m.user, "qualification": s.get_qualification_display(), "shift": s.title}, s.pk, m.pk))
    return found


# ---- writes --------------------------------------------------------------------------


def _require(membership, planning=None, sector=None) -> None:
    if not policies.can_manage_planning(membership, sector or planning.sector):
        raise PermissionDenied


def create_planning(membership: Membership, *, title: str, sector, start_date, end_date, request=None, **ratios) -> Planning:
    _require(membership, sector=sector)
    if end_date < start_date:
        raise ValidationError({"end_date": _("The last day must be on or after the first day.")})
    if (end_date - start_date).days > 92:
        raise ValidationError({"end_date": _("A planning covers three months at most.")})
    planning = Planning.objects.create(organisation=membership.organisation, title=title.strip(), sector=sector,
                                       start_date=start_date, end_date=end_date, created_by=membership.user, **ratios)
    record("agenda.planning.create", actor=membership.user, organisation=planning.organisation, target=planning, request=request)
    return planning


def add_shift(membership: Membership, planning: Planning, *, title: str, start, end, people=(), request=None, **fields) -> Shift:
    _require(membership, planning)
    if start is None or end is None or end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if end - start > timedelta(hours=24):
        raise ValidationError({"end": _("A shift lasts 24 hours at most.")})
    local = timezone.localtime(start).date()
    if not planning.start_date <= local <= planning.end_date:
        raise ValidationError({"start": _("The shift must start within the planning's period.")})
    people = list(people)
    _check_people(membership, people)
    with transaction.atomic():
        shift = Shift.objects.create(organisation=planning.organisation, planning=planning, title=title.strip(), start=start, end=end, **fields)
        shift.people.set(people)
        record("agenda.planning.shift", actor=membership.user, organisation=planning.organisation, target=planning, request=request,
               data={"shift": shift.pk, "start": start.isoformat(), "end": end.isoformat(), "people": [m.pk for m in people]})
    return shift


def _check_people(membership, people) -> None:
    for m in people:
        if m.organisation_id != membership.organisation_id or not m.is_active:
            raise ValidationError({"people": _("This person is not a member of the organisation.")})


def set_people(membership: Membership, shift: Shift, people, *, request=None) -> None:
    _require(membership, shift.planning)
    people = list(people)
    _check_people(membership, people)
    with transaction.atomic():
        shift.people.set(people)
        record("agenda.planning.assign", actor=membership.user, organisation=shift.organisation, target=shift.planning,
               request=request, data={"shift": shift.pk, "people": [m.pk for m in people]})


def delete_shift(membership: Membership, shift: Shift, *, request=None) -> None:
    planning = shift.planning
    _require(membership, planning)
    with transaction.atomic():
        # Published, its event stays in the agenda until the next publication (which removes
        # it and tells its people) or comes back if the changes are discarded.
        if shift.occurrence_id and planning.status != Planning.Status.PUBLISHED:
            Event.objects.filter(occurrences=shift.occurrence_id).delete()
        record("agenda.planning.shift_delete", actor=membership.user, organisation=planning.organisation, target=planning,
               request=request, data={"shift": shift.pk, "title": shift.title})
        shift.delete()


def save_profile(membership: Membership, person: Membership, *, contract: str, weekly_hours, qualifications, request=None) -> WorkProfile:
    if not policies.can_edit_work_profiles(membership) or person.organisation_id != membership.organisation_id:
        raise PermissionDenied
    if weekly_hours is not None and not 0 < weekly_hours <= 48:
        raise ValidationError({"weekly_hours": _("Enter between 1 and 48 hours a week.")})
    profile, _created = WorkProfile.objects.update_or_create(
        membership=person, defaults={"organisation": membership.organisation, "contract": contract,
                                     "weekly_hours": weekly_hours, "qualifications": sorted(set(qualifications))})
    record("agenda.work_profile", actor=membership.user, organisation=membership.organisation, target=person, request=request,
           data={"contract": contract, "weekly_hours": str(weekly_hours), "qualifications": profile.qualifications})
    return profile


def _told(planning: Planning) -> dict[int, list[list]]:
    """What each person was told at the last publication: ``{membership_id: [[shift_id,
    start, end, title], …]}`` (also from the per-person snapshots kept before whole shifts were)."""
    told = pending.published(planning)
    if told is not None:
        return pending.by_person(told)
    snap = planning.published_snapshot or {}
    return {int(k): v for k, v in snap.items() if k.isdigit() and isinstance(v, list)}


def publish(membership: Membership, planning: Planning, *, request=None) -> int:
    """Validate and publish (or republish the pending changes): refused while problems
    remain; the shifts become events of the agenda (person allocations the engine sees),
    replacing those of the previous publication; each person whose own shifts changed gets
    ONE notification (and e-mail) listing their changes, before → after. Returns the number
    of people notified."""
    _require(membership, planning)
    with transaction.atomic():
        planning = Planning.objects.select_for_update().get(pk=planning.pk)
        shifts, profiles = load(planning)
        if not shifts:
            raise ValidationError(_("Add at least one shift before publishing."))
        found = problems(planning, shifts, profiles)
        if found:
            raise ValidationError(ngettext("Resolve the problem listed before publishing.",
                                           "Resolve the %(count)s problems listed before publishing.", len(found)) % {"count": len(found)})
        first = planning.published_at is None
        before, told = _told(planning), pending.published(planning) or {}
        stale = {s.occurrence_id for s in shifts if s.occurrence_id} | {r["occurrence"] for r in told.values() if r.get("occurrence")}
        Event.objects.filter(occurrences__in=sorted(stale)).delete()
        for s in shifts:
            event = Event.objects.create(organisation=planning.organisation, title=s.title, kind=Event.Kind.SHIFT,
                                         status=Event.Status.PUBLISHED, sector=planning.sector, start=s.start, end=s.end,
                                         description=planning.title, created_by=membership.user)
            occurrence = Occurrence.objects.create(organisation=planning.organisation, event=event, start=s.start, end=s.end,
                                                   original_start=s.start)
            Allocation.objects.bulk_create([
                Allocation(organisation=planning.organisation, occurrence=occurrence, membership=m, start=s.start, end=s.end,
                           block_end=s.end, booked_by=membership.user) for m in members_of(s)])
            s.occurrence = occurrence
        Shift.objects.bulk_update(shifts, ["occurrence"])
        now = pending.state(shifts)
        count = len(pending.diff(told, now, {})) if told else len(now)
        after = pending.by_person(now)
        planning.published_snapshot, planning.status, planning.published_at = {"shifts": now}, Planning.Status.PUBLISHED, timezone.now()
        planning.save(update_fields=["published_snapshot", "status", "published_at"])
        people = {m.pk: m for s in shifts for m in members_of(s)}
        removed = [pk for pk in before if pk not in people]
        people |= {m.pk: m for m in Membership.objects.filter(pk__in=removed, organisation=planning.organisation).select_related("user")}
        messages = {pk: pending.changes(before.get(pk, []), after.get(pk, [])) for pk in people}
        messages = {pk: lines for pk, lines in sorted(messages.items()) if lines}
        record("agenda.planning.publish", actor=membership.user, organisation=planning.organisation, target=planning, request=request,
               data={"shifts": len(shifts), "changes": count, "notified": sorted(messages)})
        url = f"/{planning.organisation.slug}/agenda/plannings/{planning.pk}/"
        title = (_("Planning « %(title)s » published") if first else _("Planning « %(title)s » changed")) % {"title": planning.title}
        for pk, lines in messages.items():
            intro = _("Your shifts in « %(title)s »:") % {"title": planning.title}
            notify(people[pk].user, title, body="\n".join([intro, *lines]), url=url, organisation=planning.organisation,
                   kind="agenda.planning")
    return len(messages)


def pending_changes(planning: Planning, shifts: list[Shift]) -> list[pending.Change]:
    """The changes of a published planning not published yet (``shifts`` read by ``load``):
    one query at most, for the names of people taken off every shift."""
    told = pending.published(planning)
    if told is None:
        return []
    names = {m.pk: str(m.user) for s in shifts for m in members_of(s)}
    missing = {pk for row in told.values() for pk in row["people"]} - set(names)
    if missing:
        names |= {m.pk: str(m.user) for m in Membership.objects.filter(organisation=planning.organisation, pk__in=missing).select_related("user")}
    return pending.diff(told, pending.state(shifts), names)


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:  # SQLite's driver: naive, in UTC
        return moment.replace(tzinfo=UTC).isoformat()
    return moment.astimezone(UTC).isoformat()


PAGE_IDS = 20  # plannings per prepared query below: a page of the list (fewer ids are padded, more are split)
_SHIFT_COLUMNS = ("pk", "planning_id", "title", "start", "end", *pending.DETAILS)


@prepared(**{f"p{i}": -821_001 - i for i in range(PAGE_IDS)})
def _shifts_of_plannings(**ids):
    return Shift.objects.filter(planning_id__in=list(ids.values())).order_by().values_list(*_SHIFT_COLUMNS)


@prepared(**{f"p{i}": -821_101 - i for i in range(PAGE_IDS)})
def _people_of_plannings(**ids):
    return Shift.people.through.objects.filter(shift__planning_id__in=list(ids.values())).order_by().values_list("shift_id", "membership_id")


def _raw_rows(query, ids: list[int]):
    """The rows of a prepared query over planning ids, ``PAGE_IDS`` at a time, read with the
    driver's own types (the ORM's converters were most of the cost of 200 shifts; SQLite gives
    datetimes naive in UTC, PostgreSQL aware ones)."""
    with connection.cursor() as cursor:
        for first in range(0, len(ids), PAGE_IDS):
            chunk = ids[first:first + PAGE_IDS]
            chunk += [chunk[-1]] * (PAGE_IDS - len(chunk))  # a repeated id changes nothing in IN (…)
            cursor.execute(*query(**{f"p{i}": pk for i, pk in enumerate(chunk)}).query.sql_with_params())
            yield from cursor.fetchall()


@lru_cache(maxsize=64)
def _stored_shifts(text: str | None) -> dict[str, dict] | None:
    """``pending.published``'s shifts from a snapshot's stored text, decoded once per process
    (the list's 20 snapshots were a tenth of its CPU): read only, never changed."""
    snap = json.loads(text) if text else {}
    shifts = snap.get("shifts") if isinstance(snap, dict) else None
    return shifts if isinstance(shifts, dict) else None


def list_figures(plannings: list[Planning], *, pending_changes: bool) -> dict[int, tuple[int, int]]:
    """``{planning_id: (shifts, pending changes)}`` for a page of the plannings list, in one query
    for the shifts (and one for the people of the published ones when ``pending_changes``): the
    list's cost follows its page, never the organisation's history (issue 14). The changes are
    counted as ``pending.diff`` finds them, without writing them out. A planning read with
    ``snapshot_text`` (its snapshot as stored, ``published_snapshot`` deferred) has it decoded
    once per process."""
    ids = [p.pk for p in plannings]
    if not ids:
        return {}
    if not pending_changes:
        counts = dict(Shift.objects.filter(planning_id__in=ids).order_by().values("planning_id").annotate(n=Count("pk")).values_list("planning_id", "n"))
        return {pk: (counts.get(pk, 0), 0) for pk in ids}
    told = {}
    for p in plannings:
        shifts = (_stored_shifts(p.snapshot_text) if p.status == Planning.Status.PUBLISHED else None) if hasattr(p, "snapshot_text") else pending.published(p)
        if shifts is not None:
            told[p.pk] = shifts
    people = defaultdict(list)
    if told:
        for shift_id, membership_id in _raw_rows(_people_of_plannings, list(told)):
            people[str(shift_id)].append(membership_id)
    # Each shift as ``pending.state`` writes it (its occurrence aside, which the count ignores).
    working: dict[int, dict[str, dict]] = {pk: {} for pk in ids}
    for pk, planning_id, title, start, end, *details in _raw_rows(_shifts_of_plannings, ids):
        key = str(pk)
        working[planning_id][key] = {"title": title, "start": _utc_text(start), "end": _utc_text(end), "people": people[key],
                                     **dict(zip(pending.DETAILS, details, strict=True))}
    return {pk: (len(working[pk]), pending.count_changes(told[pk], working[pk]) if pk in told else 0) for pk in ids}


def published_version(planning: Planning) -> tuple[list[Shift], dict[int, WorkProfile]] | None:
    """The shifts as last published (unsaved instances with ``members``, as ``load`` gives
    them) and their people's work profiles, in two queries; None if never published."""
    told = pending.published(planning)
    if told is None:
        return None
    shifts = pending.shifts_of(planning, told)
    people = {m.pk: m for m in Membership.objects.filter(organisation=planning.organisation, pk__in={pk for s in shifts for pk in s.member_ids})
              .select_related("user").order_by("user__last_name", "user__first_name", "pk")}
    rank = {pk: i for i, pk in enumerate(people)}
    for s in shifts:
        s.members = [people[pk] for pk in sorted((pk for pk in s.member_ids if pk in people), key=rank.__getitem__)]
    profiles = {p.membership_id: p for p in WorkProfile.objects.filter(organisation=planning.organisation, membership_id__in=list(people))}
    return shifts, profiles


def discard_changes(membership: Membership, planning: Planning, *, request=None) -> int:
    """Back to the published version: shifts added since are deleted, deleted ones come back
    (with their agenda events, which never left), changed ones get their published times,
    people and figures again. Nobody is told: nothing they were told has changed. Returns the
    number of changes discarded."""
    _require(membership, planning)
    with transaction.atomic():
        planning = Planning.objects.select_for_update().get(pk=planning.pk)
        told = pending.published(planning)
        if told is None:
            raise ValidationError(_("This planning has no published version to go back to."))
        shifts, _profiles = load(planning)
        found = pending.diff(told, pending.state(shifts), {})
        if not found:
            return 0
        current = {s.pk: s for s in shifts}
        Shift.objects.filter(planning=planning).exclude(pk__in=[int(k) for k in told]).delete()
        kept = set(Occurrence.objects.filter(pk__in=[r["occurrence"] for r in told.values() if r.get("occurrence")])
                   .values_list("pk", flat=True))
        members = set(Membership.objects.filter(organisation=planning.organisation, pk__in={pk for r in told.values() for pk in r["people"]})
                      .values_list("pk", flat=True))
        for change in found:
            row = told.get(str(change.shift_id))
            if row is None:
                continue  # added since: deleted above
            shift = current.get(change.shift_id) or Shift(pk=change.shift_id, organisation=planning.organisation, planning=planning)
            shift.title, shift.start, shift.end = row["title"], datetime.fromisoformat(row["start"]), datetime.fromisoformat(row["end"])
            for name in pending.DETAILS:
                setattr(shift, name, row.get(name, Shift._meta.get_field(name).default))
            shift.occurrence_id = row.get("occurrence") if row.get("occurrence") in kept else None
            shift.save()
            shift.people.set([pk for pk in row["people"] if pk in members])
        record("agenda.planning.discard", actor=membership.user, organisation=planning.organisation, target=planning, request=request,
               data={"changes": len(found), "shifts": [c.shift_id for c in found]})
    return len(found)


# ---- editing a shift -----------------------------------------------------------------


SHIFT_FIELDS = ("title", "start", "end", "supervisors_needed", "qualification", "children_under_6", "children_from_6")


def _validate_shift(planning: Planning, start, end) -> None:
    if start is None or end is None or end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if end - start > timedelta(hours=24):
        raise ValidationError({"end": _("A shift lasts 24 hours at most.")})
    if not planning.start_date <= timezone.localtime(start).date() <= planning.end_date:
        raise ValidationError({"start": _("The shift must start within the planning's period.")})


def _apply(shift: Shift, fields: dict, people: list) -> None:
    for name in SHIFT_FIELDS:
        if name in fields:
            setattr(shift, name, fields[name].strip() if name == "title" else fields[name])
    shift.save(update_fields=[n for n in SHIFT_FIELDS if n in fields])
    # The working copy only: a published shift's event and allocations keep the published
    # version (what its people were told) until the next publication.
    shift.people.set(people)


def shift_problems(planning: Planning, shift: Shift, people=None) -> list[Problem]:
    """The planning's problems that concern this shift or its people (working time, double
    bookings, leave, ratio, qualification)."""
    ids = {m.pk for m in (people if people is not None else shift.people.all())}
    return [p for p in problems(planning) if p.shift_id == shift.pk or (p.shift_id is None and p.membership_id in ids)]


def preview_shift(membership: Membership, shift: Shift, *, people=(), **fields) -> list[Problem]:
    """What the problems would be with these changes: applied in a transaction that is
    rolled back, so the engine sees exactly what saving would give. Nothing is kept."""
    _require(membership, shift.planning)
    _validate_shift(shift.planning, fields.get("start", shift.start), fields.get("end", shift.end))
    people = list(people)
    _check_people(membership, people)
    with transaction.atomic():
        _apply(shift, fields, people)
        found = shift_problems(shift.planning, shift, people)
        transaction.set_rollback(True)
    shift.refresh_from_db()
    return found


def update_shift(membership: Membership, shift: Shift, *, people=(), request=None, **fields) -> list[Problem]:
    """Change a shift's times, supervisors needed, qualification, children and people.
    Saved even when problems remain (they are shown, and publishing refuses them); on a
    published planning this is a pending change (see ``pending``): the planning stays
    published as it was until republished. Returns the shift's problems after the change."""
    planning = shift.planning
    _require(membership, planning)
    _validate_shift(planning, fields.get("start", shift.start), fields.get("end", shift.end))
    people = list(people)
    _check_people(membership, people)
    before = {n: getattr(shift, n) for n in SHIFT_FIELDS}
    before_people = sorted(m.pk for m in shift.people.all())
    with transaction.atomic():
        _apply(shift, fields, people)
        after = {n: getattr(shift, n) for n in SHIFT_FIELDS}
        changed = {n: [str(before[n]), str(after[n])] for n in SHIFT_FIELDS if before[n] != after[n]}
        if before_people != sorted(m.pk for m in people):
            changed["people"] = [before_people, sorted(m.pk for m in people)]
        record("agenda.planning.shift_edit", actor=membership.user, organisation=planning.organisation, target=planning,
               request=request, data={"shift": shift.pk, "changed": changed})
    return shift_problems(planning, shift, people)


# ---- swaps between two people -----------------------------------------------------------


def propose_swap(membership: Membership, shift: Shift, *, recipient: Membership, counter_shift: Shift | None = None,
                 message: str = "", request=None):
    """``membership`` offers their ``shift`` to ``recipient`` (or proposes to exchange it for
    the recipient's ``counter_shift``, in the same planning). The recipient is notified."""
    from .models import ShiftSwap

    planning = Planning.objects.select_related("organisation").get(pk=shift.planning_id)
    if shift.organisation_id != membership.organisation_id or planning.status != Planning.Status.PUBLISHED:
        raise PermissionDenied
    # Swaps are between shifts as published: what the people know and the agenda shows.
    if membership.pk not in published_people(planning, shift):
        raise ValidationError({"shift": _("You are not on this shift.")})
    if recipient.organisation_id != membership.organisation_id or not recipient.is_active or recipient.pk == membership.pk:
        raise ValidationError({"recipient": _("Choose a colleague of the organisation.")})
    if recipient.pk in published_people(planning, shift):
        raise ValidationError({"recipient": _("This colleague is already on this shift.")})
    if counter_shift is not None:
        if counter_shift.planning_id != planning.pk or counter_shift.pk == shift.pk:
            raise ValidationError({"counter_shift": _("Choose a shift of the same planning.")})
        if recipient.pk not in published_people(planning, counter_shift):
            raise ValidationError({"counter_shift": _("Your colleague is not on this shift.")})
        if membership.pk in published_people(planning, counter_shift):
            raise ValidationError({"counter_shift": _("You are already on this shift.")})
    if shift.start <= timezone.now():
        raise ValidationError({"shift": _("This shift has already started.")})
    if ShiftSwap.objects.filter(shift=shift, requester=membership, status__in=ShiftSwap.OPEN).exists():
        raise ValidationError({"shift": _("You have already asked a swap for this shift.")})
    with transaction.atomic():
        swap = ShiftSwap.objects.create(organisation=planning.organisation, planning=planning, shift=shift, counter_shift=counter_shift,
                                        requester=membership, recipient=recipient, message=(message or "").strip())
        record("agenda.swap.propose", actor=membership.user, organisation=planning.organisation, target=planning, request=request,
               data={"swap": swap.pk, "shift": shift.pk, "counter_shift": counter_shift.pk if counter_shift else None,
                     "recipient": recipient.pk})
        body = _swap_text(swap)
        transaction.on_commit(lambda: notify(recipient.user, _("Shift swap proposed by %(who)s") % {"who": membership.user}, body=body,
                                             url=_swaps_url(planning), organisation=planning.organisation, kind="agenda.swap"))
    return swap


def published_people(planning: Planning, shift: Shift) -> set[int]:
    """The ids of the people on ``shift`` in the published version of its planning."""
    told = pending.published(planning)
    if told is None:
        return set(shift.people.values_list("pk", flat=True))
    return set(told.get(str(shift.pk), {}).get("people", []))


def _swaps_url(planning) -> str:
    return f"/{planning.organisation.slug}/agenda/echanges/"


def _swap_text(swap) -> str:
    text = _("« %(shift)s », %(slot)s") % {"shift": swap.shift.title, "slot": _slot(swap.shift.start, swap.shift.end)}
    if swap.counter_shift_id:
        text += " ⇄ " + _("« %(shift)s », %(slot)s") % {"shift": swap.counter_shift.title,
                                                        "slot": _slot(swap.counter_shift.start, swap.counter_shift.end)}
    return text


def _locked_swap(swap):
    from .models import ShiftSwap

    return ShiftSwap.objects.select_for_update(of=("self",)).select_related(
        "planning__sector", "planning__organisation", "shift", "counter_shift", "requester__user", "recipient__user").get(pk=swap.pk)


def answer_swap(membership: Membership, swap, accept: bool, *, request=None):
    """The recipient accepts (the coordinators are asked to approve) or declines."""
    from .models import ShiftSwap

    if swap.recipient_id != membership.pk:
        raise PermissionDenied
    with transaction.atomic():
        swap = _locked_swap(swap)
        if swap.status != ShiftSwap.Status.PROPOSED:
            raise ValidationError(_("This swap has already been handled."))
        swap.status = ShiftSwap.Status.ACCEPTED if accept else ShiftSwap.Status.DECLINED
        swap.save(update_fields=["status", "updated_at"])
        record("agenda.swap.accept" if accept else "agenda.swap.decline", actor=membership.user, organisation=swap.organisation,
               target=swap.planning, request=request, data={"swap": swap.pk})
        planning, body = swap.planning, _swap_text(swap)
        if accept:
            coordinators = [m for m in Membership.objects.for_organisation(planning.organisation).active().with_roles().select_related("user")
                            .filter(role_assignments__role__in=["coordinator", "director"]).distinct()
                            if policies.can_manage_planning(m, planning.sector)]
            title = _("Shift swap to approve: %(a)s and %(b)s") % {"a": swap.requester.user, "b": swap.recipient.user}
            transaction.on_commit(lambda: [notify(m.user, title, body=body, url=_swaps_url(planning), organisation=planning.organisation,
                                                  kind="agenda.swap") for m in coordinators])
        else:
            title = _("Shift swap declined by %(who)s") % {"who": membership.user}
            transaction.on_commit(lambda: notify(swap.requester.user, title, body=body, url=_swaps_url(planning),
                                                 organisation=planning.organisation, kind="agenda.swap"))
    return swap


def withdraw_swap(membership: Membership, swap, *, request=None):
    from .models import ShiftSwap

    if swap.requester_id != membership.pk:
        raise PermissionDenied
    with transaction.atomic():
        swap = _locked_swap(swap)
        if swap.status not in ShiftSwap.OPEN:
            raise ValidationError(_("This swap has already been handled."))
        swap.status = ShiftSwap.Status.CANCELLED
        swap.save(update_fields=["status", "updated_at"])
        record("agenda.swap.withdraw", actor=membership.user, organisation=swap.organisation, target=swap.planning, request=request,
               data={"swap": swap.pk})
    return swap


class SwapConflict(ValidationError):
    """Approving would create problems; ``problems`` lists them."""

    def __init__(self, found: list[Problem]):
        self.problems = found
        super().__init__(ngettext("This swap would create a conflict.", "This swap would create %(count)s conflicts.", len(found))
                         % {"count": len(found)})


def decide_swap(membership: Membership, swap, approve: bool, *, request=None):
    """A coordinator of the planning approves (the people of the shifts are exchanged, the
    conflicts re-checked in the same transaction: a swap that creates one is refused) or
    refuses. Both people are notified."""
    from .models import ShiftSwap

    if not policies.can_manage_planning(membership, swap.planning.sector):
        raise PermissionDenied
    with transaction.atomic():
        swap = _locked_swap(swap)
        planning = Planning.objects.select_for_update().get(pk=swap.planning_id)
        if swap.status != ShiftSwap.Status.ACCEPTED:
            raise ValidationError(_("This swap is not waiting for approval."))
        a, b = swap.requester, swap.recipient
        if approve:
            shift, counter = swap.shift, swap.counter_shift
            if not shift.people.filter(pk=a.pk).exists() or (counter and not counter.people.filter(pk=b.pk).exists()):
                raise ValidationError(_("The shifts have changed since the request: it no longer applies."))
            before = {p.message for p in problems(planning)}
            with transaction.atomic():  # a savepoint: undone when the swap creates a conflict
                _move(shift, a, b)
                if counter is not None:
                    _move(counter, b, a)
                after = problems(planning)
                new = [p for p in after if p.message not in before]
                if new:
                    transaction.set_rollback(True)
            if new:
                raise SwapConflict(new)
            # Approved, the swap is published at once (both people are told below): in the
            # working copy, the agenda (``_move``) and the published version alike.
            told = pending.published(planning)
            if told is not None:
                for moved, gone, came in ((shift, a, b), (counter, b, a)):
                    row = told.get(str(moved.pk)) if moved is not None else None
                    if row is not None:
                        row["people"] = sorted({pk for pk in row["people"] if pk != gone.pk} | {came.pk})
                planning.published_snapshot = {"shifts": told}
                planning.save(update_fields=["published_snapshot"])
        swap.status = ShiftSwap.Status.APPROVED if approve else ShiftSwap.Status.REFUSED
        swap.decided_by = membership.user
        swap.save(update_fields=["status", "decided_by", "updated_at"])
        record("agenda.swap.approve" if approve else "agenda.swap.refuse", actor=membership.user, organisation=swap.organisation,
               target=planning, request=request, data={"swap": swap.pk, "shift": swap.shift_id, "counter_shift": swap.counter_shift_id,
                                                       "requester": a.pk, "recipient": b.pk})
        title = (_("Shift swap approved: %(shift)s") if approve else _("Shift swap refused: %(shift)s")) % {"shift": swap.shift.title}
        body = _swap_text(swap)
        transaction.on_commit(lambda: [notify(m.user, title, body=body, url=f"/{planning.organisation.slug}/agenda/plannings/{planning.pk}/",
                                              organisation=planning.organisation, kind="agenda.planning") for m in (a, b)])
    return swap


def _move(shift: Shift, old: Membership, new: Membership) -> None:
    """Replace one person on a shift (and on its published allocations)."""
    shift.people.remove(old)
    shift.people.add(new)
    if shift.occurrence_id:
        Allocation.objects.filter(occurrence_id=shift.occurrence_id, membership=old).update(membership=new)

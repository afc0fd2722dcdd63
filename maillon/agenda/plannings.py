"""Team plannings: every problem of a planning (computed live on each page view) and the
writes (shifts, assignments, work profiles, publication with one e-mail per affected person).

Problems reuse THE conflict engine (double booking, leave, closures) and add the working-time
checks of ``worktime`` (10 h a day, 48 h a week, contract hours, 11 h daily rest), the
supervision ratio for children and the qualification a shift requires."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillon.accounts.models import Membership
from maillon.audit.services import record
from maillon.notifications.services import notify

from . import conflicts as engine
from . import policies, worktime
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
    shifts = list(planning.shifts.prefetch_related("people__user"))
    ids = {m.pk for s in shifts for m in s.people.all()}
    profiles = {p.membership_id: p for p in WorkProfile.objects.filter(organisation=planning.organisation, membership_id__in=ids)}
    return shifts, profiles


def problems(planning: Planning, shifts: list[Shift] | None = None, profiles: dict[int, WorkProfile] | None = None) -> list[Problem]:
    """Every problem of the planning, in a fixed number of queries whatever its size."""
    if shifts is None or profiles is None:
        shifts, profiles = load(planning)
    found: list[Problem] = []
    members = {m.user_id: m for s in shifts for m in s.people.all()}
    candidates = [engine.Slot(("person", m.user_id), s.start, s.end, s) for s in shifts for m in s.people.all()]

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
    own = [s.occurrence_id for s in shifts if s.occurrence_id]
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
            "reason": getattr(ref, "reason", ""), "other": ref.occurrence.event.title if isinstance(ref, Allocation) else ""},
            shift.pk, person.pk))

    # 3. Working time, counting the person's other work of the same weeks.
    work = [worktime.Work(c.key[1], c.start, c.end) for c in candidates]
    if candidates:
        first = datetime.combine(planning.start_date - timedelta(days=7), time(0), tzinfo=PARIS)
        last = datetime.combine(planning.end_date + timedelta(days=8), time(0), tzinfo=PARIS)
        others = (Allocation.objects.active().filter(organisation=planning.organisation, membership__user_id__in=list(members),
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
        people = list(s.people.all())
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


def _touch(planning: Planning) -> None:
    if planning.status != Planning.Status.DRAFT:
        planning.status = Planning.Status.DRAFT
        planning.save(update_fields=["status"])


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
        _touch(planning)
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
        _touch(shift.planning)
        record("agenda.planning.assign", actor=membership.user, organisation=shift.organisation, target=shift.planning,
               request=request, data={"shift": shift.pk, "people": [m.pk for m in people]})


def delete_shift(membership: Membership, shift: Shift, *, request=None) -> None:
    planning = shift.planning
    _require(membership, planning)
    with transaction.atomic():
        if shift.occurrence_id:
            Event.objects.filter(occurrences=shift.occurrence_id).delete()
        record("agenda.planning.shift_delete", actor=membership.user, organisation=planning.organisation, target=planning,
               request=request, data={"shift": shift.pk, "title": shift.title})
        shift.delete()
        _touch(planning)


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


def snapshot(shifts: list[Shift]) -> dict[str, list[list]]:
    out: dict[str, list[list]] = defaultdict(list)
    for s in shifts:
        for m in s.people.all():
            out[str(m.pk)].append([s.pk, s.start.isoformat(), s.end.isoformat(), s.title])
    return dict(out)


def changes(before: list[list], after: list[list]) -> list[str]:
    """The lines of one person's e-mail: shifts added, moved or removed since last time."""
    old, new = {row[0]: row for row in before}, {row[0]: row for row in after}
    lines = []
    for key in sorted(new.keys() | old.keys(), key=lambda k: (new.get(k) or old[k])[1]):
        row = new.get(key) or old[key]
        slot = _slot(datetime.fromisoformat(row[1]), datetime.fromisoformat(row[2]))
        if key not in old:
            lines.append(_("New: « %(title)s », %(slot)s") % {"title": row[3], "slot": slot})
        elif key not in new:
            lines.append(_("Removed: « %(title)s », %(slot)s") % {"title": row[3], "slot": slot})
        elif old[key][1:] != row[1:]:
            was = _slot(datetime.fromisoformat(old[key][1]), datetime.fromisoformat(old[key][2]))
            lines.append(_("Changed: « %(title)s », now %(slot)s (was %(before)s)") % {"title": row[3], "slot": slot, "before": was})
    return lines


def publish(membership: Membership, planning: Planning, *, request=None) -> int:
    """Validate and publish: refused while problems remain; the shifts become events of the
    agenda (person allocations the engine sees); each person whose shifts changed gets ONE
    notification (and e-mail) listing the changes. Returns the number of people notified."""
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
        Event.objects.filter(occurrences__in=[s.occurrence_id for s in shifts if s.occurrence_id]).delete()
        for s in shifts:
            event = Event.objects.create(organisation=planning.organisation, title=s.title, kind=Event.Kind.SHIFT,
                                         status=Event.Status.PUBLISHED, sector=planning.sector, start=s.start, end=s.end,
                                         description=planning.title, created_by=membership.user)
            occurrence = Occurrence.objects.create(organisation=planning.organisation, event=event, start=s.start, end=s.end,
                                                   original_start=s.start)
            Allocation.objects.bulk_create([
                Allocation(organisation=planning.organisation, occurrence=occurrence, membership=m, start=s.start, end=s.end,
                           block_end=s.end, booked_by=membership.user) for m in s.people.all()])
            s.occurrence = occurrence
        Shift.objects.bulk_update(shifts, ["occurrence"])
        before, after = planning.published_snapshot, snapshot(shifts)
        planning.published_snapshot, planning.status, planning.published_at = after, Planning.Status.PUBLISHED, timezone.now()
        planning.save(update_fields=["published_snapshot", "status", "published_at"])
        people = {m.pk: m for s in shifts for m in s.people.all()}
        removed = [int(k) for k in before if k not in after]
        people |= {m.pk: m for m in Membership.objects.filter(pk__in=removed, organisation=planning.organisation).select_related("user")}
        messages = {pk: changes(before.get(str(pk), []), after.get(str(pk), [])) for pk in people}
        messages = {pk: lines for pk, lines in messages.items() if lines}
        record("agenda.planning.publish", actor=membership.user, organisation=planning.organisation, target=planning, request=request,
               data={"shifts": len(shifts), "notified": sorted(messages)})
        url = f"/{planning.organisation.slug}/agenda/plannings/{planning.pk}/"
        for pk, lines in messages.items():
            notify(people[pk].user, _("Planning « %(title)s » published") % {"title": planning.title},
                   body="\n".join(lines), url=url, organisation=planning.organisation)
    return len(messages)

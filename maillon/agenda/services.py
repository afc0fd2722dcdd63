"""Every write of the agenda: events, bookings (with the conflict engine), edits of a series,
moderation, iCalendar tokens. Each runs in a transaction and writes an audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.audit.services import record
from maillon.notifications.services import notify

from . import conflicts as engine
from . import policies
from .hooks import run_booking_procedure_hooks
from .models import Allocation, CalendarToken, Closure, Event, Occurrence, Resource
from .recurrence import aware, expand, local, validate_rule, with_until


class ConflictError(Exception):
    """The booking collides with existing ones; ``conflicts`` lists each collision."""

    def __init__(self, conflicts: list[engine.Conflict], message: str = ""):
        self.conflicts = conflicts
        self.message = message or _("This booking conflicts with existing bookings.")
        super().__init__(self.message)

    @property
    def messages(self) -> list[str]:
        return [describe(c) for c in self.conflicts] or [self.message]

    @property
    def only_people(self) -> bool:
        return bool(self.conflicts) and all(c.is_person for c in self.conflicts)

    @property
    def overridable(self) -> bool:
        """Only people on a shift or an activity: a coordinator's reason books them anyway."""
        return overridable(self.conflicts)

    @property
    def hard_people(self) -> bool:
        """Someone on leave, in another meeting or a closure: no reason overrides it."""
        return any(c.is_person and engine.is_hard(c) for c in self.conflicts)


def overridable(conflicts) -> bool:
    return bool(conflicts) and all(c.is_person and not engine.is_hard(c) for c in conflicts)


def _when(start: datetime, end: datetime) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    return _("%(day)s from %(start)s to %(end)s") % {
        "day": date_format(start, "l j F Y"), "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M"),
    }


def describe(conflict: engine.Conflict) -> str:
    """A French sentence for one conflict."""
    ref = conflict.existing.ref
    # The real times on both sides: the buffer only blocks, the user never typed it.
    when = _when(conflict.candidate.start, conflict.candidate.shown_end)
    if ref == "leave":
        return _("%(when)s: this person is on leave.") % {"when": when}
    if isinstance(ref, Closure):
        return _("%(when)s: closed (%(reason)s, %(slot)s).") % {"when": when, "reason": ref.reason, "slot": _when(ref.start, ref.end)}
    if isinstance(ref, engine.Booked):
        if ref.resource_name:
            return _("%(when)s: « %(resource)s » is already booked for « %(event)s » (%(slot)s).") % {
                "when": when, "resource": ref.resource_name, "event": ref.event_title, "slot": _when(ref.start, ref.end)}
        return _("%(when)s: %(person)s is already on « %(event)s » (%(slot)s).") % {
            "when": when, "person": ref.person, "event": ref.event_title, "slot": _when(ref.start, ref.end)}
    return when


@dataclass
class BookingResult:
    event: Event
    skipped: list[engine.Conflict]


def _validate_times(start, end, rule: str, kind: str, *, allow_past: bool) -> list:
    errors = {}
    if start is None:
        errors["start"] = _("Enter a start date and time.")
    if end is None:
        errors["end"] = _("Enter an end date and time.")
    if not errors and end <= start:
        errors["end"] = _("The end must be after the start.")
    if not errors and not allow_past and kind == Event.Kind.BOOKING and end < timezone.now():
        errors["start"] = _("You cannot book a slot in the past.")
    try:
        validate_rule(rule)
    except (ValueError, TypeError):
        errors["rrule"] = _("This recurrence rule is not valid.")
    if errors:
        raise ValidationError(errors)
    return expand(start, end, rule)


def _check_scope(membership, resources, people) -> None:
    org_id = membership.organisation_id
    for r in resources:
        if r.organisation_id != org_id or not r.is_active:
            raise ValidationError({"resources": _("This room or item does not exist or cannot be booked.")})
    for m in people:
        if m.organisation_id != org_id or not m.is_active:
            raise ValidationError({"people": _("This person is not a member of the organisation.")})


def _split(conflicts, occurrences_count: int, *, skip_conflicting: bool, overbook_reason: str, membership):
    """Decide what the conflicts allow: returns the occurrence indexes to skip, the person
    conflicts accepted as overbooking (a shift or an activity, with a coordinator's reason),
    or raises ConflictError (a room, a closure, leave, another meeting: ``engine.is_hard``)."""
    hard = [c for c in conflicts if not c.is_person or isinstance(c.existing.ref, Closure)]
    skipped = set()
    if hard:
        skipped = {c.candidate.ref for c in hard}
        if not skip_conflicting or len(skipped) >= occurrences_count:
            raise ConflictError(hard)
    soft = [c for c in conflicts if c.is_person and not isinstance(c.existing.ref, Closure) and c.candidate.ref not in skipped]
    if soft:
        # Leave and another meeting are never overridden, whatever the reason: only a shift
        # (or another activity) may be, by a coordinator who says why.
        binding = [c for c in soft if engine.is_hard(c)]
        if binding:
            raise ConflictError(binding)
        if not overbook_reason.strip():
            raise ConflictError(soft)
        if not policies.can_overbook_people(membership):
            raise ConflictError(soft, _("Only a coordinator may book a person who is already busy."))
    return skipped, hard, soft


def _allocations(organisation, occurrence, resources, people, membership, *, user) -> list[Allocation]:
    rows = []
    for r in resources:
        pending = policies.needs_approval(membership, r)
        rows.append(Allocation(
            organisation=organisation, occurrence=occurrence, resource=r, start=occurrence.start, end=occurrence.end,
            block_end=occurrence.end + timedelta(minutes=r.buffer_minutes), booked_by=user,
            status=Allocation.Status.PENDING if pending else Allocation.Status.CONFIRMED,
        ))
    for m in people:
        rows.append(Allocation(organisation=organisation, occurrence=occurrence, membership=m, start=occurrence.start,
                               end=occurrence.end, block_end=occurrence.end, booked_by=user))
    return rows


def _lock(resources) -> list[Resource]:
    """Row locks on the resources, in a fixed order (no deadlock between two bookings)."""
    ids = sorted({r.pk for r in resources})
    return list(Resource.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _materialise(event, occurrences, skipped, resources, people, membership, *, user) -> list[Occurrence]:
    rows = [
        Occurrence(organisation=event.organisation, event=event, start=s, end=e, original_start=o)
        for index, (s, e, o) in enumerate(occurrences) if index not in skipped
    ]
    created = Occurrence.objects.bulk_create(rows)
    if any(o.pk is None for o in created):  # backends without RETURNING
        created = list(event.occurrences.order_by("start"))
    allocations = []
    for occ in created:
        allocations += _allocations(event.organisation, occ, resources, people, membership, user=user)
    Allocation.objects.bulk_create(allocations)
    return created


def create_event(membership: Membership, *, title: str, start, end, kind: str = Event.Kind.BOOKING, resources=(), people=(),
                 rrule: str = "", sector=None, place: str = "", description: str = "", status: str = Event.Status.PUBLISHED,
                 all_day: bool = False, reminder_days=(), skip_conflicting: bool = False, overbook_reason: str = "",
                 allow_past: bool = False, request=None) -> BookingResult:
    """Create an event (single or recurring) with its rooms, items and people.

    Conflicts are checked again here, under row locks on the resources: rooms and items are
    never overbooked; a recurring booking books the free occurrences only when
    ``skip_conflicting`` (the user agreed); people are overbooked only with a reason by a
    coordinator (audited)."""
    organisation = membership.organisation
    user = membership.user
    resources, people = list(resources), list(people)
    if not (title or "").strip():
        raise ValidationError({"title": _("Enter a title.")})
    if kind == Event.Kind.FUNDING and not policies.can_create_funding_deadline(membership):
        raise PermissionDenied
    _check_scope(membership, resources, people)
    occurrences = _validate_times(start, end, rrule, kind, allow_past=allow_past)
    if not occurrences:
        raise ValidationError({"rrule": _("This recurrence gives no date.")})
    try:
        with transaction.atomic():
            resources = _lock(resources)
            found = engine.check(organisation, [(s, e) for s, e, _o in occurrences], resources, [m.user_id for m in people])
            skipped, hard, soft = _split(found, len(occurrences), skip_conflicting=skip_conflicting,
                                         overbook_reason=overbook_reason, membership=membership)
            event = Event.objects.create(
                organisation=organisation, title=title.strip(), description=description, kind=kind, status=status,
                sector=sector, place=place, start=start, end=end, all_day=all_day, rrule=rrule, created_by=user,
                reminder_days=list(reminder_days),
                exdates=sorted({local(occurrences[i][2]).isoformat() for i in skipped}),
            )
            _materialise(event, occurrences, skipped, resources, people, membership, user=user)
            record("agenda.event.create", actor=user, organisation=organisation, target=event, request=request, data={
                "start": start.isoformat(), "end": end.isoformat(), "rrule": rrule,
                "resources": [r.pk for r in resources], "people": [m.pk for m in people], "skipped": len(skipped)})
            if soft:
                record("agenda.overbook", actor=user, organisation=organisation, target=event, request=request, data={
                    "reason": overbook_reason.strip(), "people": sorted({c.candidate.key[1] for c in soft})})
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint: someone booked it first
        raise ConflictError([], _("This slot has just been booked by someone else.")) from exc
    _after_booking(event, resources, membership)
    return BookingResult(event, hard if skipped else [])


def _after_booking(event, resources, membership) -> None:
    def later():
        for r in resources:
            if policies.needs_approval(membership, r):
                for manager in _managers(event.organisation, r):
                    notify(manager.user, _("Booking to approve: %(resource)s") % {"resource": r.name},
                           body=_("%(who)s asks for « %(resource)s » for « %(event)s ».") % {"who": membership.user, "resource": r.name, "event": event.title},
                           url=f"/{event.organisation.slug}/agenda/a-valider/", organisation=event.organisation, kind="agenda.booking")
            if r.needs_procedure:
                run_booking_procedure_hooks(event, r, membership)

    transaction.on_commit(later)


def replace_resources(membership: Membership, occurrence: Occurrence, kind: str, resources, *, start, end) -> None:
    """Book ``resources`` (rooms or items, as ``kind`` says) for ``occurrence`` at ``start``–``end``
    instead of those of that kind it has now: the ones kept keep their booking (and its approval),
    the ones added go through the conflict engine and the booking rules (moderated rooms wait for
    approval, the managers are told), the ones left are freed. Raises ValidationError({kind:
    [...]}) when an added one is taken, changing nothing. Call it inside the caller's
    transaction (a meeting given another room or other equipment)."""
    wanted = {r.pk: r for r in resources}
    current = Allocation.objects.filter(occurrence=occurrence, resource__kind=kind, active=True)
    kept = set(current.filter(resource_id__in=wanted).values_list("resource_id", flat=True))
    added = [r for pk, r in wanted.items() if pk not in kept]
    if added:
        added = _lock(added)
        found = engine.check(occurrence.organisation, [(start, end)], added, [], exclude_occurrences=[occurrence.pk])
        if found:
            raise ValidationError({kind: [describe(c) for c in found]})
    current.exclude(resource_id__in=wanted).update(active=False, status=Allocation.Status.CANCELLED)
    if added:
        occurrence.start, occurrence.end = start, end  # not saved here: the booking is made for the new time
        Allocation.objects.bulk_create(_allocations(occurrence.organisation, occurrence, added, [], membership, user=membership.user))
        _after_booking(occurrence.event, added, membership)


def replace_people(membership: Membership, occurrence: Occurrence, people, *, overbook_reason: str = "") -> None:
    """Book ``people`` for ``occurrence`` instead of the people it has now: those kept keep their
    booking, those added are checked by the conflict engine (someone busy needs a coordinator's
    reason, someone on leave cannot be booked), those left are freed. Raises ConflictError,
    changing nothing. Call it inside the caller's transaction (a meeting's participants change)."""
    wanted = {m.pk: m for m in people}
    current = Allocation.objects.filter(occurrence=occurrence, membership__isnull=False, active=True)
    kept = set(current.filter(membership_id__in=wanted).values_list("membership_id", flat=True))
    added = [m for pk, m in wanted.items() if pk not in kept]
    _check_scope(membership, [], added)  # those kept were checked when they were booked
    if added:
        found = engine.check(occurrence.organisation, [(occurrence.start, occurrence.end)], [], [m.user_id for m in added],
                             exclude_occurrences=[occurrence.pk])
        _split(found, 1, skip_conflicting=False, overbook_reason=overbook_reason, membership=membership)
    current.exclude(membership_id__in=wanted).update(active=False, status=Allocation.Status.CANCELLED)
    Allocation.objects.bulk_create(_allocations(occurrence.organisation, occurrence, [], added, membership, user=membership.user))
    touch_event(occurrence.event_id)


def _managers(organisation, resource):
    roles = policies.ROOM_MANAGERS if resource.kind == Resource.Kind.ROOM else policies.EQUIPMENT_MANAGERS
    roles = [r for r in roles if r != Role.ADMIN]
    return Membership.objects.for_organisation(organisation).active().filter(role_assignments__role__in=roles).select_related("user").distinct()


def _series_parts(occurrences_qs):
    """Resources and people allocated on a set of occurrences (the series' bookings)."""
    allocs = Allocation.objects.filter(occurrence__in=occurrences_qs, active=True).select_related("resource", "membership")
    resources = {a.resource_id: a.resource for a in allocs if a.resource_id}
    people = {a.membership_id: a.membership for a in allocs if a.membership_id}
    return list(resources.values()), list(people.values())


def touch_event(event_id: int) -> None:
    """Mark the event changed (``updated_at``) when only its occurrences changed: a date
    cancelled or moved on its own. What caches the organisation's events under their state
    (the search, ``content.search.upcoming_events``) then reads them again at once."""
    Event.objects.filter(pk=event_id).update(updated_at=timezone.now())


def edit_occurrence(membership: Membership, occurrence: Occurrence, scope: str, *, start, end, title: str | None = None,
                    skip_conflicting: bool = False, overbook_reason: str = "", request=None) -> Event:
    """Move an occurrence: « this » one only, « following » (splits the series) or « all »."""
    event = occurrence.event
    if not policies.can_edit_event(membership, event, locked=is_locked(event)):
        raise PermissionDenied
    if start is None or end is None or end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if scope not in ("this", "following", "all"):
        raise ValidationError({"scope": _("Choose which occurrences to change.")})
    if not event.is_recurring:
        scope = "this"
    organisation = event.organisation
    user = membership.user
    with transaction.atomic():
        if scope == "this":
            resources, people = _series_parts(Occurrence.objects.filter(pk=occurrence.pk))
            resources = _lock(resources)
            found = engine.check(organisation, [(start, end)], resources, [m.user_id for m in people], exclude_occurrences=[occurrence.pk])
            _split(found, 1, skip_conflicting=False, overbook_reason=overbook_reason, membership=membership)
            occurrence.start, occurrence.end, occurrence.detached = start, end, True
            occurrence.save(update_fields=["start", "end", "detached"])
            if title:
                event.title = title
                event.save(update_fields=["title", "updated_at"])
            else:
                touch_event(event.pk)
            for a in occurrence.allocations.select_related("resource"):
                a.start, a.end = start, end
                a.block_end = end + timedelta(minutes=a.resource.buffer_minutes if a.resource_id else 0)
                a.save(update_fields=["start", "end", "block_end"])
            record("agenda.occurrence.edit", actor=user, organisation=organisation, target=event, request=request,
                   data={"occurrence": occurrence.pk, "start": start.isoformat(), "end": end.isoformat()})
            return event
        # The wall-clock shift and the new duration apply to every occurrence concerned.
        shift = local(start) - local(occurrence.start)
        duration = local(end) - local(start)
        if scope == "following" and occurrence.original_start > event.start:
            replaced = event.occurrences.filter(original_start__gte=occurrence.original_start)
            target = Event.objects.create(
                organisation=organisation, title=title or event.title, description=event.description, kind=event.kind,
                status=event.status, sector=event.sector, place=event.place, start=start, end=end, rrule=_rest_rule(event, occurrence),
                exdates=[x for x in event.exdates if x >= local(occurrence.original_start).isoformat()],
                series_parent=event, created_by=user, reminder_days=event.reminder_days,
            )
            origin = start
        else:
            replaced = event.occurrences.all()
            target = event
            origin = aware(local(event.start) + shift)
            if title:
                target.title = title
        resources, people = _series_parts(replaced)
        resources = _lock(resources)
        replaced_ids = list(replaced.values_list("pk", flat=True))
        kept = {local(o.original_start).date() for o in replaced.filter(detached=True)}
        occurrences = [
            (s, e, o) for s, e, o in expand(origin, aware(local(origin) + duration), target.rrule, target.exdates)
            if local(o).date() not in kept
        ]
        found = engine.check(organisation, [(s, e) for s, e, _o in occurrences], resources, [m.user_id for m in people],
                             exclude_occurrences=replaced_ids)
        skipped, _hard, _soft = _split(found, len(occurrences), skip_conflicting=skip_conflicting,
                                       overbook_reason=overbook_reason, membership=membership)
        Occurrence.objects.filter(pk__in=replaced_ids, detached=False).delete()
        if target is event:
            event.start, event.end = origin, aware(local(origin) + duration)
            event.save()
        else:
            event.rrule = with_until(event.rrule, local(occurrence.original_start) - timedelta(seconds=1))
            event.save(update_fields=["rrule", "updated_at"])
            Occurrence.objects.filter(pk__in=replaced_ids, detached=True).update(event=target)
        _materialise(target, occurrences, skipped, resources, people, membership, user=user)
        record(f"agenda.series.edit_{scope}", actor=user, organisation=organisation, target=target, request=request,
               data={"from": occurrence.original_start.isoformat(), "start": start.isoformat(), "end": end.isoformat()})
        return target


def _rest_rule(event, occurrence) -> str:
    """The rule of the series' tail: COUNT becomes the number of occurrences left."""
    parts = event.rrule.split(";")
    if any(p.upper().startswith("COUNT=") for p in parts):
        left = event.occurrences.filter(original_start__gte=occurrence.original_start).count()
        parts = [p for p in parts if not p.upper().startswith("COUNT=")] + [f"COUNT={left}"]
    return ";".join(parts)


def cancel_occurrence(membership: Membership, occurrence: Occurrence, scope: str = "this", *, request=None) -> None:
    """Cancel one occurrence, this and the following ones, or the whole series."""
    event = occurrence.event
    if not policies.can_edit_event(membership, event, locked=is_locked(event)):
        raise PermissionDenied
    with transaction.atomic():
        if scope == "all" or not event.is_recurring:
            targets = event.occurrences.all()
        elif scope == "following":
            targets = event.occurrences.filter(original_start__gte=occurrence.original_start)
            event.rrule = with_until(event.rrule, local(occurrence.original_start) - timedelta(seconds=1))
            event.save(update_fields=["rrule", "updated_at"])
        else:
            targets = event.occurrences.filter(pk=occurrence.pk)
            event.exdates = sorted(set(event.exdates) | {local(occurrence.original_start).isoformat()})
            event.save(update_fields=["exdates", "updated_at"])
        Allocation.objects.filter(occurrence__in=targets).update(active=False, status=Allocation.Status.CANCELLED)
        count = targets.update(cancelled=True)
        touch_event(event.pk)  # also when the event itself is unchanged (a single date cancelled)
        record("agenda.occurrence.cancel", actor=membership.user, organisation=event.organisation, target=event,
               request=request, data={"scope": scope, "count": count})


def is_locked(event) -> frozenset[str]:
    """An approved booking of a moderated resource: only its managers may change it. The
    kinds (room, equipment) of the moderated resources approved, empty when not locked."""
    return frozenset(Allocation.objects.filter(occurrence__event=event, resource__moderated=True, status=Allocation.Status.CONFIRMED,
                                               active=True).values_list("resource__kind", flat=True).distinct())


def decide(membership: Membership, allocation: Allocation, approve: bool, *, request=None) -> Allocation:
    """Reception (or the equipment manager) approves or refuses a pending booking."""
    if not policies.can_manage_resource(membership, allocation.resource):
        raise PermissionDenied
    with transaction.atomic():
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if allocation.status != Allocation.Status.PENDING:
            raise ValidationError(_("This booking has already been handled."))
        allocation.status = Allocation.Status.CONFIRMED if approve else Allocation.Status.REFUSED
        allocation.active = approve
        allocation.save(update_fields=["status", "active"])
        record("agenda.booking.approve" if approve else "agenda.booking.refuse", actor=membership.user,
               organisation=allocation.organisation, target=allocation.occurrence.event, request=request,
               data={"allocation": allocation.pk, "resource": allocation.resource_id})
        booker = allocation.booked_by
        if booker is not None:
            title = (_("Booking approved: %(resource)s") if approve else _("Booking refused: %(resource)s")) % {"resource": allocation.resource.name}
            transaction.on_commit(lambda: notify(booker, title, body=_when(allocation.start, allocation.end),
                                                 url=f"/{allocation.organisation.slug}/agenda/evenements/{allocation.occurrence.event_id}/",
                                                 organisation=allocation.organisation, kind="agenda.booking"))
    return allocation


def new_calendar_token(membership: Membership, *, request=None) -> str:
    """A fresh secret feed URL token; the previous one stops working."""
    with transaction.atomic():
        CalendarToken.objects.filter(user=membership.user, organisation=membership.organisation).delete()
        raw = CalendarToken.generate()
        CalendarToken.objects.create(user=membership.user, organisation=membership.organisation, token_hash=CalendarToken.hash(raw))
        record("agenda.feed.token", actor=membership.user, organisation=membership.organisation, request=request)
    return raw


def revoke_calendar_token(membership: Membership, *, request=None) -> None:
    CalendarToken.objects.filter(user=membership.user, organisation=membership.organisation).delete()
    record("agenda.feed.revoke", actor=membership.user, organisation=membership.organisation, request=request)


def create_closure(membership: Membership, *, resource, start, end, reason: str, request=None) -> Closure:
    """Close a room or item (or the whole organisation): the engine then refuses bookings."""
    if resource is not None and resource.organisation_id != membership.organisation_id:
        raise ValidationError({"resource": _("This room or item does not exist or cannot be booked.")})
    if not policies.can_manage_closures(membership, resource):
        raise PermissionDenied
    if end <= start:
        raise ValidationError({"last_day": _("The last day must be on or after the first day.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Enter a reason.")})
    closure = Closure.objects.create(organisation=membership.organisation, resource=resource, start=start, end=end,
                                     reason=reason.strip(), created_by=membership.user)
    record("agenda.closure.create", actor=membership.user, organisation=membership.organisation, target=resource, request=request,
           data={"closure": closure.pk, "start": start.isoformat(), "end": end.isoformat(), "reason": closure.reason})
    return closure


def delete_closure(membership: Membership, closure: Closure, *, request=None) -> None:
    if not policies.can_manage_closures(membership, closure.resource):
        raise PermissionDenied
    record("agenda.closure.delete", actor=membership.user, organisation=closure.organisation, target=closure.resource,
           request=request, data={"closure": closure.pk, "reason": closure.reason})
    closure.delete()


# ---- room and item photos --------------------------------------------------------------

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # maillon.core.images.MAX_PIXELS
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_SIZE = (1600, 1600)
THUMB_SIZE = (240, 180)


def thumbnail_name(name: str) -> str:
    return name.rsplit(".", 1)[0] + "-petite.jpg"


def set_resource_photo(membership: Membership, resource: Resource, upload, *, request=None) -> Resource:
    """Check the upload with Pillow (PNG, JPEG or WebP, 5 MB at most), store it re-encoded
    as JPEG with a 240×180 thumbnail, replace the previous photo. Room or item managers only."""
    import uuid

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from maillon.core.images import ImageRefused, open_checked, reencode

    if resource.organisation_id != membership.organisation_id or not policies.can_manage_resource(membership, resource):
        raise PermissionDenied
    if upload is None:
        raise ValidationError({"photo": _("Choose a photo.")})
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("The photo must weigh 5 MB at most.")})
    try:
        image = open_checked(upload, formats=PHOTO_FORMATS, max_pixels=PHOTO_MAX_PIXELS)
    except ImageRefused as refused:
        raise ValidationError({"photo": {
            ImageRefused.TOO_LARGE: _("The photo is too large: 40 megapixels at most."),
            ImageRefused.FORMAT: _("Send the photo as JPEG, PNG or WebP."),
        }.get(refused.reason, _("This file is not an image. Send a JPEG, PNG or WebP photo."))}) from refused
    name = f"{resource.organisation_id}/{uuid.uuid4().hex}.jpg"  # under upload_to (agenda/photos/)
    # Re-encoded: no EXIF (location) kept.
    photo, thumb = reencode(image, PHOTO_SIZE), reencode(image, THUMB_SIZE, fit=True)
    old = resource.photo.name
    with transaction.atomic():
        resource.photo.save(name, ContentFile(photo), save=False)
        default_storage.save(thumbnail_name(resource.photo.name), ContentFile(thumb))
        resource.save(update_fields=["photo"])
        record("agenda.resource.photo", actor=membership.user, organisation=resource.organisation, target=resource, request=request,
               data={"bytes": upload.size, "format": image.format})
    if old:
        transaction.on_commit(lambda: [default_storage.delete(n) for n in (old, thumbnail_name(old))])
    return resource


def remove_resource_photo(membership: Membership, resource: Resource, *, request=None) -> None:
    from django.core.files.storage import default_storage

    if resource.organisation_id != membership.organisation_id or not policies.can_manage_resource(membership, resource):
        raise PermissionDenied
    old = resource.photo.name
    if not old:
        return
    resource.photo = ""
    resource.save(update_fields=["photo"])
    record("agenda.resource.photo_remove", actor=membership.user, organisation=resource.organisation, target=resource, request=request)
    transaction.on_commit(lambda: [default_storage.delete(n) for n in (old, thumbnail_name(old))])

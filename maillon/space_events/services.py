"""Every write about the events of a space: creating an event (a meeting of the owner
organisation, booked by the meetings app and its agenda) or linking an existing meeting;
registrations with a number of places and a waiting list; the reception list of the day. Each
write is audited against the owner organisation.

Registrations of one event are serialised by a lock on the event's row (PostgreSQL:
SELECT … FOR UPDATE; SQLite: every transaction takes the write lock at its start, settings.py),
so that exactly ``capacity`` people hold a place when many register at the same moment.
"""

from __future__ import annotations

from datetime import datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.models import Membership
from maillon.agenda.recurrence import PARIS
from maillon.audit.services import record
from maillon.meetings import services as meetings
from maillon.meetings import services_minutes as meetings_minutes
from maillon.meetings.models import Meeting
from maillon.notifications.services import notify
from maillon.spaces.models import Space, SpaceMember
from maillon.spaces.policies import role_in

from . import policies
from .models import Registration, SpaceEvent

MAX_CAPACITY = 10000
Status = Registration.Status


def check_capacity(capacity) -> int:
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError({"capacity": _("Give between 1 and 10,000 places.")})
    return capacity


def _check_organiser(space: Space, membership: Membership | None) -> None:
    """The meetings app acts in the name of ``membership``: it must be the one ``policies.owner_host`` allows."""
    allowed = policies.owner_host(space, membership.user, membership=membership) if membership is not None else None
    if allowed is None or allowed.pk != membership.pk:
        raise PermissionDenied


def create_event(space: Space, membership: Membership, *, capacity: int, request=None, **meeting_fields) -> SpaceEvent:
    """A new meeting of the owner organisation (the meetings app books the room and checks the
    slot; no invitation is sent: the space's members register) opened to the space."""
    _check_organiser(space, membership)
    check_capacity(capacity)
    with transaction.atomic():
        meeting = meetings.create_meeting(membership, send_email=False, request=request, **meeting_fields)
        event = SpaceEvent.objects.create(space=space, meeting=meeting, capacity=capacity, created_by=membership.user)
        record("space_events.create", actor=membership.user, organisation=space.organisation, target=meeting, request=request,
               data={"space": space.pk, "event": event.pk, "capacity": capacity})
    return event


def linkable_meetings(space: Space, membership: Membership):
    """Meetings of the owner organisation the host may see, not cancelled, from this year on,
    that are no space's event yet."""
    start_of_year = datetime.combine(timezone.localdate().replace(month=1, day=1), time(0), tzinfo=PARIS)
    return (Meeting.objects.for_organisation(space.organisation).visible_to(membership)
            .filter(cancelled_at__isnull=True, start__gte=start_of_year, space_event__isnull=True)
            .select_related("series").order_by("start"))


def link_meeting(space: Space, membership: Membership, meeting: Meeting, *, capacity: int, request=None) -> SpaceEvent:
    _check_organiser(space, membership)
    check_capacity(capacity)
    if meeting is None or meeting.organisation_id != space.organisation_id or meeting.cancelled_at:
        raise ValidationError({"meeting": _("Choose a meeting of the organisation that runs the space.")})
    try:
        with transaction.atomic():
            event = SpaceEvent.objects.create(space=space, meeting=meeting, capacity=capacity, created_by=membership.user)
            record("space_events.link", actor=membership.user, organisation=space.organisation, target=meeting, request=request,
                   data={"space": space.pk, "event": event.pk, "capacity": capacity})
    except IntegrityError as exc:
        raise ValidationError({"meeting": _("This meeting is already an event of a space.")}) from exc
    return event


def _locked(event: SpaceEvent) -> SpaceEvent:
    return SpaceEvent.objects.select_for_update(of=("self",)).select_related("space", "meeting").get(pk=event.pk)


def _check_open(event: SpaceEvent) -> None:
    if event.meeting.cancelled_at:
        raise ValidationError(_("This event is cancelled."))
    if event.meeting.start <= timezone.now():
        raise ValidationError(_("This event has started: registrations are closed."))


def organisation_of(space: Space, user):
    """The organisation a registered person comes from: the one they were added to the space
    with, else their first active organisation (None for someone who has none)."""
    member = SpaceMember.objects.filter(space=space, user=user).values_list("organisation_id", flat=True).first()
    if member:
        return member
    return (Membership.objects.active().filter(user=user, organisation__is_active=True).order_by("pk")
            .values_list("organisation_id", flat=True).first())


def register(event: SpaceEvent, user, *, request=None) -> Registration:
    """A place if one is free, else the end of the waiting list."""
    with transaction.atomic():
        event = _locked(event)
        space = event.space
        if not policies.can_register(space, role_in(space, user)):
            raise PermissionDenied
        _check_open(event)
        existing = Registration.objects.filter(event=event, user=user).first()
        if existing is not None and existing.status == Status.REGISTERED:
            raise ValidationError(_("You are already registered."))
        if existing is not None and existing.status == Status.WAITING:
            raise ValidationError(_("You are already on the waiting list."))
        taken = Registration.objects.filter(event=event, status=Status.REGISTERED).count()
        status = Status.REGISTERED if taken < event.capacity else Status.WAITING
        registration = existing or Registration(event=event, user=user)
        registration.status, registration.queued_at = status, timezone.now()
        registration.organisation_id = organisation_of(space, user)
        registration.cancelled_at = registration.promoted_at = registration.arrived_at = registration.arrived_by = None
        registration.save()
        record("space_events.register", actor=user, organisation=space.organisation, target=event.meeting, request=request,
               data={"event": event.pk, "registration": registration.pk, "status": status})
    return registration


def waiting_position(registration: Registration) -> int:
    """The person's place on the waiting list: 1 for the next one to get a place."""
    return (Registration.objects.filter(event_id=registration.event_id, status=Status.WAITING, queued_at__lte=registration.queued_at)
            .exclude(queued_at=registration.queued_at, pk__gt=registration.pk).count())


def _fill(event: SpaceEvent) -> list[Registration]:
    """Give the free places to the first people of the waiting list; each is told after commit."""
    if event.meeting.cancelled_at or event.meeting.start <= timezone.now():
        return []
    free = event.capacity - Registration.objects.filter(event=event, status=Status.REGISTERED).count()
    if free <= 0:
        return []
    promoted = list(Registration.objects.filter(event=event, status=Status.WAITING).select_related("user")
                    .order_by("queued_at", "pk")[:free])
    now = timezone.now()
    Registration.objects.filter(pk__in=[r.pk for r in promoted]).update(status=Status.REGISTERED, promoted_at=now)
    url = event_url(event)
    title = _("A place is yours: %(title)s") % {"title": event.meeting.title}
    users = [r.user for r in promoted]
    transaction.on_commit(lambda: [notify(u, title, url=url, kind="space_events.registration") for u in users])
    for r in promoted:
        r.status, r.promoted_at = Status.REGISTERED, now
    return promoted


def event_url(event: SpaceEvent) -> str:
    from django.urls import reverse

    return reverse("space_events:detail", kwargs={"space": event.space.slug, "pk": event.pk})


def cancel(registration: Registration, actor, *, request=None) -> list[Registration]:
    """The person (or a host) gives up a place or leaves the waiting list; a freed place goes
    to the first person waiting. Returns the people promoted."""
    with transaction.atomic():
        event = _locked(registration.event)
        if not policies.can_cancel(registration, actor, event.space, role_in(event.space, actor)):
            raise PermissionDenied
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            return []
        if event.meeting.end <= timezone.now():
            raise ValidationError(_("This event is over."))
        held = registration.status == Status.REGISTERED
        if registration.arrived_at:  # ticked, then cancelled by a host: no longer present
            _attendance(registration, False, actor, request)
        registration.status, registration.cancelled_at, registration.arrived_at = Status.CANCELLED, timezone.now(), None
        registration.save(update_fields=["status", "cancelled_at", "arrived_at", "attendance_guest"])
        promoted = _fill(event) if held else []
        record("space_events.cancel", actor=actor, organisation=event.space.organisation, target=event.meeting, request=request,
               data={"event": event.pk, "registration": registration.pk, "promoted": [r.pk for r in promoted]})
    return promoted


def set_capacity(event: SpaceEvent, capacity: int, actor, *, request=None) -> list[Registration]:
    """Change the number of places; more places go to the waiting list in order. Fewer places
    than people already registered are refused."""
    check_capacity(capacity)
    with transaction.atomic():
        event = _locked(event)
        if not policies.can_organise(event.space, role_in(event.space, actor)):
            raise PermissionDenied
        taken = Registration.objects.filter(event=event, status=Status.REGISTERED).count()
        if capacity < taken:
            raise ValidationError({"capacity": _("%(n)s people are registered: give at least %(n)s places.") % {"n": taken}})
        before = event.capacity
        event.capacity = capacity
        event.save(update_fields=["capacity"])
        promoted = _fill(event)
        record("space_events.capacity", actor=actor, organisation=event.space.organisation, target=event.meeting, request=request,
               data={"event": event.pk, "from": before, "capacity": capacity, "promoted": [r.pk for r in promoted]})
    return promoted


def mark_arrived(registration: Registration, arrived: bool, actor, *, request=None) -> Registration:
    """Tick (or untick) a registered person on the reception list: the meeting's attendance
    follows through the meetings app (present, or back to « not recorded »)."""
    event = registration.event
    if not policies.can_organise(event.space, role_in(event.space, actor)):
        raise PermissionDenied
    if registration.status != Status.REGISTERED:
        raise ValidationError(_("Only registered people can be ticked as arrived."))
    with transaction.atomic():
        registration.arrived_at = timezone.now() if arrived else None
        registration.arrived_by = actor if arrived else None
        _attendance(registration, arrived, actor, request)
        registration.save(update_fields=["arrived_at", "arrived_by", "attendance_guest"])
        record("space_events.arrived", actor=actor, organisation=event.space.organisation, target=event.meeting, request=request,
               data={"event": event.pk, "registration": registration.pk, "arrived": arrived})
    return registration


def _attendance(registration: Registration, present: bool, actor, request) -> None:
    """The meetings app's attendance of the person (``services_minutes.mark_arrival``); the guest
    row it created at the first tick is remembered, to be taken away when unticked."""
    user = registration.user
    organisation = registration.organisation.name if registration.organisation_id and registration.organisation else ""
    row, created = meetings_minutes.mark_arrival(
        registration.event.meeting, user, present=present, name=user.get_full_name() or user.username,
        organisation_name=organisation, guest_id=registration.attendance_guest_id, actor=actor, request=request)
    if created:
        registration.attendance_guest = row
    elif not present:
        registration.attendance_guest = None


def attendance_rows(event: SpaceEvent) -> list[tuple]:
    """The registered people for the attendance sheet, by organisation then name: (name,
    organisation, « Present » when ticked, no electronic signature)."""
    rows = []
    for r in reception_list(event):
        rows.append((r.user.get_full_name() or r.user.username, r.organisation.name if r.organisation else "",
                     _("Present") if r.arrived_at else "", None))
    return rows


def reception_list(event: SpaceEvent):
    return (Registration.objects.filter(event=event, status=Status.REGISTERED).select_related("user", "organisation")
            .order_by("organisation__name", "user__last_name", "user__first_name", "pk"))


# The yearly plan ------------------------------------------------------------------------------

DONE, LATE, PLANNED, CANCELLED = "done", "late", "planned", "cancelled"


def state_of(event: SpaceEvent, now=None) -> str:
    """Done: its minutes are published; late: over without published minutes; cancelled; else planned."""
    meeting = event.meeting
    if meeting.cancelled_at:
        return CANCELLED
    minutes = getattr(meeting, "minutes", None)
    if minutes is not None and minutes.status == minutes.Status.PUBLISHED:
        return DONE
    return LATE if meeting.end <= (now or timezone.now()) else PLANNED


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=PARIS), datetime(year + 1, 1, 1, tzinfo=PARIS)


def year_plan(user, year: int, space: Space | None = None):
    """The events of ``year`` in the spaces the person is a member of (or in one of them)."""
    start, end = year_bounds(year)
    spaces = Space.objects.visible_to(user)
    events = SpaceEvent.objects.filter(space__in=spaces, meeting__start__gte=start, meeting__start__lt=end)
    if space is not None:
        events = events.filter(space=space)
    return events.with_meeting().select_related("space").order_by("meeting__start", "pk")

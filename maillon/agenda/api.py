"""API of the agenda: resources, events (occurrences in a period), bookings, conflict checks.

Same policies and services as the pages; the organisation comes from X-Organisation."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from maillon.accounts.models import Membership
from maillon.api import current_membership
from maillon.core.registry import register_api_router

from . import conflicts as engine
from . import policies, services
from .models import Event, Occurrence, Resource

router = Router(tags=["agenda"])


class ResourceOut(Schema):
    id: int
    name: str
    kind: str
    category: str
    capacity: int | None
    location: str
    moderated: bool
    buffer_minutes: int


class OccurrenceOut(Schema):
    id: int
    event_id: int
    title: str
    kind: str
    status: str
    start: datetime
    end: datetime
    place: str


class Period(Schema):
    start: datetime
    end: datetime
    resource: int | None = None


class BookingIn(Schema):
    title: str = Field(max_length=200)
    start: datetime
    end: datetime
    kind: str = Event.Kind.BOOKING
    resources: list[int] = []
    people: list[int] = Field(default=[], description="user ids")
    rrule: str = Field(default="", description="RFC 5545 RRULE, e.g. FREQ=WEEKLY;COUNT=10")
    place: str = ""
    description: str = ""
    skip_conflicting: bool = Field(default=False, description="book the free occurrences of a recurring booking")
    overbook_reason: str = Field(default="", description="a coordinator booking a busy person")


class BookingOut(Schema):
    event_id: int
    occurrences: int
    skipped: list[str]


class CheckOut(Schema):
    free: bool
    conflicts: list[str]


class SlotOut(Schema):
    start: datetime
    end: datetime


class FreeRoomOut(Schema):
    id: int
    name: str
    capacity: int | None


class ConflictOut(CheckOut):
    """A refused booking (409): the conflicts in French and what to propose instead, as the
    pages and the meetings API do."""

    detail: str
    overridable: bool = Field(description="only people on a shift or an activity: a coordinator may book them with an overbook_reason "
                                          "(leave, closures and other meetings never)")
    free_slots: list[SlotOut] = Field(default=[], description="the next slots of the same duration free for everyone and everything "
                                                              "asked, from the first conflicting date (working hours, working days)")
    free_rooms: list[FreeRoomOut] = Field(default=[], description="rooms of at least the refused room's capacity, free at that date")


def conflict_out(org, error: services.ConflictError, start: datetime, end: datetime, resources, people, *,
                 exclude_occurrences=()) -> dict:
    """The body of a 409: the conflicts and the suggestions of ``engine.suggest`` for the first
    conflicting date (``start``/``end`` when the error names none). The meetings API uses it too."""
    if error.conflicts:
        first = min(error.conflicts, key=lambda c: c.candidate.start)
        start, end = first.candidate.start, first.candidate.shown_end
    found = engine.suggest(org, start, end, list(resources), sorted({m.user_id for m in people}), conflicts=error.conflicts,
                           exclude_occurrences=exclude_occurrences)
    return {"free": False, "detail": error.message, "conflicts": error.messages, "overridable": error.overridable,
            "free_slots": [{"start": s, "end": e} for s, e in found.slots],
            "free_rooms": [{"id": r.pk, "name": r.name, "capacity": r.capacity} for r in found.rooms]}


def _aware(value: datetime) -> datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _parts(membership, payload):
    org = membership.organisation
    resources = list(Resource.objects.for_organisation(org).filter(pk__in=payload.resources, is_active=True))
    people = list(Membership.objects.for_organisation(org).active().filter(user_id__in=payload.people))
    if len(resources) != len(set(payload.resources)):
        raise ValidationError({"resources": _("This room or item does not exist or cannot be booked.")})
    if len(people) != len(set(payload.people)):
        raise ValidationError({"people": _("This person is not a member of the organisation.")})
    return resources, people


@router.get("/resources", response=list[ResourceOut], summary="Rooms and equipment")
def list_resources(request):
    membership = current_membership(request)
    return list(Resource.objects.for_organisation(membership.organisation).filter(is_active=True)[:500])


@router.get("/occurrences", response=list[OccurrenceOut], summary="Events in a period (at most 500)")
def list_occurrences(request, period: Query[Period]):
    membership = current_membership(request)
    qs = Occurrence.objects.for_organisation(membership.organisation).between(_aware(period.start), _aware(period.end))
    if not membership.has_role("coordinator", "director"):
        qs = qs.filter(Q(event__status=Event.Status.PUBLISHED) | Q(event__created_by=request.user))
    if period.resource:
        qs = qs.filter(allocations__resource_id=period.resource, allocations__active=True).distinct()
    return [
        {"id": o.pk, "event_id": o.event_id, "title": o.event.title, "kind": o.event.kind, "status": o.event.status,
         "start": o.start, "end": o.end, "place": o.event.place}
        for o in qs.select_related("event")[:500]
    ]


@router.post("/conflicts", response=CheckOut, summary="Check a booking without saving it")
def check_conflicts(request, payload: BookingIn):
    membership = current_membership(request)
    resources, people = _parts(membership, payload)
    # The same checks of the times and the recurrence rule as a booking (an unreadable rule was a 500).
    dates = services._validate_times(_aware(payload.start), _aware(payload.end), payload.rrule, payload.kind, allow_past=True)
    occurrences = [(s, e) for s, e, _o in dates]
    found = engine.check(membership.organisation, occurrences, resources, [m.user_id for m in people])
    return {"free": not found, "conflicts": [services.describe(c) for c in found]}


@router.post("/bookings", response={201: BookingOut, 409: ConflictOut}, summary="Book rooms, equipment and people")
def create_booking(request, payload: BookingIn):
    membership = current_membership(request)
    resources, people = _parts(membership, payload)
    try:
        result = services.create_event(
            membership, title=payload.title, start=_aware(payload.start), end=_aware(payload.end), kind=payload.kind,
            resources=resources, people=people, rrule=payload.rrule, place=payload.place, description=payload.description,
            skip_conflicting=payload.skip_conflicting, overbook_reason=payload.overbook_reason, request=request,
        )
    except services.ConflictError as error:
        return Status(409, conflict_out(membership.organisation, error, _aware(payload.start), _aware(payload.end), resources, people))
    return Status(201, {"event_id": result.event.pk, "occurrences": result.event.occurrences.count(),
                        "skipped": [services.describe(c) for c in result.skipped]})


@router.get("/events/{event_id}", response=list[OccurrenceOut], summary="The dates of one event")
def event_occurrences(request, event_id: int):
    membership = current_membership(request)
    event = get_object_or_404(Event.objects.for_organisation(membership.organisation), pk=event_id)
    if not policies.can_see_event(membership, event):
        raise Http404
    return [
        {"id": o.pk, "event_id": event.pk, "title": event.title, "kind": event.kind, "status": event.status,
         "start": o.start, "end": o.end, "place": event.place}
        for o in event.occurrences.filter(cancelled=False)[:500]
    ]


register_api_router("agenda", router)

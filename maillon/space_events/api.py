"""API of the events of the spaces (``/api/v1/space-events/…``): a space's events with their places
and my registration, register and cancel (the waiting list moves as on the pages), and for the
hosts the registrations, the reception list and its ticks; the yearly plan across my spaces.

Same policies and services as the pages. Who sees what is the space's rule, not the
organisation's: ``X-Organisation`` plays no part, a space (or an event of a space) the caller is
not a member of is a 404, a member whose role does not allow the action gets a 403, and an
archived space is read-only (403 with the reason)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from maillon.core.registry import register_api_router
from maillon.meetings import services as meetings
from maillon.spaces.models import Space
from maillon.spaces.policies import role_in

from . import policies, services
from .models import Registration, SpaceEvent

router = Router(tags=["space events"])
PAGE_SIZE = 20
RegStatus = Registration.Status


# ---------------------------------------------------------------- schemas


class MyRegistrationOut(Schema):
    id: int
    status: str = Field(description="registered or waiting")
    position: int | None = Field(description="place on the waiting list (1 = next), in an event's detail only")


class EventOut(Schema):
    id: int
    space_id: int
    space: str
    title: str
    start: datetime
    end: datetime
    place: str
    capacity: int
    registered: int
    waiting: int
    places_left: int
    state: str = Field(description="planned, late (held without published minutes), done (minutes published) or cancelled")
    registration_open: bool
    my_registration: MyRegistrationOut | None


class EventDetailOut(EventOut):
    room: str | None = Field(description="the room booked in the owner organisation's agenda")
    objective: str
    agenda: list[str]


class EventPage(Schema):
    count: int
    page: int
    pages: int
    items: list[EventOut]


class RegistrationOut(Schema):
    id: int
    user_id: int
    name: str
    organisation: str = Field(description="the organisation the person comes from, '' when none")
    status: str = Field(description="registered, waiting or cancelled")
    queued_at: datetime
    arrived_at: datetime | None


class RegistrationPage(Schema):
    count: int
    page: int
    pages: int
    items: list[RegistrationOut]


class ReceptionPage(RegistrationPage):
    arrived: int = Field(description="how many registered people are ticked as arrived")


class CancelledOut(Schema):
    registration: RegistrationOut
    promoted: list[int] = Field(description="ids of the registrations of the waiting list that got a place")


class ArrivedIn(Schema):
    arrived: bool = Field(description="true: ticked as arrived (present in the meeting's attendance); false: unticked")


class EventFilters(Schema):
    past: bool = Field(default=False, description="past events, newest first; default: the events to come")
    page: int = Field(default=1, ge=1)


class RegistrationFilters(Schema):
    status: Registration.Status | None = Field(default=None, description="only this status; default: registered and waiting")
    page: int = Field(default=1, ge=1)


class Paging(Schema):
    page: int = Field(default=1, ge=1)


class PlanFilters(Schema):
    space_id: int | None = Field(default=None, description="only this space of mine")


class PlanItemOut(Schema):
    id: int
    space_id: int
    space: str
    title: str
    start: datetime
    end: datetime
    state: str = Field(description="planned, late, done or cancelled")


class PlanCounts(Schema):
    done: int
    late: int
    planned: int
    cancelled: int


class PlanOut(Schema):
    year: int
    total: int
    counts: PlanCounts
    items: list[PlanItemOut]


# ---------------------------------------------------------------- access


def _space(request, space_id: int) -> tuple[Space, str]:
    """A space the caller is a member of, with their role (anything else: 404)."""
    space = Space.objects.visible_to(request.user).select_related("organisation", "federation").filter(pk=space_id).first()
    role = role_in(space, request.user) if space is not None else None
    if role is None:
        raise Http404
    return space, role


def _event(request, space_event_id: int) -> tuple[SpaceEvent, str]:
    """An event of a space the caller is a member of, with their role in it (anything else: 404)."""
    event = (SpaceEvent.objects.filter(space__in=Space.objects.visible_to(request.user)).with_meeting().with_counts()
             .select_related("space__organisation", "space__federation", "meeting__event").filter(pk=space_event_id).first())
    role = role_in(event.space, request.user) if event is not None else None
    if role is None:
        raise Http404
    return event, role


def _writable(space: Space) -> None:
    if space.is_archived:
        raise PermissionDenied(_("This space is archived: it is read-only."))


def _host(event: SpaceEvent, role: str) -> None:
    _writable(event.space)
    if not policies.can_organise(event.space, role):
        raise PermissionDenied(_("Only the hosts of the space may do this."))


# ---------------------------------------------------------------- output


def _open(event: SpaceEvent, role: str, now) -> bool:
    return policies.can_register(event.space, role) and not event.is_cancelled and event.meeting.start > now


def _event_out(event: SpaceEvent, role: str, mine: Registration | None, now, position: int | None = None) -> dict:
    meeting = event.meeting
    return {
        "id": event.pk, "space_id": event.space_id, "space": event.space.name, "title": meeting.title, "start": meeting.start,
        "end": meeting.end, "place": meeting.event.place, "capacity": event.capacity, "registered": event.registered_count,
        "waiting": event.waiting_count, "places_left": max(event.capacity - event.registered_count, 0),
        "state": services.state_of(event, now), "registration_open": _open(event, role, now),
        "my_registration": None if mine is None else {"id": mine.pk, "status": mine.status, "position": position},
    }


def _registration_out(r: Registration) -> dict:
    return {"id": r.pk, "user_id": r.user_id, "name": r.user.get_full_name() or r.user.username,
            "organisation": r.organisation.name if r.organisation else "", "status": r.status, "queued_at": r.queued_at,
            "arrived_at": r.arrived_at}


def _page(rows, number: int, out) -> dict:
    page = Paginator(rows, PAGE_SIZE).get_page(number)
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages,
            "items": [out(r) for r in page.object_list]}


def _mine(user, event) -> Registration | None:
    return Registration.objects.filter(event=event, user=user).exclude(status=RegStatus.CANCELLED).first()


def _detail(request, event: SpaceEvent, role: str) -> dict:
    mine = _mine(request.user, event)
    position = services.waiting_position(mine) if mine is not None and mine.status == RegStatus.WAITING else None
    room, _equipment = meetings.booked_resources(event.meeting)
    return {**_event_out(event, role, mine, timezone.now(), position), "room": room.name if room else None,
            "objective": event.meeting.objective, "agenda": event.meeting.agenda_items}


# ---------------------------------------------------------------- endpoints


@router.get("/spaces/{int:space_id}/events", response=EventPage, summary="The events of a space, with places left and my registration")
def list_events(request, space_id: int, filters: Query[EventFilters]):
    space, role = _space(request, space_id)
    now = timezone.now()
    events = SpaceEvent.objects.of_space(space).with_meeting().with_counts().select_related("meeting__event")
    events = (events.filter(meeting__end__lte=now).order_by("-meeting__start", "-pk") if filters.past
              else events.filter(meeting__end__gt=now).order_by("meeting__start", "pk"))
    page = Paginator(events, PAGE_SIZE).get_page(filters.page)
    rows = list(page.object_list)
    mine = {r.event_id: r for r in Registration.objects.filter(user=request.user, event__in=[e.pk for e in rows])
            .exclude(status=RegStatus.CANCELLED)}
    for event in rows:
        event.space = space
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages,
            "items": [_event_out(e, role, mine.get(e.pk), now) for e in rows]}


@router.get("/{int:space_event_id}", response=EventDetailOut, summary="An event of one of my spaces")
def event_detail(request, space_event_id: int):
    event, role = _event(request, space_event_id)
    return _detail(request, event, role)


@router.post("/{int:space_event_id}/registration", response={201: EventDetailOut},
             summary="Register for an event (a place, or the waiting list when it is full)")
def register(request, space_event_id: int):
    event, role = _event(request, space_event_id)
    _writable(event.space)
    services.register(event, request.user, request=request)
    event, role = _event(request, space_event_id)
    return Status(201, _detail(request, event, role))


@router.post("/{int:space_event_id}/registration/cancel", response=CancelledOut,
             summary="Cancel my registration (or leave the waiting list): the first person waiting gets the place")
def cancel_mine(request, space_event_id: int):
    event, _role = _event(request, space_event_id)
    _writable(event.space)
    registration = _mine(request.user, event)
    if registration is None:
        raise Http404(_("You are not registered for this event."))
    return _cancel(request, event, registration)


def _cancel(request, event: SpaceEvent, registration: Registration) -> dict:
    registration.event = event
    promoted = services.cancel(registration, request.user, request=request)
    registration = Registration.objects.select_related("user", "organisation").get(pk=registration.pk)
    return {"registration": _registration_out(registration), "promoted": [r.pk for r in promoted]}


@router.get("/{int:space_event_id}/registrations", response=RegistrationPage,
            summary="The registrations of an event, in the order of the queue (hosts)")
def registrations(request, space_event_id: int, filters: Query[RegistrationFilters]):
    event, role = _event(request, space_event_id)
    _host(event, role)
    rows = Registration.objects.filter(event=event).select_related("user", "organisation").order_by("queued_at", "pk")
    rows = rows.filter(status=filters.status) if filters.status else rows.exclude(status=RegStatus.CANCELLED)
    return _page(rows, filters.page, _registration_out)


@router.post("/{int:space_event_id}/registrations/{int:registration_id}/cancel", response=CancelledOut,
             summary="Cancel someone's registration (hosts)")
def cancel_someone(request, space_event_id: int, registration_id: int):
    event, role = _event(request, space_event_id)
    _host(event, role)
    registration = get_object_or_404(Registration.objects.filter(event=event).exclude(status=RegStatus.CANCELLED), pk=registration_id)
    return _cancel(request, event, registration)


@router.get("/{int:space_event_id}/reception", response=ReceptionPage,
            summary="The reception list: the registered people by organisation, and who arrived (hosts)")
def reception(request, space_event_id: int, paging: Query[Paging]):
    event, role = _event(request, space_event_id)
    _host(event, role)
    rows = services.reception_list(event)
    return {**_page(rows, paging.page, _registration_out), "arrived": rows.filter(arrived_at__isnull=False).count()}


@router.post("/{int:space_event_id}/reception/{int:registration_id}", response=RegistrationOut,
             summary="Tick (or untick) a person's arrival: the meeting's attendance follows (hosts)")
def arrived(request, space_event_id: int, registration_id: int, payload: ArrivedIn):
    event, role = _event(request, space_event_id)
    _host(event, role)
    registration = get_object_or_404(Registration.objects.select_related("user", "organisation"), event=event, pk=registration_id)
    registration.event = event
    services.mark_arrived(registration, payload.arrived, request.user, request=request)
    return _registration_out(registration)


@router.get("/plan/{int:year}", response=PlanOut, summary="The year's events across my spaces: done, late, planned, cancelled")
def plan(request, year: int, filters: Query[PlanFilters]):
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    space = _space(request, filters.space_id)[0] if filters.space_id is not None else None
    now = timezone.now()
    items, counts = [], {services.DONE: 0, services.LATE: 0, services.PLANNED: 0, services.CANCELLED: 0}
    for event in services.year_plan(request.user, year, space):
        state = services.state_of(event, now)
        counts[state] += 1
        items.append({"id": event.pk, "space_id": event.space_id, "space": event.space.name, "title": event.meeting.title,
                      "start": event.meeting.start, "end": event.meeting.end, "state": state})
    return {"year": year, "total": len(items), "counts": counts, "items": items}


register_api_router("space-events", router)

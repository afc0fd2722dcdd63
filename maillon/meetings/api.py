"""API of the meetings app: meetings (list, detail, create, change, cancel) and answers. The
minutes, outcomes, attendance and tasks are in ``api_minutes``, on the same router (the app
loads it when ready).

Same policies and services as the pages, with the same answers when something is not allowed
(404 or 403, as the page does); the organisation comes from X-Organisation. A meeting the
caller may not see is a 404, as on the pages; a person, room, contact or guest of another
organisation or meeting is refused with a French message on the field (422)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from maillon.accounts.models import Membership
from maillon.agenda.api import FreeRoomOut, SlotOut, conflict_out
from maillon.agenda.models import Resource
from maillon.agenda.services import ConflictError
from maillon.api import current_membership
from maillon.core.registry import register_api_router
from maillon.directory.models import Contact

from . import policies, services
from .models import (
    Guest,
    Meeting,
    MeetingType,
    Minutes,
    Participant,
    Series,
)

router = Router(tags=["meetings"])


PAGE_SIZE = 20


# ---------------------------------------------------------------- schemas


class MeetingFilters(Schema):
    past: bool = Field(default=False, description="past meetings, newest first; default: upcoming ones")
    page: int = Field(default=1, ge=1)


class MeetingOut(Schema):
    id: int
    title: str
    type: str
    series_id: int | None
    start: datetime
    end: datetime
    place: str
    organiser: str
    my_answer: str | None = Field(description="pending, accepted, declined or maybe; null when not invited")


class MeetingPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[MeetingOut]


class ParticipantOut(Schema):
    user_id: int
    name: str
    answer: str
    attendance: str


class MeetingResourceOut(Schema):
    id: int
    name: str
    kind: str = Field(description="room or equipment")


class GuestOut(Schema):
    id: int = Field(description="id of the guest (to record their attendance)")
    name: str
    organisation: str
    answer: str
    attendance: str


class MeetingDetailOut(MeetingOut):
    resources: list[MeetingResourceOut] = Field(description="the room and the equipment booked in the agenda")
    objective: str
    agenda: list[str]
    participants: list[ParticipantOut]
    guests: list[GuestOut] = Field(description="external contacts of the directory invited by e-mail")
    cancelled_at: datetime | None
    minutes_status: str | None
    minutes_version: int | None
    can_write_minutes: bool


AgendaItem = Annotated[str, Field(max_length=500)]


class MeetingIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    meeting_type: int = Field(description="id of a meeting type of the organisation")
    start: datetime
    end: datetime
    people: list[int] = Field(default=[], description="user ids of the participants (members of the organisation)")
    room: int | None = Field(default=None, description="id of a room (agenda resource)")
    equipment: list[int] = Field(default=[], description="ids of items of equipment (agenda resources), booked with the room")
    objective: str = Field(default="", max_length=5000)
    agenda: list[AgendaItem] = Field(default=[], description="agenda items, one per entry")
    series: int | None = Field(default=None, description="id of an existing series")
    new_series: bool = False
    overbook_reason: str = Field(default="", max_length=300,
                                 description="coordinators: why people on a shift at that time are invited anyway "
                                             "(leave and other meetings still refuse)")


class MeetingChangeIn(Schema):
    """Only the fields sent change."""

    start: datetime | None = Field(default=None, description="new start; left out: the current one")
    end: datetime | None = Field(default=None, description="new end; left out: the current one")
    place: str | None = Field(default=None, max_length=200,
                              description="left out: unchanged, or the new room's name when the room changes")
    room: int | None = Field(default=None, description="id of a room (agenda resource); null: no room; left out: unchanged")
    equipment: list[int] = Field(default=[], description="ids of all the items of equipment to book; left out: unchanged")
    title: str | None = Field(default=None, max_length=200)
    objective: str | None = Field(default=None, max_length=5000)
    agenda: list[AgendaItem] | None = Field(default=None, description="agenda items, one per entry; left out: unchanged")
    people: list[int] | None = Field(default=None, description="user ids of all the participants besides the organiser; "
                                                              "left out: unchanged. People added are invited, people left out told")
    contacts: list[int] | None = Field(default=None, description="ids of all the external contacts (directory) invited; left out: unchanged")
    inform: bool = Field(default=True, description="send a new title, objective or agenda to the participants "
                                                   "(a new time, room or place is always sent)")
    overbook_reason: str = Field(default="", max_length=300,
                                 description="coordinators: why people added who are on a shift are invited anyway")


class MeetingConflictOut(Schema):
    detail: str
    conflicts: list[str]
    free_slots: list[SlotOut] = Field(default=[], description="the next slots of the same duration free for everyone asked "
                                                              "(working hours, working days)")
    free_rooms: list[FreeRoomOut] = Field(default=[], description="rooms of at least the refused room's capacity, free at "
                                                                  "the time asked")


class AnswerIn(Schema):
    answer: Literal["accepted", "declined", "maybe"]


class AnswerOut(Schema):
    meeting_id: int
    answer: str
    answered_at: datetime | None


# ---------------------------------------------------------------- helpers


def _aware(value: datetime) -> datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _meetings(membership):
    return Meeting.objects.for_organisation(membership.organisation).select_related("meeting_type", "event", "organiser")


def _visible_meeting(membership, meeting_id: int) -> Meeting:
    """The meeting with its participants, or 404 (other organisation, or not allowed to see it)."""
    meeting = get_object_or_404(_meetings(membership).prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("membership__user").order_by("membership__user__last_name", "pk"))),
        pk=meeting_id)
    meeting.participant_ids = {p.membership_id for p in meeting.participants.all()}
    if not policies.can_see_meeting(membership, meeting, meeting.participant_ids):
        raise Http404
    meeting.organisation = membership.organisation  # the same row (scoped query): read by the services, no second query
    return meeting


def _managed_meeting(membership, meeting_id: int) -> Meeting:
    """A meeting the caller may change (organiser or director), or 404, as on the pages."""
    meeting = _visible_meeting(membership, meeting_id)
    if not policies.can_manage(membership, meeting):
        raise Http404
    return meeting


def _agenda_text(items) -> str:
    """One agenda item per line (a line break inside an item would make two items)."""
    return "\n".join(" ".join(line.strip() for line in item.splitlines() if line.strip()) for item in items if item.strip())


def _room(org, room_id: int | None) -> Resource | None:
    if room_id is None:
        return None
    room = Resource.objects.for_organisation(org).filter(pk=room_id, kind=Resource.Kind.ROOM, is_active=True).first()
    if room is None:
        raise ValidationError({"room": _("This room or item does not exist or cannot be booked.")})
    return room


def _equipment(org, ids) -> list[Resource]:
    wanted = set(ids)
    found = list(Resource.objects.for_organisation(org).filter(pk__in=wanted, kind=Resource.Kind.EQUIPMENT, is_active=True))
    if len(found) != len(wanted):
        raise ValidationError({"equipment": _("This equipment does not exist or cannot be booked.")})
    return found


def _members(org, user_ids) -> list[Membership]:
    """The active memberships of these users in the organisation; anyone else is refused."""
    wanted = set(user_ids)
    found = list(Membership.objects.for_organisation(org).active().select_related("user").filter(user_id__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"people": _("This person is not a member of the organisation.")})
    return found


def _contacts(org, ids) -> list[Contact]:
    wanted = set(ids)
    found = list(Contact.objects.for_organisation(org).filter(pk__in=wanted).select_related("partner"))
    if len(found) != len(wanted):
        raise ValidationError({"contacts": _("This contact is not in the directory.")})
    return found


def _meeting_out(meeting: Meeting, mine: Participant | None) -> dict:
    return {
        "id": meeting.pk, "title": meeting.title, "type": meeting.meeting_type.name, "series_id": meeting.series_id,
        "start": meeting.start, "end": meeting.end, "place": meeting.event.place, "organiser": _name(meeting.organiser),
        "my_answer": mine.answer if mine else None,
    }


def _detail(membership, meeting: Meeting) -> dict:
    participants = list(meeting.participants.all())
    mine = next((p for p in participants if p.membership_id == membership.pk), None)
    minutes = Minutes.objects.filter(meeting=meeting).only("status", "version").first()
    room, equipment = services.booked_resources(meeting)
    return {
        **_meeting_out(meeting, mine), "resources": [{"id": r.pk, "name": r.name, "kind": r.kind} for r in [room, *equipment] if r],
        "objective": meeting.objective, "agenda": meeting.agenda_items,
        "participants": [_participant_out(p) for p in participants],
        "guests": [_guest_out(g) for g in Guest.objects.for_organisation(membership.organisation).filter(meeting=meeting)],
        "cancelled_at": meeting.cancelled_at,
        "minutes_status": minutes.status if minutes else None, "minutes_version": minutes.version if minutes else None,
        "can_write_minutes": policies.can_write_minutes(membership, meeting, meeting.participant_ids),
    }


def _conflict_out(org, error: ConflictError, start, end, resources, people, *, exclude_occurrences=()) -> dict:
    """The 409 body: the conflicts in French and what to propose instead (as the pages and the
    agenda API do: one helper)."""
    return conflict_out(org, error, start, end, resources, people, exclude_occurrences=exclude_occurrences)


def _participant_out(p: Participant) -> dict:
    return {"user_id": p.membership.user_id, "name": _name(p.membership.user), "answer": p.answer, "attendance": p.attendance}


def _guest_out(g: Guest) -> dict:
    return {"id": g.pk, "name": g.name, "organisation": g.organisation_name, "answer": g.answer, "attendance": g.attendance}


# ---------------------------------------------------------------- meetings


@router.get("", response=MeetingPageOut, summary="Meetings the caller may see: upcoming, or past ones")
def list_meetings(request, filters: Query[MeetingFilters]):
    membership = current_membership(request)
    now = timezone.now()
    qs = _meetings(membership).visible_to(membership).prefetch_related(
        Prefetch("participants", queryset=Participant.objects.filter(membership=membership), to_attr="mine"))
    qs = qs.filter(end__lt=now).order_by("-start", "-pk") if filters.past else qs.filter(end__gte=now).order_by("start", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(filters.page)
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages,
            "items": [_meeting_out(m, m.mine[0] if m.mine else None) for m in page]}


@router.get("/{int:meeting_id}", response=MeetingDetailOut, summary="One meeting with its participants and their answers")
def get_meeting(request, meeting_id: int):
    membership = current_membership(request)
    return _detail(membership, _visible_meeting(membership, meeting_id))


@router.post("", response={201: MeetingDetailOut, 409: MeetingConflictOut},
             summary="Create a meeting: books the room, the equipment and the people in the agenda, invites the participants")
def create_meeting(request, payload: MeetingIn):
    membership = current_membership(request)
    org = membership.organisation
    meeting_type = MeetingType.objects.for_organisation(org).filter(pk=payload.meeting_type).first()
    if meeting_type is None:
        raise ValidationError({"meeting_type": _("This value is not valid.")})
    series = None
    if payload.series is not None:
        series = Series.objects.for_organisation(org).filter(pk=payload.series).first()
        if series is None:
            raise ValidationError({"series": _("This value is not valid.")})
    room, equipment, people = _room(org, payload.room), _equipment(org, payload.equipment), _members(org, payload.people)
    start, end = _aware(payload.start), _aware(payload.end)
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    try:
        meeting = services.create_meeting(
            membership, title=payload.title, meeting_type=meeting_type, start=start, end=end, people=people, room=room,
            equipment=equipment, objective=payload.objective, agenda_text=_agenda_text(payload.agenda),
            series=series, new_series=payload.new_series, overbook_reason=payload.overbook_reason, request=request)
    except ConflictError as error:
        return Status(409, _conflict_out(org, error, start, end, ([room] if room else []) + equipment, [membership, *people]))
    return Status(201, _detail(membership, _visible_meeting(membership, meeting.pk)))


@router.post("/{int:meeting_id}/rsvp", response=AnswerOut, summary="Answer an invitation: accepted, declined or maybe")
def rsvp(request, meeting_id: int, payload: AnswerIn):
    membership = current_membership(request)
    meeting = _visible_meeting(membership, meeting_id)
    mine = next((p for p in meeting.participants.all() if p.membership_id == membership.pk), None)
    if mine is None:
        raise PermissionDenied
    mine = services.answer(mine, payload.answer, actor=request.user, request=request)
    return {"meeting_id": meeting.pk, "answer": mine.answer, "answered_at": mine.answered_at}


@router.patch("/{int:meeting_id}", response={200: MeetingDetailOut, 409: MeetingConflictOut},
              summary="Change a meeting (organiser or director): when, where, room and equipment; title, objective, agenda, "
                      "participants, guests. The agenda checks the bookings again; the participants are informed")
def change_meeting(request, meeting_id: int, payload: MeetingChangeIn):
    membership = current_membership(request)
    org = membership.organisation
    meeting = _managed_meeting(membership, meeting_id)
    sent = payload.model_fields_set
    schedule = bool({"start", "end", "place", "room", "equipment"} & sent)
    details = any(getattr(payload, name) is not None for name in ("title", "objective", "agenda", "people", "contacts"))
    # Everything sent is read (and refused if not of the organisation) before anything changes.
    room = _room(org, payload.room) if "room" in sent else services.KEEP
    equipment = _equipment(org, payload.equipment) if "equipment" in sent else services.KEEP
    if payload.people is not None:
        people = _members(org, payload.people)
    else:
        people = [p.membership for p in meeting.participants.all() if p.membership.user_id != meeting.organiser_id]
    contacts = _contacts(org, payload.contacts) if payload.contacts is not None else None  # None: the guests stay
    start = _aware(payload.start) if payload.start is not None else meeting.start
    end = _aware(payload.end) if payload.end is not None else meeting.end
    try:
        with transaction.atomic():  # a refusal of the second change leaves the first one undone
            sequence = meeting.sequence
            if schedule:
                services.reschedule_meeting(membership, meeting, start=start, end=end, place=payload.place, room=room,
                                            equipment=equipment, request=request)
            if details:
                services.edit_meeting(
                    membership, meeting, people=people, contacts=contacts, request=request,
                    title=payload.title if payload.title is not None else meeting.title,
                    objective=payload.objective if payload.objective is not None else meeting.objective,
                    agenda_text=_agenda_text(payload.agenda) if payload.agenda is not None else meeting.agenda,
                    # Moved too: the update already sent (built when the worker runs) carries the new text, with
                    # its one new SEQUENCE; the participants get one e-mail, not two.
                    inform=payload.inform and meeting.sequence == sequence, overbook_reason=payload.overbook_reason)
    except PermissionDenied:
        raise Http404 from None
    except ConflictError as error:
        asked_room, asked_equipment = (room, equipment) if schedule else (services.KEEP, services.KEEP)
        if asked_room is services.KEEP or asked_equipment is services.KEEP:
            booked_room, booked_equipment = services.booked_resources(meeting)
            asked_room = booked_room if asked_room is services.KEEP else asked_room
            asked_equipment = booked_equipment if asked_equipment is services.KEEP else asked_equipment
        occurrence = meeting.event.occurrences.filter(cancelled=False).values_list("pk", flat=True).first()
        return Status(409, _conflict_out(org, error, start, end, ([asked_room] if asked_room else []) + list(asked_equipment),
                                         [*people, *[p.membership for p in meeting.participants.all()]],
                                         exclude_occurrences=[occurrence] if occurrence else []))
    return _detail(membership, _visible_meeting(membership, meeting.pk))


@router.post("/{int:meeting_id}/cancel", response=MeetingDetailOut,
             summary="Cancel a meeting (organiser or director): frees the room and the people, tells the participants")
def cancel_meeting(request, meeting_id: int):
    membership = current_membership(request)
    meeting = _managed_meeting(membership, meeting_id)
    try:
        services.cancel_meeting(membership, meeting, request=request)
    except PermissionDenied:
        raise Http404 from None
    return _detail(membership, _visible_meeting(membership, meeting.pk))


register_api_router("meetings", router)

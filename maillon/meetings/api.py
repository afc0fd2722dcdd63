"""API of the meetings app: meetings (list, detail, create, change, cancel), answers, minutes
(read, save a contribution with the web's conflict rule: 409 when someone changed the same
section, publish, ask participants for their part), outcomes of the agenda items (record,
correct, remove), attendance, tasks (add one in a meeting, my tasks, mark done).

Same policies and services as the pages, with the same answers when something is not allowed
(404 or 403, as the page does); the organisation comes from X-Organisation. A meeting the
caller may not see is a 404, as on the pages; a person, room, contact or guest of another
organisation or meeting is refused with a French message on the field (422)."""

from __future__ import annotations

from datetime import date, datetime
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
from maillon.agenda.models import Resource
from maillon.agenda.services import ConflictError
from maillon.api import current_membership
from maillon.core.registry import register_api_router
from maillon.directory.models import Contact

from . import policies, services
from .models import (
    Attendance,
    Guest,
    Meeting,
    MeetingType,
    Minutes,
    Outcome,
    Participant,
    Series,
    Task,
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


class ResourceOut(Schema):
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
    resources: list[ResourceOut] = Field(description="the room and the equipment booked in the agenda")
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


class ConflictOut(Schema):
    detail: str
    conflicts: list[str]


class AnswerIn(Schema):
    answer: Literal["accepted", "declined", "maybe"]


class AnswerOut(Schema):
    meeting_id: int
    answer: str
    answered_at: datetime | None


class SectionOut(Schema):
    key: str
    title: str
    text: str


class OutcomeOut(Schema):
    item: int = Field(description="agenda item, from 1; 0 for other business")
    kind: Literal["information", "decision", "task"]
    text: str
    reference: str = Field(description="« Décision 2026-07 », « Délibération 2026-02 »; empty unless a decision")
    task_id: int | None


class OutcomeDetailOut(OutcomeOut):
    id: int
    assignee: int | None = Field(description="user id of the assignee, for a task")
    due: date | None = Field(description="due date, for a task")


class OutcomeIn(Schema):
    item: int = Field(description="agenda item, from 1; 0 for other business")
    kind: str = Field(description="information, decision (numbered; a deliberation for a board meeting) or task")
    text: str = Field(max_length=5000)
    assignee: int | None = Field(default=None, description="user id of who does it, for a task")
    due: date | None = Field(default=None, description="due date, for a task")


class OutcomeChangeIn(Schema):
    item: int = Field(description="agenda item, from 1; 0 for other business")
    text: str = Field(max_length=5000)
    assignee: int | None = Field(default=None, description="user id of who does it, for a task (required then)")
    due: date | None = Field(default=None, description="due date, for a task; null: none")


# In the schema: the keys are ids, the values one of the marks (the service refuses any other
# in French, on the field).
_MARKS = {"propertyNames": {"pattern": "^[0-9]{1,18}$"},
          "additionalProperties": {"type": "string", "enum": list(Attendance.values)}}


class AttendanceIn(Schema):
    participants: dict[int, str] = Field(default={}, description='user id -> present, excused, absent or "" (not recorded)',
                                         json_schema_extra=_MARKS)
    guests: dict[int, str] = Field(default={}, description='guest id -> present, excused, absent or "" (not recorded)',
                                   json_schema_extra=_MARKS)


class AttendanceOut(Schema):
    changed: int = Field(description="how many marks changed")
    participants: list[ParticipantOut]
    guests: list[GuestOut]


class TaskIn(Schema):
    description: str = Field(max_length=300)
    assignee: int = Field(description="user id of a member of the organisation")
    due: date | None = None


class AskIn(Schema):
    people: list[int] = Field(description="user ids of participants asked to add their part")


class AskOut(Schema):
    asked: int = Field(description="how many participants are asked")


class MinutesOut(Schema):
    meeting_id: int
    version: int
    status: str
    sections: list[SectionOut]
    outcomes: list[OutcomeOut]
    updated_at: datetime
    can_write: bool


class MinutesIn(Schema):
    version: int = Field(ge=1, description="the version the contribution was written from (as read)")
    sections: dict[str, str] = Field(description="section key -> new text; sections left out are unchanged")


class ClashOut(Schema):
    key: str
    title: str
    theirs: str
    mine: str


class MinutesConflictOut(Schema):
    detail: str
    version: int = Field(description="the current version: merge, then save again from it")
    sections: list[ClashOut]


class TaskFilters(Schema):
    done: bool | None = Field(default=False, description="false: open tasks (default); true: done ones; null: all")


class TaskOut(Schema):
    id: int
    description: str
    due: date | None
    done: bool
    done_at: datetime | None
    meeting_id: int
    meeting_title: str


class TaskDoneIn(Schema):
    done: bool = True


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


def _minutes_of(membership, meeting: Meeting) -> Minutes:
    minutes = get_object_or_404(Minutes.objects.for_organisation(membership.organisation), meeting=meeting)
    minutes.meeting, minutes.organisation = meeting, membership.organisation  # the services read them: no second query
    return minutes


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


def _member(org, user_id: int | None, field: str) -> Membership | None:
    if user_id is None:
        return None
    found = Membership.objects.for_organisation(org).active().select_related("user").filter(user_id=user_id).first()
    if found is None:
        raise ValidationError({field: _("Choose a member of the organisation.")})
    return found


def _contacts(org, ids) -> list[Contact]:
    wanted = set(ids)
    found = list(Contact.objects.for_organisation(org).filter(pk__in=wanted).select_related("partner"))
    if len(found) != len(wanted):
        raise ValidationError({"contacts": _("This contact is not in the directory.")})
    return found


def _participants_by_user(meeting: Meeting, user_ids, field: str) -> dict[int, Participant]:
    """user id -> the meeting's participant; a person who is not one is refused."""
    by_user = {p.membership.user_id: p for p in meeting.participants.all()}
    unknown = [uid for uid in user_ids if uid not in by_user]
    if unknown:
        raise ValidationError({field.format(unknown[0]): _("This person is not a participant of this meeting.")})
    return by_user


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


def _participant_out(p: Participant) -> dict:
    return {"user_id": p.membership.user_id, "name": _name(p.membership.user), "answer": p.answer, "attendance": p.attendance}


def _guest_out(g: Guest) -> dict:
    return {"id": g.pk, "name": g.name, "organisation": g.organisation_name, "answer": g.answer, "attendance": g.attendance}


def _outcome_out(o: Outcome) -> dict:
    task = o.task
    return {"id": o.pk, "item": o.item, "kind": o.kind, "text": o.text, "reference": o.reference, "task_id": o.task_id,
            "assignee": task.assignee.user_id if task else None, "due": task.due if task else None}


def _minutes_out(membership, meeting: Meeting, minutes: Minutes) -> dict:
    can_write = policies.can_edit_minutes(membership, meeting, meeting.participant_ids, minutes)
    return {"meeting_id": meeting.pk, "version": minutes.version, "status": minutes.status,
            "sections": [{"key": s["key"], "title": s["title"], "text": s["text"]} for s in minutes.sections],
            "outcomes": [{"item": o.item, "kind": o.kind, "text": o.text, "reference": o.reference, "task_id": o.task_id}
                         for o in minutes.outcomes.all()],
            "updated_at": minutes.updated_at, "can_write": can_write}


def _task_out(task: Task) -> dict:
    return {"id": task.pk, "description": task.description, "due": task.due, "done": task.done, "done_at": task.done_at,
            "meeting_id": task.meeting_id, "meeting_title": task.meeting.title}


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


@router.post("", response={201: MeetingDetailOut, 409: ConflictOut},
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
            series=series, new_series=payload.new_series, request=request)
    except ConflictError as error:
        return Status(409, {"detail": error.message, "conflicts": error.messages})
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


@router.patch("/{int:meeting_id}", response={200: MeetingDetailOut, 409: ConflictOut},
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
                    inform=payload.inform and meeting.sequence == sequence)
    except PermissionDenied:
        raise Http404 from None
    except ConflictError as error:
        return Status(409, {"detail": error.message, "conflicts": error.messages})
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


# ---------------------------------------------------------------- minutes


@router.get("/{int:meeting_id}/minutes", response=MinutesOut, summary="The minutes of a meeting (version to send back when saving)")
def get_minutes(request, meeting_id: int):
    membership = current_membership(request)
    meeting = _visible_meeting(membership, meeting_id)
    minutes = get_object_or_404(Minutes.objects.for_organisation(membership.organisation), meeting=meeting)
    return _minutes_out(membership, meeting, minutes)


@router.post("/{int:meeting_id}/minutes", response={200: MinutesOut, 409: MinutesConflictOut},
             summary="Save a contribution to the minutes; 409 when someone changed the same section meanwhile")
def save_minutes(request, meeting_id: int, payload: MinutesIn):
    membership = current_membership(request)
    meeting = _visible_meeting(membership, meeting_id)
    minutes = get_object_or_404(Minutes.objects.for_organisation(membership.organisation).select_related("meeting"), meeting=meeting)
    keys = {s["key"] for s in minutes.sections}
    unknown = sorted(set(payload.sections) - keys)
    if unknown:
        raise ValidationError({f"sections.{unknown[0]}": _("This value is not valid.")})
    try:
        saved = services.save_minutes(membership, minutes, payload.sections, payload.version, meeting.participant_ids, request=request)
    except services.MinutesConflict as conflict:
        return Status(409, {"detail": _("Someone changed the same part meanwhile: compare, then save again."),
                            "version": conflict.version, "sections": conflict.sections})
    return _minutes_out(membership, meeting, saved)


@router.post("/{int:meeting_id}/minutes/publish", response=MinutesOut,
             summary="Publish the minutes (organiser or director) and notify the participants")
def publish_minutes(request, meeting_id: int):
    membership = current_membership(request)
    meeting = _visible_meeting(membership, meeting_id)
    minutes = services.publish_minutes(membership, _minutes_of(membership, meeting), request=request)
    return _minutes_out(membership, meeting, minutes)


@router.post("/{int:meeting_id}/minutes/ask", response=AskOut,
             summary="Ask participants to add their part to the minutes (organiser or director); each one is notified")
def ask_contributions(request, meeting_id: int, payload: AskIn):
    membership = current_membership(request)
    meeting = _managed_meeting(membership, meeting_id)
    minutes = _minutes_of(membership, meeting)
    by_user = _participants_by_user(meeting, payload.people, "people")
    try:
        asked = services.ask_contributions(membership, minutes, [by_user[uid].membership_id for uid in payload.people],
                                           request=request)
    except PermissionDenied:
        raise Http404 from None
    return {"asked": asked}


@router.put("/{int:meeting_id}/attendance", response=AttendanceOut,
            summary="Mark participants and guests present, excused or absent in the minutes")
def record_attendance(request, meeting_id: int, payload: AttendanceIn):
    membership = current_membership(request)
    org = membership.organisation
    meeting = _visible_meeting(membership, meeting_id)
    minutes = _minutes_of(membership, meeting)
    if not policies.can_edit_minutes(membership, meeting, meeting.participant_ids, minutes):
        raise PermissionDenied
    by_user = _participants_by_user(meeting, payload.participants, "participants.{}")
    guests = {g.pk: g for g in Guest.objects.for_organisation(org).filter(meeting=meeting)}
    unknown = [pk for pk in payload.guests if pk not in guests]
    if unknown:
        raise ValidationError({f"guests.{unknown[0]}": _("This external contact is not invited to this meeting.")})
    try:
        changed = services.record_attendance(membership, minutes, {by_user[uid].pk: v for uid, v in payload.participants.items()},
                                             meeting.participant_ids, guest_values=dict(payload.guests), request=request)
    except ValidationError as error:  # keyed like the page's fields: named here by user id and guest id
        users = {p.pk: uid for uid, p in by_user.items()}
        fields = {f"attendance-{pk}": f"participants.{uid}" for pk, uid in users.items()}
        fields.update({f"guest-attendance-{pk}": f"guests.{pk}" for pk in guests})
        raise ValidationError({fields.get(key, key): messages for key, messages in error.message_dict.items()}) from None
    participants = (Participant.objects.for_organisation(org).filter(meeting=meeting).select_related("membership__user")
                    .order_by("membership__user__last_name", "pk"))
    return {"changed": changed, "participants": [_participant_out(p) for p in participants],
            "guests": [_guest_out(g) for g in Guest.objects.for_organisation(org).filter(meeting=meeting)]}


# ---------------------------------------------------------------- outcomes


def _editable_minutes(membership, meeting_id: int) -> tuple[Meeting, Minutes]:
    """The meeting and its minutes; 404 unless the caller may edit the minutes, as on the pages."""
    meeting = _visible_meeting(membership, meeting_id)
    minutes = _minutes_of(membership, meeting)
    if not policies.can_edit_minutes(membership, meeting, meeting.participant_ids, minutes):
        raise Http404
    return meeting, minutes


def _outcome_or_404(membership, meeting_id: int, outcome_id: int) -> tuple[Meeting, Outcome]:
    """The outcome, its minutes and meeting; 404 unless the caller may edit the minutes."""
    meeting, minutes = _editable_minutes(membership, meeting_id)
    outcome = get_object_or_404(Outcome.objects.for_organisation(membership.organisation).select_related("task__assignee"),
                                minutes=minutes, pk=outcome_id)
    outcome.minutes = minutes
    return meeting, outcome


@router.get("/{int:meeting_id}/outcomes", response=list[OutcomeDetailOut],
            summary="The outcomes of the agenda items (information, numbered decisions, tasks), with their ids")
def list_outcomes(request, meeting_id: int):
    membership = current_membership(request)
    meeting = _visible_meeting(membership, meeting_id)
    minutes = _minutes_of(membership, meeting)
    outcomes = Outcome.objects.for_organisation(membership.organisation).filter(minutes=minutes).select_related("task__assignee")
    return [_outcome_out(o) for o in outcomes]


@router.post("/{int:meeting_id}/outcomes", response={201: OutcomeDetailOut},
             summary="Record what an agenda item led to: an information, a numbered decision, or a task (created for its assignee)")
def add_outcome(request, meeting_id: int, payload: OutcomeIn):
    membership = current_membership(request)
    meeting, minutes = _editable_minutes(membership, meeting_id)
    assignee = _member(membership.organisation, payload.assignee, "assignee")
    try:
        outcome = services.add_outcome(membership, minutes, item=payload.item, kind=payload.kind, text=payload.text,
                                       assignee=assignee, due=payload.due, participant_ids=meeting.participant_ids, request=request)
    except PermissionDenied:
        raise Http404 from None
    return Status(201, _outcome_out(outcome))


@router.put("/{int:meeting_id}/outcomes/{int:outcome_id}", response=OutcomeDetailOut,
            summary="Correct an outcome: its agenda item and text (for a task, its assignee and due date); a decision keeps its number")
def update_outcome(request, meeting_id: int, outcome_id: int, payload: OutcomeChangeIn):
    membership = current_membership(request)
    meeting, outcome = _outcome_or_404(membership, meeting_id, outcome_id)
    assignee = _member(membership.organisation, payload.assignee, "assignee") if outcome.kind == Outcome.Kind.TASK else None
    try:
        outcome = services.update_outcome(membership, outcome, item=payload.item, text=payload.text, assignee=assignee,
                                          due=payload.due, participant_ids=meeting.participant_ids, request=request)
    except PermissionDenied:
        raise Http404 from None
    return _outcome_out(outcome)


@router.delete("/{int:meeting_id}/outcomes/{int:outcome_id}", response={204: None},
               summary="Remove an outcome recorded by mistake, with the task it created (a published decision is corrected instead)")
def delete_outcome(request, meeting_id: int, outcome_id: int):
    membership = current_membership(request)
    meeting, outcome = _outcome_or_404(membership, meeting_id, outcome_id)
    try:
        services.delete_outcome(membership, outcome, participant_ids=meeting.participant_ids, request=request)
    except PermissionDenied:
        raise Http404 from None
    return Status(204, None)


# ---------------------------------------------------------------- tasks


@router.post("/{int:meeting_id}/tasks", response={201: TaskOut},
             summary="Add a task in a meeting (organiser or participants); the assignee is notified")
def add_task(request, meeting_id: int, payload: TaskIn):
    membership = current_membership(request)
    meeting = _visible_meeting(membership, meeting_id)
    if not policies.can_write_minutes(membership, meeting, meeting.participant_ids):
        raise PermissionDenied
    assignee = _member(membership.organisation, payload.assignee, "assignee")
    task = services.add_task(membership, meeting, assignee=assignee, description=payload.description, due=payload.due,
                             participant_ids=meeting.participant_ids, request=request)
    return Status(201, _task_out(task))


@router.get("/tasks", response=list[TaskOut], summary="My tasks from meetings (open ones by default, at most 200)")
def my_tasks(request, filters: Query[TaskFilters]):
    membership = current_membership(request)
    qs = Task.objects.for_organisation(membership.organisation).filter(assignee=membership).select_related("meeting")
    if filters.done is not None:
        qs = qs.filter(done=filters.done)
    return [_task_out(t) for t in qs.order_by("done", "due", "pk")[:200]]


@router.post("/tasks/{int:task_id}/done", response=TaskOut, summary="Mark a task done (or not done with done=false)")
def task_done(request, task_id: int, payload: TaskDoneIn):
    membership = current_membership(request)
    task = get_object_or_404(Task.objects.for_organisation(membership.organisation).select_related("meeting"), pk=task_id)
    task = services.complete_task(membership, task, done=payload.done, request=request)
    return _task_out(task)


register_api_router("meetings", router)

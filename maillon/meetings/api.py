"""API of the meetings app: meetings (list, detail, create), answers, minutes (read, save a
contribution with the web's conflict rule: 409 when someone changed the same section), my
tasks (list, mark done).

Same policies and services as the pages; the organisation comes from X-Organisation. A
meeting the caller may not see is a 404, as on the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
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

from . import policies, services
from .models import Meeting, MeetingType, Minutes, Participant, Series, Task

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


class MeetingDetailOut(MeetingOut):
    resources: list[ResourceOut] = Field(description="the room and the equipment booked in the agenda")
    objective: str
    agenda: list[str]
    participants: list[ParticipantOut]
    minutes_status: str | None
    minutes_version: int | None
    can_write_minutes: bool


class MeetingIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    meeting_type: int = Field(description="id of a meeting type of the organisation")
    start: datetime
    end: datetime
    people: list[int] = Field(default=[], description="user ids of the participants (members of the organisation)")
    room: int | None = Field(default=None, description="id of a room (agenda resource)")
    equipment: list[int] = Field(default=[], description="ids of items of equipment (agenda resources), booked with the room")
    objective: str = Field(default="", max_length=5000)
    agenda: list[str] = Field(default=[], description="agenda items, one per entry")
    series: int | None = Field(default=None, description="id of an existing series")
    new_series: bool = False


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
    return meeting


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
        "participants": [{"user_id": p.membership.user_id, "name": _name(p.membership.user), "answer": p.answer,
                          "attendance": p.attendance} for p in participants],
        "minutes_status": minutes.status if minutes else None, "minutes_version": minutes.version if minutes else None,
        "can_write_minutes": policies.can_write_minutes(membership, meeting, meeting.participant_ids),
    }


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
    room = None
    if payload.room is not None:
        room = Resource.objects.for_organisation(org).filter(pk=payload.room, kind=Resource.Kind.ROOM, is_active=True).first()
        if room is None:
            raise ValidationError({"room": _("This room or item does not exist or cannot be booked.")})
    equipment = list(Resource.objects.for_organisation(org).filter(pk__in=set(payload.equipment), kind=Resource.Kind.EQUIPMENT,
                                                                    is_active=True))
    if len(equipment) != len(set(payload.equipment)):
        raise ValidationError({"equipment": _("This equipment does not exist or cannot be booked.")})
    wanted = set(payload.people)
    people = list(Membership.objects.for_organisation(org).active().select_related("user").filter(user_id__in=wanted))
    if len(people) != len(wanted):
        raise ValidationError({"people": _("This person is not a member of the organisation.")})
    start, end = _aware(payload.start), _aware(payload.end)
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    try:
        meeting = services.create_meeting(
            membership, title=payload.title, meeting_type=meeting_type, start=start, end=end, people=people, room=room,
            equipment=equipment, objective=payload.objective, agenda_text="\n".join(item.strip() for item in payload.agenda if item.strip()),
            series=series, new_series=payload.new_series, base_url=request.build_absolute_uri("/")[:-1], request=request)
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


# ---------------------------------------------------------------- tasks


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

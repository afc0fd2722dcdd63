"""API of the minutes of a meeting, on the meetings' router of ``api``: minutes (read, save a
contribution with the web's conflict rule: 409 when someone changed the same section,
publish, ask participants for their part), outcomes of the agenda items (record, correct,
remove), attendance, tasks (add one in a meeting, my tasks, mark done). Same policies,
answers and rules as ``api``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from maillon.accounts.models import Membership
from maillon.api import current_membership

from . import policies, services_minutes
from .api import (
    GuestOut,
    ParticipantOut,
    _guest_out,
    _managed_meeting,
    _participant_out,
    _visible_meeting,
    router,
)
from .models import Attendance, Guest, Meeting, Minutes, Outcome, Participant, Task

# ---------------------------------------------------------------- schemas


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


def _minutes_of(membership, meeting: Meeting) -> Minutes:
    minutes = get_object_or_404(Minutes.objects.for_organisation(membership.organisation), meeting=meeting)
    minutes.meeting, minutes.organisation = meeting, membership.organisation  # the services read them: no second query
    return minutes


def _member(org, user_id: int | None, field: str) -> Membership | None:
    if user_id is None:
        return None
    found = Membership.objects.for_organisation(org).active().select_related("user").filter(user_id=user_id).first()
    if found is None:
        raise ValidationError({field: _("Choose a member of the organisation.")})
    return found


def _participants_by_user(meeting: Meeting, user_ids, field: str) -> dict[int, Participant]:
    """user id -> the meeting's participant; a person who is not one is refused."""
    by_user = {p.membership.user_id: p for p in meeting.participants.all()}
    unknown = [uid for uid in user_ids if uid not in by_user]
    if unknown:
        raise ValidationError({field.format(unknown[0]): _("This person is not a participant of this meeting.")})
    return by_user


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
        saved = services_minutes.save_minutes(membership, minutes, payload.sections, payload.version, meeting.participant_ids, request=request)
    except services_minutes.MinutesConflict as conflict:
        return Status(409, {"detail": _("Someone changed the same part meanwhile: compare, then save again."),
                            "version": conflict.version, "sections": conflict.sections})
    return _minutes_out(membership, meeting, saved)


@router.post("/{int:meeting_id}/minutes/publish", response=MinutesOut,
             summary="Publish the minutes (organiser or director) and notify the participants")
def publish_minutes(request, meeting_id: int):
    membership = current_membership(request)
    meeting = _visible_meeting(membership, meeting_id)
    minutes = services_minutes.publish_minutes(membership, _minutes_of(membership, meeting), request=request)
    return _minutes_out(membership, meeting, minutes)


@router.post("/{int:meeting_id}/minutes/ask", response=AskOut,
             summary="Ask participants to add their part to the minutes (organiser or director); each one is notified")
def ask_contributions(request, meeting_id: int, payload: AskIn):
    membership = current_membership(request)
    meeting = _managed_meeting(membership, meeting_id)
    minutes = _minutes_of(membership, meeting)
    by_user = _participants_by_user(meeting, payload.people, "people")
    try:
        asked = services_minutes.ask_contributions(membership, minutes, [by_user[uid].membership_id for uid in payload.people],
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
        changed = services_minutes.record_attendance(membership, minutes, {by_user[uid].pk: v for uid, v in payload.participants.items()},
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
        outcome = services_minutes.add_outcome(membership, minutes, item=payload.item, kind=payload.kind, text=payload.text,
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
        outcome = services_minutes.update_outcome(membership, outcome, item=payload.item, text=payload.text, assignee=assignee,
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
        services_minutes.delete_outcome(membership, outcome, participant_ids=meeting.participant_ids, request=request)
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
    task = services_minutes.add_task(membership, meeting, assignee=assignee, description=payload.description, due=payload.due,
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
    task = services_minutes.complete_task(membership, task, done=payload.done, request=request)
    return _task_out(task)

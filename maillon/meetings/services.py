"""Every write of the meetings app: default types, meetings (booked through the agenda),
answers, minutes with optimistic concurrency, tasks. Each is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.models import Membership
from maillon.agenda import policies as agenda_policies
from maillon.agenda import services as agenda
from maillon.agenda.models import Allocation, Event, Resource
from maillon.audit.services import record
from maillon.notifications.services import notify

from . import invitations, policies
from .models import (
    Attendance,
    Guest,
    Meeting,
    MeetingType,
    Minutes,
    MinutesRevision,
    Outcome,
    Participant,
    RecordCounter,
    Series,
    Task,
)

# Shipped to every organisation the first time its meeting types are read (French names are
# data, like the sectors: organisations rename them or add their own).
DEFAULT_TYPES = [
    ("Conseil d'administration", True, ["Quorum", "Approbation du précédent compte-rendu", "Délibérations", "Questions diverses"]),
    ("Réunion d'équipe", False, ["Tour de table", "Informations", "Décisions", "Questions diverses"]),
    ("COPIL", False, ["Avancement du projet", "Indicateurs", "Décisions", "Prochaines étapes"]),
    ("COORDO", False, ["Tour des secteurs", "Projets transversaux", "Décisions", "Questions diverses"]),
    ("Réunion financeur", False, ["Contexte", "Bilan de l'action", "Engagements et échéances", "Suites à donner"]),
]


def meeting_types(organisation):
    """The organisation's meeting types, creating the default ones on first use."""
    types = list(MeetingType.objects.for_organisation(organisation))
    if not types:
        for order, (name, board, sections) in enumerate(DEFAULT_TYPES):
            MeetingType.objects.get_or_create(organisation=organisation, name=name,
                                              defaults={"is_board": board, "sections": sections, "order": order,
                                                        "is_funder": name == "Réunion financeur"})
        types = list(MeetingType.objects.for_organisation(organisation))
    return types


def _sections_for(meeting_type: MeetingType) -> list[dict]:
    titles = meeting_type.sections or [_("Notes")]
    return [{"key": f"s{i}", "title": title, "text": ""} for i, title in enumerate(titles, start=1)]


def create_meeting(membership: Membership, *, title: str, meeting_type: MeetingType, start, end, people=(), room=None,
                   equipment=(), objective: str = "", agenda_text: str = "", series: Series | None = None, new_series: bool = False,
                   send_email: bool = True, allow_past: bool = False, contacts=(), request=None) -> Meeting:
    """Book the meeting in the agenda (its conflict engine checks the room, the equipment and
    the people), then record the meeting, its participants and empty minutes; invitations go after commit."""
    organisation = membership.organisation
    if meeting_type.organisation_id != organisation.pk:
        raise ValidationError({"meeting_type": _("Choose a meeting type.")})
    if series is not None and series.organisation_id != organisation.pk:
        raise ValidationError({"series": _("This series does not exist.")})
    contacts = list({c.pk: c for c in contacts}.values())
    _check_guests(organisation, contacts)
    invited_by_default = [m for m in meeting_type.default_invitees.all() if m.is_active and m.organisation_id == organisation.pk]
    people = list({m.pk: m for m in [*people, *invited_by_default] if m.pk != membership.pk}.values())
    _check_bookable(organisation, room, equipment)
    resources = ([room] if room is not None else []) + list(equipment)
    with transaction.atomic():
        result = agenda.create_event(
            membership, title=title, start=start, end=end, kind=Event.Kind.MEETING, resources=resources,
            people=[membership, *people], place=room.name if room else "", description=objective,
            allow_past=allow_past, request=request,
        )
        if new_series and series is None:
            series = Series.objects.create(organisation=organisation, title=title.strip(), meeting_type=meeting_type,
                                           created_by=membership.user)
        meeting = Meeting.objects.create(
            organisation=organisation, title=title.strip(), meeting_type=meeting_type, series=series, event=result.event,
            start=start, end=end, objective=objective, agenda=agenda_text, organiser=membership.user,
        )
        participants = Participant.objects.bulk_create([
            Participant(organisation=organisation, meeting=meeting, membership=m,
                        answer=Participant.Answer.ACCEPTED if m.pk == membership.pk else Participant.Answer.PENDING)
            for m in [membership, *people]
        ])
        guests = _add_guests(meeting, contacts)
        minutes = Minutes.objects.create(organisation=organisation, meeting=meeting, sections=_sections_for(meeting_type), version=1)
        MinutesRevision.objects.create(organisation=organisation, minutes=minutes, version=1, sections=minutes.sections,
                                       author=membership.user)
        record("meetings.create", actor=membership.user, organisation=organisation, target=meeting, request=request,
               data={"people": [m.pk for m in people], "room": room.pk if room else None,
                     "equipment": [e.pk for e in equipment], "series": series.pk if series else None,
                     "contacts": [c.pk for c in contacts]})
    invited = [p for p in participants if p.membership_id != membership.pk] + guests
    if send_email and invited:
        _send_later(meeting, invited)
    return meeting


def _send_later(meeting: Meeting, people, *, kind: str = "invitation") -> None:
    """After commit, enqueue the e-mails (invitation, update, cancellation, or « uninvite » for
    people taken off the list, whose rows are gone by then) of these participants and guests:
    the worker sends them."""
    from .tasks import send_invitations

    if kind == "uninvite":
        participant_ids, guest_ids = [], []
        removed = [list(invitations.person(p)) for p in people]
    else:
        participant_ids = [p.pk for p in people if isinstance(p, Participant)]
        guest_ids = [p.pk for p in people if isinstance(p, Guest)]
        removed = []
    if participant_ids or guest_ids or removed:
        transaction.on_commit(lambda: send_invitations.enqueue(meeting_id=meeting.pk, participant_ids=participant_ids,
                                                               guest_ids=guest_ids, kind=kind,
                                                               removed=removed))


def _check_guests(organisation, contacts) -> None:
    """External contacts come from the organisation's directory and have an e-mail address."""
    if any(c.organisation_id != organisation.pk for c in contacts):
        raise ValidationError({"contacts": _("This contact is not in the directory.")})
    if any(not c.email for c in contacts):
        raise ValidationError({"contacts": _("An external contact needs an e-mail address to be invited.")})


def _add_guests(meeting: Meeting, contacts) -> list[Guest]:
    seen, guests = set(), []
    for c in contacts:
        email = c.email.strip().lower()
        if email in seen:
            continue
        seen.add(email)
        partner = getattr(c, "partner", None)
        guests.append(Guest(organisation=meeting.organisation, meeting=meeting, contact=c, name=c.name[:200], email=c.email,
                            organisation_name=(partner.name if partner else "")[:200]))
    Guest.objects.bulk_create(guests)
    return guests


def answer_guest(guest: Guest, value: str, *, request=None) -> Guest:
    """An external contact answers from the link of the e-mail (no account)."""
    if value not in (Participant.Answer.ACCEPTED, Participant.Answer.DECLINED, Participant.Answer.MAYBE):
        raise ValidationError({"answer": _("Choose attending, not attending or maybe.")})
    guest.answer = value
    guest.answered_at = timezone.now()
    guest.save(update_fields=["answer", "answered_at"])
    record("meetings.rsvp.guest", actor=None, organisation=guest.organisation, target=guest.meeting, request=request,
           data={"answer": value, "guest": guest.pk})
    return guest


def answer(participant: Participant, value: str, *, actor=None, request=None) -> Participant:
    if value not in (Participant.Answer.ACCEPTED, Participant.Answer.DECLINED, Participant.Answer.MAYBE):
        raise ValidationError({"answer": _("Choose attending, not attending or maybe.")})
    participant.answer = value
    participant.answered_at = timezone.now()
    participant.save(update_fields=["answer", "answered_at"])
    record("meetings.rsvp", actor=actor or participant.membership.user, organisation=participant.organisation,
           target=participant.meeting, request=request, data={"answer": value, "participant": participant.pk})
    return participant


@dataclass
class MinutesConflict(Exception):
    """Someone else changed the same sections since this person started: nothing was saved."""

    version: int
    sections: list[dict] = field(default_factory=list)  # {"key", "title", "theirs", "mine"}


def save_minutes(membership: Membership, minutes: Minutes, texts: dict[str, str], base_version: int,
                 participant_ids: set[int], *, request=None) -> Minutes:
    """Save a contribution written from version ``base_version``.

    If others saved meanwhile, their changes and this one are merged section by section when
    they touched different sections; when both changed the same section differently,
    ``MinutesConflict`` lists those sections and nothing is saved: the person chooses."""
    meeting = minutes.meeting
    if not policies.can_edit_minutes(membership, meeting, participant_ids, minutes):
        raise PermissionDenied
    with transaction.atomic():
        current = Minutes.objects.select_for_update().get(pk=minutes.pk)
        keys = [s["key"] for s in current.sections]
        mine = {k: _clean(texts.get(k, "")) for k in keys if k in texts}
        now = current.texts()
        if base_version != current.version:
            base_row = MinutesRevision.objects.filter(minutes=current, version=base_version).first()
            if base_row is None:
                raise ValidationError(_("This version of the minutes is unknown: reload the page."))
            base = {s["key"]: s["text"] for s in base_row.sections}
            clashes = [k for k in mine if mine[k] != base.get(k, "") and now.get(k, "") != base.get(k, "") and mine[k] != now.get(k, "")]
            if clashes:
                titles = {s["key"]: s["title"] for s in current.sections}
                raise MinutesConflict(current.version, [
                    {"key": k, "title": titles[k], "theirs": now[k], "mine": mine[k]} for k in clashes])
            mine = {k: v for k, v in mine.items() if v != base.get(k, "")}  # only what this person changed
        changed = [k for k, v in mine.items() if v != now.get(k, "")]
        if not changed:
            return current
        current.sections = [{**s, "text": mine.get(s["key"], s["text"])} for s in current.sections]
        current.version += 1
        current.updated_by = membership.user
        current.save(update_fields=["sections", "version", "updated_by", "updated_at"])
        MinutesRevision.objects.create(organisation=current.organisation, minutes=current, version=current.version,
                                       sections=current.sections, author=membership.user)
        Participant.objects.filter(meeting_id=meeting.pk, membership=membership).update(contributed_at=timezone.now())
        record("meetings.minutes.save", actor=membership.user, organisation=current.organisation, target=meeting,
               request=request, data={"version": current.version, "sections": changed})
    return current


def _clean(text: str) -> str:
    return (text or "").replace("\r\n", "\n").strip()[:20000]


def publish_minutes(membership: Membership, minutes: Minutes, *, request=None) -> Minutes:
    """Publish the minutes and tell the participants, once: publishing again changes nothing."""
    meeting = minutes.meeting
    if not policies.can_manage(membership, meeting):
        raise PermissionDenied
    if minutes.status == Minutes.Status.PUBLISHED:
        return minutes
    with transaction.atomic():
        minutes.status = Minutes.Status.PUBLISHED
        minutes.published_at = timezone.now()
        minutes.save(update_fields=["status", "published_at", "updated_at"])
        record("meetings.minutes.publish", actor=membership.user, organisation=minutes.organisation, target=meeting, request=request)
        people = [p.membership.user for p in meeting.participants.select_related("membership__user") if p.membership.user_id != membership.user_id]
        url = f"/{meeting.organisation.slug}/reunions/{meeting.pk}/compte-rendu/"
        transaction.on_commit(lambda: [notify(u, _("Minutes published: %(title)s") % {"title": meeting.title}, url=url,
                                              organisation=meeting.organisation, email=False) for u in people])
    return minutes


def add_task(membership: Membership, meeting: Meeting, *, assignee: Membership, description: str, due=None,
             participant_ids: set[int], request=None) -> Task:
    if not policies.can_write_minutes(membership, meeting, participant_ids):
        raise PermissionDenied
    if assignee is None or assignee.organisation_id != meeting.organisation_id:
        raise ValidationError({"assignee": _("Choose a member of the organisation.")})
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe the task.")})
    task = Task.objects.create(organisation=meeting.organisation, meeting=meeting, assignee=assignee,
                               description=description[:300], due=due, created_by=membership.user)
    record("meetings.task.create", actor=membership.user, organisation=meeting.organisation, target=meeting,
           request=request, data={"task": task.pk, "assignee": assignee.pk})
    if assignee.user_id != membership.user_id:
        _tell_assignee(task, meeting)
    return task


def _tell_assignee(task: Task, meeting: Meeting) -> None:
    """After commit, the assignee finds the task in their notifications (and on the dashboard)."""
    assignee = task.assignee
    transaction.on_commit(lambda: notify(assignee.user, _("New task: %(task)s") % {"task": task.description},
                                         url=f"/{meeting.organisation.slug}/reunions/{meeting.pk}/",
                                         organisation=meeting.organisation, email=False))


def complete_task(membership: Membership, task: Task, *, done: bool = True, request=None) -> Task:
    if not policies.can_complete_task(membership, task):
        raise PermissionDenied
    task.done = done
    task.done_at = timezone.now() if done else None
    task.save(update_fields=["done", "done_at"])
    record("meetings.task.done" if done else "meetings.task.reopen", actor=membership.user,
           organisation=task.organisation, target=task.meeting, request=request, data={"task": task.pk})
    return task



def next_number(organisation, register: str, year: int) -> int:
    """The next number of a register for a year, under a row lock: never given twice."""
    with transaction.atomic():
        RecordCounter.objects.get_or_create(organisation=organisation, register=register, year=year)
        counter = RecordCounter.objects.select_for_update().get(organisation=organisation, register=register, year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last


def add_outcome(membership: Membership, minutes: Minutes, *, item: int, kind: str, text: str, assignee: Membership | None = None,
                due=None, participant_ids: set[int], request=None) -> Outcome:
    """Record what an agenda item led to. A decision takes the next number of the
    organisation's register for the meeting's year (deliberations for a board meeting); a
    task is created like any task of the meeting (and carried over until done)."""
    meeting = minutes.meeting
    if not policies.can_edit_minutes(membership, meeting, participant_ids, minutes):
        raise PermissionDenied
    text = _check_outcome(meeting, kind, item, text, assignee)
    organisation = minutes.organisation
    with transaction.atomic():
        outcome = Outcome(organisation=organisation, minutes=minutes, item=item, kind=kind, text=text[:5000],
                          created_by=membership.user)
        if kind == Outcome.Kind.DECISION:
            outcome.register = Outcome.Register.DELIBERATION if meeting.meeting_type.is_board else Outcome.Register.DECISION
            outcome.year = timezone.localtime(meeting.start).year
            outcome.number = next_number(organisation, outcome.register, outcome.year)
        elif kind == Outcome.Kind.TASK:
            outcome.task = add_task(membership, meeting, assignee=assignee, description=text, due=due,
                                    participant_ids=participant_ids, request=request)
        outcome.save()
        record("meetings.outcome.create", actor=membership.user, organisation=organisation, target=meeting, request=request,
               data={"outcome": outcome.pk, "kind": kind, "item": item, "number": outcome.reference})
    return outcome


def _check_outcome(meeting: Meeting, kind: str, item, text: str, assignee) -> str:
    """The outcome's text, stripped; ``ValidationError`` by field on bad input."""
    errors = {}
    if kind not in Outcome.Kind.values:
        errors["kind"] = _("Choose information, decision or task.")
    if not isinstance(item, int) or not 0 <= item <= len(meeting.agenda_items):
        errors["item"] = _("Choose an item of the agenda.")
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Write the information, the decision or the task.")
    if kind == Outcome.Kind.TASK and assignee is None:
        errors["assignee"] = _("Choose who does the task.")
    elif assignee is not None and assignee.organisation_id != meeting.organisation_id:
        errors["assignee"] = _("Choose a member of the organisation.")
    if errors:
        raise ValidationError(errors)
    return text[:5000]


def update_outcome(membership: Membership, outcome: Outcome, *, item: int, text: str, assignee: Membership | None = None,
                   due=None, participant_ids: set[int], request=None) -> Outcome:
    """Correct an outcome: its agenda item and text (and, for a task, its assignee and due date,
    the task following). Its kind and number stay: a decision keeps its number."""
    minutes = outcome.minutes
    meeting = minutes.meeting
    if not policies.can_edit_minutes(membership, meeting, participant_ids, minutes):
        raise PermissionDenied
    task = outcome.task if outcome.kind == Outcome.Kind.TASK else None
    text = _check_outcome(meeting, outcome.kind, item, text, assignee if task else None)
    before = {"item": outcome.item, "text": outcome.text}
    with transaction.atomic():
        outcome.item, outcome.text = item, text
        outcome.save(update_fields=["item", "text"])
        if task is not None:
            before.update(assignee=task.assignee_id, due=str(task.due or ""))
            task.description, task.assignee, task.due = text[:300], assignee, due
            task.save(update_fields=["description", "assignee", "due"])
            if assignee.pk != before["assignee"] and assignee.user_id != membership.user_id:
                _tell_assignee(task, meeting)
        record("meetings.outcome.update", actor=membership.user, organisation=outcome.organisation, target=meeting,
               request=request, data={"outcome": outcome.pk, "reference": outcome.reference, "before": before,
                                      "after": {"item": item, "text": text, **({"assignee": task.assignee_id, "due": str(due or "")} if task else {})}})
    return outcome


def delete_outcome(membership: Membership, outcome: Outcome, *, participant_ids: set[int], request=None) -> None:
    """Remove an outcome recorded by mistake, with the task it created. A decision's number is
    not given again (the register keeps a gap); once the minutes are published, a numbered
    decision stays: it is corrected, not removed."""
    minutes = outcome.minutes
    meeting = minutes.meeting
    if not policies.can_edit_minutes(membership, meeting, participant_ids, minutes):
        raise PermissionDenied
    if outcome.number is not None and minutes.status == Minutes.Status.PUBLISHED:
        raise ValidationError(_("%(reference)s is in published minutes: correct its text instead of removing it.")
                              % {"reference": outcome.reference})
    with transaction.atomic():
        record("meetings.outcome.delete", actor=membership.user, organisation=outcome.organisation, target=meeting,
               request=request, data={"outcome": outcome.pk, "kind": outcome.kind, "item": outcome.item, "text": outcome.text,
                                      "reference": outcome.reference, "task": outcome.task_id})
        if outcome.task_id:
            outcome.task.delete()
        outcome.delete()


def ask_contributions(membership: Membership, minutes: Minutes, membership_ids, *, request=None) -> int:
    """The organiser asks participants to add their part: it shows in their « Comptes-rendus
    en attente » until they save the minutes; each one is notified."""
    meeting = minutes.meeting
    if not policies.can_manage(membership, meeting):
        raise PermissionDenied
    if minutes.status != Minutes.Status.DRAFT:
        raise ValidationError(_("These minutes are published."))
    wanted = {int(i) for i in membership_ids if str(i).isdigit()} - {membership.pk}
    asked = list(Participant.objects.filter(meeting=meeting, organisation=meeting.organisation, membership_id__in=wanted)
                 .select_related("membership__user"))
    if not asked:
        raise ValidationError({"people": _("Choose at least one participant.")})
    now = timezone.now()
    Participant.objects.filter(pk__in=[p.pk for p in asked]).update(asked_to_contribute_at=now)
    record("meetings.minutes.ask", actor=membership.user, organisation=meeting.organisation, target=meeting, request=request,
           data={"participants": [p.membership_id for p in asked]})
    url = f"/{meeting.organisation.slug}/reunions/{meeting.pk}/compte-rendu/"
    users = [p.membership.user for p in asked]
    transaction.on_commit(lambda: [notify(u, _("Add your part to the minutes: %(title)s") % {"title": meeting.title}, url=url,
                                          organisation=meeting.organisation, email=False) for u in users])
    return len(asked)


def mark_minutes_read(participant: Participant, minutes: Minutes) -> None:
    """Published minutes opened by a participant: off their « to read » list."""
    if minutes.status != Minutes.Status.PUBLISHED or participant is None:
        return
    if participant.minutes_read_at is None or (minutes.published_at and participant.minutes_read_at < minutes.published_at):
        participant.minutes_read_at = timezone.now()
        Participant.objects.filter(pk=participant.pk).update(minutes_read_at=participant.minutes_read_at)


def _others(meeting: Meeting, membership: Membership | None) -> list:
    """Who is told about a change: the other participants and the external guests."""
    people = [p for p in meeting.participants.select_related("membership__user") if membership is None or p.membership_id != membership.pk]
    return people + list(Guest.objects.filter(meeting=meeting))


KEEP = object()  # reschedule_meeting(room=KEEP): the room is not changed


def _check_bookable(organisation, room, equipment) -> None:
    """The room and the items belong to the organisation, can be booked and are of their kind."""
    if room is not None and (room.organisation_id != organisation.pk or not room.is_active or room.kind != Resource.Kind.ROOM):
        raise ValidationError({"room": _("This room does not exist or cannot be booked.")})
    if any(e.organisation_id != organisation.pk or not e.is_active or e.kind != Resource.Kind.EQUIPMENT for e in equipment):
        raise ValidationError({"equipment": _("This equipment does not exist or cannot be booked.")})


def _check_not_locked(membership: Membership, event: Event) -> None:
    """A room (or an item) whose manager approved the booking is moved or changed by that
    manager or the director only: anyone else is told whom to ask, with nothing changed."""
    locked = agenda.is_locked(event)
    if locked and not agenda_policies.can_edit_event(membership, event, locked=locked):
        raise ValidationError(_("This booking was approved by reception: ask them to change it.") if "room" in locked
                              else _("This booking was approved by the equipment manager: ask them to change it."))


def booked_resources(meeting: Meeting) -> tuple[Resource | None, list[Resource]]:
    """The room and the equipment booked for the meeting in the agenda (its active allocations)."""
    allocations = (Allocation.objects.filter(organisation_id=meeting.organisation_id, occurrence__event_id=meeting.event_id,
                                             occurrence__cancelled=False, active=True, resource__isnull=False)
                   .select_related("resource").order_by("resource__name", "pk"))
    resources = [a.resource for a in allocations]
    room = next((r for r in resources if r.kind == Resource.Kind.ROOM), None)
    return room, [r for r in resources if r.kind == Resource.Kind.EQUIPMENT]


def _change_resources(membership: Membership, meeting: Meeting, kind: str, resources, start, end) -> None:
    """Book ``resources`` of ``kind`` for the meeting's occurrence instead of the current ones,
    through the agenda's conflict engine and booking rules (moderated rooms wait for approval)."""
    occurrence = meeting.event.occurrences.filter(cancelled=False).order_by("start").first()
    if occurrence is None:
        return
    agenda.replace_resources(membership, occurrence, kind, resources, start=start, end=end)


def reschedule_meeting(membership: Membership, meeting: Meeting, *, start, end, place: str | None = None, room=KEEP,
                       equipment=KEEP, request=None) -> Meeting:
    """Move the meeting (the agenda checks the room, the equipment and the people again),
    change its room or its equipment (checked by the agenda's conflict engine: a room or an
    item already booked changes nothing) or its place; the participants and guests get the
    update (METHOD:REQUEST, SEQUENCE + 1)."""
    if not policies.can_manage(membership, meeting):
        raise PermissionDenied
    if meeting.cancelled_at:
        raise ValidationError(_("This meeting is cancelled."))
    if start is None or end is None or end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    _check_bookable(meeting.organisation, None if room is KEEP else room, () if equipment is KEEP else equipment)
    before_room, before_equipment = booked_resources(meeting) if (room is not KEEP or equipment is not KEEP) else (None, [])
    room_changed = room is not KEEP and getattr(room, "pk", None) != getattr(before_room, "pk", None)
    equipment_changed = equipment is not KEEP and {e.pk for e in equipment} != {e.pk for e in before_equipment}
    place = meeting.event.place if place is None else place.strip()[:200]
    if room_changed and place == meeting.event.place:  # the place was not retyped: it follows the room
        place = room.name if room is not None else ("" if place == getattr(before_room, "name", None) else place)
    moved = (start, end) != (meeting.start, meeting.end)
    if not moved and not room_changed and not equipment_changed and place == meeting.event.place:
        return meeting
    if moved or room_changed or equipment_changed:
        _check_not_locked(membership, meeting.event)
    try:
        with transaction.atomic():
            event = meeting.event
            if room_changed or equipment_changed:  # first: moving then checks the new ones, not the old ones, at the new time
                if room_changed:
                    _change_resources(membership, meeting, Resource.Kind.ROOM, [room] if room is not None else [], start, end)
                if equipment_changed:
                    _change_resources(membership, meeting, Resource.Kind.EQUIPMENT, equipment, start, end)
            if moved:
                occurrence = event.occurrences.filter(cancelled=False).order_by("start").first()
                if occurrence is not None:
                    agenda.edit_occurrence(membership, occurrence, "this", start=start, end=end, request=request)
            Event.objects.filter(pk=event.pk).update(start=start, end=end, place=place)
            event.start, event.end, event.place = start, end, place
            before = (meeting.start.isoformat(), meeting.end.isoformat())
            meeting.start, meeting.end = start, end
            meeting.sequence += 1
            meeting.reminder_sent_at = None
            meeting.save(update_fields=["start", "end", "sequence", "reminder_sent_at"])
            data = {"from": before, "start": start.isoformat(), "end": end.isoformat(), "place": place, "sequence": meeting.sequence}
            if room_changed:
                data.update(room_from=getattr(before_room, "pk", None), room=getattr(room, "pk", None))
            if equipment_changed:
                data.update(equipment_from=[e.pk for e in before_equipment], equipment=[e.pk for e in equipment])
            record("meetings.reschedule", actor=membership.user, organisation=meeting.organisation, target=meeting, request=request,
                   data=data)
            others = _others(meeting, membership)
            _send_later(meeting, others, kind="update")
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint: someone booked the room first
        raise ValidationError({"room": _("This slot has just been booked by someone else.")}) from exc
    return meeting


def edit_meeting(membership: Membership, meeting: Meeting, *, title: str, objective: str, agenda_text: str, people=(),
                 contacts=None, inform: bool = True, overbook_reason: str = "", request=None) -> Meeting:
    """Change the title, the objective, the agenda, the participants or the external guests.

    People added are checked by the agenda's conflict engine and invited; people taken off the
    list are freed in the agenda and get a cancellation (METHOD:CANCEL) for their calendar, but
    someone who signed « present » stays; ``contacts`` None leaves the external guests as they
    are; when the title, the objective or the agenda changed, the others get the update
    (SEQUENCE + 1) unless ``inform`` is off."""
    if not policies.can_manage(membership, meeting):
        raise PermissionDenied
    if meeting.cancelled_at:
        raise ValidationError(_("This meeting is cancelled."))
    organisation = meeting.organisation
    title = (title or "").strip()[:200]
    if not title:
        raise ValidationError({"title": _("Enter a title.")})
    current = {p.membership_id: p for p in meeting.participants.select_related("membership__user", "attendance_signature")}
    organiser_pk = next((pk for pk, p in current.items() if p.membership.user_id == meeting.organiser_id), None)
    wanted = {m.pk: m for m in people if m.pk != organiser_pk}
    # only the people added are checked: someone kept whose account was since closed stays on the list
    if any(m.organisation_id != organisation.pk or not m.is_active for pk, m in wanted.items() if pk not in current):
        raise ValidationError({"people": _("This person is not a member of the organisation.")})
    # someone whose account was since closed cannot be picked any more: they stay as they were
    wanted.update({pk: p.membership for pk, p in current.items() if not p.membership.is_active and pk != organiser_pk})
    removed = [p for pk, p in current.items() if pk not in wanted and pk != organiser_pk]
    signed = [p for p in removed if p.attendance_signature_id]
    if signed:
        raise ValidationError({"people": _("%(name)s signed their attendance: they stay on the list.")
                               % {"name": signed[0].membership.user}})
    added = [m for pk, m in wanted.items() if pk not in current]
    guests = list(Guest.objects.filter(meeting=meeting).select_related("contact"))
    if contacts is None:
        contacts = [g.contact for g in guests if g.contact_id]
    contact_ids = {c.pk for c in contacts}
    gone_guests = [g for g in guests if g.contact_id is not None and g.contact_id not in contact_ids]
    staying = [g for g in guests if g not in gone_guests]
    known_contacts, known_emails = {g.contact_id for g in staying}, {g.email.strip().lower() for g in staying}
    new_contacts = [c for c in contacts if c.pk not in known_contacts and c.email.strip().lower() not in known_emails]
    _check_guests(organisation, new_contacts)  # those kept were checked when they were invited
    text_changed = (title, objective, agenda_text) != (meeting.title, meeting.objective, meeting.agenda)
    if not (added or removed or gone_guests or new_contacts or text_changed):
        return meeting
    with transaction.atomic():
        occurrence = meeting.event.occurrences.filter(cancelled=False).order_by("start").first()
        if occurrence is not None and (added or removed):
            everyone = [current[organiser_pk].membership] if organiser_pk in current else []
            agenda.replace_people(membership, occurrence, everyone + list(wanted.values()), overbook_reason=overbook_reason)
        Participant.objects.filter(pk__in=[p.pk for p in removed]).delete()
        invited = Participant.objects.bulk_create([Participant(organisation=organisation, meeting=meeting, membership=m)
                                                   for m in added])
        Guest.objects.filter(pk__in=[g.pk for g in gone_guests]).delete()
        invited += _add_guests(meeting, new_contacts)
        if text_changed:
            Event.objects.filter(pk=meeting.event_id).update(title=title, description=objective, updated_at=timezone.now())
            meeting.title, meeting.objective, meeting.agenda = title, objective, agenda_text
            if inform:
                meeting.sequence += 1
            meeting.save(update_fields=["title", "objective", "agenda", "sequence"])
        record("meetings.edit", actor=membership.user, organisation=organisation, target=meeting, request=request, data={
            "added": [m.pk for m in added], "removed": [p.membership_id for p in removed], "text_changed": text_changed,
            "guests_added": [c.pk for c in new_contacts], "guests_removed": [g.pk for g in gone_guests], "sequence": meeting.sequence})
        _send_later(meeting, invited)
        _send_later(meeting, [*removed, *gone_guests], kind="uninvite")
        if text_changed and inform:  # those just invited already have the new version
            fresh = {(type(p), p.pk) for p in invited}
            _send_later(meeting, [p for p in _others(meeting, membership) if (type(p), p.pk) not in fresh],
                        kind="update")
    return meeting


def cancel_meeting(membership: Membership, meeting: Meeting, *, request=None) -> Meeting:
    """Cancel: the agenda frees the room and the people; participants get METHOD:CANCEL."""
    if not policies.can_manage(membership, meeting):
        raise PermissionDenied
    if meeting.cancelled_at:
        return meeting
    with transaction.atomic():
        occurrence = meeting.event.occurrences.filter(cancelled=False).order_by("start").first()
        if occurrence is not None:
            agenda.cancel_occurrence(membership, occurrence, "all", request=request)
        meeting.cancelled_at = timezone.now()
        meeting.sequence += 1
        meeting.save(update_fields=["cancelled_at", "sequence"])
        record("meetings.cancel", actor=membership.user, organisation=meeting.organisation, target=meeting, request=request,
               data={"sequence": meeting.sequence})
        others = _others(meeting, membership)
        users = [p.membership.user for p in others if hasattr(p, "membership")]
        _send_later(meeting, others, kind="cancel")
        transaction.on_commit(lambda: [
            notify(u, _("Meeting cancelled: %(title)s") % {"title": meeting.title},
                   url=f"/{meeting.organisation.slug}/reunions/{meeting.pk}/", organisation=meeting.organisation, email=False)
            for u in users])
    return meeting


def send_reminders(now=None) -> int:
    """The day before: each participant of tomorrow's meetings is reminded, the external guests
    by e-mail (once per meeting and time: moving a meeting sends a new reminder); assignees of
    tasks due tomorrow too."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    meetings = list(Meeting.objects.filter(start__date=tomorrow, cancelled_at__isnull=True, reminder_sent_at__isnull=True)
                    .select_related("organisation", "event").prefetch_related("participants__membership__user", "guests"))
    sent = 0
    for meeting in meetings:
        start = timezone.localtime(meeting.start)
        title = _("Tomorrow at %(time)s: %(title)s") % {"time": start.strftime("%H:%M"), "title": meeting.title}
        for p in meeting.participants.all():
            if p.answer == Participant.Answer.DECLINED or not p.membership.is_active:
                continue
            notify(p.membership.user, title, body=meeting.event.place, url=f"/{meeting.organisation.slug}/reunions/{meeting.pk}/",
                   organisation=meeting.organisation)
            sent += 1
        # external guests: by e-mail, unless they declined
        sent += invitations.send_reminder(meeting, [g for g in meeting.guests.all() if g.answer != Participant.Answer.DECLINED])
        Meeting.objects.filter(pk=meeting.pk).update(reminder_sent_at=now)
    tasks = Task.objects.open().filter(due=tomorrow).select_related("assignee__user", "organisation")
    for task in tasks:
        notify(task.assignee.user, _("Task due tomorrow: %(task)s") % {"task": task.description},
               url=f"/{task.organisation.slug}/reunions/{task.meeting_id}/", organisation=task.organisation)
        sent += 1
    return sent


SIGNING_OPENS = timedelta(minutes=30)  # before the start
SIGNING_CLOSES = timedelta(hours=24)  # after the end


def attendance_content(participant: Participant) -> dict:
    """What a participant signs: who, which meeting, when and where, « present »."""
    meeting = participant.meeting
    return {"meeting": meeting.pk, "title": meeting.title, "start": meeting.start.isoformat(), "end": meeting.end.isoformat(),
            "place": meeting.event.place, "participant": participant.pk, "membership": participant.membership_id,
            "attendance": Participant.Attendance.PRESENT}


def can_sign_attendance(participant: Participant | None, now=None) -> bool:
    if participant is None or participant.attendance_signature_id or participant.meeting.cancelled_at:
        return False
    now = now or timezone.now()
    meeting = participant.meeting
    return meeting.start - SIGNING_OPENS <= now <= meeting.end + SIGNING_CLOSES


def sign_attendance(participant: Participant, sign, *, request=None) -> Participant:
    """Record « present » signed with the foundation's signing step: ``sign(content, purpose,
    target)`` re-authenticates the person (password or recent passkey) and returns the
    Signature, or None (the reason is on the form)."""
    if not can_sign_attendance(participant):
        raise ValidationError(_("Attendance can be signed from 30 minutes before the meeting until the day after."))
    with transaction.atomic():
        signature = sign(content=attendance_content(participant), purpose="meetings.attendance", target=participant.meeting)
        if signature is None:
            return participant
        participant.attendance = Participant.Attendance.PRESENT
        participant.attendance_signature = signature
        participant.save(update_fields=["attendance", "attendance_signature"])
        record("meetings.attendance.sign", actor=participant.membership.user, organisation=participant.organisation,
               target=participant.meeting, request=request, data={"participant": participant.pk, "code": signature.code})
    return participant


def record_attendance(membership: Membership, minutes: Minutes, values: dict[int, str], participant_ids: set[int], *,
                      guest_values: dict[int, str] | None = None, request=None) -> int:
    """Mark participants and guests present / excused / absent in the minutes. ``values``:
    participant pk → value, ``guest_values``: guest pk → value ("" clears the mark). A signed
    attendance stays « present ». Returns how many changed; errors are keyed like the form's
    fields (``attendance-<pk>``, ``guest-attendance-<pk>``)."""
    meeting = minutes.meeting
    if not policies.can_edit_minutes(membership, meeting, participant_ids, minutes):
        raise PermissionDenied
    scoped = {"organisation": minutes.organisation, "meeting": meeting}
    errors, changed = {}, {}
    for model, prefix, marks in ((Participant, "attendance", values), (Guest, "guest-attendance", guest_values or {})):
        rows = {row.pk: row for row in model.objects.filter(**scoped, pk__in=list(marks))} if marks else {}
        errors.update(_attendance_marks(rows, marks, prefix, changed.setdefault(model, [])))
    if errors:
        raise ValidationError(errors)
    if any(changed.values()):
        with transaction.atomic():
            for model, rows in changed.items():
                model.objects.bulk_update(rows, ["attendance"])
            record("meetings.attendance.record", actor=membership.user, organisation=minutes.organisation, target=meeting,
                   request=request, data={"attendance": {str(p.pk): p.attendance for p in changed[Participant]},
                                          "guests": {g.name: g.attendance for g in changed[Guest]}})
    return sum(len(rows) for rows in changed.values())


def _attendance_marks(rows: dict, marks: dict[int, str], prefix: str, changed: list) -> dict[str, str]:
    """Apply the marks to the rows found (others are ignored); return the errors by field."""
    errors = {}
    for pk, value in marks.items():
        row = rows.get(pk)
        if row is None:
            continue
        if value not in Attendance.values:
            errors[f"{prefix}-{pk}"] = _("Choose present, excused or absent.")
        elif getattr(row, "attendance_signature_id", None) and value != Attendance.PRESENT:
            errors[f"{prefix}-{pk}"] = _("This person signed the attendance sheet: they are present.")
        elif value != row.attendance:
            row.attendance = value
            changed.append(row)
    return errors


def save_meeting_type(membership: Membership, meeting_type: MeetingType | None = None, *, name: str, sections, default_invitees=(),
                      is_board: bool = False, is_funder: bool = False, request=None) -> MeetingType:
    """Add or change one of the organisation's meeting types: its minutes template (the
    sections), who is invited by default, and its actions (quorum and deliberations, funding
    follow-up)."""
    organisation = membership.organisation
    if not policies.can_manage_types(membership):
        raise PermissionDenied
    if meeting_type is not None and meeting_type.organisation_id != organisation.pk:
        raise PermissionDenied
    name = (name or "").strip()[:120]
    titles = [t.strip()[:120] for t in sections if t.strip()][:20]
    errors = {}
    if not name:
        errors["name"] = _("Enter a name.")
    elif MeetingType.objects.for_organisation(organisation).filter(name__iexact=name).exclude(pk=getattr(meeting_type, "pk", None)).exists():
        errors["name"] = _("A meeting type already has this name.")
    if not titles:
        errors["sections"] = _("Give the minutes at least one section.")
    invitees = list(default_invitees)
    if any(m.organisation_id != organisation.pk for m in invitees):
        errors["default_invitees"] = _("This person is not a member of the organisation.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        created = meeting_type is None
        meeting_type = meeting_type or MeetingType(organisation=organisation)
        meeting_type.name, meeting_type.sections = name, titles
        meeting_type.is_board, meeting_type.is_funder = bool(is_board), bool(is_funder)
        meeting_type.save()
        meeting_type.default_invitees.set(invitees)
        record("meetings.type.create" if created else "meetings.type.change", actor=membership.user, organisation=organisation,
               target=meeting_type, request=request, data={"name": name, "sections": titles, "invitees": [m.pk for m in invitees],
                                                           "board": meeting_type.is_board, "funder": meeting_type.is_funder})
    return meeting_type


def record_quorum(membership: Membership, minutes: Minutes, *, voting_members: int, voting_present: int, request=None) -> Minutes:
    """Board meetings: members with voting rights and those present or represented; the
    quorum is met with more than half of them."""
    meeting = minutes.meeting
    if not meeting.meeting_type.is_board:
        raise ValidationError(_("Only a board meeting records a quorum."))
    if not policies.can_manage(membership, meeting):
        raise PermissionDenied
    errors = {}
    if voting_members is None or voting_members < 1:
        errors["voting_members"] = _("Enter the number of members with voting rights.")
    if voting_present is None or voting_present < 0:
        errors["voting_present"] = _("Enter the number of members present or represented.")
    elif voting_members and voting_present > voting_members:
        errors["voting_present"] = _("There cannot be more members present than members with voting rights.")
    if errors:
        raise ValidationError(errors)
    minutes.voting_members, minutes.voting_present = voting_members, voting_present
    minutes.save(update_fields=["voting_members", "voting_present", "updated_at"])
    record("meetings.quorum", actor=membership.user, organisation=minutes.organisation, target=meeting, request=request,
           data={"members": voting_members, "present": voting_present, "met": minutes.quorum_met})
    return minutes


def add_funding_followup(membership: Membership, minutes: Minutes, *, title: str, day, participant_ids: set[int],
                         request=None) -> Outcome:
    """Funder meetings: a follow-up deadline in the agenda's funding planning (an event of
    kind « funding deadline », reminded 30 and 7 days before), recorded among the outcomes."""
    from datetime import datetime, time

    from maillon.agenda.recurrence import PARIS

    meeting = minutes.meeting
    if not meeting.meeting_type.is_funder:
        raise ValidationError(_("Only a funder meeting adds a funding follow-up deadline."))
    if not policies.can_write_minutes(membership, meeting, participant_ids):
        raise PermissionDenied
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Enter a title.")
    if day is None:
        errors["day"] = _("Enter a date.")
    if errors:
        raise ValidationError(errors)
    start = datetime.combine(day, time(9, 0), tzinfo=PARIS)
    with transaction.atomic():
        try:
            result = agenda.create_event(membership, title=title, start=start, end=start + timedelta(hours=1), kind=Event.Kind.FUNDING,
                                         description=_("Follow-up of « %(meeting)s »") % {"meeting": meeting.title},
                                         reminder_days=[30, 7], allow_past=True, request=request)
        except PermissionDenied:
            raise ValidationError({"title": _("Only the director adds deadlines to the funding planning.")}) from None
        outcome = Outcome.objects.create(
            organisation=minutes.organisation, minutes=minutes, item=0, kind=Outcome.Kind.INFORMATION, event=result.event,
            text=_("Funding follow-up deadline: %(title)s, %(day)s") % {"title": title, "day": _date(day)},
            created_by=membership.user)
        record("meetings.funding_followup", actor=membership.user, organisation=minutes.organisation, target=meeting,
               request=request, data={"event": result.event.pk, "day": day.isoformat()})
    return outcome


def _date(day) -> str:
    from django.utils.formats import date_format

    return date_format(day, "j F Y")

"""Every write of the meetings app about meetings themselves: default types, meetings (booked
through the agenda), invitations and answers, changes (rescheduling, details), cancellation,
reminders. The minutes, their outcomes, tasks and attendance are in ``services_minutes``.
Each write is audited."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.models import Membership
from maillon.agenda import conflicts as engine
from maillon.agenda import policies as agenda_policies
from maillon.agenda import services as agenda
from maillon.agenda.models import Allocation, Event, Resource
from maillon.audit.services import record
from maillon.core.prepared import prepared
from maillon.notifications.services import notify

from . import invitations, policies
from .models import (
    Guest,
    Meeting,
    MeetingType,
    Minutes,
    MinutesRevision,
    Participant,
    Series,
    Task,
)
from .signals import meeting_changed

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
                   send_email: bool = True, allow_past: bool = False, contacts=(), overbook_reason: str = "",
                   request=None) -> Meeting:
    """Book the meeting in the agenda (its conflict engine checks the room, the equipment and
    the people), then record the meeting, its participants and empty minutes; invitations go after commit.

    With ``overbook_reason``, a coordinator invites people who are on a shift at that time (the
    agenda records the reason); leave, a closure or another meeting still refuse."""
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
        _refuse_what_no_reason_overrides(organisation, start, end, [membership, *people], overbook_reason)
        result = agenda.create_event(
            membership, title=title, start=start, end=end, kind=Event.Kind.MEETING, resources=resources,
            people=[membership, *people], place=room.name if room else "", description=objective,
            allow_past=allow_past, overbook_reason=overbook_reason, request=request,
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
                     "contacts": [c.pk for c in contacts],
                     **({"overbook_reason": overbook_reason.strip()} if overbook_reason.strip() else {})})
    invited = [p for p in participants if p.membership_id != membership.pk] + guests
    if send_email and invited:
        _send_later(meeting, invited)
    return meeting


def _refuse_what_no_reason_overrides(organisation, start, end, people, overbook_reason: str, *, exclude=()) -> None:
    """With a reason, the agenda books people who are busy (a shift); for a meeting, leave, a
    closure or another meeting still refuse, whatever the reason: checked here first."""
    if not overbook_reason.strip() or not people:
        return
    found = engine.check(organisation, [(start, end)], (), [m.user_id for m in people], exclude_occurrences=exclude)
    hard = [c for c in found if engine.is_hard(c)]
    if hard:
        raise agenda.ConflictError(hard)


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


@prepared(organisation=-820_011, event=-820_012)  # stand-ins (core.prepared): compiled once per process
def _allocations(organisation, event):
    return (Allocation.objects.filter(organisation_id=organisation, occurrence__event_id=event, occurrence__cancelled=False,
                                      active=True, resource__isnull=False)
            .select_related("resource").order_by("resource__name", "pk"))


def booked_resources(meeting: Meeting) -> tuple[Resource | None, list[Resource]]:
    """The room and the equipment booked for the meeting in the agenda (its active allocations)."""
    resources = [a.resource for a in _allocations(organisation=meeting.organisation_id, event=meeting.event_id)]
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
    changes = {"start": (meeting.start, start), "end": (meeting.end, end)} if moved else {}
    if place != meeting.event.place:
        changes["place"] = (meeting.event.place, place)
    if room_changed:
        changes["room"] = (getattr(before_room, "name", ""), getattr(room, "name", ""))
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
            if changes:
                meeting_changed.send(sender=Meeting, meeting=meeting, changes=changes)
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
            _refuse_what_no_reason_overrides(organisation, occurrence.start, occurrence.end, added, overbook_reason,
                                             exclude=[occurrence.pk])
            everyone = [current[organiser_pk].membership] if organiser_pk in current else []
            agenda.replace_people(membership, occurrence, everyone + list(wanted.values()), overbook_reason=overbook_reason)
        Participant.objects.filter(pk__in=[p.pk for p in removed]).delete()
        invited = Participant.objects.bulk_create([Participant(organisation=organisation, meeting=meeting, membership=m)
                                                   for m in added])
        Guest.objects.filter(pk__in=[g.pk for g in gone_guests]).delete()
        invited += _add_guests(meeting, new_contacts)
        if text_changed:
            Event.objects.filter(pk=meeting.event_id).update(title=title, description=objective, updated_at=timezone.now())
            renamed = (meeting.title, title) if title != meeting.title else None
            meeting.title, meeting.objective, meeting.agenda = title, objective, agenda_text
            if inform:
                meeting.sequence += 1
            meeting.save(update_fields=["title", "objective", "agenda", "sequence"])
            if renamed and inform:  # a new title is how registrants know the event; the objective and agenda are not told
                meeting_changed.send(sender=Meeting, meeting=meeting, changes={"title": renamed})
        record("meetings.edit", actor=membership.user, organisation=organisation, target=meeting, request=request, data={
            "added": [m.pk for m in added], "removed": [p.membership_id for p in removed], "text_changed": text_changed,
            "guests_added": [c.pk for c in new_contacts], "guests_removed": [g.pk for g in gone_guests], "sequence": meeting.sequence,
            **({"overbook_reason": overbook_reason.strip()} if overbook_reason.strip() and added else {})})
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
        meeting_changed.send(sender=Meeting, meeting=meeting, changes={"cancelled": True})
        transaction.on_commit(lambda: [
            notify(u, _("Meeting cancelled: %(title)s") % {"title": meeting.title},
                   url=f"/{meeting.organisation.slug}/reunions/{meeting.pk}/", organisation=meeting.organisation, kind="meetings.cancel")
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
                   organisation=meeting.organisation, kind="meetings.reminder")
            sent += 1
        # external guests: by e-mail, unless they declined
        sent += invitations.send_reminder(meeting, [g for g in meeting.guests.all() if g.answer != Participant.Answer.DECLINED])
        Meeting.objects.filter(pk=meeting.pk).update(reminder_sent_at=now)
    tasks = Task.objects.open().filter(due=tomorrow).select_related("assignee__user", "organisation")
    for task in tasks:
        notify(task.assignee.user, _("Task due tomorrow: %(task)s") % {"task": task.description},
               url=f"/{task.organisation.slug}/reunions/{task.meeting_id}/", organisation=task.organisation, kind="meetings.task")
        sent += 1
    return sent


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

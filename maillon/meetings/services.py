"""Every write of the meetings app: default types, meetings (booked through the agenda),
answers, minutes with optimistic concurrency, tasks. Each is audited."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.models import Membership
from maillon.agenda import services as agenda
from maillon.agenda.models import Event
from maillon.audit.services import record
from maillon.notifications.services import notify

from . import invitations, policies
from .models import Meeting, MeetingType, Minutes, MinutesRevision, Participant, Series, Task

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
                                              defaults={"is_board": board, "sections": sections, "order": order})
        types = list(MeetingType.objects.for_organisation(organisation))
    return types


def _sections_for(meeting_type: MeetingType) -> list[dict]:
    titles = meeting_type.sections or [_("Notes")]
    return [{"key": f"s{i}", "title": title, "text": ""} for i, title in enumerate(titles, start=1)]


def create_meeting(membership: Membership, *, title: str, meeting_type: MeetingType, start, end, people=(), room=None,
                   objective: str = "", agenda_text: str = "", series: Series | None = None, new_series: bool = False,
                   send_email: bool = True, allow_past: bool = False, base_url: str = "", request=None) -> Meeting:
    """Book the meeting in the agenda (its conflict engine checks the room and the people),
    then record the meeting, its participants and empty minutes; invitations go after commit."""
    organisation = membership.organisation
    if meeting_type.organisation_id != organisation.pk:
        raise ValidationError({"meeting_type": _("Choose a meeting type.")})
    if series is not None and series.organisation_id != organisation.pk:
        raise ValidationError({"series": _("This series does not exist.")})
    people = list({m.pk: m for m in people if m.pk != membership.pk}.values())
    resources = [room] if room is not None else []
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
        minutes = Minutes.objects.create(organisation=organisation, meeting=meeting, sections=_sections_for(meeting_type), version=1)
        MinutesRevision.objects.create(organisation=organisation, minutes=minutes, version=1, sections=minutes.sections,
                                       author=membership.user)
        record("meetings.create", actor=membership.user, organisation=organisation, target=meeting, request=request,
               data={"people": [m.pk for m in people], "room": room.pk if room else None, "series": series.pk if series else None})
    invited = [p for p in participants if p.membership_id != membership.pk]
    if send_email and invited:
        transaction.on_commit(lambda: invitations.send_invitations(meeting, invited, base_url=base_url))
    return meeting


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
    if not policies.can_write_minutes(membership, meeting, participant_ids):
        raise PermissionDenied
    if minutes.status == Minutes.Status.PUBLISHED and not policies.can_manage(membership, meeting):
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
        record("meetings.minutes.save", actor=membership.user, organisation=current.organisation, target=meeting,
               request=request, data={"version": current.version, "sections": changed})
    return current


def _clean(text: str) -> str:
    return (text or "").replace("\r\n", "\n").strip()[:20000]


def publish_minutes(membership: Membership, minutes: Minutes, *, request=None) -> Minutes:
    meeting = minutes.meeting
    if not policies.can_manage(membership, meeting):
        raise PermissionDenied
    with transaction.atomic():
        minutes.status = Minutes.Status.PUBLISHED
        minutes.save(update_fields=["status", "updated_at"])
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
        transaction.on_commit(lambda: notify(assignee.user, _("New task: %(task)s") % {"task": task.description},
                                             url=f"/{meeting.organisation.slug}/reunions/{meeting.pk}/",
                                             organisation=meeting.organisation, email=False))
    return task


def complete_task(membership: Membership, task: Task, *, done: bool = True, request=None) -> Task:
    if not policies.can_complete_task(membership, task):
        raise PermissionDenied
    task.done = done
    task.done_at = timezone.now() if done else None
    task.save(update_fields=["done", "done_at"])
    record("meetings.task.done" if done else "meetings.task.reopen", actor=membership.user,
           organisation=task.organisation, target=task.meeting, request=request, data={"task": task.pk})
    return task


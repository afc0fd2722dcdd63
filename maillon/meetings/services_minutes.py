"""Every write of the minutes of a meeting: contributions with optimistic concurrency,
publication, outcomes of the agenda items (numbered decisions, tasks), tasks, attendance
(marked or signed), the quorum of a board meeting, a funder meeting's follow-up deadline.
The meetings themselves are in ``services``. Each write is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.accounts.models import Membership
from maillon.agenda import services as agenda
from maillon.agenda.models import Event
from maillon.audit.services import record
from maillon.notifications.services import notify

from . import policies
from .models import (
    Attendance,
    Guest,
    Meeting,
    Minutes,
    MinutesRevision,
    Outcome,
    Participant,
    RecordCounter,
    Task,
)


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
                                              organisation=meeting.organisation, kind="meetings.minutes") for u in people])
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
                                         organisation=meeting.organisation, kind="meetings.task"))


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
                                          organisation=meeting.organisation, kind="meetings.contribution") for u in users])
    return len(asked)


def mark_minutes_read(participant: Participant, minutes: Minutes) -> None:
    """Published minutes opened by a participant: off their « to read » list."""
    if minutes.status != Minutes.Status.PUBLISHED or participant is None:
        return
    if participant.minutes_read_at is None or (minutes.published_at and participant.minutes_read_at < minutes.published_at):
        participant.minutes_read_at = timezone.now()
        Participant.objects.filter(pk=participant.pk).update(minutes_read_at=participant.minutes_read_at)


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


def mark_arrival(meeting: Meeting, user, *, present: bool, name: str, organisation_name: str = "", guest_id: int | None = None,
                 actor=None, request=None) -> tuple[Participant | Guest | None, bool]:
    """Attendance from another app's reception list (the events of a space): ``user`` ticked as
    arrived is « present », unticked is « not recorded » again. A participant's own row is
    marked (a signed attendance stays « present »); anyone else is a guest of the meeting in
    their name, ``organisation_name`` beside it: created at the first tick (returned with
    ``True``), found again by ``guest_id`` (or the e-mail address), taken away when unticked if
    ``guest_id`` names it. The caller checks who may tick. Returns (row or None, created)."""
    participant = (Participant.objects.filter(meeting=meeting, organisation_id=meeting.organisation_id,
                                              membership__user=user, membership__organisation_id=meeting.organisation_id).first())
    value = Attendance.PRESENT if present else Attendance.UNKNOWN
    created = removed = False
    with transaction.atomic():
        row = participant
        if participant is not None:
            if not participant.attendance_signature_id and participant.attendance != value:
                participant.attendance = value
                participant.save(update_fields=["attendance"])
        else:
            guests = Guest.objects.filter(meeting=meeting, organisation_id=meeting.organisation_id)
            row = guests.filter(pk=guest_id).first() if guest_id else None
            if row is None and user.email:
                row = guests.filter(email__iexact=user.email).first()
            if row is None and present:
                row = Guest.objects.create(organisation_id=meeting.organisation_id, meeting=meeting, name=name[:200],
                                           organisation_name=organisation_name[:200], email=user.email, answer=Participant.Answer.ACCEPTED,
                                           answered_at=timezone.now(), attendance=value)
                created = True
            elif row is not None and not present and row.pk == guest_id:
                row.delete()
                row, removed = None, True
            elif row is not None and row.attendance != value:
                row.attendance = value
                row.save(update_fields=["attendance"])
        record("meetings.attendance.arrival", actor=actor, organisation=meeting.organisation, target=meeting, request=request,
               data={"user": user.pk, "present": present, "participant": getattr(participant, "pk", None),
                     "guest": None if participant is not None or row is None else row.pk, "guest_created": created,
                     "guest_removed": removed})
    return row, created


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

"""Meetings: types (with their minutes template), series, meetings (each one an agenda event),
participants and their answers, minutes written together (versioned), tasks.

- ``MeetingType``: shipped by default per organisation (board, team, COPIL, COORDO, funder);
  ``sections`` are the titles of the minutes template.
- ``Meeting``: linked one-to-one to an agenda ``Event`` (kind « meeting »): the agenda's
  conflict engine books the room and the people.
- ``Minutes``: one per meeting, its sections as a list of ``{"key", "title", "text"}`` and a
  ``version``; every saved version is kept in ``MinutesRevision`` so that a stale save can be
  merged section by section against the version its author started from.
- ``Task``: created in a meeting; an open task of a series is shown in every later meeting of
  that series until it is done.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import TenantModel, TenantQuerySet


class MeetingType(TenantModel):
    name = models.CharField(_("name"), max_length=120)
    sections = models.JSONField(_("minutes sections"), default=list, blank=True)
    is_board = models.BooleanField(_("records quorum and deliberations"), default=False)
    is_funder = models.BooleanField(_("can add a follow-up deadline to the funding planning"), default=False)
    default_invitees = models.ManyToManyField("accounts.Membership", blank=True, related_name="+", verbose_name=_("invited by default"))
    order = models.PositiveSmallIntegerField(default=100)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting type")
        verbose_name_plural = _("meeting types")
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="meeting_type_unique_name")]

    def __str__(self) -> str:
        return self.name


class Series(TenantModel):
    title = models.CharField(_("title"), max_length=200)
    meeting_type = models.ForeignKey(MeetingType, on_delete=models.PROTECT, related_name="series", verbose_name=_("type"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class MeetingQuerySet(TenantQuerySet):
    def visible_to(self, membership):
        """Participants and the organiser see a meeting; coordinators and the director see all."""
        return self.visible_to_ids(membership.pk, membership.user_id, overseer=membership.has_role("coordinator", "director"))

    def visible_to_ids(self, membership_id, user_id, *, overseer: bool):
        """``visible_to`` from ids (no read of the person's user; prepared queries pass ids)."""
        if overseer:
            return self
        return self.filter(models.Q(organiser_id=user_id) | models.Q(participants__membership_id=membership_id)).distinct()


class Meeting(TenantModel):
    title = models.CharField(_("title"), max_length=200)
    meeting_type = models.ForeignKey(MeetingType, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("type"))
    series = models.ForeignKey(Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings", verbose_name=_("series"))
    event = models.OneToOneField("agenda.Event", on_delete=models.CASCADE, related_name="meeting")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    objective = models.TextField(_("objective"), blank=True)
    agenda = models.TextField(_("agenda (one item per line)"), blank=True)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("organiser"))
    created_at = models.DateTimeField(auto_now_add=True)
    # iCalendar SEQUENCE: raised by every change sent to the participants (time, place, cancellation).
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["start"]
        indexes = [models.Index(fields=["organisation", "start"], name="meetings_org_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class Answer(models.TextChoices):
    PENDING = "pending", _("No answer yet")
    ACCEPTED = "accepted", _("Attending")
    DECLINED = "declined", _("Not attending")
    MAYBE = "maybe", _("Maybe")


class KnownAttendance:
    """Present / excused / absent of a participant or a guest: as marked in the minutes;
    otherwise what is known: signed « present » → present, declined the invitation → excused;
    else not recorded ("")."""

    @property
    def known_attendance(self) -> str:
        if self.attendance:
            return self.attendance
        if getattr(self, "attendance_signature_id", None):
            return Attendance.PRESENT
        if self.answer == Answer.DECLINED:
            return Attendance.EXCUSED
        return Attendance.UNKNOWN

    def get_known_attendance_display(self) -> str:
        return Attendance(self.known_attendance).label


class Participant(KnownAttendance, TenantModel):
    Answer = Answer
    Attendance = Attendance

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices, default=Answer.PENDING)
    attendance = models.CharField(_("attendance"), max_length=20, choices=Attendance.choices, default="", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # « Comptes-rendus en attente »: asked by the organiser to add a part, last saved a part,
    # last opened the published minutes.
    asked_to_contribute_at = models.DateTimeField(null=True, blank=True)
    contributed_at = models.DateTimeField(null=True, blank=True)
    minutes_read_at = models.DateTimeField(null=True, blank=True)
    # Signed attendance (feuille d'émargement): the foundation's signature of « present ».
    attendance_signature = models.ForeignKey("accounts.Signature", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "membership"], name="participant_once_per_meeting")]


class Minutes(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being written")
        PUBLISHED = "published", _("Published")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    sections = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Board meetings: the quorum (members with voting rights present / members with voting rights).
    voting_members = models.PositiveIntegerField(_("members with voting rights"), null=True, blank=True)
    voting_present = models.PositiveIntegerField(_("present or represented"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    @property
    def quorum_required(self) -> int | None:
        """More than half of the members with voting rights."""
        return None if self.voting_members is None else self.voting_members // 2 + 1

    @property
    def quorum_met(self) -> bool | None:
        if self.voting_members is None or self.voting_present is None:
            return None
        return self.voting_present >= self.quorum_required

    def texts(self) -> dict[str, str]:
        return {s["key"]: s["text"] for s in self.sections}


class MinutesRevision(TenantModel):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    sections = models.JSONField(default=list)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["minutes", "version"], name="minutes_revision_unique_version")]


class TaskQuerySet(TenantQuerySet):
    def open(self):
        return self.filter(done=False)

    def carried_to(self, meeting: Meeting):
        """Tasks shown in a meeting: its own, and the open ones of earlier meetings of its series.
        Read through the meeting ids (the task's meeting index), never an OR across the join to
        meetings, which made the database scan every task or membership of the instance (the
        meeting page grew with the whole federation's history, issue 14)."""
        if not meeting.series_id:
            return self.filter(meeting_id=meeting.pk)
        earlier = Meeting.objects.filter(series_id=meeting.series_id, start__lt=meeting.start).values("pk")
        return self.filter(models.Q(meeting_id=meeting.pk) | models.Q(meeting_id__in=earlier, done=False))


class Task(TenantModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="+", verbose_name=_("assignee"))
    description = models.CharField(_("task"), max_length=300)
    due = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["done", "due", "pk"]
        indexes = [models.Index(fields=["assignee", "done"], name="meetings_task_assignee")]

    def __str__(self) -> str:
        return self.description


class RecordCounter(TenantModel):
    """The last number given in a register (decisions, deliberations) for one year: numbers
    are taken under a row lock and never given again, even if the record is removed."""

    register = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "register", "year"], name="meetings_counter_unique")]


class Outcome(TenantModel):
    """What an agenda item led to: an information, a numbered decision (a deliberation for a
    board), or a task (the ``Task`` it created)."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        DECISION = "decision", _("Decision")
        TASK = "task", _("Task")

    class Register(models.TextChoices):
        DECISION = "decision", _("Decision")
        DELIBERATION = "deliberation", _("Deliberation")

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="outcomes")
    item = models.PositiveSmallIntegerField(_("agenda item"), default=0)  # 1-based; 0: other business
    kind = models.CharField(_("outcome"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"))
    register = models.CharField(max_length=20, choices=Register.choices, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    task = models.OneToOneField(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="outcome")
    event = models.ForeignKey("agenda.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")  # funding follow-up
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["item", "pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "register", "year", "number"],
                                               condition=models.Q(number__isnull=False), name="meetings_outcome_unique_number")]

    @property
    def reference(self) -> str:
        """« Décision 2026-07 », « Délibération 2026-02 »."""
        if self.number is None:
            return ""
        label = _("Deliberation") if self.register == self.Register.DELIBERATION else _("Decision")
        return f"{label} {self.year}-{self.number:02d}"


class Guest(KnownAttendance, TenantModel):
    """An external contact of the directory invited to a meeting: no account; invited by
    e-mail with the .ics, answers through the signed link of the e-mail. Having no account,
    a guest signs the printed sheet; whoever edits the minutes marks their attendance."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    contact = models.ForeignKey("directory.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices, default=Answer.PENDING)
    attendance = models.CharField(_("attendance"), max_length=20, choices=Attendance.choices, default="", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "email"], name="guest_once_per_meeting")]

    def __str__(self) -> str:
        return self.name

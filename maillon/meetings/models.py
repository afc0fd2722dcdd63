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
        if membership.has_role("coordinator", "director"):
            return self
        return self.filter(models.Q(organiser=membership.user) | models.Q(participants__membership=membership)).distinct()


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


class Participant(TenantModel):
    class Answer(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        ACCEPTED = "accepted", _("Attending")
        DECLINED = "declined", _("Not attending")
        MAYBE = "maybe", _("Maybe")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Not recorded")
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices, default=Answer.PENDING)
    attendance = models.CharField(_("attendance"), max_length=20, choices=Attendance.choices, default="", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

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
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = TenantQuerySet.as_manager()

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
        """Tasks shown in a meeting: its own, and the open ones of earlier meetings of its series."""
        q = models.Q(meeting=meeting)
        if meeting.series_id:
            q |= models.Q(meeting__series_id=meeting.series_id, meeting__start__lt=meeting.start, done=False)
        return self.filter(q)


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

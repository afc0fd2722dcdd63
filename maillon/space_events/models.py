"""Events of a space: a meeting of the space's owner organisation (meetings app: its venue and
room are booked through the agenda) opened to the space's members, whatever their organisation.

- ``SpaceEvent``: the meeting, the space, the number of places (``capacity``).
- ``Registration``: one per person and event. ``registered`` people hold a place; ``waiting``
  people queue in the order of ``queued_at`` (then pk) and the first one takes a freed place;
  ``cancelled`` rows are kept (registering again queues at the end). ``arrived_at``: ticked by
  a host on the reception list of the day, which marks the person present in the meeting's
  attendance (meetings app).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import Organisation


class SpaceEventQuerySet(models.QuerySet):
    def of_space(self, space):
        return self.filter(space=space)

    def with_meeting(self):
        return self.select_related("meeting", "meeting__event", "meeting__series", "meeting__meeting_type", "meeting__minutes")

    def with_counts(self):
        return self.annotate(
            registered_count=models.Count("registrations", filter=models.Q(registrations__status=Registration.Status.REGISTERED)),
            waiting_count=models.Count("registrations", filter=models.Q(registrations__status=Registration.Status.WAITING)),
        )


class SpaceEvent(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="events")
    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="space_event")
    capacity = models.PositiveIntegerField(_("places"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SpaceEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event of a space")
        verbose_name_plural = _("events of the spaces")
        constraints = [models.CheckConstraint(condition=models.Q(capacity__gte=1), name="space_event_capacity_positive")]

    def __str__(self) -> str:
        return self.meeting.title

    @property
    def start(self):
        return self.meeting.start

    @property
    def is_past(self) -> bool:
        return self.meeting.end <= timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.meeting.cancelled_at is not None


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(SpaceEvent, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_event_registrations")
    # The organisation the person comes from (for the reception list), None for someone without one.
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    queued_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    arrived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The meeting's guest row the first tick created for someone who is not a participant (the
    # meetings app's attendance), taken away when unticked.
    attendance_guest = models.ForeignKey("meetings.Guest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["queued_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="space_event_registration_once")]
        indexes = [models.Index(fields=["event", "status", "queued_at"], name="space_event_reg_queue"),
                   models.Index(fields=["user", "status"], name="space_event_reg_user")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_status_display()})"

"""Events, their occurrences, bookable resources and allocations.

- ``Resource``: a room or an item of equipment (people are resources through their membership).
- ``Event``: what happens (activity, funding deadline, team shift, meeting, booking), with an
  optional RFC 5545 recurrence rule (``rrule``) expanded in Europe/Paris wall time.
- ``Occurrence``: one materialised instance of an event (a single event has one). Editing
  « this one » changes one occurrence; « this and following » splits the series.
- ``Allocation``: a resource or a person on one occurrence. ``block_end`` is ``end`` plus the
  room's buffer, so two allocations of a resource conflict when [start, block_end) overlap.
  On PostgreSQL a range exclusion constraint (migration 0003) is the last guard.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import Sector, TenantModel, TenantQuerySet


class Resource(TenantModel):
    class Kind(models.TextChoices):
        ROOM = "room", _("Room")
        EQUIPMENT = "equipment", _("Equipment")

    class Category(models.TextChoices):
        MULTIPURPOSE_ROOM = "multipurpose", _("Multi-purpose room")
        MEETING_ROOM = "meeting", _("Meeting room")
        VEHICLE = "vehicle", _("Vehicle")
        PROJECTOR = "projector", _("Projector")
        LAPTOP = "laptop", _("Laptop")
        OTHER = "other", _("Other equipment")

    # Categories whose booking needs an administrative procedure (order of mission, mileage
    # claim): booking one calls the hooks of ``maillon.agenda.hooks``.
    PROCEDURE_CATEGORIES = frozenset({Category.VEHICLE})

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity (people)"), null=True, blank=True)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    location = models.CharField(_("location"), max_length=120, blank=True)
    is_active = models.BooleanField(_("bookable"), default=True)
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between bookings (minutes)"), default=0, help_text=_("For example 15 minutes for cleaning.")
    )
    moderated = models.BooleanField(
        _("moderated"), default=False, help_text=_("Bookings by ordinary staff wait for the manager's approval.")
    )
    # Served only through ``views.resource_photo`` (members of the organisation), never from /media/.
    photo = models.ImageField(_("photo"), upload_to="agenda/photos/", blank=True)
    waits_for_procedure = models.BooleanField(
        _("booking waits for its procedure"), default=False,
        help_text=_("For a vehicle: the booking is confirmed only once the order of mission is approved."),
    )

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="resource_unique_name_per_organisation")]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_procedure(self) -> bool:
        return self.category in self.PROCEDURE_CATEGORIES


class EventQuerySet(TenantQuerySet):
    pass


class Event(TenantModel):
    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Activity / highlight")
        FUNDING = "funding", _("Funding deadline")
        SHIFT = "shift", _("Team shift")
        MEETING = "meeting", _("Meeting")
        BOOKING = "booking", _("Booking")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("To be approved")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ACTIVITY)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    sector = models.ForeignKey(Sector, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("sector"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    # First occurrence, in UTC (shown in Europe/Paris). The rule repeats its local wall time.
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(_("all day"), default=False)
    rrule = models.CharField(_("recurrence rule"), max_length=300, blank=True, help_text="RFC 5545 RRULE, e.g. FREQ=WEEKLY;UNTIL=20270630T235959")
    exdates = models.JSONField(_("excluded dates"), default=list, blank=True)  # local ISO datetimes
    series_parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("split from"))
    reminder_days = models.JSONField(_("reminders (days before)"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule)


class OccurrenceQuerySet(TenantQuerySet):
    def between(self, start, end):
        return self.filter(start__lt=end, end__gt=start, cancelled=False)


class Occurrence(TenantModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrences")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # The start the rule gave (RECURRENCE-ID), kept when « this one » is moved.
    original_start = models.DateTimeField()
    detached = models.BooleanField(default=False)  # edited on its own
    cancelled = models.BooleanField(default=False)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        # A period's occurrences start before its end and end after its start: the second index
        # reads only those that end after the period began, not the organisation's whole history
        # (the agenda's count and week, issue 14).
        indexes = [models.Index(fields=["organisation", "start"], name="agenda_occ_org_start"),
                   models.Index(fields=["organisation", "end"], name="agenda_occ_org_end")]

    def __str__(self) -> str:
        return f"{self.event} ({self.start:%Y-%m-%d %H:%M})"


class AllocationQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(active=True)


class Allocation(TenantModel):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        PENDING = "pending", _("Awaiting approval")
        AWAITING_PROCEDURE = "awaiting_procedure", _("Awaiting its procedure")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="allocations")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="allocations")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, null=True, blank=True, related_name="allocations")
    start = models.DateTimeField()
    end = models.DateTimeField()
    block_end = models.DateTimeField()  # end + the resource's buffer
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    active = models.BooleanField(default=True)  # pending or confirmed: blocks the slot
    overbooking_reason = models.CharField(max_length=300, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["resource", "start"], name="agenda_alloc_res_start"),
            models.Index(fields=["membership", "block_end"], name="agenda_alloc_mem_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(resource__isnull=False) & models.Q(membership__isnull=True))
                | (models.Q(resource__isnull=True) & models.Q(membership__isnull=False)),
                name="allocation_resource_xor_person",
            ),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="allocation_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.resource or self.membership} {self.start:%Y-%m-%d %H:%M}"


class CalendarToken(TenantModel):
    """A secret for the iCalendar feeds (phone subscriptions). Only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return secrets.token_urlsafe(24)


# ---- team plannings (« plannings d'équipe ») and closures ---------------------------------


class Qualification(models.TextChoices):
    BAFA = "bafa", "BAFA"
    BAFD = "bafd", "BAFD"
    PSC1 = "psc1", "PSC1"
    SB = "sb", _("Lifeguard (SB)")


class WorkProfile(TenantModel):
    """A person's contract in the organisation: type, weekly hours, qualifications."""

    class Contract(models.TextChoices):
        CDI = "cdi", _("Permanent contract (CDI)")
        CDD = "cdd", _("Fixed-term contract (CDD)")
        PART_TIME = "part_time", _("Part time")
        CEE = "cee", _("Educational commitment contract (CEE)")
        CIVIC = "civic", _("Civic service")
        VOLUNTEER = "volunteer", _("Volunteer")

    membership = models.OneToOneField("accounts.Membership", on_delete=models.CASCADE, related_name="work_profile")
    contract = models.CharField(_("contract type"), max_length=20, choices=Contract.choices, default=Contract.CDI)
    weekly_hours = models.DecimalField(_("weekly hours"), max_digits=4, decimal_places=1, null=True, blank=True,
                                       help_text=_("Leave empty for no contractual limit (volunteers)."))
    qualifications = models.JSONField(_("qualifications"), default=list, blank=True)

    class Meta:
        verbose_name = _("work profile")
        verbose_name_plural = _("work profiles")

    def __str__(self) -> str:
        return f"{self.membership} ({self.get_contract_display()})"


class Planning(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    children_per_adult_under_6 = models.PositiveSmallIntegerField(_("children under 6 per adult"), default=8)
    children_per_adult_from_6 = models.PositiveSmallIntegerField(_("children aged 6 and over per adult"), default=12)
    # What each person was told at the last publication: {membership_id: [[shift_id, start, end, title], …]}
    published_snapshot = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team planning")
        verbose_name_plural = _("team plannings")
        ordering = ["-start_date", "title"]

    def __str__(self) -> str:
        return self.title


class Shift(TenantModel):
    planning = models.ForeignKey(Planning, on_delete=models.CASCADE, related_name="shifts")
    title = models.CharField(_("title"), max_length=200)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    supervisors_needed = models.PositiveSmallIntegerField(_("supervisors needed"), default=1)
    qualification = models.CharField(_("qualification required"), max_length=20, choices=Qualification.choices, blank=True)
    children_under_6 = models.PositiveSmallIntegerField(_("children under 6"), default=0)
    children_from_6 = models.PositiveSmallIntegerField(_("children aged 6 and over"), default=0)
    people = models.ManyToManyField("accounts.Membership", blank=True, related_name="shifts", verbose_name=_("people"))
    # The published event carrying the allocations the conflict engine sees.
    occurrence = models.ForeignKey(Occurrence, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["start", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="shift_end_after_start")]

    def __str__(self) -> str:
        return self.title


class Closure(TenantModel):
    """A room or item (or, without one, the whole organisation) unavailable for a period."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="closures",
                                 verbose_name=_("room or item"), help_text=_("Leave empty to close the whole organisation."))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="closure_end_after_start")]

    def __str__(self) -> str:
        return self.reason


class ShiftSwap(TenantModel):
    """A swap of shifts between two people of a team planning. ``requester`` offers
    ``shift`` to ``recipient`` (and, for an exchange, takes ``counter_shift`` in return);
    the recipient accepts, then a coordinator of the planning approves: only then are the
    people of the shifts changed (conflicts re-checked in the same transaction)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the colleague")
        ACCEPTED = "accepted", _("Waiting for the coordinator")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined by the colleague")
        REFUSED = "refused", _("Refused by the coordinator")
        CANCELLED = "cancelled", _("Withdrawn")

    OPEN = (Status.PROPOSED, Status.ACCEPTED)

    planning = models.ForeignKey(Planning, on_delete=models.CASCADE, related_name="swaps")
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="+", verbose_name=_("shift offered"))
    counter_shift = models.ForeignKey(Shift, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                      verbose_name=_("shift taken in exchange"))
    requester = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="+", verbose_name=_("colleague"))
    message = models.CharField(_("message"), max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shift swap")
        verbose_name_plural = _("shift swaps")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status"], name="agenda_swap_org_status")]

    def __str__(self) -> str:
        return f"{self.shift} → {self.recipient}"

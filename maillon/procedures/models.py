"""Procedures (« démarches »): definitions with versioned schemas, submissions, approval steps.

- ``Procedure``: what the back office edits (title, category, retention, the *draft* schema and
  approval chain, effects). Publishing freezes the draft into a new ``ProcedureVersion``.
- ``Submission``: one person's filled form; it keeps the version it was made with.
- ``Step``: one approval step of a submission (role, sector, status, decision, signature).
- ``Event``: the timeline (submitted, decided, withdrawn, reminded…).
- ``Delegation``: an approver names a delegate for an absence period.
- ``PurgeRecord``: what the retention job deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillon.accounts.roles import Role
from maillon.organisations.models import Sector, TenantModel, TenantQuerySet

DEFAULT_CHAIN = {"steps": [{"role": Role.COORDINATOR}, {"role": Role.HR}, {"role": Role.DIRECTOR}], "reminder_days": 3}


class Procedure(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", pgettext_lazy("procedure", "Published")
        RETIRED = "retired", _("Retired")

    class Category(models.TextChoices):
        HR = "hr", _("Human resources")
        FINANCE = "finance", _("Finance and purchasing")
        LOGISTICS = "logistics", _("Premises and equipment")
        VOLUNTEERING = "volunteering", _("Volunteering")
        OTHER = "other", _("Other")

    class Effect(models.TextChoices):
        NONE = "", pgettext_lazy("effect", "None")
        LEAVE = "leave", _("Leave request (moves the leave balance)")

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("address"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    class RetentionAction(models.TextChoices):
        DELETE = "delete", _("Delete them")
        ANONYMISE = "anonymise", _("Anonymise them (keep figures for statistics)")

    retention_years = models.PositiveSmallIntegerField(_("retention (years)"), default=3)
    retention_action = models.CharField(_("at the end of the retention"), max_length=20, choices=RetentionAction.choices,
                                        default=RetentionAction.DELETE)
    class Audience(models.TextChoices):
        INTERNAL = "internal", _("Internal (staff)")
        PUBLIC = "public", _("Public form (citizens)")

    effect = models.CharField(_("effect"), max_length=20, choices=Effect.choices, default=Effect.NONE, blank=True)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices, default=Audience.INTERNAL,
                                help_text=_("A public form is filled in by the commune's citizens on its public pages "
                                            "(« Online procedures for citizens » service)."))
    template_key = models.CharField(_("template"), max_length=60, blank=True)
    schema = models.JSONField(_("fields (draft)"), default=list, blank=True)
    chain = models.JSONField(_("approval chain (draft)"), default=dict, blank=True)
    current_version = models.ForeignKey("ProcedureVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    has_unpublished_changes = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="procedure_unique_slug")]

    def __str__(self) -> str:
        return self.title

    @property
    def nothing_to_publish(self) -> bool:
        """The online version already is the draft: publishing would only copy it into an
        identical new version (the « unpublished changes » flag is raised by any save)."""
        version = self.current_version
        return bool(version and self.status == self.Status.PUBLISHED and (
            version.title, version.description, version.schema, version.chain, version.effect
        ) == (self.title, self.description, self.schema, self.chain, self.effect))


class ProcedureVersion(TenantModel):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    schema = models.JSONField(default=list)
    chain = models.JSONField(default=dict)
    effect = models.CharField(max_length=20, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("procedure version")
        ordering = ["procedure", "-number"]
        constraints = [models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class SubmissionQuerySet(TenantQuerySet):
    def of(self, user):
        return self.filter(applicant=user)


class Submission(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Awaiting approval")
        CHANGES = "changes", _("Changes requested")
        APPROVED = "approved", pgettext_lazy("procedure", "Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("procedure", "Withdrawn")
        CANCELLED = "cancelled", _("Cancelled after approval")

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="submissions")
    version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="submissions")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="procedure_submissions")  # None once anonymised
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="procedure_submissions")  # a public form's citizen; None once anonymised
    sector = models.ForeignKey(Sector, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    round = models.PositiveSmallIntegerField(default=0)
    signature = models.ForeignKey("accounts.Signature", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["organisation", "status"], name="submission_org_status")]

    def __str__(self) -> str:
        return f"{self.version.title} n° {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("procedures:submission", kwargs={"org": self.organisation.slug, "pk": self.pk})

    @property
    def reference(self) -> str:
        return f"D-{self.pk:06d}"

    @property
    def applicant_label(self) -> str:
        if self.applicant_id:
            return str(self.applicant)
        if self.citizen_id:
            citizen = self.citizen
            name = f"{citizen.given_name} {citizen.family_name}".strip()
            return f"{name} <{citizen.email}>" if name and citizen.email else (name or citizen.email or str(_("Citizen")))
        return str(_("Anonymised"))


    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING,)

    def status_class(self) -> str:
        return {"approved": "status-ok", "rejected": "status-off", "withdrawn": "status-off", "cancelled": "status-off"}.get(self.status, "")


class SubmissionFile(TenantModel):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    field_key = models.CharField(max_length=40)
    file = models.FileField(upload_to="procedures/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)


class SubmissionMessage(TenantModel):
    """A message between the commune's staff and the citizen on a citizen's request (plain text)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    from_citizen = models.BooleanField(default=False)
    body = models.TextField(_("message"), max_length=5000)
    attachment = models.FileField(upload_to="procedures/messages/%Y/%m/", blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.body[:40]}"

    @property
    def author_label(self) -> str:
        """What the citizen reads: a first name and « la mairie », never a full name."""
        if self.from_citizen:
            return str(_("You"))
        first = (self.author.first_name if self.author_id and self.author else "") or ""
        return first or str(_("The town hall"))


class StepQuerySet(TenantQuerySet):
    def waiting(self):
        return self.filter(status=Step.Status.WAITING)


class Step(TenantModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        WAITING = "waiting", _("Waiting for a decision")
        APPROVED = "approved", pgettext_lazy("procedure", "Approved")
        REJECTED = "rejected", _("Rejected")
        CHANGES = "changes", _("Changes requested")
        SKIPPED = "skipped", _("Skipped")
        CANCELLED = "cancelled", _("Cancelled")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=30, choices=Role.choices)
    sector = models.ForeignKey(Sector, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    label = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True)
    skip_reason = models.CharField(max_length=200, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    comment = models.TextField(blank=True)
    signature = models.ForeignKey("accounts.Signature", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = StepQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "round", "position"]
        indexes = [models.Index(fields=["organisation", "status", "role"], name="step_queue")]

    def __str__(self) -> str:
        return f"{self.submission_id}/{self.round}/{self.position} {self.role}"

    @property
    def title(self) -> str:
        if self.label:
            return self.label
        if self.sector_id and self.role == Role.COORDINATOR:
            return _("Coordinator, %(sector)s") % {"sector": self.sector.name}
        return str(Role(self.role).label)


class Event(TenantModel):
    class Kind(models.TextChoices):
        CREATED = "created", _("Draft created")
        SUBMITTED = "submitted", _("Signed and submitted")
        APPROVED = "approved", pgettext_lazy("procedure", "Approved")
        REJECTED = "rejected", _("Rejected")
        CHANGES = "changes", _("Changes requested")
        SKIPPED = "skipped", _("Step skipped")
        WITHDRAWN = "withdrawn", pgettext_lazy("procedure", "Withdrawn")
        REMINDED = "reminded", _("Reminder sent")
        COMPLETED = "completed", _("Approved (all steps)")
        CANCELLED = "cancelled", _("Cancelled after approval")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    step = models.ForeignKey(Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    comment = models.TextField(blank=True)
    signature = models.ForeignKey("accounts.Signature", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["at", "pk"]


class DelegationQuerySet(TenantQuerySet):
    def active_on(self, day):
        return self.filter(start__lte=day, end__gte=day)


class Delegation(TenantModel):
    """While ``delegator`` is away (start–end, inclusive), ``delegate`` may decide in their place."""

    delegator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("approver"))
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("delegate"))
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="delegation_end_after_start")]


class PurgeRecord(TenantModel):
    """What the retention job removed: kept so the organisation can show what was purged and when."""

    procedure = models.ForeignKey(Procedure, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    procedure_title = models.CharField(max_length=160)
    purged_at = models.DateTimeField(default=timezone.now)
    cutoff = models.DateTimeField()
    count = models.PositiveIntegerField()
    references = models.JSONField(default=list)
    action = models.CharField(max_length=20, default="delete")  # delete or anonymise

    class Meta:
        ordering = ["-purged_at"]


class BookingLink(TenantModel):
    """A booking of a resource that needs a procedure (a vehicle) and the submission it opened.

    When the submission is finally approved the booking's allocations waiting for it are
    confirmed; when it is rejected, withdrawn or the draft deleted, they are cancelled."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="booking_links")
    event = models.ForeignKey("agenda.Event", on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey("agenda.Resource", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "resource"], name="booking_link_unique_event_resource")]

    def __str__(self) -> str:
        return f"{self.submission_id} ← {self.event_id}/{self.resource_id}"

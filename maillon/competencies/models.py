"""Competency frameworks, professional logbooks and the publications made from them (issue 18).

- A ``Framework`` belongs to one organisation; linked to a space (extranet), it is shared with the
  space's members whatever their organisation. It holds ``Level``s, ``JobProfile``s and ``Domain``s >
  ``Competency``s > ``Indicator``s. Published ``Edition``s are frozen snapshots (JSON).
- A ``Participant`` is a person taking part in a framework, with a job profile and a coordinator:
  « the group » of a framework is its active participants.
- An ``Entry`` is a dated page of a person's logbook, tagged with competencies and ``Theme``s;
  private, shared with the group, or with the coordinator only.
- An ``Assessment`` is a self-assessment of one competency (level + evidence entries), which the
  coordinator may validate (signed).
- A ``Publication`` is a bimonthly narrative, a semiannual framework publication or a yearly note.

Who sees and edits what is in ``policies.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import Organisation, TenantModel


class Framework(TenantModel):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    space = models.ForeignKey("spaces.Space", on_delete=models.SET_NULL, null=True, blank=True, related_name="frameworks",
                              verbose_name=_("shared in the space"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Level(models.Model):
    """« découverte », « pratique », « maîtrise », « transmission »: position 1 is the lowest."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "position"], name="competency_level_unique_position")]

    def __str__(self) -> str:
        return self.name


class JobProfile(models.Model):
    """A job the framework describes (« chargé d'innovation numérique »)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="profiles")
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("job profile")
        verbose_name_plural = _("job profiles")
        ordering = ["framework", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["framework", "name"], name="competency_profile_unique_name")]

    def __str__(self) -> str:
        return self.name


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(_("code"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("competency domain")
        verbose_name_plural = _("competency domains")
        ordering = ["framework", "position", "name"]

    def __str__(self) -> str:
        return self.name


class Competency(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("In the framework")
        PROPOSED = "proposed", _("Proposed from practice")
        RETIRED = "retired", _("Withdrawn")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="competencies", verbose_name=_("domain"))
    code = models.CharField(_("code"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    profiles = models.ManyToManyField(JobProfile, blank=True, related_name="competencies", verbose_name=_("job profiles"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["framework", "domain__position", "position", "name"]
        indexes = [models.Index(fields=["framework", "status"], name="competency_framework_status")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Indicator(models.Model):
    """An observable sign that the competency is there."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="indicators")
    text = models.CharField(_("indicator"), max_length=300)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("observable indicator")
        verbose_name_plural = _("observable indicators")
        ordering = ["competency", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class Edition(models.Model):
    """A published, frozen edition of a framework (« édition du semestre 2 2027 »): ``snapshot`` holds
    its levels, profiles, domains, competencies and indicators as they were; editing the framework
    afterwards never changes it."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="editions")
    number = models.PositiveIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=160)
    snapshot = models.JSONField(_("snapshot"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("framework edition")
        verbose_name_plural = _("framework editions")
        ordering = ["framework", "-number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="competency_edition_unique_number")]

    def __str__(self) -> str:
        return self.label


class Participant(models.Model):
    """A person in a framework's group, with their job profile and the coordinator who validates."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="competency_participations",
                             verbose_name=_("person"))
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation"))
    profile = models.ForeignKey(JobProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="participants",
                                verbose_name=_("job profile"))
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="coordinated_participations", verbose_name=_("coordinator"))
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["framework", "user__last_name", "user__first_name"]
        constraints = [models.UniqueConstraint(fields=["framework", "user"], name="competency_participant_unique")]

    def __str__(self) -> str:
        return str(self.user)


class Theme(models.Model):
    """A theme an entry is tagged with (« accès aux droits », « parentalité », « e-administration »)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["framework", "name"]
        constraints = [models.UniqueConstraint(fields=["framework", "name"], name="competency_theme_unique_name")]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """A dated page of a person's professional logbook (« journal de bord professionnel »)."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Only me")
        COORDINATOR = "coordinator", _("My coordinator")
        GROUP = "group", _("The group")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="logbook_entries",
                               verbose_name=_("author"))
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation"))
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    happened = models.TextField(_("what happened"), blank=True)
    tried = models.TextField(_("what I tried"), blank=True)
    learned = models.TextField(_("what I learned"), blank=True)
    blocked = models.TextField(_("what blocked me"), blank=True)
    competencies = models.ManyToManyField(Competency, blank=True, related_name="entries", verbose_name=_("competencies"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="entries", verbose_name=_("themes"))
    place = models.CharField(_("place"), max_length=160, blank=True)
    audience = models.CharField(_("public"), max_length=160, blank=True)
    visibility = models.CharField(_("shared with"), max_length=12, choices=Visibility.choices, default=Visibility.PRIVATE)
    is_draft = models.BooleanField(_("draft"), default=True)
    quote_consent = models.BooleanField(_("may be quoted in the group's publications"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("logbook entry")
        verbose_name_plural = _("logbook entries")
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["framework", "occurred_on"], name="logbook_framework_date"),
            models.Index(fields=["author", "occurred_on"], name="logbook_author_date"),
        ]

    def __str__(self) -> str:
        return self.title


class Assessment(models.Model):
    """A self-assessment of one competency at a date; the latest per (participant, competency) is
    the current one. The coordinator's validation is signed (accounts.Signature)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="assessments")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="assessments")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+", verbose_name=_("level"))
    evidence = models.ManyToManyField(Entry, blank=True, related_name="assessments", verbose_name=_("evidence"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    validated_level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                        verbose_name=_("validated level"))
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    validation_comment = models.TextField(_("comment"), blank=True)
    signature = models.ForeignKey("accounts.Signature", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["participant", "competency", "-created_at", "-pk"]
        indexes = [models.Index(fields=["participant", "competency", "created_at"], name="assessment_person_comp")]

    def __str__(self) -> str:
        return f"{self.competency} · {self.level}"


class Publication(models.Model):
    class Kind(models.TextChoices):
        NARRATIVE = "narrative", _("Bimonthly collective narrative")
        FRAMEWORK = "framework", _("Semiannual framework publication")
        YEARLY_NOTE = "yearly_note", _("Yearly note on the job profiles")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="publications")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    body = models.TextField(_("text"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    edition = models.ForeignKey(Edition, on_delete=models.SET_NULL, null=True, blank=True, related_name="publications")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["framework", "-period_end", "-pk"]
        indexes = [models.Index(fields=["framework", "kind", "period_end"], name="publication_kind_period")]

    def __str__(self) -> str:
        return self.title


class SessionLink(models.Model):
    """An entry or a competency discussed at a monthly group session (a meeting of the meetings app,
    of the « Séance mensuelle du groupe » type): the session's page in the publications part lists
    them beside the meeting's minutes and attendance sheet. Exactly one of ``entry`` and ``competency``."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="session_links")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="competency_links")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, null=True, blank=True, related_name="session_links",
                              verbose_name=_("logbook entry"))
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, null=True, blank=True, related_name="session_links",
                                   verbose_name=_("competency"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("link of a group session")
        verbose_name_plural = _("links of group sessions")
        ordering = ["meeting", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(entry__isnull=False, competency__isnull=True)
                                   | models.Q(entry__isnull=True, competency__isnull=False), name="session_link_one_target"),
            models.UniqueConstraint(fields=["meeting", "entry"], name="session_link_unique_entry"),
            models.UniqueConstraint(fields=["meeting", "competency"], name="session_link_unique_competency"),
        ]

    def __str__(self) -> str:
        return str(self.entry or self.competency)

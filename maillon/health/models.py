"""Children's health records (fiches sanitaires), encrypted at rest.

What stays in clear, and why: the child's first and last names (the list is sorted by sector
then name and searched by name in SQL; names alone say nothing about health), the birth date
(the list shows the age), the sex, the sectors (who may read is decided from them), the school
year of validity and the guardian's signature date (expiry and reminder jobs select on them),
and bookkeeping (who wrote, when). Everything medical, every contact and every consent is
encrypted (``fields.py``), as are the scans and the PAI document (``HealthDocument``).
"""

from __future__ import annotations

import datetime
import unicodedata

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillon.accounts.roles import Role
from maillon.organisations.models import Organisation, Sector, TenantModel, TenantQuerySet

from .fields import (
    EncryptedBooleanField,
    EncryptedCharField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
)


def search_key(text: str) -> str:
    """Lower case without accents: « Élodie » and « elodie » find the same child on SQLite and PostgreSQL."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def search_words(q: str) -> list[str]:
    """The first five words of a search, as search_key writes names."""
    return [w for w in search_key(q).split() if w][:5]


class HealthSettings(models.Model):
    """One row per organisation (created on first use with the defaults)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="health_settings")
    writer_roles = models.JSONField(
        _("roles that may also write records"), default=list, blank=True,
        help_text=_("The coordinator of the child's sector always may. Roles listed here may too, for the children of their sectors "
                    "(supervisor, staff) or of the whole organisation (director)."),
    )
    validity_end_month = models.PositiveSmallIntegerField(_("records expire in month"), default=8, validators=[MinValueValidator(1), MaxValueValidator(12)])
    validity_end_day = models.PositiveSmallIntegerField(_("records expire on day"), default=31, validators=[MinValueValidator(1), MaxValueValidator(31)])
    retention_months = models.PositiveSmallIntegerField(
        _("kept after the last enrolment (months)"), default=12,
        help_text=_("A record is deleted this many months after the child's last enrolment."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("health records settings")
        verbose_name_plural = _("health records settings")

    def __str__(self) -> str:
        return str(self.organisation)

    def valid_until(self, school_year: int) -> datetime.date:
        """The day a record of the school year starting in ``school_year`` expires (31 August by default)."""
        year = school_year + 1 if self.validity_end_month < 9 else school_year
        month = self.validity_end_month
        day = min(self.validity_end_day, _last_day(year, month))
        return datetime.date(year, month, day)


def _last_day(year: int, month: int) -> int:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).day


class Sex(models.TextChoices):
    GIRL = "f", _("Girl")
    BOY = "m", _("Boy")


class HealthRecordQuerySet(TenantQuerySet):
    def visible_to(self, membership):
        """The records ``membership`` may read (see ``policies.reading_sectors``)."""
        from . import policies

        if membership is None:
            return self.none()
        if policies.reads_every_record(membership):
            return self.for_organisation(membership.organisation)
        sector_ids = policies.reading_sector_ids(membership)
        if not sector_ids:
            return self.none()
        ids = HealthRecord.sectors.through.objects.filter(sector_id__in=sector_ids).values("healthrecord_id")
        return self.for_organisation(membership.organisation).filter(pk__in=ids)

    def with_identity_only(self):
        """Only the fields in clear: nothing is decrypted (the list, the outing sheet's picker)."""
        return self.only("id", "organisation_id", "first_name", "last_name", "birth_date", "sex", "school_year", "valid_until")

    def current(self, today: datetime.date | None = None):
        return self.filter(valid_until__gte=today or timezone.localdate())

    def expired(self, today: datetime.date | None = None):
        return self.filter(valid_until__lt=today or timezone.localdate())


class HealthRecord(TenantModel):
    """A child's health record (fiche sanitaire)."""

    # Identity, in clear (see the module's docstring).
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    search_name = models.CharField(max_length=210, editable=False, db_index=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    sectors = models.ManyToManyField(Sector, related_name="+", verbose_name=_("sectors"))
    # Validity, in clear.
    school_year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The year the school year starts: 2026 for 2026-2027."),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    valid_until = models.DateField(_("valid until"), editable=False)
    signed_on = models.DateField(_("signed by the guardian on"), null=True, blank=True)
    last_enrolled_on = models.DateField(
        _("last enrolment"), null=True, blank=True,
        help_text=_("The retention period runs from this date."),
    )
    # Medical and consents, encrypted.
    doctor_name = EncryptedCharField(_("doctor"), blank=True)
    doctor_phone = EncryptedCharField(_("doctor's phone"), blank=True, max_chars=30)
    allergies = EncryptedTextField(_("allergies"), blank=True)
    diet = EncryptedTextField(_("diet"), blank=True, help_text=_("Meals without pork, vegetarian, without gluten…"))
    treatments = EncryptedTextField(_("ongoing treatments"), blank=True)
    has_pai = EncryptedBooleanField(_("PAI (individual care plan)"), default=False)
    dtp_date = EncryptedDateField(_("last DTP vaccination"), blank=True, null=True)
    other_vaccinations = EncryptedTextField(_("other vaccinations"), blank=True)
    medical_notes = EncryptedTextField(_("medical notes"), blank=True)
    allows_photos = EncryptedBooleanField(_("photos allowed"), default=False)
    allows_outings = EncryptedBooleanField(_("outings allowed"), default=False)
    allows_transport = EncryptedBooleanField(_("transport allowed"), default=False)
    allows_emergency_care = EncryptedBooleanField(_("emergency care allowed"), default=False)
    # Bookkeeping.
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = HealthRecordQuerySet.as_manager()

    # The encrypted fields, for rotation and for the pages that must not decrypt.
    ENCRYPTED = ("doctor_name", "doctor_phone", "allergies", "diet", "treatments", "has_pai", "dtp_date",
                 "other_vaccinations", "medical_notes", "allows_photos", "allows_outings", "allows_transport",
                 "allows_emergency_care")

    class Meta:
        verbose_name = _("health record")
        verbose_name_plural = _("health records")
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["organisation", "search_name"], name="health_record_org_search"),
                   models.Index(fields=["organisation", "valid_until"], name="health_record_org_validity")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        self.search_name = search_key(f"{self.last_name} {self.first_name}")
        if "update_fields" in kwargs and kwargs["update_fields"] is not None and {"first_name", "last_name"} & set(kwargs["update_fields"]):
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("health:detail", kwargs={"org": self.organisation.slug, "pk": self.pk})

    def age(self, today: datetime.date | None = None) -> int:
        today = today or timezone.localdate()
        return today.year - self.birth_date.year - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))

    def is_expired(self, today: datetime.date | None = None) -> bool:
        return self.valid_until < (today or timezone.localdate())

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}"


class HealthContact(models.Model):
    """A legal guardian or an emergency contact; every field encrypted."""

    record = models.ForeignKey(HealthRecord, on_delete=models.CASCADE, related_name="contacts")
    position = models.PositiveSmallIntegerField(default=0)
    name = EncryptedCharField(_("name"))
    phone = EncryptedCharField(_("phone"), max_chars=30)
    relationship = EncryptedCharField(pgettext_lazy("health contact", "relationship"), blank=True, max_chars=60,
                                      help_text=_("Mother, father, grandmother, neighbour…"))
    is_guardian = EncryptedBooleanField(_("legal guardian"), default=False)
    may_collect = EncryptedBooleanField(_("authorised to collect the child"), default=False)

    ENCRYPTED = ("name", "phone", "relationship", "is_guardian", "may_collect")

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return str(self.name)


class DocumentKind(models.TextChoices):
    SCAN = "scan", _("Scan of the paper form")
    PAI = "pai", _("PAI document")


class HealthDocument(models.Model):
    """A scan of the paper form or the PAI document. The content and what it is (kind, type,
    file name) are encrypted; only the number of documents of a record shows in the database."""

    record = models.ForeignKey(HealthRecord, on_delete=models.CASCADE, related_name="documents")
    meta = EncryptedJSONField()  # {"kind": "scan"|"pai", "content_type": …, "name": …, "size": …}
    content = models.BinaryField()  # crypto.encrypt_bytes(file, CONTENT_CONTEXT)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    CONTENT_CONTEXT = "health.healthdocument.content"
    ENCRYPTED = ("meta",)

    class Meta:
        verbose_name = _("health document")
        verbose_name_plural = _("health documents")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.meta.get("name", "")) if self.meta else ""

    @property
    def kind(self) -> str:
        return self.meta.get("kind", "") if self.meta else ""


# Roles an organisation may let write records (besides the sector's coordinator).
WRITER_ROLE_CHOICES = [(r.value, r.label) for r in (Role.SUPERVISOR, Role.STAFF, Role.DIRECTOR)]

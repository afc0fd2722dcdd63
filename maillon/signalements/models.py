"""Problem reports (« signaler un problème »): a citizen tells the commune about a pothole, a
broken street light, a fly-tip…, with a category, a description, an optional photo (stored
re-encoded: no EXIF, no location) and a place (a point on a map, or an address typed).

A report is public (``/<commune>/signalements/``) once moderation published it; its status
(nouveau → pris en charge → résolu, or rejeté) is managed by the commune's staff from the start,
each change a ``ReportUpdate`` with a public comment, e-mailed to the citizen.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillon.citizens.models import Moderated
from maillon.organisations.models import TenantModel

# Tracking numbers: « S- » and 8 characters without the ambiguous 0/O, 1/I/L (31^8 ≈ 8.5e11).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_PATTERN = r"S-[2-9A-HJKMNP-Z]{8}"
MAX_DESCRIPTION = 5000
MAX_COMMENT = 2000

# Offered to a commune the first time the service is used (services.categories()).
DEFAULT_CATEGORIES = ["Voirie", "Éclairage public", "Propreté", "Espaces verts", "Bâtiments communaux", "Autre"]


def new_reference() -> str:
    return "S-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def photo_path(report, filename: str) -> str:
    # Never under a public URL: /media/ is not served; photos go through views.staff_photo.
    return f"signalements/{report.organisation_id}/{filename}"


class Category(TenantModel):
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered to citizens"), default=True)

    class Meta:
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="signalements_category_unique_name")]

    def __str__(self) -> str:
        return self.name


class Report(TenantModel, Moderated):
    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("report status", "New")
        IN_PROGRESS = "in_progress", pgettext_lazy("report status", "Being handled")
        RESOLVED = "resolved", pgettext_lazy("report status", "Resolved")
        REJECTED = "rejected", pgettext_lazy("report status", "Rejected")

    reference = models.CharField(_("tracking number"), max_length=12, unique=True, default=new_reference, editable=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports", verbose_name=_("category"))
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION)
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("citizen"))
    photo = models.FileField(_("photo"), upload_to=photo_path, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("address or place"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "moderation", "created_at"], name="signalements_public_idx")]
        constraints = [
            # A place: a point (both coordinates) or an address.
            models.CheckConstraint(condition=Q(latitude__isnull=True, longitude__isnull=True)
                                   | Q(latitude__isnull=False, longitude__isnull=False), name="signalements_point_whole"),
            models.CheckConstraint(condition=Q(latitude__isnull=False) | ~Q(address=""), name="signalements_has_place"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.category.name if self.category_id else ''}"

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def status_class(self) -> str:
        return {self.Status.NEW: "status-wait", self.Status.IN_PROGRESS: "status-wait",
                self.Status.RESOLVED: "status-ok"}.get(self.status, "status-off")


class ReportUpdate(TenantModel):
    """One step of a report's public timeline: its new status and the commune's comment."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates", verbose_name=_("report"))
    old_status = models.CharField(_("previous status"), max_length=12, choices=Report.Status.choices)
    status = models.CharField(_("status"), max_length=12, choices=Report.Status.choices)
    comment = models.TextField(_("public comment"), max_length=MAX_COMMENT, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("author"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report update")
        verbose_name_plural = _("report updates")
        ordering = ["created_at", "pk"]

"""A groupement's communes, the services enabled for each, and the support accesses of its staff.

A commune is an ordinary Organisation (kind « commune ») with a ``Commune`` profile naming its
groupement (an Organisation of kind « groupement »); both belong to the groupement's federation,
so the federation mechanism (reports, spaces, skills) sees them together.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import Organisation, TenantQuerySet, validate_siret

from .catalogue import CHOICES

INSEE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def validate_insee(value: str) -> None:
    """An INSEE commune code: five digits, or 2A/2B and three digits for Corsica."""
    if not INSEE_RE.match(value or ""):
        raise ValidationError(_("An INSEE code has 5 characters: digits, or 2A/2B followed by 3 digits for Corsica."))


class CommuneQuerySet(models.QuerySet):
    def of_groupement(self, groupement: Organisation | None):
        if groupement is None:
            return self.none()
        return self.filter(groupement=groupement)


class Commune(models.Model):
    """The profile of a commune hosted by a groupement (one per commune organisation)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="commune_profile",
                                        verbose_name=_("organisation"))
    groupement = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="hosted_communes",
                                   verbose_name=_("groupement"))
    insee_code = models.CharField(_("INSEE code"), max_length=5, validators=[validate_insee])
    siret = models.CharField(_("SIRET"), max_length=14, validators=[validate_siret])
    population = models.PositiveIntegerField(_("population"))
    mayor_name = models.CharField(_("mayor's name"), max_length=150)
    secretary_email = models.EmailField(_("secretary's e-mail"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["insee_code"], name="commune_unique_insee"),
            models.UniqueConstraint(fields=["siret"], name="commune_unique_siret"),
        ]

    def __str__(self) -> str:
        return self.organisation.name


class CommuneService(models.Model):
    """A service of the catalogue enabled for a commune (no row: disabled)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("commune"))
    key = models.CharField(_("service"), max_length=30, choices=CHOICES)
    enabled_at = models.DateTimeField(_("enabled at"), default=timezone.now)
    enabled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("enabled by"))

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("enabled service")
        verbose_name_plural = _("enabled services")
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="communeservice_unique_key")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_key_display()}"


class SupportAccessQuerySet(TenantQuerySet):
    def live(self, now=None):
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, ends_at__gt=now or timezone.now())


class SupportAccess(models.Model):
    """A groupement staff member acting in a commune for a few hours, through a real Membership
    with the administrator role, deactivated on revocation or expiry (checked at each request)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("commune"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))
    # Set when the membership was created for this access (deactivated at the end), not reused.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = SupportAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("support access")
        verbose_name_plural = _("support accesses")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["organisation", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"

    def is_live(self, now=None) -> bool:
        return self.revoked_at is None and self.ended_at is None and self.ends_at > (now or timezone.now())

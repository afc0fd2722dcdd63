"""People, their memberships in organisations and their roles; tokens and signatures."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import Organisation, Sector, TenantModel, TenantQuerySet

from .roles import Role


class User(AbstractUser):
    """A person. Belongs to organisations through memberships."""

    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="user_unique_email", condition=~models.Q(email=""),
                violation_error_message=_("Une personne utilise déjà cette adresse e-mail."),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def initials(self) -> str:
        parts = [p for p in (self.first_name, self.last_name) if p] or [self.username]
        return "".join(p[0] for p in parts[:2]).upper()


class MembershipQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def with_roles(self):
        return self.prefetch_related(models.Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("sector")))


class Membership(TenantModel):
    """A person's place in one organisation: home sector, job title and roles."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("personne"))
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation"))
    sector = models.ForeignKey(Sector, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("secteur principal"))
    job_title = models.CharField(_("fonction"), max_length=120, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_organisation")]
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    @cached_property
    def roles(self) -> frozenset[str]:
        """Role keys held anywhere in the organisation (uses the prefetched assignments)."""
        return frozenset(a.role for a in self.role_assignments.all())

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def sectors_for(self, role: str) -> list[Sector]:
        """Sectors in which the person holds ``role`` (e.g. those a coordinator coordinates)."""
        return [a.sector for a in self.role_assignments.all() if a.role == role and a.sector_id]

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in Role.values if r in self.roles]


class RoleAssignment(models.Model):
    """One role of a membership, for the whole organisation (no sector) or for one sector."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("secteur"))

    class Meta:
        verbose_name = _("rôle attribué")
        verbose_name_plural = _("rôles attribués")
        constraints = [
            models.UniqueConstraint(fields=["membership", "role", "sector"], name="role_unique_per_sector"),
            models.UniqueConstraint(fields=["membership", "role"], condition=models.Q(sector__isnull=True), name="role_unique_organisation_wide"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.sector or _('toute l’organisation')})"


class PersonalAccessTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class PersonalAccessToken(models.Model):
    """An API token a person creates and revokes. Only its SHA-256 is stored."""

    PREFIX = "mln_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_tokens")
    name = models.CharField(_("nom"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("début du jeton"), max_length=12)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    objects = PersonalAccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'accès personnel")
        verbose_name_plural = _("jetons d'accès personnels")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

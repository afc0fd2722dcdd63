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

    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="user_unique_email", condition=~models.Q(email=""),
                violation_error_message=_("Someone already uses this e-mail address."),
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

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person"))
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation"))
    sector = models.ForeignKey(Sector, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("home sector"))
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
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
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("sector"))

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["membership", "role", "sector"], name="role_unique_per_sector"),
            models.UniqueConstraint(fields=["membership", "role"], condition=models.Q(sector__isnull=True), name="role_unique_organisation_wide"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ({self.sector or _('whole organisation')})"


class PersonalAccessTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class PersonalAccessToken(models.Model):
    """An API token a person creates and revokes. Only its SHA-256 is stored."""

    PREFIX = "mln_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_tokens")
    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("token start"), max_length=12)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = PersonalAccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
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


class SignatureQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """Signatures of the organisations where ``user`` is an active member."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            organisation__memberships__user=user,
            organisation__memberships__is_active=True,
            organisation__is_active=True,
        )


class Signature(TenantModel):
    """A signed action: who, when, what (SHA-256 of the canonical JSON of the content).

    ``seal`` is an HMAC-SHA256 over these facts with a key derived from SECRET_KEY, so a
    row altered in the database no longer verifies; ``code`` is derived from the seal and
    lets anyone holding a printed recap find and check the signature.
    See ``maillon.accounts.signing``.
    """

    class Method(models.TextChoices):
        PASSWORD = "password", _("password")
        PASSKEY = "passkey", _("passkey")

    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("signer"))
    signer_label = models.CharField(_("signer's name"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"))
    purpose = models.CharField(_("purpose"), max_length=200)
    target_type = models.CharField(_("signed object type"), max_length=100, blank=True)
    target_id = models.CharField(_("signed object id"), max_length=64, blank=True)
    target_label = models.CharField(_("signed object"), max_length=200, blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    seal = models.CharField(_("seal"), max_length=64)
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    # Which key sealed it (signing.key_id: not the key): empty on signatures made before it was kept.
    key_id = models.CharField(_("sealing key id"), max_length=8, blank=True, default="")

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-signed_at"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="signature_target")]

    def __str__(self) -> str:
        return f"{self.purpose} — {self.signer_label} ({self.display_code})"

    @property
    def display_code(self) -> str:
        """The code in groups of four, easier to read aloud and type: ABCD-EFGH-JKMN."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


class KnownDevice(models.Model):
    """A browser family, system and network prefix a person logged in from (accounts/devices.py):
    a login from a combination not seen for MAILLON_NEW_DEVICE_DAYS tells the person. Never the
    full address nor the user agent; rows not seen for a year are deleted at the person's logins."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_devices", verbose_name=_("person"))
    browser = models.CharField(_("browser"), max_length=40, blank=True)
    system = models.CharField(_("system"), max_length=40, blank=True)
    place = models.CharField(_("network prefix"), max_length=64, blank=True)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        verbose_name = _("known device")
        verbose_name_plural = _("known devices")
        constraints = [models.UniqueConstraint(fields=["user", "browser", "system", "place"], name="known_device_unique")]

    def __str__(self) -> str:
        return f"{self.browser} / {self.system} / {self.place}"

"""A citizen's identity, and what every public contribution shares.

A ``Citizen`` is never a ``User``: it can open no intranet page, hold no membership, and is known
to a commune only through what it sent to that commune. It is proven either by an e-mail address
verified through a signed link, or by a FranceConnect login (OpenID Connect ``sub``), or both.
The identity is shared by every commune of the instance (one person, one e-mail); each commune
sees only the requests, answers, ideas and reports made to it.

``Moderated`` is the abstract base of public contributions (ideas, problem reports, free answers):
nothing a citizen writes shows publicly before a staff member publishes it
(``/<org>/moderation/``, ``registry.register_moderated``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Citizen(models.Model):
    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    franceconnect_sub = models.CharField(_("FranceConnect identifier"), max_length=255, unique=True, null=True,
                                         blank=True)
    given_name = models.CharField(_("first name"), max_length=150, blank=True)
    family_name = models.CharField(_("last name"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.given_name} {self.family_name}".strip()
        return name or (self.email or str(_("Citizen")))

    @property
    def identity_key(self) -> str:
        """What « one per person » counts (a consultation's answer, an idea's support): the
        FranceConnect identity when there is one, else the verified e-mail."""
        return f"fc:{self.franceconnect_sub}" if self.franceconnect_sub else f"email:{(self.email or '').lower()}"

    @property
    def via_franceconnect(self) -> bool:
        return bool(self.franceconnect_sub)


class Moderation(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected by moderation")


class Moderated(models.Model):
    """Public contribution: shown publicly only once ``moderation`` is PUBLISHED."""

    moderation = models.CharField(_("moderation"), max_length=12, choices=Moderation.choices,
                                  default=Moderation.PENDING, db_index=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("moderated by"))
    moderation_note = models.CharField(_("reason given"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def moderate(self, *, publish: bool, user, note: str = "") -> None:
        self.moderation = Moderation.PUBLISHED if publish else Moderation.REJECTED
        self.moderated_at = timezone.now()
        self.moderated_by = user
        self.moderation_note = note[:300]
        self.save(update_fields=["moderation", "moderated_at", "moderated_by", "moderation_note"])

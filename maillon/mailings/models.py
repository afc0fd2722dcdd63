"""Targeted mailings (« publipostages catégoriels ciblés ») and the monthly newsletter.

A ``Mailing`` belongs to the organisation that sends it; its ``criteria`` (segments.py) decide who
gets it when it is sent, at which moment one ``Recipient`` row per address is written with the
status « queued ». The worker claims rows in small batches (tasks.py, services.deliver): a row is
sent by the worker that claimed it, never twice. Each mailing has a ``Category``; a person who
unsubscribes from a category (``Unsubscription``, by address) is left out of the next sends.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillon.organisations.models import TenantModel, TenantQuerySet


class Category(TenantModel):
    """What a mailing is about (« Lettre d'information », « Formations »…): the unit of unsubscribing."""

    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mailing category")
        verbose_name_plural = _("mailing categories")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="mailing_category_unique_name")]

    def __str__(self) -> str:
        return self.name


class MailingQuerySet(TenantQuerySet):
    pass


class Mailing(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    class Kind(models.TextChoices):
        MAILING = "mailing", _("Mailing")
        NEWSLETTER = "newsletter", _("Newsletter")

    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True, help_text=_("Bold, italics, lists and links are kept."))
    article = models.ForeignKey("content.NewsPage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("news item as the message"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="mailings", verbose_name=_("category"))
    criteria = models.JSONField(default=dict, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MAILING)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    test_sent_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = MailingQuerySet.as_manager()

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="mailing_org_created")]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Recipient(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", pgettext_lazy("mailing recipient", "Failed")
        BOUNCED = "bounced", _("Bounced")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    email = models.EmailField()
    name = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["mailing", "email"], name="mailing_recipient_unique_email")]
        indexes = [models.Index(fields=["mailing", "status"], name="mailing_recipient_status")]

    def __str__(self) -> str:
        return self.email


class MailingSpace(models.Model):
    """A space a mailing was sent to (its « spaces » criterion), written when the mailing is queued:
    a space's report counts its mailings with one indexed query instead of reading every criteria."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="space_links")
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["space", "mailing"], name="mailing_space_unique")]

    def __str__(self) -> str:
        return f"{self.mailing_id} → {self.space_id}"


class Unsubscription(models.Model):
    """An address that wants no more mailings of a category (by address: a recipient may have no account)."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="unsubscriptions")
    email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "email"], name="mailing_unsubscription_unique")]

    def __str__(self) -> str:
        return f"{self.email} ({self.category})"

"""Reception desk (seed 001 §3.5): phone messages for a colleague who is not there, with read
receipts, and visitor notices for a sector, sent by reception agents; per-organisation settings.

A phone message's state is told by its dates: sent (created), delivered (a page of the
recipient showed it), read (the recipient opened it), handled (called back, with a note).
``email_sent_at`` is set once, when the e-mail fallback claims the message (tasks.py)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import Sector, TenantModel, TenantQuerySet

TEXT_MAX = 1000  # a phone message's text
NOTICE_TEXT_MAX = 300  # a visitor notice's short text
NOTE_MAX = 500  # the note left when a message is handled


class ReceptionSettings(TenantModel):
    """One row per organisation, created on first use with the defaults (``settings_for``)."""

    email_delay = models.PositiveSmallIntegerField(
        _("e-mail after (minutes)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(1440)],
        help_text=_("A message still unread after this delay is also sent by e-mail."))
    urgent_email_delay = models.PositiveSmallIntegerField(
        _("urgent message: e-mail after (minutes)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(1440)])
    retention_months = models.PositiveSmallIntegerField(
        _("keep messages for (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(120)])

    class Meta:
        verbose_name = _("reception settings")
        verbose_name_plural = _("reception settings")
        constraints = [models.UniqueConstraint(fields=["organisation"], name="reception_settings_one_per_organisation")]

    def __str__(self) -> str:
        return str(self.organisation)


class State(models.TextChoices):
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    HANDLED = "handled", _("Handled")


class MessageQuerySet(TenantQuerySet):
    def for_recipient(self, membership):
        return self.filter(organisation_id=membership.organisation_id, recipient=membership)

    def unread(self):
        return self.filter(read_at__isnull=True, handled_at__isnull=True)


class PhoneMessage(TenantModel):
    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class Action(models.TextChoices):
        CALL_BACK = "call_back", _("Please call back")
        WILL_CALL_BACK = "will_call_back", _("Will call back")
        FOR_INFO = "for_info", _("For information")

    author = models.ForeignKey("accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+",
                               verbose_name=_("written by"))
    recipient = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="+", verbose_name=_("for"))
    caller_name = models.CharField(_("caller"), max_length=120)
    caller_number = models.CharField(_("caller's number"), max_length=20, blank=True)
    text = models.TextField(_("message"), max_length=TEXT_MAX)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    action = models.CharField(_("what to do"), max_length=20, choices=Action.choices, default=Action.CALL_BACK)
    created_at = models.DateTimeField(_("sent at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    email_sent_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("phone message")
        verbose_name_plural = _("phone messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "created_at"], name="reception_msg_org_created"),
            models.Index(fields=["recipient", "created_at"], name="reception_msg_recipient"),
            models.Index(fields=["author", "created_at"], name="reception_msg_author"),
            # The e-mail fallback's candidates: unread and not e-mailed yet.
            models.Index(fields=["created_at"], name="reception_msg_pending_email",
                         condition=models.Q(read_at__isnull=True, email_sent_at__isnull=True, handled_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.caller_name} → {self.recipient_id}"

    @property
    def state(self) -> str:
        if self.handled_at:
            return State.HANDLED
        if self.read_at:
            return State.READ
        if self.delivered_at:
            return State.DELIVERED
        return State.SENT

    @property
    def urgent(self) -> bool:
        return self.urgency == self.Urgency.URGENT


class VisitorNotice(TenantModel):
    """Someone arrived, or passed by, for a sector: told to the people on duty in it today."""

    author = models.ForeignKey("accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+",
                               verbose_name=_("written by"))
    sector = models.ForeignKey(Sector, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sector"))
    sector_name = models.CharField(_("sector"), max_length=120)  # kept if the sector is deleted later
    visitor_name = models.CharField(_("visitor"), max_length=120, blank=True)
    waiting = models.BooleanField(_("waiting at reception"), default=False)
    text = models.CharField(_("message"), max_length=NOTICE_TEXT_MAX, blank=True)
    created_at = models.DateTimeField(_("sent at"))

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("visitor notice")
        verbose_name_plural = _("visitor notices")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "created_at"], name="reception_notice_org_created"),
            models.Index(fields=["author", "created_at"], name="reception_notice_author"),
        ]

    def __str__(self) -> str:
        return self.visitor_name or self.sector_name


class NoticeRecipient(TenantModel):
    notice = models.ForeignKey(VisitorNotice, on_delete=models.CASCADE, related_name="recipients")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        constraints = [models.UniqueConstraint(fields=["notice", "membership"], name="reception_notice_recipient_once")]
        indexes = [models.Index(fields=["membership", "notice"], name="reception_notice_membership")]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.membership_id}"

    @property
    def state(self) -> str:
        return State.READ if self.read_at else State.DELIVERED if self.delivered_at else State.SENT

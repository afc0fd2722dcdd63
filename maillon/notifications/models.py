"""In-app notifications and the development e-mail outbox."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import TenantQuerySet


class NotificationQuerySet(TenantQuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a person should know. Organisation is optional (account-level notices)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read on"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed on"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


class OutboxMessage(models.Model):
    """An e-mail 'sent' in development mode: kept here instead of leaving the machine."""

    subject = models.CharField(_("subject"), max_length=300)
    from_email = models.CharField(_("sender"), max_length=300)
    to = models.TextField(_("recipients"))
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    sent_at = models.DateTimeField(_("sent on"), auto_now_add=True, db_index=True)
    # Whose outbox shows it: the organisations of its recipients (members), or the one the
    # sender named (header X-Maillon-Organisation, for guests outside any organisation).
    organisations = models.ManyToManyField(
        "organisations.Organisation", related_name="+", blank=True, verbose_name=_("organisations"))

    class Meta:
        verbose_name = _("development e-mail")
        verbose_name_plural = _("development outbox")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.subject

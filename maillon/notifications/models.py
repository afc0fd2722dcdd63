"""In-app notifications and the development e-mail outbox."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillon.organisations.models import TenantQuerySet

from .kinds import OTHER, Channel


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
    # What it is about (kinds.py) and how it was to reach the person when it was created: the
    # digest picks the ``digest`` ones it has not listed yet (``digested_at`` empty).
    kind = models.CharField(_("kind"), max_length=40, default=OTHER)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Channel.choices, default=Channel.IN_APP)
    digested_at = models.DateTimeField(_("digested on"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "created_at"], name="notification_digest_idx",
                         condition=Q(delivery="digest", digested_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """How one person wants one kind of notification. No row: the kind's default (kinds.py),
    so a better default reaches everyone who never chose."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences",
                             verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.channel}"


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


class PushPreference(models.Model):
    """Whether one kind reaches one person's devices by Web Push. No row: the kind's default
    (kinds.Kind.push)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_preferences",
                             verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=40)
    enabled = models.BooleanField(_("on my devices"))

    class Meta:
        verbose_name = _("push preference")
        verbose_name_plural = _("push preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="push_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.enabled}"


class PushSubscriptionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)


class PushSubscription(models.Model):
    """One browser on one device that accepted Web Push for one person (push.py). The endpoint
    is the push service's address for that browser; p256dh and auth are the browser's keys the
    payload is encrypted to. Removed when the person removes it, or the push service answers
    that it is gone (404/410)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions",
                             verbose_name=_("person"))
    endpoint = models.CharField(_("push service address"), max_length=1000, unique=True)
    p256dh = models.CharField(_("public key"), max_length=100)
    auth = models.CharField(_("authentication secret"), max_length=50)
    label = models.CharField(_("device"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("added on"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last notification"), null=True, blank=True)

    objects = PushSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("device for notifications")
        verbose_name_plural = _("devices for notifications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label or self.endpoint[:60]

    def info(self) -> dict:
        """What pywebpush calls subscription_info."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

"""`maillon check --deploy`: say when this instance sends no e-mail."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def email_backend(app_configs, **kwargs):
    if getattr(settings, "EMAIL_DISABLED", False):
        return [checks.Warning(
            "EMAIL_URL=none: Maillon sends no e-mail. Password resets, invitations and "
            "notifications by e-mail are not delivered; people must ask an administrator.",
            id="maillon.W001",
        )]
    if settings.EMAIL_BACKEND.startswith("maillon.notifications.backends.Outbox"):
        return [checks.Error(
            "The development outbox keeps e-mails in the database: set EMAIL_URL.", id="maillon.E001")]
    return []

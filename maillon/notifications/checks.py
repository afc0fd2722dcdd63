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


@checks.register(checks.Tags.security, deploy=True)
def vapid_keys(app_configs, **kwargs):
    """Web Push keys (push.py): a key from the environment must be a P-256 key whose public half
    is MAILLON_VAPID_PUBLIC_KEY when that is set; without one, the data directory's is used (one
    node, or a data directory shared by all)."""
    from . import push

    if not settings.VAPID_PRIVATE_KEY:  # the data directory's key: right for one node (README says when to set one)
        return []
    try:
        push.load_private_key(settings.VAPID_PRIVATE_KEY)
    except (ValueError, TypeError) as exc:
        return [checks.Error(f"MAILLON_VAPID_PRIVATE_KEY is not a usable key: {exc}", id="maillon.E002")]
    if settings.VAPID_PUBLIC_KEY and settings.VAPID_PUBLIC_KEY.strip() != push.public_key():
        return [checks.Error("MAILLON_VAPID_PUBLIC_KEY is not the public half of MAILLON_VAPID_PRIVATE_KEY.", id="maillon.E003")]
    return []

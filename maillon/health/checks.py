"""``maillon check --deploy``: production needs its own HEALTH_KEY (nothing is generated there)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security, deploy=True)
def health_key(app_configs, **kwargs):
    if not settings.HEALTH_KEY:
        return [checks.Error(
            "HEALTH_KEY is not set: children's health records cannot be read or written.",
            hint="Set HEALTH_KEY (or HEALTH_KEY_FILE) to the output of `maillon health new-key`, and keep a copy with the backups.",
            id="health.E001",
        )]
    from . import crypto

    try:
        crypto.keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="health.E002")]
    return []

"""Anti-abuse for public forms, without a third-party captcha.

- ``rate_limited(request, scope, email=None)``: a French message when this IP (or this e-mail) has
  sent too much on ``scope`` in the last hour, else None; each call that returns None counts one.
  Counters live in the shared cache (Redis in production), so every web process sees them.
- ``HoneypotForm``: a base form with a field people never see nor reach (hidden by CSS, out of
  the tab order, labelled « leave empty ») that robots fill: such a post is refused.
- ``MAX_UPLOAD_BYTES`` / ``MAX_TEXT``: size limits every public form applies.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillon.accounts.services_sessions import client_ip

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_TEXT = 5000
WINDOW_SECONDS = 3600
# Sends per hour: per IP address (a town hall's public computer serves several people) and per e-mail.
LIMITS = {"ip": 20, "email": 6}


def _key(scope: str, kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"citizens:rate:{scope}:{kind}:{digest}"


def _over(key: str, limit: int) -> bool:
    if cache.add(key, 1, WINDOW_SECONDS):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
        return False
    return count > limit


def rate_limited(request, scope: str, email: str | None = None) -> str | None:
    if _over(_key(scope, "ip", client_ip(request)), LIMITS["ip"]):
        return _("Too many sends from this connection in the last hour. Please try again later.")
    if email and _over(_key(scope, "email", email), LIMITS["email"]):
        return _("Too many sends with this e-mail address in the last hour. Please try again later.")
    return None


class HoneypotForm(forms.Form):
    # Named like a field robots love; people never see it (class "hp": off screen, no tab stop).
    website = forms.CharField(required=False, label=gettext_lazy("Leave this field empty"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This send looks automatic and was refused."))
        return ""


def check_upload(upload) -> None:
    """A ValidationError with a French message for a file over the size limit."""
    if upload is not None and upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(_("The file is too large (%(max)s MB at most).") % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)})

"""allauth adapter: Maillon is invitation-only, so public sign-up is closed; failed logins are
limited per person first, so a centre whose staff share one public address is not locked out
by one person's typos (issue 12, item 8)."""

import math
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

APP = "allauth.account"


def _blocked_for(request, action: str, key: str) -> float:
    """Seconds until ``action`` for ``key`` is allowed again (0 when it is allowed now)."""
    now, wait = time.time(), 0.0
    for rate in ratelimit.get_rates(app=APP, action=action):
        cache_key = ratelimit.get_cache_key(request, app=APP, action=action, rate=rate, key=key)
        live = [stamp for stamp in cache.get(cache_key, []) if stamp > now - rate.duration]
        if len(live) >= rate.amount:
            wait = max(wait, live[rate.amount - 1] + rate.duration - now)
    return wait


def too_many_attempts(seconds: float) -> ValidationError:
    minutes = max(1, math.ceil(seconds / 60))
    return ValidationError(ngettext(
        "Too many failed login attempts. Try again in %(minutes)d minute.",
        "Too many failed login attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}, code="too_many_login_attempts")


class AccountAdapter(DefaultAccountAdapter):
    # The login field is « Identifiant » (a username or an e-mail address): allauth's French
    # « Le pseudo et/ou le mot de passe sont incorrects » names a field the page does not show.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": _("The username or password is incorrect."),
        "email_password_mismatch": _("The username or password is incorrect."),
    }

    def is_open_for_signup(self, request) -> bool:
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        """Each attempt counts against, in this order: the account from this address
        (``login_failed_pair``), then the account from anywhere and the address for every
        account (``login_failed``, the address limit being far higher). A successful login
        takes its attempt back (allauth rolls ``_login_failed_rl_usage`` back)."""
        account = self._get_login_attempts_cache_key(request, **credentials)
        checks = (("login_failed_pair", f"{account}|{ratelimit.get_ip(request)}"), ("login_failed", account))
        taken = []
        for action, key in checks:
            usage = ratelimit.consume(request, app=APP, action=action, key=key)
            if not usage:
                for earlier in taken:
                    earlier.rollback()
                raise too_many_attempts(_blocked_for(request, action, key))
            taken.append(usage)
        self._login_failed_rl_usage = ratelimit.RateLimitUsage(usage=[u for usage in taken for u in usage.usage])

"""Sign-in links sent by e-mail: signed (``TimestampSigner``), valid 30 minutes, used once.

A token carries the e-mail address, the commune's slug and where to go next; it is refused when
its signature is wrong, when it is older than ``MAX_AGE``, when it was made for another commune,
and when it was already used (used tokens are remembered in the shared cache until they expire,
so every web process knows them).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache

MAX_AGE = 30 * 60
SALT = "maillon.citizens.login-link"


class LinkError(Exception):
    """``reason``: "invalid" (tampered, another commune), "expired" or "used"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LinkData:
    email: str
    commune: str
    next_url: str


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def make(email: str, commune_slug: str, next_url: str = "") -> str:
    # The random part makes every link unique: asking twice gives two links, each used once.
    return _signer().sign_object({"e": email.strip().lower(), "c": commune_slug, "n": next_url,
                                  "r": secrets.token_urlsafe(6)}, compress=True)


def _used_key(token: str) -> str:
    return "citizens:link-used:" + hashlib.sha256(token.encode()).hexdigest()[:40]


def read(token: str, commune_slug: str) -> LinkData:
    """The link's data, or ``LinkError``; does not use it up."""
    try:
        data = _signer().unsign_object(token, max_age=MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkError("expired") from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise LinkError("invalid") from exc
    if not isinstance(data, dict) or data.get("c") != commune_slug or not isinstance(data.get("e"), str):
        raise LinkError("invalid")
    if cache.get(_used_key(token)):
        raise LinkError("used")
    return LinkData(email=data["e"], commune=data["c"], next_url=str(data.get("n") or ""))


def use(token: str, commune_slug: str) -> LinkData:
    """``read``, then marks the token used (atomically: of two simultaneous uses, one wins)."""
    data = read(token, commune_slug)
    if not cache.add(_used_key(token), 1, MAX_AGE + 60):
        raise LinkError("used")
    return data

"""Personal access tokens: create (the raw value is shown once) and revoke, audited.

Tokens belong to a person, not to an organisation: a token acts as its owner, and the
organisation of each API call still comes from the X-Organisation header and the
owner's memberships.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillon.audit.services import record

from .models import PersonalAccessToken

MAX_EXPIRY_DAYS = 366
MAX_ACTIVE_TOKENS = 20


@dataclass
class CreatedToken:
    token: PersonalAccessToken
    raw: str  # shown once, never stored


def tokens_of(user):
    """The only way views and API reach tokens: the person's own."""
    return PersonalAccessToken.objects.filter(user=user)


def create_token(user, name: str, expires_in_days: int | None = None, *, request=None) -> CreatedToken:
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the token a name, e.g. the tool that will use it.")
    elif len(name) > 80:
        errors["name"] = _("The name is too long (80 characters at most).")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        errors["expires_in_days"] = _("Choose between 1 and %(max)s days, or leave empty for no expiry.") % {"max": MAX_EXPIRY_DAYS}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if tokens_of(user).usable().count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError({"name": _("You already have %(max)s active tokens: revoke one first.") % {"max": MAX_ACTIVE_TOKENS}})
        raw = PersonalAccessToken.generate()
        token = PersonalAccessToken.objects.create(
            user=user,
            name=name,
            token_hash=PersonalAccessToken.hash(raw),
            hint=raw[:12],
            expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
        )
        record("token.create", actor=user, target=token, request=request,
               data={"name": name, "expires_at": token.expires_at.isoformat() if token.expires_at else None})
    return CreatedToken(token, raw)


def revoke_token(user, token: PersonalAccessToken, *, request=None) -> bool:
    """Revoke one of the person's tokens. Returns False if it was already revoked."""
    if token.user_id != user.pk:
        raise PermissionError("not the owner of this token")
    with transaction.atomic():
        updated = tokens_of(user).filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if updated:
            record("token.revoke", actor=user, target=token, request=request, data={"name": token.name})
    token.refresh_from_db(fields=["revoked_at"])
    return bool(updated)

"""Citizens' identities (see models.py)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Citizen


def verified_citizen(email: str, *, given_name: str = "", family_name: str = "") -> Citizen:
    """The citizen of a verified e-mail address, created on first use (race-safe)."""
    email = email.strip().lower()
    citizen = Citizen.objects.filter(email=email).first()
    if citizen is None:
        try:
            with transaction.atomic():
                citizen = Citizen.objects.create(email=email, email_verified_at=timezone.now(),
                                                 given_name=given_name, family_name=family_name)
        except IntegrityError:
            citizen = Citizen.objects.get(email=email)
    elif citizen.email_verified_at is None:
        citizen.email_verified_at = timezone.now()
        citizen.save(update_fields=["email_verified_at"])
    return citizen

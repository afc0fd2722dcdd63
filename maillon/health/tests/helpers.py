"""Records for the health tests (invented children)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from maillon.accounts.models import Membership
from maillon.testing import give_totp, make_member, sector

from ..models import HealthContact, HealthRecord

ALLERGY = "Arachides et noix de cajou"
DOCTOR = "Dr Bérengère Tilleuil"
PHONE = "06 12 34 56 78"


def current_school_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def make_record(organisation, sector_name="Secteur Enfance", *, first="Élodie", last="Brindille", school_year=None,
                **values) -> HealthRecord:
    """A record written straight to the database (the services are tested on their own)."""
    year = current_school_year() if school_year is None else school_year
    record = HealthRecord.objects.create(
        organisation=organisation, first_name=first, last_name=last, birth_date=datetime.date(2017, 3, 4),
        school_year=year, valid_until=datetime.date(year + 1, 8, 31),
        **{"allergies": ALLERGY, "doctor_name": DOCTOR, "doctor_phone": "04 72 10 20 30", "has_pai": True, **values})
    record.sectors.set([sector(organisation, sector_name)])
    HealthContact.objects.create(record=record, name="Martine Brindille", phone=PHONE, relationship="Mère",
                                 is_guardian=True, may_collect=True)
    return record


def member(organisation, *roles, sector_name="Secteur Enfance", mfa=True, **fields):
    user = make_member(organisation, *roles, sector_name=sector_name, **fields)
    if mfa:
        give_totp(user)
    return user


def membership_of(user, organisation):
    return Membership.objects.with_roles().get(user=user, organisation=organisation)

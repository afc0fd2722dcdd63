from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from maillon.accounts.models import User
from maillon.accounts.roles import Role
from maillon.citizens.models import Citizen
from maillon.citizens.services import verified_citizen
from maillon.citizens.testing import make_commune
from maillon.organisations.models import Organisation, Sector
from maillon.testing import give_totp, make_member

from ..models import Consultation, Option


@dataclass
class Town:
    commune: Organisation
    other: Organisation
    director: User
    coordinator: User
    staff: User
    other_director: User
    alice: Citizen  # e-mail identity
    bruno: Citizen  # FranceConnect identity
    other_citizen: Citizen


def _privileged(organisation, role) -> User:
    user = make_member(organisation, role, sector_name=None)
    give_totp(user)
    return user


@pytest.fixture
def town(db):
    commune = make_commune("saint-essai", services=("participation",), name="Saint-Essai")
    other = make_commune("villeautre", services=("participation",), name="Villeautre")
    Sector.objects.create(organisation=commune, name="Secteur Enfance")
    bruno = Citizen.objects.create(franceconnect_sub="fc-bruno-1", email="bruno@exemple.test", given_name="Bruno", family_name="Essai")
    return Town(commune=commune, other=other, director=_privileged(commune, Role.DIRECTOR),
                coordinator=make_member(commune, Role.COORDINATOR), staff=make_member(commune, sector_name=None),
                other_director=_privileged(other, Role.DIRECTOR), alice=verified_citizen("alice@exemple.test", given_name="Alice"),
                bruno=bruno, other_citizen=verified_citizen("claire@exemple.test"))


def consultation(organisation, *, kind=Consultation.Kind.OPTIONS, state="open", options=("Oui", "Non", "Sans avis"), **extra):
    now = timezone.now()
    opens, closes = {"open": (now - timedelta(days=1), now + timedelta(days=5)),
                     "upcoming": (now + timedelta(days=2), now + timedelta(days=9)),
                     "closed": (now - timedelta(days=9), now - timedelta(hours=1))}[state]
    found = Consultation.objects.create(organisation=organisation, title=extra.pop("title", "Aménagement de la place"),
                                        question="Que préférez-vous pour la place ?", kind=kind, opens_at=opens, closes_at=closes, **extra)
    if kind == Consultation.Kind.OPTIONS:
        Option.objects.bulk_create([Option(organisation=organisation, consultation=found, label=label, position=i)
                                    for i, label in enumerate(options)])
    return found

"""Demo: « Syndicat mixte numérique du Val de Gers » (fictional) and its 30 fictional communes,
8 of them with services enabled, one support access running. Logins: ``valdegers.coordination``
(coordinator) and ``valdegers.direction`` (director), both with TOTP, the demo password."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from maillon.accounts.models import Membership, RoleAssignment, User
from maillon.accounts.roles import Role
from maillon.organisations.models import Organisation, Sector

GROUPEMENT_SLUG = "val-de-gers-numerique"
# Invented names (none is a real commune), populations from 48 to 6,200.
COMMUNES = [
    ("Aubertin-sur-Gimone", 412), ("Bellecombe-d'Astarac", 96), ("Castelnau-des-Prés", 1830), ("Dardenac", 230),
    ("Escoussac", 58), ("Fontrailles-le-Haut", 645), ("Gaujan-la-Vieille", 148), ("Haget-Sainte-Foy", 312),
    ("Issanlas-de-Gers", 1120), ("Juillac-en-Lomagne", 2740), ("Lasserre-Montfort", 187), ("Monbardon-les-Vignes", 73),
    ("Nougaroulet-Saint-Clar", 540), ("Ornézan-le-Bois", 268), ("Peyrusse-Grandval", 6200), ("Quinsac-d'Armagnac", 89),
    ("Roquelaure-Basse", 734), ("Saint-Arroman-des-Coteaux", 121), ("Tachoires-sur-Baïse", 402), ("Urdens-le-Moulin", 955),
    ("Valentées-en-Fezensac", 48), ("Villefranche-d'Arrats", 3150), ("Amadieu-les-Bastides", 276), ("Boulaur-Neuve", 610),
    ("Cazaux-Savès-le-Pont", 167), ("Duran-la-Garenne", 1485), ("Estipouy-Sainte-Croix", 203), ("Faget-Labéjan", 99),
    ("Gazax-et-Lagarde", 330), ("Homps-sur-Save", 805),
]
SERVICE_SETS = [
    ("procedures", "content", "agenda", "meetings"), ("procedures", "content"), ("procedures", "agenda", "reception"),
    ("content", "directory"), ("procedures", "leave", "meetings"), ("procedures",), ("content", "spaces", "directory"),
    ("procedures", "content", "agenda", "meetings", "directory", "leave"),
]


def _siret(n: int) -> str:
    """A valid (Luhn) fictional SIRET: 2132 9 + five digits + NIC 00018 with its check digit."""
    body = f"21329{n:04d}0001"
    for last in range(10):
        digits = body + str(last)
        total = 0
        for index, char in enumerate(reversed(digits)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return digits
    raise AssertionError


STAFF_ROLES = [("valdegers.coordination", Role.COORDINATOR), ("valdegers.direction", Role.DIRECTOR)]


def seed_communes(context, *, count: int | None = None) -> None:
    """The groupement, its staff and its communes; ``count=8`` seeds only the first eight (those
    with services, the support access in the first): what a test of another app's demo needs,
    in a fraction of the time of all 30."""
    from maillon.core.demo import DemoLogin, _activate_totp, _person

    from . import services
    from .models import Commune

    found = Organisation.objects.filter(slug=GROUPEMENT_SLUG).first()
    if found is not None:  # seeded already: list the logins again, with the secrets people already added
        for username, role in STAFF_ROLES:
            user = User.objects.filter(username=username).first()
            if user is not None:
                context.people[username] = user
                context.logins.append(DemoLogin(username, str(Role(role).label), found.name, _activate_totp(user)))
        return
    groupement = Organisation.objects.create(
        name="Syndicat mixte numérique du Val de Gers", slug=GROUPEMENT_SLUG, kind=Organisation.Kind.GROUPEMENT,
        address="2 allée des Platanes\n32000 Val-de-Gers", primary_colour="#0b5c4a", accent_colour="#8a3b12",
    )
    sector = Sector.objects.create(organisation=groupement, name="Accompagnement des communes")
    staff = {}
    for username, first, last, role, title in [
        ("valdegers.coordination", "Sabine", "Marquefave", Role.COORDINATOR, "Coordinatrice des communes"),
        ("valdegers.direction", "Gaëtan", "Puységur", Role.DIRECTOR, "Directeur du syndicat"),
    ]:
        user = _person(username, first, last)
        membership = Membership.objects.create(user=user, organisation=groupement, sector=sector, job_title=title)
        RoleAssignment.objects.create(membership=membership, role=Role.STAFF)
        RoleAssignment.objects.create(membership=membership, role=role, sector=sector if role == Role.COORDINATOR else None)
        membership = Membership.objects.with_roles().select_related("organisation", "user").get(pk=membership.pk)
        staff[username] = membership
        secret = _activate_totp(user)  # a support access makes them a commune's admin: MFA for both
        context.people[username] = user
        context.logins.append(DemoLogin(username, str(Role(role).label), groupement.name, secret))
    coordination = staff["valdegers.coordination"]
    taken = set(Organisation.objects.values_list("slug", flat=True))
    federation = services.groupement_federation(groupement)
    communes = []
    for index, (name, population) in enumerate(COMMUNES[:count]):
        data = services.CommuneData(name, f"329{index + 10:02d}", _siret(index + 1), population,
                                    f"{context_first(index)} {context_last(index)}", f"mairie{index + 1}@communes.demo.maillon.localhost")
        communes.append(services._create(groupement, data, actor=coordination.user, taken=taken, federation=federation))
    for commune, keys in zip(communes, SERVICE_SETS, strict=False):
        services.set_services(coordination, commune, keys)
    # The first eight are active: their secretaries logged in last week.
    recent = timezone.now() - timedelta(days=3)
    User.objects.filter(memberships__organisation__in=[c.organisation for c in communes[:8]]).update(last_login=recent)
    services.grant_support(coordination, Commune.objects.select_related("organisation").get(pk=communes[0].pk), hours=4,
                           reason="Paramétrage des démarches en ligne avec le secrétariat")


def context_first(index: int) -> str:
    from maillon.core.demo import FIRST_NAMES

    return FIRST_NAMES[(index * 7) % len(FIRST_NAMES)]


def context_last(index: int) -> str:
    from maillon.core.demo import LAST_NAMES

    return LAST_NAMES[(index * 11 + 5) % len(LAST_NAMES)]

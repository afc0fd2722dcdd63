"""Fictional demo data: a social centre of 48 staff, a second organisation, a federation.

Every name is invented. Privileged demo accounts get a TOTP secret drawn at random when the
demo is first seeded on this install (never the same on two installs), printed with their login,
so the demo stays usable while MFA stays mandatory.
Refuses to run in production mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from maillon.accounts.models import Membership, RoleAssignment, User
from maillon.accounts.roles import Role
from maillon.organisations.models import VISITOR_TOPICS, Federation, Organisation, Sector
from maillon.organisations.services import create_organisation

from .registry import registry

DEMO_PASSWORD = "Maillon-Demo-2026"

FIRST_NAMES = [
    "Amandine", "Basile", "Capucine", "Désiré", "Eulalie", "Fulbert", "Garance", "Hippolyte", "Iris",
    "Joachim", "Ludivine", "Marius", "Noémie", "Octave", "Perrine", "Quentin", "Rosalie", "Séverin",
    "Tiphaine", "Ulysse", "Violette", "Wilfried", "Yasmina", "Zéphyrin", "Anouk", "Bertille", "Clovis",
    "Dorothée", "Émeric", "Félicie", "Gaspard", "Honorine", "Isaure", "Jordane", "Kenza", "Léandre",
    "Maëlys", "Nestor", "Ophélie", "Prosper", "Romane", "Sidonie", "Timothée", "Valentine", "Yanis",
    "Zélie", "Aurèle", "Blandine",
]
LAST_NAMES = [
    "Aubépine", "Belleville", "Castagnier", "Dumoulin-Vert", "Estrellier", "Fontclair", "Grandbois",
    "Hautecœur", "Isambert", "Jolimont", "Kerbrival", "Lavandier", "Montaubert", "Noirval", "Orsanne",
    "Peyrefonds", "Quinsac", "Roucheval", "Saint-Amourin", "Tournesac", "Urvillers", "Valbonnet",
    "Wattebled-Rose", "Ysambard", "Zandrelli", "Arcamone", "Brisevent", "Clairsange", "Dauphinel",
    "Escaravage", "Faverolle", "Gravelotte", "Hurepel", "Ivernois", "Javerlhac", "Lescoublet",
    "Malestroit", "Nantillac", "Ombreval", "Pradinas", "Quatrebarbes", "Ribemontel", "Sauvagnat",
    "Trémolières", "Vaudrenil", "Villecourt", "Aigrefeuille", "Bonnecombe",
]


@dataclass
class DemoLogin:
    username: str
    role: str
    organisation: str
    totp_secret: str = ""


@dataclass
class DemoContext:
    """Handed to each app's demo seeder."""

    federation: Federation
    main: Organisation
    second: Organisation
    people: dict[str, User] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


def totp_secret_of(user) -> str | None:
    """The TOTP secret (base32) of ``user``'s authenticator, None without one."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return decrypt(authenticator.data["secret"]) if authenticator else None


# (username, first, last, role, sector or None, job title)
KEY_PEOPLE = [
    ("directrice", "Hélène", "Marchetti-Bois", Role.DIRECTOR, None, "Directrice"),
    ("rh", "Rodolphe", "Vermandel", Role.HR, None, "Responsable ressources humaines"),
    ("admin", "Aline", "Technivert", Role.ADMIN, None, "Administratrice technique"),
    ("coordo.enfance", "Corentin", "Moulinsart", Role.COORDINATOR, "Secteur Enfance", "Coordinateur enfance"),
    ("coordo.jeunes", "Salomé", "Vireloup", Role.COORDINATOR, "Secteur Jeunes et Adolescents", "Coordinatrice jeunesse"),
    ("encadrant", "Firmin", "Talbrecourt", Role.SUPERVISOR, "Secteur Enfance", "Encadrant périscolaire"),
    ("accueil", "Nadège", "Bellerose", Role.RECEPTION, None, "Agente d'accueil"),
    ("communication", "Léonie", "Plumecoq", Role.COMMUNICATION, None, "Chargée de communication"),
    ("materiel", "Gatien", "Clefdoré", Role.EQUIPMENT_MANAGER, None, "Gestionnaire du matériel"),
    ("animateur", "Lucas", "Farandole", Role.STAFF, "Secteur Enfance", "Animateur"),
]


def _person(username, first, last, email_domain="demo.maillon.localhost") -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@{email_domain}"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _member(user, organisation, sector_name, role, job_title) -> Membership:
    sector = Sector.objects.for_organisation(organisation).filter(name=sector_name).first() if sector_name else None
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"sector": sector, "job_title": job_title}
    )
    RoleAssignment.objects.get_or_create(membership=membership, role=Role.STAFF, sector=None)
    if role != Role.STAFF:
        from maillon.accounts.roles import SECTOR_ROLES

        RoleAssignment.objects.get_or_create(membership=membership, role=role, sector=sector if role in SECTOR_ROLES else None)
    return membership


def _activate_totp(user) -> str:
    """A random secret the first time (a fixed one would be known to anyone who read this code);
    seeding again keeps the one people already added to their authenticator app."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = totp_secret_of(user)
    if secret is None:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)
    return secret


@transaction.atomic
def seed() -> DemoContext:
    if settings.MAILLON_ENV == "production":
        raise RuntimeError("Demo data is never loaded in production mode.")
    federation, _ = Federation.objects.get_or_create(slug="federation-val-fleuri", defaults={"name": "Fédération des centres sociaux du Val-Fleuri"})
    main = Organisation.objects.filter(slug="les-tilleuls").first() or create_organisation(
        name="Centre social Les Tilleuls", slug="les-tilleuls", address="12 rue des Glycines\n59000 Val-Fleuri",
        primary_colour="#1d4f91", accent_colour="#b8336a", show_feder_block=True,
    )
    second = Organisation.objects.filter(slug="arc-en-ciel").first() or create_organisation(
        name="Maison de quartier Arc-en-Ciel", slug="arc-en-ciel", kind=Organisation.Kind.ASSOCIATION,
        address="3 place du Lavoir\n59100 Val-Fleuri", primary_colour="#6b2d8f", accent_colour="#0b6e4f",
    )
    main.federations.add(federation)
    second.federations.add(federation)
    for organisation in (main, second):
        _retire_visitor_topics(organisation)
    context = DemoContext(federation=federation, main=main, second=second)

    for username, first, last, role, sector, title in KEY_PEOPLE:
        user = _person(username, first, last)
        _member(user, main, sector, role, title)
        secret = _activate_totp(user) if role in settings.MAILLON_MFA_REQUIRED_ROLES else ""
        context.people[username] = user
        context.logins.append(DemoLogin(username, str(Role(role).label), main.name, secret))

    # The rest of the 48 staff, spread over the sectors.
    sectors = list(Sector.objects.for_organisation(main).exclude(name__in=[*VISITOR_TOPICS, "Non renseigné"]))
    for index in range(48 - len(KEY_PEOPLE)):
        first, last = FIRST_NAMES[index], LAST_NAMES[index]
        username = f"{first}.{last}".lower().replace(" ", "-")
        user = _person(_ascii(username), first, last)
        role = Role.SUPERVISOR if index % 9 == 0 else Role.STAFF
        _member(user, main, sectors[index % len(sectors)].name, role, "Animateur·rice" if index % 3 else "Intervenant·e")
        context.people[user.username] = user

    # The second organisation: its own people, plus one coordinator shared with the first.
    for username, first, last, role, sector, title in [
        ("arc.directeur", "Barnabé", "Lunevert", Role.DIRECTOR, None, "Directeur"),
        ("arc.animatrice", "Clémence", "Ruisselet", Role.STAFF, "Secteur Jeunes et Adolescents", "Animatrice"),
        ("arc.accueil", "Théo", "Passerelle", Role.RECEPTION, None, "Agent d'accueil"),
    ]:
        user = _person(username, first, last)
        _member(user, second, sector, role, title)
        secret = _activate_totp(user) if role in settings.MAILLON_MFA_REQUIRED_ROLES else ""
        context.people[username] = user
        context.logins.append(DemoLogin(username, str(Role(role).label), second.name, secret))
    _member(context.people["coordo.enfance"], second, "Secteur Enfance", Role.STAFF, "Animateur (mise à disposition)")

    for seeder in registry.demo_seeders:
        seeder(context)
    return context


def _retire_visitor_topics(organisation) -> None:
    """A demo seeded before the visitor topics of seed 001 §3.5 (« Culture »…) left the sectors
    keeps no one in them: their people (home sector and sector roles) move to the real sectors,
    then the topics go unless something still needs them (a planning's team)."""
    from django.db.models import ProtectedError

    topics = list(Sector.objects.for_organisation(organisation).filter(name__in=VISITOR_TOPICS))
    if not topics:
        return
    real = list(Sector.objects.for_organisation(organisation).exclude(name__in=[*VISITOR_TOPICS, "Non renseigné"]).order_by("position", "pk"))
    for index, membership in enumerate(Membership.objects.filter(organisation=organisation, sector__in=topics).order_by("pk")):
        membership.sector = real[index % len(real)] if real else None
        membership.save(update_fields=["sector"])
    for index, assignment in enumerate(RoleAssignment.objects.filter(membership__organisation=organisation, sector__in=topics).order_by("pk")):
        target = real[index % len(real)] if real else None
        if RoleAssignment.objects.filter(membership=assignment.membership, role=assignment.role, sector=target).exists():
            assignment.delete()
        else:
            assignment.sector = target
            assignment.save(update_fields=["sector"])
    for topic in topics:
        try:
            with transaction.atomic():
                topic.delete()
        except ProtectedError:
            continue


def _ascii(value: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().replace("'", "")

"""Demo: the federation's office hosts two spaces shared by both demo organisations and a third
one (a State service), plus one person invited by e-mail who belongs to no organisation. Other
features of the spaces (feed, knowledge base, events, skills) add their own demo on top."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

SPACES = [
    # (slug, name, kind, visibility, theme, description)
    ("numerique-acces-aux-droits", "Numérique et accès aux droits", "working_group", "members", "Inclusion numérique",
     "Groupe de travail inter-centres : accompagner les habitants dans leurs démarches en ligne, partager les outils et "
     "les pratiques, préparer les trois réunions annuelles avec les services de l'État."),
    ("reseau-parentalite", "Réseau parentalité", "network", "federation", "Familles",
     "Réseau thématique ouvert à tous les centres de la fédération : ateliers parents-enfants, ressources, agenda commun."),
]


def seed_spaces(context) -> None:
    from maillon.accounts.roles import Role as OrgRole
    from maillon.core.demo import DemoLogin, _activate_totp, _member, _person
    from maillon.organisations.models import Organisation
    from maillon.organisations.services import create_organisation

    from .models import Role, Space, SpaceMember, SpaceOrganisation

    office = Organisation.objects.filter(slug="federation-val-fleuri").first() or create_organisation(
        name="Fédération des centres sociaux du Val-Fleuri", slug="federation-val-fleuri", kind=Organisation.Kind.FEDERATION,
        address="3 place de la Halle\n59000 Val-Fleuri")
    office.federations.add(context.federation)
    state = Organisation.objects.filter(slug="ddets-val-fleuri").first() or create_organisation(
        name="DDETS du Val-Fleuri", slug="ddets-val-fleuri", kind=Organisation.Kind.STATE_SERVICE,
        address="1 rue de la Préfecture\n59000 Val-Fleuri")
    for username, first, last, organisation, role, title in [
        ("fede.directrice", "Maud", "Ambrelune", office, OrgRole.DIRECTOR, "Déléguée fédérale"),
        ("fede.chargee", "Octave", "Pastourel", office, OrgRole.COORDINATOR, "Chargé de mission numérique"),
        ("ddets.referente", "Inès", "Gravelune", state, OrgRole.STAFF, "Référente inclusion numérique"),
    ]:
        user = _person(username, first, last)
        _member(user, organisation, None, role, title)
        context.people[username] = user
        secret = _activate_totp(user) if role in settings.MAILLON_MFA_REQUIRED_ROLES else ""
        context.logins.append(DemoLogin(username, str(OrgRole(role).label), organisation.name, secret))
    guest = _person("consultante", "Aude", "Sérillac", email_domain="conseil.example")
    context.logins.append(DemoLogin("consultante", "Invitée (sans organisation)", "—"))
    if Space.objects.filter(slug=SPACES[0][0]).exists():
        return  # a demo loaded again: its people and logins are there, and so are the spaces

    people = context.people
    now = timezone.now()
    for slug, name, kind, visibility, theme, description in SPACES:
        space = Space.objects.create(slug=slug, name=name, kind=kind, visibility=visibility, theme=theme, description=description,
                                     organisation=office, federation=context.federation, created_by=people["fede.directrice"],
                                     created_at=now - timezone.timedelta(days=200))
        SpaceOrganisation.objects.create(space=space, organisation=office, role=Role.CONTRIBUTOR, accepted_at=space.created_at)
        members = [("fede.directrice", office, Role.HOST), ("fede.chargee", office, Role.HOST)]
        if slug == "numerique-acces-aux-droits":
            members += [("directrice", context.main, Role.CONTRIBUTOR), ("coordo.enfance", context.main, Role.CONTRIBUTOR),
                        ("arc.directeur", context.second, Role.CONTRIBUTOR), ("arc.animatrice", context.second, Role.CONTRIBUTOR),
                        ("ddets.referente", state, Role.CONTRIBUTOR), ("consultante", None, Role.READER)]
            SpaceOrganisation.objects.create(space=space, organisation=state, role=Role.READER, invited_by=people["fede.chargee"],
                                             accepted_at=now - timezone.timedelta(days=120))
            # Waiting for the answer of Arc-en-Ciel's director (« Espaces », « Invitations à traiter »).
            SpaceOrganisation.objects.create(space=space, organisation=context.second, role=Role.READER,
                                             invited_by=people["fede.chargee"], invited_at=now - timezone.timedelta(days=3))
        else:
            members += [("coordo.jeunes", context.main, Role.HOST), ("arc.animatrice", context.second, Role.CONTRIBUTOR)]
        for username, organisation, role in members:
            user = guest if username == "consultante" else people[username]
            SpaceMember.objects.create(space=space, user=user, organisation=organisation, role=role, added_by=people["fede.directrice"],
                                       joined_at=space.created_at)

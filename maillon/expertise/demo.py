"""Demo: the federation's taxonomy (five domains) and skills declared by about twelve people of the
demo organisations, the federation office and the State service; one person chose to be hidden."""

from __future__ import annotations

TAXONOMY = {
    "Numérique et accès aux droits": ["Accompagnement aux démarches en ligne", "France Services", "Ateliers numériques seniors",
                                      "Outils collaboratifs"],
    "Parentalité et familles": ["Ateliers parents-enfants", "Médiation familiale", "Soutien à la scolarité"],
    "Gestion et financements": ["Montage de dossiers FEDER", "Subventions CAF", "Comptabilité associative"],
    "Animation et jeunesse": ["Accueil de loisirs", "Projets jeunes", "Premiers secours (PSC1)"],
    "Communication": ["Réseaux sociaux", "Rédaction de lettres d'information", "Graphisme"],
}

# username, skill, level (1 notions, 2 pratique, 3 expert), note, contactable
DECLARATIONS = [
    ("fede.chargee", "Accompagnement aux démarches en ligne", 3, "Formateur des aidants numériques du réseau depuis 2021.", True),
    ("fede.chargee", "Outils collaboratifs", 3, "Nextcloud, visioconférence, agendas partagés.", True),
    ("fede.directrice", "Montage de dossiers FEDER", 3, "Trois programmes FEDER menés pour le réseau.", True),
    ("fede.directrice", "Subventions CAF", 2, "", False),
    ("ddets.referente", "France Services", 3, "Référente des labellisations France Services du département.", True),
    ("ddets.referente", "Accompagnement aux démarches en ligne", 2, "", True),
    ("directrice", "Montage de dossiers FEDER", 2, "Dossier FEDER du centre en 2025.", True),
    ("directrice", "Comptabilité associative", 2, "", False),
    ("coordo.enfance", "Accueil de loisirs", 3, "Direction d'accueils de loisirs (BAFD).", True),
    ("coordo.enfance", "Premiers secours (PSC1)", 2, "", True),
    ("coordo.jeunes", "Projets jeunes", 3, "Juniors associations, chantiers jeunes.", True),
    ("coordo.jeunes", "Réseaux sociaux", 1, "", False),
    ("communication", "Réseaux sociaux", 3, "Instagram et Facebook du centre.", True),
    ("communication", "Rédaction de lettres d'information", 3, "", True),
    ("communication", "Graphisme", 2, "Affiches et programmes (Scribus).", True),
    ("animateur", "Ateliers numériques seniors", 2, "Atelier tablette du jeudi.", True),
    ("animateur", "Soutien à la scolarité", 1, "", False),
    ("encadrant", "Premiers secours (PSC1)", 3, "Formateur PSC1.", True),
    ("arc.directeur", "Subventions CAF", 3, "Convention d'objectifs et de gestion, prestations de service.", True),
    ("arc.directeur", "Médiation familiale", 1, "", False),
    ("arc.animatrice", "Ateliers parents-enfants", 3, "Ateliers cuisine et jeux parents-enfants.", True),
    ("arc.animatrice", "Projets jeunes", 2, "", True),
    ("accueil", "France Services", 2, "Accueil France Services du centre.", False),
    ("rh", "Comptabilité associative", 1, "", False),
]
HIDDEN = ["rh"]  # declared a skill, then chose to be hidden: nobody else finds them


def seed_expertise(context) -> None:
    from .models import Declaration, Domain, Profile, Skill

    if Domain.objects.filter(federation=context.federation).exists():
        return
    skills = {}
    for domain_name, names in TAXONOMY.items():
        domain = Domain.objects.create(name=domain_name, federation=context.federation)
        for name in names:
            skills[name] = Skill.objects.create(domain=domain, name=name)
    Declaration.objects.bulk_create([
        Declaration(user=context.people[username], skill=skills[skill], level=level, note=note, contactable=contactable)
        for username, skill, level, note, contactable in DECLARATIONS if username in context.people
    ])
    for username in HIDDEN:
        if username in context.people:
            Profile.objects.update_or_create(user=context.people[username], defaults={"hidden": True})

"""Demo: a dozen knowledge base pages with their history in « Numérique et accès aux droits »
(fictional content; runs after the spaces' seeder, does nothing when the pages exist)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from maillon.spaces.models import Role, Space

from . import services
from .models import Page, Version

SPACE = "numerique-acces-aux-droits"

# (key, parent key, title, [(author username, days ago, text, note), …]): the versions, oldest first.
PAGES = [
    ("accueil", None, "Bienvenue dans la base de connaissances", [
        ("fede.chargee", 150, "Cette base rassemble ce que le groupe a appris sur l'accès aux droits en ligne.\n\n"
         "- **Démarches** : les pas à pas écrits par les centres ;\n- **Outils** : ce que nous utilisons ;\n"
         "- **Ressources** : textes et contacts utiles.", ""),
        ("fede.chargee", 60, "Cette base rassemble ce que le groupe a appris sur l'accès aux droits en ligne.\n\n"
         "- **Démarches** : les pas à pas écrits par les centres ;\n- **Outils** : ce que nous utilisons ;\n"
         "- **Ressources** : textes et contacts utiles.\n\nChaque membre contributeur peut écrire ou corriger une page : "
         "l'historique garde toutes les versions.", "Rappel sur l'historique"),
    ]),
    ("demarches", None, "Démarches en ligne", [
        ("fede.chargee", 148, "Les pas à pas des démarches les plus demandées aux accueils des centres sociaux.", ""),
    ]),
    ("caf", "demarches", "Déclarer ses ressources trimestrielles à la CAF", [
        ("coordo.enfance", 140, "## Avant de commencer\n\nAvoir le numéro d'allocataire et le mot de passe.\n\n"
         "## Étapes\n\n1. Se connecter à l'espace « Mon compte ».\n2. Choisir « Déclarer mes ressources ».\n3. Valider.", ""),
        ("arc.animatrice", 90, "## Avant de commencer\n\nAvoir le numéro d'allocataire et le mot de passe, et les bulletins de "
         "salaire des trois derniers mois.\n\n## Étapes\n\n1. Se connecter à l'espace « Mon compte ».\n"
         "2. Choisir « Déclarer mes ressources ».\n3. Reporter les montants nets.\n4. Valider et télécharger le récapitulatif.",
         "Bulletins de salaire, récapitulatif"),
        ("coordo.enfance", 20, "## Avant de commencer\n\nAvoir le numéro d'allocataire et le mot de passe, et les bulletins de "
         "salaire des trois derniers mois.\n\n## Étapes\n\n1. Se connecter à l'espace « Mon compte ».\n"
         "2. Choisir « Déclarer mes ressources ».\n3. Reporter les montants nets (avant prélèvement à la source).\n"
         "4. Valider et télécharger le récapitulatif.\n\n> Ne jamais garder le mot de passe de la personne.", "Précision sur le net"),
    ]),
    ("ants", "demarches", "Carte grise et permis : le site de l'ANTS", [
        ("arc.animatrice", 120, "Les démarches se font uniquement en ligne. Prévoir une adresse électronique à la personne.", ""),
        ("directrice", 45, "Les démarches se font uniquement en ligne. Prévoir une adresse électronique **à la personne**, "
         "jamais celle du centre.\n\nEn cas de blocage : le point d'accueil numérique de la préfecture.", "Adresse de la personne"),
    ]),
    ("retraite", "demarches", "Demander sa retraite en ligne", [
        ("ddets.referente", 80, "La demande unique se fait sur le site de l'Assurance retraite, six mois avant la date choisie.", ""),
    ]),
    ("impots", "demarches", "Première déclaration de revenus", [
        ("coordo.enfance", 70, "Une première déclaration se fait sur papier ou en ligne après avoir obtenu un numéro fiscal.", ""),
        ("coordo.enfance", 30, "Une première déclaration se fait en ligne, après avoir obtenu un numéro fiscal auprès du "
         "service des impôts des particuliers.\n\n- pièce d'identité\n- justificatif de domicile", "Pièces à fournir"),
    ]),
    ("outils", None, "Outils", [
        ("fede.chargee", 146, "Les outils que les centres utilisent pour accompagner les personnes.", ""),
    ]),
    ("coffre", "outils", "Coffre-fort numérique", [
        ("arc.animatrice", 100, "Un coffre-fort numérique garde les papiers importants de la personne. Elle seule en a la clé.", ""),
        ("fede.chargee", 50, "Un coffre-fort numérique garde les papiers importants de la personne. **Elle seule en a la clé** : "
         "l'aidant ne garde aucun identifiant.\n\n| Outil | Gratuit |\n|---|---|\n| Coffre public | oui |", "Tableau des outils"),
    ]),
    ("aidants", "outils", "Mandat d'aidant numérique", [
        ("directrice", 95, "Le mandat permet d'agir pour le compte d'une personne, avec son accord écrit.", ""),
    ]),
    ("ressources", None, "Ressources", [
        ("fede.chargee", 144, "Textes, guides et contacts utiles au groupe.", ""),
    ]),
    ("contacts", "ressources", "Contacts des partenaires", [
        ("ddets.referente", 110, "- DDETS : accueil du lundi au vendredi\n- CAF : rendez-vous en ligne", ""),
        ("ddets.referente", 15, "- DDETS : accueil du lundi au vendredi, de 9 h à 12 h\n- CAF : rendez-vous en ligne\n"
         "- CPAM : conseiller dédié aux structures", "Horaires, CPAM"),
    ]),
    ("glossaire", "ressources", "Glossaire de l'inclusion numérique", [
        ("arc.animatrice", 40, "**Illectronisme** : difficulté à utiliser les outils numériques.\n\n"
         "**France services** : guichet d'accueil pour les démarches.", ""),
    ]),
]


def seed_kb(context) -> None:
    space = Space.objects.filter(slug=SPACE).first()
    if space is None or Page.objects.filter(space=space).exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in={v[0] for *_x, vs in PAGES for v in vs})}
    now = timezone.now()
    made: dict[str, Page] = {}
    for key, parent, title, versions in PAGES:
        (author, days, body, _note), *later = versions
        page = services.create_page(space, Role.HOST, users.get(author), title=title, body=body, parent=made.get(parent))
        for author, _days_later, text, note in later:
            services.save_page(page, Role.HOST, users.get(author), title=title, body=text, note=note)
        made[key] = page
        for version, (_a, ago, _t, _n) in zip(page.versions.order_by("number"), versions, strict=True):
            Version.objects.filter(pk=version.pk).update(created_at=now - timezone.timedelta(days=ago))
        Page.objects.filter(pk=page.pk).update(created_at=now - timezone.timedelta(days=days),
                                               updated_at=now - timezone.timedelta(days=versions[-1][1]))

"""Demo data of the logbook part: six months of entries (fictional, in French) for the six
participants of the demo framework (10 to 16 each): some shared with the group, some with the
coordinator only, some private, a few drafts, some quotable; themes; self-assessments over the
months, one of them validated by the person's coordinator (signed)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

THEMES = ["Accès aux droits", "Parentalité", "E-administration", "Inclusion numérique", "Jeunesse", "Seniors"]

# (title, what happened, what I tried, what I learned, what blocked me, place, public, themes)
STORIES = [
    ("Permanence CAF du mardi", "Quatre personnes sont venues déclarer leurs ressources trimestrielles ; deux n'avaient plus accès à leur messagerie.",
     "J'ai proposé de recréer une adresse avec elles plutôt que de le faire à leur place.", "Prendre dix minutes pour l'adresse fait gagner une heure au rendez-vous suivant.",
     "Le site était très lent vers 11 h.", "Espace numérique", "adultes", ["Accès aux droits", "E-administration"]),
    ("Atelier tablette avec le club des aînés", "Premier atelier : allumer, déverrouiller, prendre une photo et l'envoyer à un petit-enfant.",
     "J'ai préparé des fiches illustrées en gros caractères.", "Les fiches restent : plusieurs sont revenus la semaine suivante avec.",
     "Deux tablettes n'étaient pas chargées.", "Salle polyvalente", "seniors", ["Seniors", "Inclusion numérique"]),
    ("Café des parents : les écrans à la maison", "Échange sur le temps d'écran des enfants avec sept parents.",
     "Nous avons construit ensemble une « charte familiale » à partir de leurs idées.", "Les parents parlent plus facilement quand on part de leurs pratiques.",
     "Pas de garde d'enfants prévue : deux mamans sont parties tôt.", "Centre social", "parents", ["Parentalité"]),
    ("Accompagnement ANTS – permis de conduire", "Un jeune devait demander un duplicata de permis, sans FranceConnect.",
     "Nous avons créé son identité numérique avec La Poste.", "Vérifier d'abord les pièces justificatives numérisées évite de tout recommencer.",
     "Son téléphone n'avait plus de stockage pour l'application.", "Accueil", "jeunes 16-25 ans", ["E-administration", "Jeunesse"]),
    ("Atelier CV en ligne avec la Mission locale", "Six jeunes ont commencé leur CV sur un modèle partagé.",
     "J'ai fait travailler en binômes, un plus à l'aise avec un moins à l'aise.", "Le binôme marche mieux que mes explications au tableau.",
     "Le wifi a coupé vingt minutes.", "Espace jeunes", "jeunes 16-25 ans", ["Jeunesse", "Inclusion numérique"]),
    ("Sécuriser son compte Ameli", "Une habitante avait reçu un faux SMS de l'Assurance maladie.",
     "Nous avons changé le mot de passe et activé la double authentification ensemble.", "Montrer un vrai et un faux message côte à côte convainc plus qu'un long discours.",
     "", "Espace numérique", "adultes", ["Accès aux droits", "Inclusion numérique"]),
    ("Réunion d'équipe : outil de prise de rendez-vous", "Présentation de l'agenda partagé aux collègues de l'accueil.",
     "J'ai proposé un test d'un mois sur les permanences numériques seulement.", "Commencer petit rassure l'équipe.",
     "Une collègue craint de perdre le contact au téléphone.", "Centre social", "équipe", ["Accès aux droits"]),
    ("Fabrication d'un podcast avec les ados", "Enregistrement du premier épisode sur le quartier.",
     "J'ai laissé les jeunes choisir les questions et les rôles.", "Ils s'investissent quand ils décident du sujet.",
     "Le micro prêté grésillait.", "Espace jeunes", "adolescents", ["Jeunesse"]),
    ("Pronote avec les familles", "Trois familles ne savaient pas récupérer leurs identifiants Pronote.",
     "Nous avons appelé le collège ensemble depuis le centre.", "Le lien avec l'établissement débloque plus vite que les tutoriels.",
     "Le secrétariat ne répond qu'entre 8 h et 9 h.", "Accueil", "parents", ["Parentalité", "E-administration"]),
    ("Déclaration d'impôts en ligne", "Permanence spéciale : neuf rendez-vous dans la matinée.",
     "J'ai préparé une liste de questions à poser avant de commencer.", "Les avis de l'an dernier font gagner beaucoup de temps.",
     "Une personne n'avait pas son numéro fiscal.", "Espace numérique", "adultes", ["Accès aux droits", "E-administration"]),
    ("Visite d'un tiers-lieu numérique", "Découverte du fablab de la commune voisine avec deux collègues.",
     "J'ai noté les outils qu'on pourrait emprunter pour nos ateliers.", "Une imprimante 3D attire des publics qu'on ne voit jamais.",
     "", "Fablab intercommunal", "équipe", ["Inclusion numérique"]),
    ("Atelier « mon smartphone et moi »", "Régler la taille du texte, nettoyer les applications, gérer les notifications.",
     "J'ai commencé par leurs questions plutôt que par mon programme.", "Le programme tient quand même : les questions couvrent presque tout.",
     "Chacun a un modèle de téléphone différent.", "Salle polyvalente", "seniors", ["Seniors", "Inclusion numérique"]),
    ("Médiation avec une famille et l'école", "Un parent ne comprenait pas les messages de l'ENT.",
     "J'ai traduit avec lui les messages et créé un raccourci sur son téléphone.", "Le vocabulaire de l'école est un obstacle en soi.",
     "Je ne parle pas sa langue : nous avons utilisé un traducteur.", "Accueil", "parents", ["Parentalité", "Accès aux droits"]),
    ("Bilan des ateliers du trimestre", "Relecture des fiches de présence et des retours des participants.",
     "J'ai classé les demandes en trois familles : démarches, usages, sécurité.", "Les démarches prennent la moitié de notre temps d'accompagnement.",
     "Les retours écrits sont rares.", "Centre social", "équipe", ["Accès aux droits", "Inclusion numérique"]),
    ("Chèque numérique : premiers bénéficiaires", "Remise des premiers chèques et inscription aux ateliers.",
     "J'ai appelé chaque personne avant le premier atelier.", "L'appel préalable réduit les absences.",
     "Le logiciel de suivi demande beaucoup de saisies.", "Espace numérique", "adultes", ["Inclusion numérique"]),
    ("Jeu sur les fausses informations", "Séance avec une classe de quatrième sur les rumeurs en ligne.",
     "Nous avons joué à vrai ou faux avec de vraies publications.", "Ils savent repérer les montages mais pas les sources.",
     "Une heure, c'est trop court.", "Collège", "adolescents", ["Jeunesse"]),
]


def seed(context) -> None:
    from maillon.accounts.signing import SESSION_KEY
    from maillon.accounts.signing import time as signing_time

    from . import logbook
    from .demo_framework import demo_framework
    from .models import Assessment, Entry, Level, Participant, Theme

    framework = demo_framework(context)
    if framework is None or Entry.objects.filter(framework=framework).exists():
        return  # no framework, or a demo loaded again keeps what people wrote
    rng = random.Random(18)
    themes = {name: Theme.objects.get_or_create(framework=framework, name=name)[0] for name in THEMES}
    levels = list(Level.objects.filter(framework=framework).order_by("position"))
    participants = list(Participant.objects.filter(framework=framework, is_active=True)
                        .select_related("user", "organisation", "profile", "coordinator").order_by("pk"))
    today = timezone.localdate()
    for number, participant in enumerate(participants):
        competencies = list(logbook.taggable_competencies(framework).filter(profiles=participant.profile_id).order_by("pk")) or \
            list(logbook.taggable_competencies(framework).order_by("pk"))
        stories = rng.sample(STORIES, k=min(len(STORIES), 10 + (number * 3) % 7))
        written = []
        for index, (title, happened, tried, learned, blocked, place, audience, story_themes) in enumerate(stories):
            day = today - timedelta(days=int(180 * (len(stories) - index) / len(stories)) - rng.randint(0, 5))
            roll = rng.random()
            visibility = (Entry.Visibility.GROUP if roll < 0.55 else Entry.Visibility.COORDINATOR if roll < 0.75
                          else Entry.Visibility.PRIVATE)
            entry = Entry.objects.create(
                framework=framework, author=participant.user, organisation=participant.organisation, occurred_on=day, title=title,
                happened=happened, tried=tried, learned=learned, blocked=blocked, place=place, audience=audience, visibility=visibility,
                is_draft=index == len(stories) - 1 and number % 2 == 0,
                quote_consent=visibility == Entry.Visibility.GROUP and rng.random() < 0.6,
                created_at=timezone.make_aware(datetime.combine(day, time(17))))
            entry.competencies.set(rng.sample(competencies, k=min(len(competencies), rng.randint(1, 3))))
            entry.themes.set([themes[name] for name in story_themes])
            written.append(entry)
        if len(levels) < 2 or not competencies:
            continue
        # Self-assessments: two or three competencies, the first assessed twice (three months apart).
        for rank, competency in enumerate(competencies[:2 + number % 2]):
            evidence = [e for e in written if competency in e.competencies.all()][:3]
            steps = [(100, 0), (10, 1)] if rank == 0 else [(40, min(rank, len(levels) - 1))]
            for days_ago, level_index in steps:
                assessment = logbook.assess(participant, competency, levels[level_index], evidence=evidence,
                                            note="Je me sens plus à l'aise depuis les derniers ateliers." if level_index else "")
                Assessment.objects.filter(pk=assessment.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    _validate_one(participants, levels, SESSION_KEY, signing_time)


def _validate_one(participants, levels, session_key, clock) -> None:
    """The first participant's latest self-assessment, validated by their coordinator (signed as
    a coordinator who typed their password a moment ago)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from . import logbook
    from .models import Assessment

    participant = next((p for p in participants if p.coordinator_id), None)
    if participant is None:
        return
    assessment = Assessment.objects.filter(participant=participant).order_by("-created_at", "-pk").first()
    if assessment is None:
        return
    request = RequestFactory().post("/")
    request.user, request.organisation = participant.coordinator, participant.organisation
    request.session = SessionStore()
    request.session[session_key] = [participant.coordinator_id, clock.time()]
    logbook.validate(request, assessment, assessment.level, comment="Observé lors de l'atelier du mois dernier : bravo.")

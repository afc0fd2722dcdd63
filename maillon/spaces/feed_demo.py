"""Demo of the feed: a dozen messages in « Numérique et accès aux droits » (two pinned by its
hosts), comments, one mention and two files. Runs after the spaces' own demo; idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

SLUG = "numerique-acces-aux-droits"

# (author, days ago, text, link, pinned)
POSTS = [
    ("fede.directrice", 40, "Bienvenue dans le groupe « Numérique et accès aux droits » !\n\nCe fil sert à partager vos questions, "
     "vos outils et les dates importantes. Les trois réunions annuelles avec les services de l'État sont annoncées ici.", "", True),
    ("fede.chargee", 2, "Prochaine réunion plénière le jeudi 15 janvier à 14 h, salle du conseil de la fédération. "
     "Ordre du jour : bilan des permanences numériques, nouveaux parcours France Services, questions diverses.", "", True),
    ("coordo.enfance", 30, "Nous testons un atelier « premiers pas sur ameli.fr » le mardi matin. Quelqu'un a-t-il un support "
     "imprimable à partager ?", "", False),
    ("arc.animatrice", 28, "Voici la fiche que nous utilisons à Arc-en-Ciel, en pièce jointe. Elle tient sur une page recto-verso.", "", False),
    ("ddets.referente", 25, "Pour information, le guide national de la médiation numérique vient d'être mis à jour : "
     "https://www.example.org/guide-mediation-numerique", "", False),
    ("directrice", 21, "Les Bleuets recrutent un·e conseiller·e numérique en service civique à partir de février. "
     "N'hésitez pas à relayer l'annonce.", "https://www.example.org/annonce-service-civique", False),
    ("arc.directeur", 18, "Retour d'expérience : les permanences sans rendez-vous du samedi fonctionnent très bien "
     "(une douzaine de personnes par matinée).", "", False),
    ("coordo.enfance", 14, "Question pratique : comment gérez-vous les mots de passe oubliés des habitants ? "
     "Nous hésitons à proposer un carnet papier.", "", False),
    ("fede.chargee", 10, "Compte rendu de l'échange avec la CAF sur les démarches de prime d'activité : "
     "le document de synthèse est dans l'onglet Fichiers.", "", False),
    ("ddets.referente", 7, "Appel à projets « Inclusion numérique 2027 » : dépôt des dossiers avant le 31 mars.", "", False),
    ("arc.animatrice", 5, "Merci à toutes et tous pour la journée d'échanges de pratiques, les supports suivront.", "", False),
    ("directrice", 1, "Nous avons testé la nouvelle version de FranceConnect avec un groupe de seniors : plus simple, "
     "mais l'identifiant La Poste pose encore souci.", "", False),
]

COMMENTS = [
    (3, "fede.chargee", 27, "Merci ! Je la mets aussi dans les fichiers du groupe."),
    (3, "coordo.enfance", 26, "Parfait, nous l'utiliserons dès mardi."),
    (7, "arc.animatrice", 13, "Nous proposons une fiche par personne, rangée dans un classeur au bureau d'accueil."),
    (7, "ddets.referente", 12, "Attention au RGPD : pas de mot de passe écrit en clair conservé par la structure."),
    (1, "directrice", 1, "Nous serons là, avec deux animatrices."),
]

FILES = [
    ("Fiche-premiers-pas-ameli.pdf", b"%PDF-1.4\n% Fiche de demonstration\n%%EOF\n", 3, "arc.animatrice"),
    ("Synthese-echange-CAF.txt", "Synthèse de l'échange avec la CAF\n\n- Prime d'activité : simulateur en ligne\n".encode(), None, "fede.chargee"),
]


def seed_feed(context) -> None:
    from django.contrib.auth import get_user_model

    from . import feed_services
    from .models import Comment, FeedDigest, Frequency, Post, Space, SpaceFile

    space = Space.objects.filter(slug=SLUG).first()
    if space is None or Post.objects.filter(space=space).exists():
        return
    now = timezone.now()
    # By name from the database: on a demo loaded again, the spaces' seeder does not fill context.people.
    names = {p[0] for p in POSTS} | {c[1] for c in COMMENTS} | {f[3] for f in FILES}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    if len(users) < len(names):
        return
    posts = []
    for author, days, text, link, pinned in POSTS:
        when = now - timedelta(days=days, hours=days % 5)
        posts.append(Post.objects.create(space=space, author=users[author], text=text, html=feed_services.render(text), link=link,
                                         created_at=when, pinned_at=when if pinned else None, pinned_by=users[author] if pinned else None))
    for index, author, days, text in COMMENTS:
        Comment.objects.create(post=posts[index], author=users[author], text=text, html=feed_services.render(text),
                               created_at=now - timedelta(days=days, hours=1))
    # One mention (it notifies, as in the app): the chargé de mission asks the State's referent.
    mention = feed_services.create_post(space, users["fede.chargee"], text="Inès, pouvez-vous nous confirmer la date limite de "
                                        "l'appel à projets pour les structures associatives ?", mentions=[users["ddets.referente"]])
    Post.objects.filter(pk=mention.pk).update(created_at=now - timedelta(hours=3))
    for name, content, post_index, author in FILES:
        upload = SimpleUploadedFile(name, content)
        item = feed_services._add_files(space, posts[post_index] if post_index is not None else None, [upload], users[author])[0]
        SpaceFile.objects.filter(pk=item.pk).update(uploaded_at=posts[post_index].created_at if post_index is not None else now - timedelta(days=10))
    FeedDigest.objects.get_or_create(space=space, user=users["coordo.enfance"], defaults={"frequency": Frequency.WEEKLY})

"""Demo content (fictional): pages, news, documents of each demo organisation."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import formats, timezone, translation

from .editors import ensure_home
from .models import (
    Document,
    DocumentCategory,
    DocumentLibraryPage,
    DocumentVersion,
    NewsPage,
    SectionPage,
)
from .services import _index_document

CATEGORIES = ["Administratif", "Ressources humaines", "Sécurité et hygiène", "Modèles et formulaires"]
DOCUMENTS = [
    ("Règlement intérieur 2026", "Administratif", "", "Règlement intérieur applicable à tout le personnel."),
    ("Projet social 2024-2027", "Administratif", "", "Projet social agréé par la CAF."),
    ("Livret d'accueil des salariés", "Ressources humaines", "", "Tout ce qu'il faut savoir pour la première semaine."),
    ("Grille de classification ALISFA", "Ressources humaines", ",hr,director,", "Réservé aux RH et à la direction."),
    ("Procédure d'évacuation incendie", "Sécurité et hygiène", "", "Plan et consignes affichés à l'accueil."),
    ("Protocole PAI et allergies", "Sécurité et hygiène", "", "Accueil des enfants avec un projet d'accueil individualisé."),
    ("Modèle d'autorisation parentale de sortie", "Modèles et formulaires", "", "À faire signer avant chaque sortie."),
    ("Fiche de demande de matériel", "Modèles et formulaires", "", ""),
]
PARTY = "Fête de quartier"
NEWS = [
    (PARTY + " le {party}", "evenement", 2, True, "Stands, jeux et repas partagé : toute l'équipe est attendue à 14 h."),
    ("Nouvelle convention avec la CAF du Nord", "admin", 5, False, "La convention d'objectifs et de financement est signée pour quatre ans."),
    ("Bienvenue à Inès, animatrice au Secteur Jeunes", "equipe", 8, False, "Inès rejoint l'équipe du Secteur Jeunes et Adolescents."),
    ("Formation premiers secours (PSC1) en mars", "formation", 12, False, "Dix places ouvertes ; inscription auprès des RH."),
    ("Le Cyber Espace fait peau neuve", "vie", 20, False, "Dix nouveaux postes et une imprimante partagée."),
    ("Assemblée générale : retour en images", "vie", 30, False, "Merci aux 120 habitants présents."),
]


def party_day(today):
    """The day of the neighbourhood party: the agenda demo's « Fête de quartier » event (this
    week's Monday + 30 days, 14 h, agenda/demo.py), so the news, announced two days ago, names
    a date a month ahead whatever day the demo is seeded."""
    return today - timedelta(days=today.weekday()) + timedelta(days=30)


def news_title(title: str, today) -> str:
    """« Fête de quartier le mercredi 6 janvier »: the date written the French way."""
    with translation.override("fr"):
        return title.format(party=formats.date_format(party_day(today), "l j F").lower())


def _pdf(title: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(image)
    draw.text((60, 80), title, fill="black")
    draw.text((60, 110), "Document fictif de démonstration - Maillon", fill="gray")
    buffer = io.BytesIO()
    image.save(buffer, "PDF")
    return buffer.getvalue()


def _section(home, title, intro, body, user, in_menu=True):
    existing = home.get_children().filter(title=title).first()
    if existing:
        return existing.specific
    page = home.add_child(instance=SectionPage(title=title, intro=intro, body=json.dumps(body), show_in_menus=in_menu, live=False))
    page.save_revision(user=user).publish(user=user, skip_permission_checks=True)
    return page


def seed_organisation(organisation, editor) -> None:
    home = ensure_home(organisation)
    if home.intro == "":
        home.intro = "<p>L'intranet de l'équipe : actualités, rubriques et documents.</p>"
        home.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    categories = {}
    for position, name in enumerate(CATEGORIES):
        categories[name], _ = DocumentCategory.objects.get_or_create(organisation=organisation, name=name, defaults={"position": position})
    for title, category, roles, description in DOCUMENTS:
        if Document.objects.for_organisation(organisation).filter(title=title).exists():
            continue
        document = Document.objects.create(organisation=organisation, title=title, category=categories[category], roles=roles, description=description)
        content = _pdf(title)
        version = DocumentVersion(document=document, number=1, original_name=f"{title[:60]}.pdf", size=len(content), content_type="application/pdf", uploaded_by=editor)
        version.file.save("document.pdf", SimpleUploadedFile("document.pdf", content), save=False)
        version.save()
        document.current = version
        document.save(update_fields=["current"])
        _index_document(document)
    _section(home, "Vie du centre", "Le centre, ses secteurs et ses projets.", [
        {"type": "text", "value": "<p>Le centre social accueille les habitants de tous âges : petite enfance, enfance, jeunesse, adultes et familles.</p><h2>Nos valeurs</h2><ul><li>Dignité humaine</li><li>Solidarité</li><li>Démocratie</li></ul>"},
        {"type": "callout", "value": {"title": "Horaires d'été", "text": "Du 14 juillet au 15 août, l'accueil ouvre de 9 h à 12 h 30.", "tone": "warning"}},
    ], editor)
    _section(home, "Ressources humaines", "Congés, formation, mutuelle : les informations utiles.", [
        {"type": "text", "value": "<p>Les demandes de congés et de formation se font dans Maillon. Pour toute question, écrivez au service RH.</p>"},
        {"type": "documents", "value": {"title": "Documents RH", "category": "Ressources humaines"}},
        {"type": "links", "value": [
            {"label": "Uniformation (OPCO de la branche)", "url": "https://www.uniformation.fr/"},
            {"label": "Mon Compte Formation", "url": "https://www.moncompteformation.gouv.fr/"},
        ]},
        {"type": "procedure", "value": {"label": "Demander un congé", "path": "conges/"}},
    ], editor)
    if not home.get_children().type(DocumentLibraryPage).exists():
        library = home.add_child(instance=DocumentLibraryPage(title="Documents administratifs", intro="Règlements, protocoles et modèles à télécharger.", show_in_menus=True, live=False))
        library.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    today = timezone.localdate()
    for title, category, days_ago, important, intro in NEWS:
        # a dated title changes with the seeding day: its fixed start says it is already there
        if NewsPage.objects.child_of(home).filter(title__startswith=title.split("{")[0]).exists():
            continue
        title = news_title(title, today)
        page = home.add_child(instance=NewsPage(
            title=title, category=category, date=today - timedelta(days=days_ago), intro=intro, important=important, live=False,
            body=json.dumps([{"type": "text", "value": f"<p>{intro}</p><p>Plus d'informations auprès de l'équipe de coordination.</p>"}]),
        ))
        page.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)


def seed(context) -> None:
    editor = context.people.get("communication")
    seed_organisation(context.main, editor)
    seed_organisation(context.second, context.people.get("arc.directeur"))

"""Ten public forms for communes (issue 19): common French municipal procedures a commune with the
« Online procedures for citizens » service enables from the procedure builder's template list
(/<org>/demarches/gestion/modeles/), then adapts. Like ``catalog.TEMPLATES`` their labels are
French content, not interface strings.

Chains use the roles a town hall gives its staff: the reception desk (« accueil de la mairie »)
checks the file, and for decisions that need the mayor's signature (an arrêté, a reservation
with a fee) the secretary of the town hall (role « director ») decides. When nobody of the commune
holds a step's role, the commune's administrators decide (services.start_chain).

Retention (after the request is closed): one year for requests whose result lives elsewhere (the
certificate is in the civil registers, the appointment is past, the bulky waste collected); two
years for school registrations (one school year plus the next); three years for authorisations
(the usual delay to contest them, plus the year); five years, anonymised, for the welcome
certificates (the register of attestations d'accueil is checked by the préfecture) and the
census, whose figures the commune keeps for statistics.
"""

from __future__ import annotations

from maillon.accounts.roles import Role

from .catalog import TEMPLATES, f

PUBLIC = "public"
ID_DOCUMENT = {"extensions": ["pdf", "jpg", "jpeg", "png"], "max_size_mb": 5}
RECEPTION = {"role": Role.RECEPTION, "label": "Accueil de la mairie"}
SECRETARY = {"role": Role.DIRECTOR, "label": "Secrétariat de mairie"}


def chain(*steps, reminder_days=2):
    return {"steps": [dict(s) for s in steps], "reminder_days": reminder_days}


def _public(category, title, description, fields, steps, *, years, action="delete"):
    return {"title": title, "category": category, "description": description, "fields": fields, "chain": chain(*steps),
            "retention_years": years, "retention_action": action, "audience": PUBLIC, "municipal": True}


APPLICANT_PHONE = f("telephone", "Téléphone (pour vous joindre)", "phone", required=False)
CHILD = [
    f("enfant_nom", "Nom de l'enfant"),
    f("enfant_prenom", "Prénom de l'enfant"),
    f("enfant_naissance", "Date de naissance de l'enfant", "date"),
    f("ecole", "École", "choice", choices=["École maternelle", "École élémentaire"]),
    f("classe", "Classe à la rentrée", "choice", choices=["Petite section", "Moyenne section", "Grande section", "CP", "CE1", "CE2", "CM1", "CM2"]),
]

MUNICIPAL: dict[str, dict] = {
    "commune-etat-civil": _public(
        "other", "Demande d'acte d'état civil",
        "Recevoir une copie intégrale ou un extrait d'acte de naissance, de mariage ou de décès enregistré dans la commune.",
        [
            f("acte", "Acte demandé", "choice", choices=["Naissance", "Mariage", "Décès"]),
            f("forme", "Forme", "choice", choices=["Copie intégrale", "Extrait avec filiation", "Extrait sans filiation", "Extrait plurilingue"],
              help="La copie intégrale et l'extrait avec filiation sont délivrés à la personne concernée, à ses ascendants, descendants et à son conjoint."),
            f("nom", "Nom de la personne concernée (nom de naissance)"),
            f("prenoms", "Prénoms"),
            f("date_evenement", "Date de l'événement", "date"),
            f("qualite", "Vous êtes", "choice", choices=["La personne concernée", "Son père ou sa mère", "Son conjoint", "Son enfant", "Autre (préciser)"]),
            f("qualite_autre", "Précisez votre lien", show_if={"field": "qualite", "value": "Autre (préciser)"}),
            f("identite", "Pièce d'identité", "file", required=False, help="Demandée pour une copie intégrale ou un extrait avec filiation.", **ID_DOCUMENT),
            f("delivrance", "Délivrance", "choice", choices=["Par courrier", "Retrait à la mairie"]),
            f("adresse", "Adresse d'envoi", "textarea", show_if={"field": "delivrance", "value": "Par courrier"}),
            APPLICANT_PHONE,
        ],
        [RECEPTION], years=1,
    ),
    "commune-cantine": _public(
        "other", "Inscription à la restauration scolaire",
        "Inscrire un enfant à la cantine de l'école pour l'année scolaire.",
        [
            *CHILD,
            f("jours", "Jours de cantine", "multichoice", choices=["Lundi", "Mardi", "Jeudi", "Vendredi"]),
            f("regime", "Repas sans porc ou sans viande", "choice", required=False, choices=["Sans porc", "Sans viande"]),
            f("allergie", "Allergie ou intolérance alimentaire", "yesno"),
            f("pai", "Projet d'accueil individualisé (PAI)", "file", required=False, show_if={"field": "allergie", "value": "oui"}, **ID_DOCUMENT),
            f("quotient", "Attestation de quotient familial (CAF ou MSA)", "file", required=False,
              help="Pour le tarif selon vos revenus ; sans elle, le tarif le plus haut s'applique.", **ID_DOCUMENT),
            f("telephone", "Téléphone d'un responsable légal", "phone"),
        ],
        [RECEPTION, SECRETARY], years=2,
    ),
    "commune-periscolaire": _public(
        "other", "Inscription à l'accueil périscolaire",
        "Inscrire un enfant à la garderie du matin, du soir ou du mercredi.",
        [
            *CHILD,
            f("creneaux", "Créneaux", "multichoice", choices=["Matin (7 h 30 – 8 h 50)", "Soir (16 h 30 – 18 h 30)", "Mercredi"]),
            f("personnes_autorisees", "Personnes autorisées à venir chercher l'enfant", "textarea", help="Nom, prénom et lien avec l'enfant, une par ligne."),
            f("assurance", "Attestation d'assurance (responsabilité civile et extrascolaire)", "file", **ID_DOCUMENT),
            f("telephone", "Téléphone d'un responsable légal", "phone"),
        ],
        [RECEPTION], years=2,
    ),
    "commune-salle": _public(
        "other", "Réservation de la salle communale",
        "Demander la salle des fêtes ou la salle de réunion pour un événement familial ou associatif.",
        [
            f("salle", "Salle", "choice", choices=["Salle des fêtes", "Salle de réunion de la mairie"]),
            f("date_evenement", "Date", "date"),
            f("heure_debut", "Heure de début", "time"),
            f("heure_fin", "Heure de fin", "time"),
            f("objet", "Objet de l'événement"),
            f("personnes", "Nombre de personnes attendues", "number"),
            f("association", "Au nom d'une association", "yesno"),
            f("nom_association", "Nom de l'association", show_if={"field": "association", "value": "oui"}),
            f("assurance", "Attestation d'assurance responsabilité civile", "file", **ID_DOCUMENT),
            f("telephone", "Téléphone", "phone"),
        ],
        [RECEPTION, SECRETARY], years=3,
    ),
    "commune-urbanisme": _public(
        "other", "Rendez-vous urbanisme (permis de construire, déclaration préalable)",
        "Prendre rendez-vous avec le service urbanisme avant de déposer un dossier ou pour un renseignement.",
        [
            f("objet", "Objet", "choice", choices=["Permis de construire", "Déclaration préalable de travaux", "Permis d'aménager", "Certificat d'urbanisme", "Simple renseignement"]),
            f("adresse_terrain", "Adresse du terrain"),
            f("parcelle", "Référence cadastrale (facultatif)", required=False, help="Par exemple : section AB, parcelle 123."),
            f("projet", "Votre projet en quelques lignes", "textarea"),
            f("date_souhaitee", "Jour souhaité", "date"),
            f("moment", "Moment préféré", "choice", choices=["Matin", "Après-midi"]),
            f("plan", "Plan ou croquis (facultatif)", "file", required=False, **ID_DOCUMENT),
            f("telephone", "Téléphone", "phone"),
        ],
        [RECEPTION], years=1,
    ),
    "commune-domaine-public": _public(
        "other", "Occupation temporaire du domaine public",
        "Demander une autorisation pour un déménagement, un échafaudage, une benne ou une terrasse sur la voie publique.",
        [
            f("motif", "Motif", "choice", choices=["Déménagement", "Échafaudage", "Benne ou dépôt de matériaux", "Terrasse", "Autre"]),
            f("adresse", "Adresse de l'occupation"),
            f("periode", "Période", "daterange"),
            f("surface", "Surface occupée (m²)", "number"),
            f("stationnement", "Réservation de places de stationnement", "yesno"),
            f("places", "Nombre de places", "number", show_if={"field": "stationnement", "value": "oui"}),
            f("entreprise", "Entreprise intervenante (facultatif)", required=False),
            f("plan", "Plan de situation", "file", required=False, **ID_DOCUMENT),
            f("telephone", "Téléphone", "phone"),
        ],
        [RECEPTION, SECRETARY], years=3,
    ),
    "commune-encombrants": _public(
        "other", "Enlèvement d'encombrants",
        "Demander le passage des agents pour des objets trop volumineux pour la collecte habituelle.",
        [
            f("adresse", "Adresse de l'enlèvement"),
            f("objets", "Objets à enlever", "textarea", help="Un objet par ligne (meuble, électroménager, matelas…)."),
            f("volume", "Volume estimé (m³)", "number", help="Au plus 2 m³ par passage."),
            f("photo", "Photo des objets (facultatif)", "file", required=False, extensions=["jpg", "jpeg", "png"], max_size_mb=5),
            f("telephone", "Téléphone", "phone"),
        ],
        [RECEPTION], years=1,
    ),
    "commune-attestation-accueil": _public(
        "other", "Attestation d'accueil (rendez-vous)",
        "Préparer la demande d'attestation d'accueil d'un visiteur étranger ; la mairie vous propose un rendez-vous pour la signer.",
        [
            f("visiteur_nom", "Nom et prénom du visiteur"),
            f("visiteur_nationalite", "Nationalité du visiteur"),
            f("visiteur_naissance", "Date de naissance du visiteur", "date"),
            f("sejour", "Dates du séjour", "daterange"),
            f("lien", "Votre lien avec le visiteur", required=False),
            f("domicile", "Justificatif de domicile de moins de trois mois", "file", **ID_DOCUMENT),
            f("logement", "Titre de propriété ou bail", "file", **ID_DOCUMENT),
            f("identite", "Votre pièce d'identité ou titre de séjour", "file", **ID_DOCUMENT),
            f("telephone", "Téléphone", "phone"),
        ],
        [RECEPTION, SECRETARY], years=5, action="anonymise",
    ),
    "commune-recensement": _public(
        "other", "Recensement citoyen (16 ans)",
        "Se faire recenser entre 16 ans et 16 ans et trois mois : l'attestation est demandée pour les examens et le permis de conduire.",
        [
            f("nom", "Nom"),
            f("prenoms", "Prénoms"),
            f("naissance", "Date de naissance", "date"),
            f("lieu_naissance", "Commune et département de naissance"),
            f("adresse", "Adresse", "textarea"),
            f("identite", "Pièce d'identité", "file", **ID_DOCUMENT),
            f("livret", "Livret de famille (pages des parents et de la personne)", "file", **ID_DOCUMENT),
            f("telephone", "Téléphone", "phone", required=False),
        ],
        [RECEPTION], years=5, action="anonymise",
    ),
    "commune-debit-boissons": _public(
        "other", "Débit de boissons temporaire",
        "Demander l'autorisation d'ouvrir une buvette lors d'une manifestation (association).",
        [
            f("association", "Association"),
            f("manifestation", "Manifestation"),
            f("lieu", "Lieu"),
            f("dates", "Dates", "daterange"),
            f("horaires", "Horaires d'ouverture de la buvette"),
            f("groupe", "Boissons servies", "choice", choices=["Sans alcool (groupe 1)", "Fermentées non distillées : vin, bière, cidre (groupe 3)"]),
            f("statuts", "Statuts de l'association (ou récépissé de déclaration)", "file", extensions=["pdf"], max_size_mb=5),
            f("telephone", "Téléphone du responsable", "phone"),
        ],
        [RECEPTION, SECRETARY], years=3,
    ),
}

assert len(MUNICIPAL) == 10 and not set(MUNICIPAL) & set(TEMPLATES)


def all_templates() -> dict[str, dict]:
    return {**TEMPLATES, **MUNICIPAL}


def offered_to(organisation) -> dict[str, dict]:
    """The templates of the builder's list: the municipal ones for a commune that offers online
    procedures to its citizens, the seed's ones for everybody."""
    from maillon.citizens.public import enabled_services

    if "citizen_procedures" in enabled_services(organisation):
        return all_templates()
    return dict(TEMPLATES)

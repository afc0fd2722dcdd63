"""The 17 ready-made procedures of seed 001 §1 (« Gestion administrative »), and the
« Demande de véhicule / ordre de mission » a booking of the centre's own vehicle opens.

They are *content* an organisation enables and then adapts in the back office, so their labels
are French data (like demo data), not interface strings. ``TEMPLATES[key]`` gives title,
description, category, fields, and optionally chain, retention and effect.
Enable them with ``maillon procedure_templates <org-slug> [--all | keys…]`` or at
/<org>/demarches/gestion/modeles/.
"""

from __future__ import annotations

from maillon.accounts.roles import Role


def f(key, label, kind="text", required=True, help="", **extra):
    return {"key": key, "label": label, "kind": kind, "required": required, "help": help, **extra}


def group(key, label, columns, total=None, help="", required=True):
    spec = f(key, label, "group", required, help, fields=columns)
    if total:
        spec["total"] = total
    return spec




def seed_chain(*, reminder_days=3, hr_label=""):
    """Seed 001 §1: every procedure is validated by the sector's coordinator, then HR, then the
    director (no threshold, no shortcut: an organisation changes a chain in the back office)."""
    hr = {"role": Role.HR, "label": hr_label} if hr_label else {"role": Role.HR}
    return {"steps": [{"role": Role.COORDINATOR}, hr, {"role": Role.DIRECTOR}], "reminder_days": reminder_days}


COORD_HR_DIR = seed_chain()
ACCOUNTING = seed_chain(hr_label="Comptabilité / RH")
DRIVING_LICENCE = "Je certifie être titulaire d'un permis B valide"
RIB_HELP = "Relevé d'identité bancaire : IBAN vérifié automatiquement."

TEMPLATES: dict[str, dict] = {
    "acompte-salaire": {
        "title": "Acompte sur salaire", "category": "hr", "chain": COORD_HR_DIR,
        "description": "Demander le versement d'une partie du salaire du mois en cours, déjà travaillée.",
        "fields": [
            f("montant", "Montant demandé", "amount", help="Au plus la moitié du salaire net du mois."),
            f("motif", "Motif (facultatif)", "textarea", required=False),
            f("date_souhaitee", "Date de versement souhaitée", "date"),
        ],
    },
    "absence-conge": {
        "title": "Autorisation d'absence et demande de congé", "category": "hr", "effect": "leave", "chain": COORD_HR_DIR,
        "retention_action": "anonymise",  # absence statistics outlive the retention period
        "description": "Demander un congé (payé, RTT, récupération, sans solde, événement familial) ou une autorisation d'absence.",
        "fields": [
            f("leave_type", "Type de congé", "choice", choices=["Congés payés", "RTT", "Récupération", "Congé sans solde", "Événement familial", "Autorisation d'absence"]),
            f("period", "Période", "daterange", help="Indiquez si vous partez le matin ou l'après-midi et si vous revenez le matin ou l'après-midi."),
            f("evenement", "Événement familial concerné", "choice", choices=["Mariage ou PACS", "Naissance ou adoption", "Décès d'un proche", "Autre"],
              show_if={"field": "leave_type", "value": "Événement familial"}),
            f("justificatif", "Justificatif", "file", required=False, show_if={"field": "leave_type", "value": "Événement familial"}, extensions=["pdf", "jpg", "png"], max_size_mb=5),
            f("commentaire", "Commentaire", "textarea", required=False),
        ],
    },
    "remise-badge": {
        "title": "Attestation de remise de badge", "category": "logistics", "chain": COORD_HR_DIR,
        "description": "Attester la remise (ou la restitution) d'un badge d'accès aux locaux.",
        "fields": [
            f("operation", "Opération", "choice", choices=["Remise", "Restitution"]),
            f("numero_badge", "Numéro du badge"),
            f("date_operation", "Date", "date"),
            f("acces", "Accès autorisés", "multichoice", choices=["Entrée principale", "Espace enfance", "Bureaux", "Salle polyvalente", "Local matériel"]),
            f("caution", "Caution versée", "yesno"),
            f("montant_caution", "Montant de la caution", "amount", show_if={"field": "caution", "value": "oui"}),
        ],
    },
    "bon-commande": {
        "title": "Bon de commande administratif", "category": "finance", "chain": ACCOUNTING,
        "description": "Commander des fournitures ou un service.",
        "fields": [
            f("fournisseur", "Fournisseur"),
            f("email_fournisseur", "E-mail du fournisseur", "email", required=False),
            f("action", "Action ou activité concernée"),
            group("lignes", "Articles", [f("designation", "Désignation"), f("quantite", "Quantité", "number"), f("prix", "Prix total TTC", "amount")], total="prix"),
            f("devis", "Devis", "file", required=False, extensions=["pdf", "jpg", "png"], max_size_mb=5),
        ],
    },
    "convention-benevolat": {
        "title": "Convention bénévolat", "category": "volunteering", "chain": seed_chain(reminder_days=5),
        "description": "Établir la convention d'engagement d'une ou d'un bénévole.",
        "fields": [
            f("nom", "Nom et prénom du ou de la bénévole"),
            f("email", "E-mail", "email"),
            f("telephone", "Téléphone", "phone"),
            f("mission", "Mission confiée", "textarea"),
            f("periode", "Période d'engagement", "daterange"),
            f("frais", "Remboursement de frais prévu", "yesno"),
        ],
    },
    "cles": {
        "title": "Convention de mise à disposition des clés", "category": "logistics", "chain": COORD_HR_DIR,
        "description": "Confier des clés des locaux à une personne (salariée, bénévole, association).",
        "fields": [
            f("beneficiaire", "Personne ou association bénéficiaire"),
            f("telephone", "Téléphone", "phone"),
            f("cles", "Clés remises", "textarea", help="Une clé par ligne : porte, numéro."),
            f("periode", "Période", "daterange"),
            f("horaires", "Heure limite d'utilisation", "time", required=False),
        ],
    },
    "formation": {
        "title": "Demande de formation", "category": "hr", "chain": COORD_HR_DIR,
        "description": "Demander à suivre une formation (plan de développement des compétences, CPF).",
        "fields": [
            f("intitule", "Intitulé de la formation"),
            f("organisme", "Organisme de formation"),
            f("dates", "Dates", "daterange"),
            f("cout", "Coût pédagogique", "amount"),
            f("financement", "Financement envisagé", "choice", choices=["Plan de développement des compétences", "CPF", "Uniformation", "Autre"]),
            f("objectifs", "Objectifs et lien avec le poste", "textarea"),
            f("programme", "Programme", "file", required=False, extensions=["pdf"], max_size_mb=5),
        ],
    },
    "regie-activite": {
        "title": "Demande de régie d'activité", "category": "finance", "chain": COORD_HR_DIR,
        "description": "Demander une régie pour encaisser les participations d'une activité.",
        "fields": [
            f("activite", "Activité"),
            f("date_activite", "Date de l'activité", "date"),
            f("fond_caisse", "Fond de caisse demandé", "amount"),
            f("recettes_prevues", "Recettes prévues", "amount", required=False),
        ],
    },
    "regie-avance": {
        "title": "Fiche de régie d'avance", "category": "finance", "chain": ACCOUNTING,
        "description": "Demander une avance pour des dépenses d'activité, à justifier ensuite.",
        "fields": [
            f("activite", "Activité"),
            f("montant", "Montant de l'avance", "amount"),
            f("date_retour", "Date de retour des justificatifs", "date"),
            f("detail", "Dépenses prévues", "textarea"),
        ],
    },
    "demande-prime-transport": {
        "title": "Demande de prime de transport", "category": "hr", "chain": COORD_HR_DIR,
        "description": "Demander la prise en charge d'une partie de l'abonnement de transport ou du forfait mobilités durables.",
        "fields": [
            f("mode", "Mode de transport", "choice", choices=["Transports en commun", "Vélo", "Covoiturage", "Autre"]),
            f("abonnement", "Prix mensuel de l'abonnement", "amount", show_if={"field": "mode", "value": "Transports en commun"}),
            f("justificatif", "Justificatif d'abonnement", "file", extensions=["pdf", "jpg", "png"], max_size_mb=5, show_if={"field": "mode", "value": "Transports en commun"}),
            f("debut", "À partir du", "date"),
        ],
    },
    "prime-transport": {
        "title": "Prime transport", "category": "hr", "chain": COORD_HR_DIR,
        "description": "Déclarer chaque mois le justificatif de transport pour le versement de la prime.",
        "fields": [
            f("mois", "Mois concerné", "date", help="Un jour quelconque du mois."),
            f("montant", "Montant payé", "amount"),
            f("justificatif", "Justificatif", "file", extensions=["pdf", "jpg", "png"], max_size_mb=5),
        ],
    },
    "fax": {
        "title": "Fax", "category": "logistics", "chain": seed_chain(reminder_days=1),
        "description": "Demander l'envoi d'un fax par l'accueil.",
        "fields": [
            f("destinataire", "Destinataire"),
            f("numero", "Numéro de fax", "phone"),
            f("pages", "Nombre de pages", "number"),
            f("document", "Document à envoyer", "file", extensions=["pdf"], max_size_mb=10),
            f("urgent", "Urgent", "yesno"),
        ],
    },
    "remise-cheques": {
        "title": "Feuille de remise de chèques", "category": "finance", "chain": ACCOUNTING,
        "description": "Lister les chèques remis en banque pour une activité.",
        "fields": [
            f("activite", "Activité"),
            f("date_remise", "Date de remise", "date"),
            group("cheques", "Chèques", [f("emetteur", "Émetteur"), f("banque", "Banque"), f("numero", "N° de chèque"), f("montant", "Montant", "amount")], total="montant"),
        ],
    },
    "feuille-caisse": {
        "title": "Feuille de caisse", "category": "finance", "chain": ACCOUNTING,
        "description": "Arrêter la caisse d'une activité : recettes en espèces.",
        "fields": [
            f("activite", "Activité"),
            f("date_caisse", "Date", "date"),
            f("fond_initial", "Fond de caisse initial", "amount"),
            group("recettes", "Recettes", [f("libelle", "Libellé"), f("montant", "Montant", "amount")], total="montant"),
        ],
    },
    "frais-kilometriques": {
        "title": "Fiche de remboursement de frais / kilométrique", "category": "finance", "chain": ACCOUNTING,
        "description": "Se faire rembourser des frais avancés ou des kilomètres parcourus avec son véhicule.",
        "fields": [
            group("trajets", "Déplacements et frais", [f("date", "Date", "date"), f("objet", "Objet"), f("km", "Kilomètres", "number", required=False),
                                                        f("montant", "Montant", "amount")], total="montant",
                  help="Kilomètres : 0,35 € par km (barème interne). Un trajet ou une dépense par ligne."),
            f("iban", "IBAN pour le remboursement", "iban", help=RIB_HELP),
            f("justificatifs", "Justificatifs", "file", required=False, extensions=["pdf", "jpg", "png"], max_size_mb=10),
        ],
    },
    "ordre-mission": {
        "title": "Demande de véhicule / ordre de mission", "category": "logistics", "chain": COORD_HR_DIR,
        "description": "Partir en mission avec un véhicule du centre (minibus, utilitaire) : ouvert à la réservation du véhicule. "
                       "Pour un trajet avec votre propre voiture, utilisez la fiche de remboursement de frais / kilométrique.",
        "fields": [
            f("vehicule", "Véhicule", help="Rempli depuis la réservation."),
            f("destination", "Destination"),
            f("objet", "Objet de la mission", "textarea"),
            f("date_depart", "Date de départ", "date"),
            f("heure_depart", "Heure de départ", "time"),
            f("date_retour", "Date de retour", "date"),
            f("heure_retour", "Heure de retour", "time"),
            f("nombre_passagers", "Nombre de passagers", "number", help="Sans compter la conductrice ou le conducteur."),
            f("passagers", "Noms des passagers (facultatif)", "textarea", required=False, help="Un nom par ligne."),
            f("permis", "Permis de conduire", "multichoice", choices=[DRIVING_LICENCE]),
            f("commentaire", "Commentaire", "textarea", required=False),
        ],
    },
    "avance-salaire": {
        "title": "Demande d'avance sur salaire", "category": "hr", "chain": COORD_HR_DIR,
        "description": "Demander une avance sur un salaire à venir, remboursée sur les mois suivants.",
        "fields": [
            f("montant", "Montant demandé", "amount"),
            f("mensualites", "Nombre de mensualités de remboursement", "number"),
            f("motif", "Motif", "textarea"),
        ],
    },
    "documents-contrat": {
        "title": "Liste des documents à fournir pour l'établissement du contrat de travail", "category": "hr",
        "chain": COORD_HR_DIR, "retention_years": 5,
        "description": "Transmettre aux ressources humaines les pièces nécessaires au contrat de travail.",
        "fields": [
            f("piece_identite", "Pièce d'identité", "file", extensions=["pdf", "jpg", "png"], max_size_mb=5),
            f("carte_vitale", "Attestation de sécurité sociale", "file", extensions=["pdf", "jpg", "png"], max_size_mb=5),
            f("iban", "IBAN", "iban", help=RIB_HELP),
            f("adresse", "Adresse postale", "textarea"),
            f("telephone", "Téléphone", "phone"),
            f("email", "E-mail personnel", "email"),
            f("diplomes", "Diplômes (BAFA, BAFD, BPJEPS…)", "file", required=False, extensions=["pdf", "jpg", "png"], max_size_mb=10),
            f("permis", "Permis de conduire", "yesno"),
        ],
    },
}

# The 17 procedures of seed 001 §1, and the order of mission a vehicle booking opens (issue 13).
assert len(TEMPLATES) == 18

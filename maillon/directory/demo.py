"""Demo directory (fictional people and partners; the public portals are real addresses)."""

from datetime import date

from .models import Contact, Facilitator, Link, Partner
from .services import index

PARTNERS = [
    ("funder", "CAF du Val-Fleuri", "famille, jeunesse, agrément", "12 rue des Acacias\n69000 Val-Fleuri", "04 72 10 20 30",
     [("Claire Dupuis", "Conseillère technique territoriale", "04 72 10 20 31", "c.dupuis@caf-valfleuri.example")]),
    ("funder", "Ville de Val-Fleuri", "subvention, locaux", "Hôtel de ville, place de la République\n69000 Val-Fleuri", "04 72 00 00 00",
     [("Jean Martin", "Adjoint à la jeunesse", "04 72 00 00 12", "j.martin@valfleuri.example"), ("Sophie Leroy", "Service vie associative", "04 72 00 00 15", "s.leroy@valfleuri.example")]),
    ("funder", "Département du Val-Fleuri", "insertion, parentalité", "", "04 72 61 00 00",
     [("Marc Petit", "Chargé de mission parentalité", "04 72 61 00 42", "m.petit@departement.example")]),
    ("partner", "Collège Jean-Moulin", "jeunesse, accompagnement scolaire", "3 avenue Jean-Moulin\n69000 Val-Fleuri", "04 72 33 44 55",
     [("Nadia Haddad", "Conseillère principale d'éducation", "04 72 33 44 56", "cpe@college-moulin.example")]),
    ("partner", "Association Les P'tits Loups", "petite enfance, ludothèque", "", "",
     [("Thomas Girard", "Président", "06 12 34 56 78", "contact@ptitsloups.example")]),
]
FACILITATORS = [
    ("Samir Benali", "hip-hop, danse urbaine", "55 € / heure", "06 11 22 33 44", date(2026, 4, 18), "Stage danse des vacances de printemps", "Très apprécié des ados ; prévoir la salle Les Marronniers."),
    ("Léa Fontaine", "théâtre d'improvisation", "300 € la journée", "06 55 44 33 22", date(2025, 11, 5), "Atelier parents-enfants", "Facture sous 30 jours."),
    ("Yannick Morel", "couture, récupération textile", "40 € / heure", "", date(2026, 2, 10), "Atelier « Répare ton jean »", ""),
]
LINKS = [
    ("portal", "etat", "Le Compte Asso", "https://lecompteasso.associations.gouv.fr/", "Demandes de subvention de l'État (FONJEP, politique de la ville)."),
    ("portal", "region", "Portail des aides de la Région", "https://www.auvergnerhonealpes.fr/aides", "Identifiants chez la direction."),
    ("portal", "departement", "Portail subventions du Département", "https://www.rhone.fr/", ""),
    ("portal", "metropole", "Métropole : subventions aux associations", "https://www.grandlyon.com/", ""),
    ("portal", "ville", "Ville : dossier unique de subvention", "https://www.service-public.fr/associations", "Dépôt avant le 31 janvier."),
    ("portal", "caf", "CAF : Mon Compte Partenaire", "https://www.caf.fr/partenaires", "Déclarations de données d'activité (prestations de service)."),
    ("useful", "", "Mutuelle du personnel", "https://www.service-public.fr/particuliers/vosdroits/F33754", "Contrat collectif : demander l'attestation aux RH."),
    ("useful", "", "Uniformation (OPCO)", "https://www.uniformation.fr/", "Financement des formations."),
    ("useful", "", "Mon Compte Formation", "https://www.moncompteformation.gouv.fr/", "Vos droits CPF."),
]


def seed_organisation(organisation) -> None:
    for kind, name, tags, address, phone, contacts in PARTNERS:
        partner, created = Partner.objects.get_or_create(organisation=organisation, name=name, defaults={"kind": kind, "tags": tags, "address": address, "phone": phone})
        if created:
            index(partner)
            for cname, function, cphone, email in contacts:
                index(Contact.objects.create(organisation=organisation, partner=partner, name=cname, function=function, phone=cphone, email=email))
    for name, skills, rates, phone, last_on, last, comment in FACILITATORS:
        facilitator, created = Facilitator.objects.get_or_create(organisation=organisation, name=name, defaults={
            "skills": skills, "rates": rates, "phone": phone, "last_mission_on": last_on, "last_mission": last, "internal_comment": comment})
        if created:
            index(facilitator)
    for position, (kind, level, title, url, notes) in enumerate(LINKS):
        link, created = Link.objects.get_or_create(organisation=organisation, title=title, defaults={"kind": kind, "level": level, "url": url, "notes": notes, "position": position})
        if created:
            index(link)


def seed(context) -> None:
    seed_organisation(context.main)
    seed_organisation(context.second)

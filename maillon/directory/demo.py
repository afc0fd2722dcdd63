"""Demo directory: fictional people and partners of a centre in the Nord (59), Hauts-de-France,
in the Métropole Européenne de Lille; the public portals are the real addresses of that
territory's funders. Phone numbers are in the ranges ARCEP keeps for fiction (03 53 73 xx xx,
06 39 98 xx xx); e-mail addresses end in .example."""

from datetime import date

from .models import Contact, Facilitator, Link, Partner
from .services import index

PARTNERS = [
    ("funder", "CAF du Nord", "famille, jeunesse, agrément, animation de la vie sociale", "", "03 53 73 10 20",
     [("Claire Dupuis", "Conseillère technique territoriale", "03 53 73 10 21", "c.dupuis@caf-nord.example")]),
    ("funder", "Ville de Val-Fleuri", "subvention, locaux", "Hôtel de ville, place de la République\n59000 Val-Fleuri", "03 53 73 00 00",
     [("Jean Martin", "Adjoint à la jeunesse", "03 53 73 00 12", "j.martin@valfleuri.example"), ("Sophie Leroy", "Service vie associative", "03 53 73 00 15", "s.leroy@valfleuri.example")]),
    ("funder", "Département du Nord", "insertion, parentalité", "", "03 53 73 61 00",
     [("Marc Petit", "Chargé de mission parentalité", "03 53 73 61 42", "m.petit@departement-nord.example")]),
    ("funder", "Métropole Européenne de Lille", "politique de la ville, cohésion sociale", "", "03 53 73 70 00",
     [("Aurore Lemaire", "Chargée de mission politique de la ville", "03 53 73 70 18", "a.lemaire@mel.example")]),
    ("partner", "Collège Jean-Moulin", "jeunesse, accompagnement scolaire", "3 avenue Jean-Moulin\n59000 Val-Fleuri", "03 53 73 44 55",
     [("Nadia Haddad", "Conseillère principale d'éducation", "03 53 73 44 56", "cpe@college-moulin.example")]),
    ("partner", "Association Les P'tits Loups", "petite enfance, ludothèque", "", "",
     [("Thomas Girard", "Président", "06 39 98 56 78", "contact@ptitsloups.example")]),
]
FACILITATORS = [
    ("Samir Benali", "hip-hop, danse urbaine", "55 € / heure", "06 39 98 33 44", date(2026, 4, 18), "Stage danse des vacances de printemps", "Très apprécié des ados ; prévoir la salle Les Marronniers."),
    ("Léa Fontaine", "théâtre d'improvisation", "300 € la journée", "06 39 98 43 22", date(2025, 11, 5), "Atelier parents-enfants", "Facture sous 30 jours."),
    ("Yannick Morel", "couture, récupération textile", "40 € / heure", "", date(2026, 2, 10), "Atelier « Répare ton jean »", ""),
]
# The funders of a social centre of the Nord, each at its real public address.
LINKS = [
    ("portal", "etat", "Le Compte Asso", "https://lecompteasso.associations.gouv.fr/", "Demandes de subvention de l'État (FONJEP, politique de la ville), instruites par la DDETS du Nord."),
    ("portal", "etat", "Préfecture du Nord (DDETS 59)", "https://www.nord.gouv.fr/", "Appels à projets de l'État dans le département : politique de la ville, vie associative."),
    ("portal", "region", "Région Hauts-de-France : aides", "https://www.hautsdefrance.fr/", "Identifiants chez la direction."),
    ("portal", "region", "L'Europe s'engage en Hauts-de-France (FEDER, FSE+)", "https://europe-en-hautsdefrance.eu/", "Programme régional des fonds européens, géré par la Région : le FEDER cofinance ce projet."),
    ("portal", "departement", "Département du Nord : subventions", "https://lenord.fr/", ""),
    ("portal", "metropole", "Métropole Européenne de Lille (MEL)", "https://www.lillemetropole.fr/", "Contrat de ville métropolitain."),
    ("portal", "ville", "Ville : dossier unique de subvention", "https://www.service-public.fr/associations", "Dépôt avant le 31 janvier."),
    ("portal", "caf", "CAF du Nord : Mon Compte Partenaire", "https://www.caf.fr/partenaires", "Déclarations de données d'activité (prestations de service)."),
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

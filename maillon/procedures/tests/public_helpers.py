"""Helpers of the public forms' tests: a commune with its town hall staff, a published public form,
a citizen signed in, answers with a real PDF."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.citizens.services import verified_citizen
from maillon.citizens.testing import make_commune
from maillon.procedures import services
from maillon.testing import give_totp, make_member

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def staff_request(user, organisation):
    request = RequestFactory().post("/x/", REMOTE_ADDR="127.0.0.1")
    request.user = user
    request.session = SessionStore()
    request.organisation = organisation
    request.membership = Membership.objects.with_roles().select_related("sector").get(user=user, organisation=organisation)
    return request


class Town:
    """A commune with the citizens' service, a reception agent and a secretary (director + admin)."""

    # The staff instruct citizens' requests on the intranet's procedure pages: both services.
    def __init__(self, slug: str, services_=("procedures", "citizen_procedures"), groupement=None):
        self.org = make_commune(slug, services=services_, groupement=groupement)
        self.reception = make_member(self.org, Role.RECEPTION, sector_name=None, username=f"{slug}-accueil", first_name="Nadine",
                                     last_name="Castéra")
        self.secretary = make_member(self.org, Role.DIRECTOR, Role.ADMIN, sector_name=None, username=f"{slug}-secretaire",
                                     first_name="Romain", last_name="Daguzan")
        give_totp(self.secretary)  # director and admin: a second factor is required

    def enable(self, key: str):
        return services.enable_template(staff_request(self.secretary, self.org), key)

    def request(self, user=None):
        return staff_request(user or self.reception, self.org)


def citizen(email="habitante@exemple.test", given="Claire", family="Dupouy"):
    return verified_citizen(email, given_name=given, family_name=family)


def pdf(name="attestation.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def hall_answers(**extra):
    """A complete « Réservation de la salle communale » (two steps: reception, then the secretary)."""
    return {"salle": "Salle des fêtes", "date_evenement": "2027-06-12", "heure_debut": "14:00", "heure_fin": "23:00",
            "objet": "Anniversaire", "personnes": "60", "association": "no", "telephone": "06 12 34 56 78", "assurance": pdf(), **extra}


def waste_answers(**extra):
    """A complete « Enlèvement d'encombrants » (one step: reception)."""
    return {"adresse": "12 rue du Lavoir", "objets": "Un canapé", "volume": "1,5", "telephone": "06 98 76 54 32", **extra}

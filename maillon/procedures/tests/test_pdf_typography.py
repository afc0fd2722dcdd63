"""French typography survives the PDFs (core fonts in windows-1252): « l’organisation » with its
typographic apostrophe in a procedure's recap and in a meeting's minutes, narrow no-break
spaces printed as spaces, never « lorganisation » nor « ? »."""

import pytest

from maillon.meetings.tests.helpers import meeting
from maillon.testing import pdf_text

pytestmark = pytest.mark.django_db


def test_the_recap_keeps_the_typographic_apostrophe(people, chain, login, enable, flow):
    procedure = enable("frais-kilometriques")
    submission = flow.submit(people.owner, procedure, {
        "trajets": [{"date": "2026-03-02", "objet": "Réunion avec l’organisation\u202f!", "km": "40", "montant": "14.00"}],
        "iban": "FR7630006000011234567890189"})
    text = pdf_text(login(people.owner).get(f"/essais/demarches/dossiers/{submission.pk}/recapitulatif.pdf").content)
    assert "Réunion avec l’organisation !" in text and "lorganisation" not in text and "?" not in text.split("organisation")[1][:3]


def test_the_minutes_keep_the_typographic_apostrophe(people, login):
    m = meeting(people.org, people.owner, people.colleague, send_email=False, objective="Présenter l’organisation « Maillon »\u202f!")
    text = pdf_text(login(people.owner).get(f"/essais/reunions/{m.pk}/compte-rendu.pdf").content)
    assert "Présenter l’organisation « Maillon » !" in text and "lorganisation" not in text

"""The PDFs (a procedure's recap, a meeting's attendance sheet) print the full address of the
signature verification page: MAILLON_BASE_URL, as the e-mails, never the development address."""

import pytest

from maillon.meetings.tests.helpers import meeting
from maillon.testing import pdf_text

pytestmark = pytest.mark.django_db

VERIFY = "https://intranet.exemple.fr/comptes/signatures/verifier/"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.MAILLON_BASE_URL = "https://intranet.exemple.fr"


def test_the_recap_prints_the_verification_page_address(people, chain, login, enable, flow):
    procedure = enable("frais-kilometriques")
    submission = flow.submit(people.owner, procedure, {
        "trajets": [{"date": "2026-03-02", "objet": "Sortie à la ferme", "km": "40", "montant": "14.00"}],
        "iban": "FR7630006000011234567890189"})
    text = pdf_text(login(people.owner).get(f"/essais/demarches/dossiers/{submission.pk}/recapitulatif.pdf").content)
    assert VERIFY in text and "127.0.0.1" not in text and "testserver" not in text


def test_the_attendance_sheet_prints_the_verification_page_address(people, login):
    m = meeting(people.org, people.owner, people.colleague, send_email=False)
    text = pdf_text(login(people.owner).get(f"/essais/reunions/{m.pk}/emargement.pdf").content)
    assert VERIFY in text and "127.0.0.1" not in text and "testserver" not in text

"""The PDF recap: answers, timeline and every signature (signer, French date, content hash,
verification code) read back from the PDF; the code is checked by « maillon signatures verify »."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from maillon.accounts.models import Signature
from maillon.procedures.models import Submission
from maillon.testing import pdf_text

BASE = "/essais/demarches/"
MILEAGE = {"trajets": [{"date": "2026-03-02", "objet": "Sortie à la ferme", "km": "40", "montant": "14.00"}], "iban": "FR7630006000011234567890189"}


@pytest.fixture
def approved(people, chain, enable, flow):
    procedure = enable("frais-kilometriques")
    submission = flow.submit(people.owner, procedure, MILEAGE)
    flow.approve(chain.coordinator, submission)
    flow.approve(chain.hr, submission)
    flow.approve(chain.director, submission)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    return submission


def test_it_downloads_the_recap_as_a_pdf_with_answers_timeline_and_signatures(people, chain, login, approved):
    response = login(chain.hr).get(f"{BASE}dossiers/{approved.pk}/recapitulatif.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="{approved.reference}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "Fiche de remboursement de frais / kilométrique" in text and approved.reference in text
    assert "Sortie à la ferme" in text and "14,00 €" in text
    assert "Historique" in text and "Signée et envoyée" in text
    signatures = Signature.objects.filter(target_id=str(approved.pk))
    assert signatures.count() == 4  # the applicant, then coordinator, HR and director
    for signature in signatures:
        assert signature.display_code in text
        assert signature.content_hash in text
        assert signature.signer_label in text
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
    assert any(f" {month} 20" in text for month in months)
    assert "signatures verify CODE" in text


def test_it_verifies_a_code_printed_in_the_pdf_with_the_command(people, chain, login, approved):
    text = pdf_text(login(people.owner).get(f"{BASE}dossiers/{approved.pk}/recapitulatif.pdf").content)
    code = re.search(r"Code de vérification : ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", text).group(1)
    out = StringIO()
    call_command("signatures", "verify", code, stdout=out)
    assert "INTACT" in out.getvalue()
    Signature.objects.filter(code=code.replace("-", "")).update(content_hash="0" * 64)
    with pytest.raises(CommandError, match="MODIFIÉ"):
        call_command("signatures", "verify", code, stdout=StringIO())


def test_it_keeps_the_pdf_to_hr_and_the_applicant(people, chain, login, approved):
    assert login(chain.coordinator).get(f"{BASE}dossiers/{approved.pk}/recapitulatif.pdf").status_code == 403
    assert login(people.colleague).get(f"{BASE}dossiers/{approved.pk}/recapitulatif.pdf").status_code == 404
    assert login(people.outsider).get(f"{BASE}dossiers/{approved.pk}/recapitulatif.pdf").status_code == 404

"""Attendance sheet (HTML print and PDF) and in-app signed attendance through the
foundation's signing step (password re-authentication)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maillon.accounts.models import Signature
from maillon.accounts.signing import verify
from maillon.meetings import services_minutes
from maillon.meetings.models import Participant
from maillon.testing import TEST_PASSWORD

from .helpers import meeting

pytestmark = pytest.mark.django_db


def url(m, suffix=""):
    return f"/essais/reunions/{m.pk}/{suffix}"


def now_meeting(people, *others, **kwargs):
    start = timezone.localtime().replace(second=0, microsecond=0) - timedelta(minutes=10)
    return meeting(people.org, people.owner, *others, start=start, allow_past=True, **kwargs)


def test_a_participant_signs_present_and_the_sheet_shows_it(people, login):
    m = now_meeting(people, people.colleague, people.other_sector)
    client = login(people.colleague)
    page = client.get(url(m)).content.decode()
    assert "Signer ma présence" in page
    wrong = client.post(url(m, "emargement/signer/"), {"signature-password": "pas le bon"})
    assert wrong.status_code == 400 and "Ce mot de passe n’est pas correct" in wrong.content.decode()
    assert not Signature.objects.exists()
    response = client.post(url(m, "emargement/signer/"), {"signature-password": TEST_PASSWORD}, follow=True)
    assert "Votre présence est signée" in response.content.decode()
    mine = Participant.objects.get(meeting=m, membership__user=people.colleague)
    signature = mine.attendance_signature
    assert mine.attendance == "present" and signature.signer == people.colleague
    assert verify(signature, services_minutes.attendance_content(mine)).ok
    assert "Signer ma présence" not in client.get(url(m)).content.decode()  # once
    assert client.post(url(m, "emargement/signer/"), {"signature-password": TEST_PASSWORD}).status_code == 302
    assert Signature.objects.count() == 1

    sheet = login(people.owner).get(url(m, "emargement/")).content.decode()
    assert "Feuille d’émargement" in sheet and "Centre social des Essais" in sheet and m.title in sheet
    assert sheet.count('class="sign-box"') == 3
    assert "signé électroniquement le" in sheet and signature.display_code in sheet
    pdf = login(people.owner).get(url(m, "emargement.pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_pdf_has_one_row_per_participant_and_the_code(people, login):
    from maillon.procedures.tests.test_recap_pdf import pdf_text

    m = now_meeting(people, people.colleague, people.other_sector)
    login(people.colleague).post(url(m, "emargement/signer/"), {"signature-password": TEST_PASSWORD})
    code = Signature.objects.get().display_code
    text = pdf_text(login(people.owner).get(url(m, "emargement.pdf")).content)
    assert "Feuille d’émargement" in text and "Centre social des Essais" in text and code in text
    for user in (people.owner, people.colleague, people.other_sector):
        assert user.last_name in text


def test_signing_is_open_around_the_meeting_only_and_for_its_participants(people, login):
    later = meeting(people.org, people.owner, people.colleague, start=timezone.localtime() + timedelta(days=2))
    client = login(people.colleague)
    assert "Signer ma présence" not in client.get(url(later)).content.decode()
    too_early = client.post(url(later, "emargement/signer/"), {"signature-password": TEST_PASSWORD}, follow=True)
    assert "à partir de 30 minutes avant la réunion" in too_early.content.decode()
    now = now_meeting(people, people.colleague, title="Maintenant")
    assert login(people.other_sector).post(url(now, "emargement/signer/"), {"signature-password": TEST_PASSWORD}).status_code == 404
    assert login(people.outsider).get(url(now, "emargement/")).status_code == 404
    assert login(people.outsider).get(url(now, "emargement.pdf")).status_code == 404
    assert login(people.other_sector).get(url(now, "emargement/")).status_code == 404
    coordinator = people.with_role("coordinator")
    assert login(coordinator).get(url(now, "emargement/")).status_code == 200
    assert login(coordinator).post(url(now, "emargement/signer/"), {"signature-password": TEST_PASSWORD}).status_code == 404
    assert not Signature.objects.exists()

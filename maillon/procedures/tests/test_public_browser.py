"""A citizen's public form in headless Chromium at 390 px with JavaScript turned OFF: signed in
(the session a verified e-mail link opens), the citizen fills the town hall's hall booking form,
uploads the insurance certificate, gets the receipt with its tracking number, then, once the
reception desk asked for a change and wrote a message (service layer), follows the request and
reads the new status and the message, and completes it. The form, receipt and follow pages pass
axe (WCAG 2.1 A and AA) with no violation and weigh at most 14 KB of compressed HTML.
Screenshots go to /tmp/publicforms/."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from maillon.citizens.testing import login_citizen
from maillon.procedures import services, services_public
from maillon.procedures.models import Step, Submission
from maillon.testing import TEST_PASSWORD
from maillon.testing_browser import PHONE

from .public_helpers import PDF, Town, citizen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Axe()
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}
SHOTS = Path("/tmp/publicforms")
BUDGET = 14 * 1024


def check(page, response, name: str, report: list, auditor) -> None:
    """Size of the page as served, a screenshot of it without JavaScript, and axe run on the same
    address in a page with JavaScript (axe is a script: it never finishes where scripts do not run)."""
    size = len(gzip.compress(response.body()))
    auditor.goto(page.url)
    found = AXE.run(auditor, options=AXE_OPTIONS).response["violations"]
    report.append((name, size, [f"{v['id']}: {v['nodes'][0]['target']}" for v in found]))
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)


def test_a_citizen_fills_a_public_form_and_follows_it_without_javascript(browser, tmp_path, capsys):
    town = Town("saint-essai")
    hall = town.enable("commune-salle")
    person = citizen()
    client = Client()
    login_citizen(client, person)
    context = browser.chromium.new_context(viewport=PHONE, locale="fr-FR", java_script_enabled=False)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": browser.url}])
    page = context.new_page()
    scripted = browser.chromium.new_context(viewport=PHONE, locale="fr-FR")
    scripted.add_cookies(context.cookies())
    auditor = scripted.new_page()
    report: list = []
    base = f"{browser.url}/{town.org.slug}/demarches-en-ligne/"

    page.goto(base)
    page.get_by_role("link", name=hall.title).click()
    response = page.goto(page.url)
    check(page, response, "formulaire", report, auditor)
    # A first try without the required answers: French errors, nothing sent.
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer ma demande").click()
    assert page.title().startswith("Erreur") and "Ce champ est obligatoire" in page.content()
    page.get_by_label("Salle").select_option("Salle des fêtes")
    page.locator("[name=date_evenement]").fill("2027-06-12")
    page.locator("[name=heure_debut]").fill("14:00")
    page.locator("[name=heure_fin]").fill("23:00")
    page.get_by_label("Objet de l'événement").fill("Anniversaire des 40 ans")
    page.get_by_label("Nombre de personnes attendues").fill("60")
    page.locator("[name=association]").select_option("no")
    certificate = tmp_path / "attestation.pdf"
    certificate.write_bytes(PDF)
    page.get_by_label("Attestation d'assurance responsabilité civile").set_input_files(str(certificate))
    page.locator("[name=telephone]").fill("06 12 34 56 78")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer ma demande").click()
    submission = Submission.objects.get()
    assert page.url.endswith(f"/suivi/{submission.reference}/recu/")
    response = page.goto(page.url)
    assert submission.reference in page.content()
    check(page, response, "recu", report, auditor)

    # The reception desk asks for a change and writes (service layer, as its pages do).
    step = Step.objects.get(submission=submission, status=Step.Status.WAITING)
    services.decide(town.request(), step, "changes", comment="Merci de joindre l'attestation à la date de l'événement.",
                    password=TEST_PASSWORD)
    services_public.post_message(Submission.objects.get(pk=submission.pk), body="La salle est libre ce jour-là.", user=town.reception)

    page.get_by_role("link", name="Suivre ma demande").click()
    response = page.goto(page.url)
    content = page.content()
    assert "Modifications demandées" in content and "La salle est libre ce jour-là." in content
    assert "Merci de joindre l’attestation" in content or "Merci de joindre l'attestation" in content
    check(page, response, "suivi", report, auditor)
    page.get_by_role("link", name="Compléter ma demande").click()
    assert page.get_by_label("Objet de l'événement").input_value() == "Anniversaire des 40 ans"
    page.get_by_label("Attestation d'assurance responsabilité civile").set_input_files(str(certificate))
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer ma demande complétée").click()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING and submission.round == 2
    assert "En attente de validation" in page.content() or submission.reference in page.content()
    with capsys.disabled():
        for name, size, violations in report:
            print(f"\n{name}: {size} B gzip, axe violations: {len(violations)}")
    assert [(n, v) for n, _s, v in report if v] == []
    assert [(n, s) for n, s, _v in report if s > BUDGET] == []
    context.close()
    scripted.close()

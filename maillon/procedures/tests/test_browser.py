"""End to end at 390 px: a staff member asks for leave through the procedure, sees the days and
the balance after the request, signs; the coordinator, HR and the director each sign their
approval from their phone; the balance on the staff member's dashboard has moved; then the staff
member cancels the approved leave after a confirmation and the days come back."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.procedures import services
from maillon.testing import TEST_PASSWORD, OrganisationFactory, give_totp, make_member

CHROMIUM = Path(os.environ.get("MAILLON_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
IGNORED_CONSOLE = ("WebSocket connection to",)


def _chromium_or_skip():
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"Chromium is required in CI ({CHROMIUM} is missing: apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is missing")


def _session_cookie(user) -> dict:
    """Approvers hold MFA roles: their browser gets a session opened by the test client."""
    client = Client()
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "domain": "localhost", "path": "/"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_asks_for_leave_on_a_phone_and_three_approvers_sign(live_server, monkeypatch):
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    from maillon.leave import services as leave

    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    staff = make_member(org, username="lea.phone", first_name="Léa", last_name="Martin")
    approvers = [make_member(org, Role.COORDINATOR, username="coordo"), make_member(org, Role.HR, sector_name=None, username="rh"),
                 make_member(org, Role.DIRECTOR, sector_name=None, username="direction")]
    for user in approvers[1:]:
        give_totp(user)
    hr_membership = Membership.objects.with_roles().get(user=approvers[1], organisation=org)
    request = type("R", (), {"user": approvers[1], "organisation": org, "membership": hr_membership, "META": {}})()
    services.enable_template(request, "absence-conge")
    leave.ensure_default_types(org)
    paid = leave.leave_types(org).get(code="cp")
    membership = Membership.objects.get(user=staff, organisation=org)
    leave.add_correction(membership=membership, leave_type=paid, amount=10, reason="Solde d'ouverture", actor=approvers[1])
    start = timezone.localdate() + timedelta(days=60)
    while start.weekday() != 0:
        start += timedelta(days=1)
    cookies = [_session_cookie(user) for user in approvers]
    base = live_server.url.replace("127.0.0.1", "localhost")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(exist_ok=True)
    problems = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            def phone():
                context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
                page = context.new_page()
                page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective));")
                page.on("console", lambda m: m.type == "error" and not m.text.startswith(IGNORED_CONSOLE) and problems.append(m.text))
                page.on("pageerror", lambda exc: problems.append(str(exc)))
                return context, page

            context, page = phone()
            page.goto(f"{base}/comptes/login/")
            page.get_by_label("Identifiant").fill("lea.phone")
            page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
            page.get_by_role("button", name="Se connecter", exact=True).click()
            page.wait_for_url("**/navigateur/tableau-de-bord/")
            page.locator("nav.bottomnav").get_by_role("link", name="Démarches").click()
            page.get_by_role("link", name="Autorisation d'absence et demande de congé").click()
            page.get_by_label("Type de congé").select_option("Congés payés")
            expect(page.get_by_label("Événement familial concerné")).to_be_hidden()  # conditional field, shown for family events only
            page.get_by_label("Date de début").fill(start.isoformat())
            page.get_by_label("Date de fin").fill((start + timedelta(days=1)).isoformat())
            page.get_by_role("button", name="Enregistrer le brouillon").first.click()
            assert "Cette demande compte 2 jour(s) de « Congés payés »" in page.content()
            assert "après cette demande : 8 jours" in page.content()
            page.get_by_label("Mot de passe (signature)").fill(TEST_PASSWORD)
            page.get_by_role("button", name="Signer et envoyer").click()
            page.wait_for_selector("text=Votre demande est signée et envoyée")
            page.screenshot(path=str(SCREENSHOTS / "procedure-submitted-390.png"), full_page=True)
            violations = page.evaluate("window.__csp")

            for cookie in cookies:
                approver_context, approver = phone()
                approver_context.add_cookies([cookie])
                approver.goto(f"{base}/navigateur/demarches/a-valider/")
                approver.get_by_role("link", name="Autorisation d'absence et demande de congé").click()
                approver.get_by_label("Valider").check()
                approver.get_by_label("Mot de passe (signature)").fill(TEST_PASSWORD)
                approver.get_by_role("button", name="Signer ma décision").click()
                approver.wait_for_selector("text=Votre décision est signée et enregistrée")
                violations += approver.evaluate("window.__csp")
                approver_context.close()

            page.goto(f"{base}/navigateur/tableau-de-bord/")
            leave_panel = page.locator("section[aria-labelledby=panel-leave]").inner_text()
            assert "8 jours" in leave_panel
            page.goto(f"{base}/navigateur/demarches/")
            assert "Validée" in page.locator("main table").inner_text()
            page.screenshot(path=str(SCREENSHOTS / "procedure-approved-390.png"), full_page=True)
            # Plans change: the staff member cancels the approved leave (with a confirmation).
            page.locator("main table").get_by_role("link", name="Autorisation d'absence et demande de congé").click()
            page.get_by_role("link", name="Annuler ce congé").click()
            page.wait_for_selector("text=Annuler ce congé ?")
            page.get_by_label("Motif (facultatif)").fill("Séjour reporté")
            page.screenshot(path=str(SCREENSHOTS / "procedure-cancel-390.png"), full_page=True)
            page.get_by_role("button", name="Annuler le congé").click()
            page.wait_for_selector("text=Le congé est annulé")
            violations += page.evaluate("window.__csp")
            page.goto(f"{base}/navigateur/tableau-de-bord/")
            assert "10 jours" in page.locator("section[aria-labelledby=panel-leave]").inner_text()
            context.close()
        finally:
            browser.close()
    assert violations == []
    assert problems == []

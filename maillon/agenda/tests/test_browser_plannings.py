"""End to end at 390 px: a coordinator adds a shift to a team planning, sees the
supervision conflict live, fixes it and publishes."""

import os
from datetime import date
from pathlib import Path

import pytest

from maillon.accounts.roles import Role
from maillon.agenda.models import Planning
from maillon.organisations.models import Sector
from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member

CHROMIUM = Path(os.environ.get("MAILLON_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
IGNORED_CONSOLE = ("WebSocket connection to",)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_builds_and_publishes_a_team_planning_on_a_phone(live_server, monkeypatch):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI ({CHROMIUM} is missing)")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, Role.COORDINATOR, username="coordo.phone", first_name="Inès", last_name="Roussel")
    make_member(org, username="ana.anim", first_name="Ana", last_name="Lemoine")
    make_member(org, username="bruno.anim", first_name="Bruno", last_name="Perrin")
    sector = Sector.objects.get(organisation=org, name="Secteur Enfance")
    planning = Planning.objects.create(organisation=org, title="Vacances de printemps", sector=sector,
                                       start_date=date(2030, 4, 15), end_date=date(2030, 4, 19))
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(exist_ok=True)
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR")
            page.on("console", lambda m: m.type == "error" and not m.text.startswith(IGNORED_CONSOLE) and problems.append(m.text))
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.goto(f"{live_server.url}/comptes/login/")
            page.get_by_label("Identifiant").fill("coordo.phone")
            page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
            page.get_by_role("button", name="Se connecter", exact=True).click()
            page.wait_for_url("**/navigateur/tableau-de-bord/")
            page.goto(f"{live_server.url}/navigateur/agenda/plannings/")
            page.get_by_role("link", name="Vacances de printemps").click()
            page.get_by_label("Titre").fill("Accueil du matin")
            page.get_by_label("Date").fill("2030-04-15")
            page.get_by_label("Heure de début").fill("08:30")
            page.get_by_label("Heure de fin").fill("12:00")
            page.get_by_label("Enfants de 6 ans et plus").fill("20")
            page.get_by_label("Ana Lemoine").check()
            page.get_by_role("button", name="Ajouter le créneau").click()
            page.get_by_text("2 adultes nécessaires, 1 prévus.").wait_for()
            page.screenshot(path=str(SCREENSHOTS / "agenda-planning-390.png"), full_page=True)
            page.get_by_role("link", name="Choisir les personnes").click()
            page.get_by_label("Bruno Perrin").check()
            page.get_by_role("button", name="Enregistrer").click()
            page.get_by_text("Aucun conflit").wait_for()
            page.get_by_role("link", name="Valider et publier").click()
            page.get_by_role("button", name="Publier").click()
            page.get_by_text("Planning publié : 2 personnes prévenues").wait_for()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        finally:
            browser.close()
    assert problems == []
    planning.refresh_from_db()
    assert planning.status == Planning.Status.PUBLISHED

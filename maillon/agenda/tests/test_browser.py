"""End to end at 390 px (Chromium via Playwright): book a room from its page, then see the
conflict, live while filling the form and on saving, when a second booking overlaps."""

import os
from pathlib import Path

import pytest

from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member

from .helpers import room

CHROMIUM = Path(os.environ.get("MAILLON_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
IGNORED_CONSOLE = ("WebSocket connection to",)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_books_a_room_on_a_phone_and_sees_the_conflict_of_an_overlapping_booking(live_server, monkeypatch):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI ({CHROMIUM} is missing)")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, username="lea.phone", first_name="Léa", last_name="Martin")
    salle = room(org, "Salle Le Chêne")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(exist_ok=True)
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR")
            page.add_init_script(
                "window.__csp = []; document.addEventListener('securitypolicyviolation',"
                " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
            )
            page.on("console", lambda m: m.type == "error" and not m.text.startswith(IGNORED_CONSOLE) and problems.append(m.text))
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.goto(f"{live_server.url}/comptes/login/")
            page.get_by_label("Identifiant").fill("lea.phone")
            page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
            page.get_by_role("button", name="Se connecter", exact=True).click()
            page.wait_for_url("**/navigateur/tableau-de-bord/")

            def book(title, start, end):
                page.goto(f"{live_server.url}/navigateur/ressources/{salle.pk}/")
                page.get_by_role("link", name="Réserver", exact=True).click()
                # Typing the date and times re-runs the live check, before the title is even typed.
                page.locator("#id_day").fill("2030-03-05")
                page.locator("#id_start_time").fill(start)
                page.locator("#id_end_time").fill(end)

            book("Atelier théâtre", "10:00", "11:00")
            page.get_by_text("Aucun conflit : le créneau est libre.").wait_for()
            page.get_by_label("Titre").fill("Atelier théâtre")
            page.get_by_role("button", name="Enregistrer").click()
            page.wait_for_url("**/agenda/evenements/*/")
            assert page.locator("h1").inner_text() == "Atelier théâtre"

            book("Répétition chorale", "10:30", "11:30")
            page.get_by_text("déjà réservée pour « Atelier théâtre »").first.wait_for()
            page.get_by_label("Titre").fill("Répétition chorale")
            page.screenshot(path=str(SCREENSHOTS / "agenda-conflict-390.png"), full_page=True)
            page.get_by_role("button", name="Enregistrer").click()
            assert page.get_by_role("alert").first.inner_text().startswith("1 date est en conflit")
            violations = page.evaluate("window.__csp")
        finally:
            browser.close()
    assert violations == []
    assert problems == []

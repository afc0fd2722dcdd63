"""End to end at 390 px (Chromium via Playwright): create a meeting, write minutes with a date,
follow the date link to a new-meeting form pre-filled with that date and the same people."""

import os
from pathlib import Path

import pytest

from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member

CHROMIUM = Path(os.environ.get("MAILLON_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
IGNORED_CONSOLE = ("WebSocket connection to",)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_creates_a_meeting_writes_minutes_and_follows_a_date_to_a_new_meeting(live_server, monkeypatch):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI ({CHROMIUM} is missing)")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, username="lea.phone", first_name="Léa", last_name="Martin")
    make_member(org, username="hugo", first_name="Hugo", last_name="Bernard")
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
            page.get_by_label("Identifiant").fill("lea.phone")
            page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
            page.get_by_role("button", name="Se connecter", exact=True).click()
            page.wait_for_url("**/navigateur/tableau-de-bord/")

            page.goto(f"{live_server.url}/navigateur/reunions/nouvelle/")
            page.get_by_label("Titre").fill("COORDO de mars")
            page.get_by_label("Type").select_option(label="COORDO")
            page.locator("#id_day").fill("2030-03-05")
            page.locator("#id_start_time").fill("14:00")
            page.locator("#id_end_time").fill("16:00")
            page.get_by_label("Participants").select_option(label="Hugo Bernard")
            page.get_by_role("button", name="Créer et inviter").click()
            page.get_by_text("Réunion créée : les participants sont invités.").wait_for()
            page.screenshot(path=str(SCREENSHOTS / "meetings-detail-390.png"), full_page=True)

            page.get_by_role("link", name="Rédiger le compte-rendu").click()
            page.get_by_label("Décisions").fill("Prochain point le 9 avril à 10h.")
            page.get_by_role("button", name="Enregistrer le compte-rendu").click()
            page.get_by_text("Compte-rendu enregistré.").wait_for()
            page.screenshot(path=str(SCREENSHOTS / "meetings-minutes-390.png"), full_page=True)

            page.get_by_role("link", name="9 avril à 10h").click()
            page.wait_for_url("**/reunions/nouvelle/?date=2030-04-09*")
            assert page.locator("#id_day").input_value() == "2030-04-09"
            assert page.locator("#id_start_time").input_value() == "10:00"
            assert page.locator("#id_title").input_value() == "COORDO de mars"
            selected = page.locator("#id_people option:checked").all_inner_texts()
            assert selected == ["Hugo Bernard"]
            page.screenshot(path=str(SCREENSHOTS / "meetings-prefilled-390.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []

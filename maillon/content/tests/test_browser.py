"""End to end at 390 px: the comms officer publishes a news item in the back office (Wagtail)
and a staff member sees it on the organisation's home page and dashboard."""

import os
from pathlib import Path

import pytest

from maillon.accounts.roles import Role
from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member

CHROMIUM = Path(os.environ.get("MAILLON_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"


def _chromium_or_skip():
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"Chromium is required in CI ({CHROMIUM} is missing: apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is missing")


def _login(page, base, username):
    page.goto(f"{base}/comptes/login/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_lets_the_comms_officer_publish_news_that_staff_see(live_server, monkeypatch, settings, tmp_path):
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    from maillon.content.editors import ensure_home

    settings.MEDIA_ROOT = tmp_path
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, Role.COMMUNICATION, username="com.phone", first_name="Chloé", last_name="Com")
    make_member(org, username="staff.phone", first_name="Léa", last_name="Martin")
    home = ensure_home(org)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            editor = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR").new_page()
            _login(editor, live_server.url, "com.phone")
            editor.goto(f"{live_server.url}/navigateur/tableau-de-bord/")
            editor.get_by_role("link", name="Modifier l’intranet").first.click()
            editor.wait_for_url(f"**/cms/pages/{home.pk}/")
            editor.goto(f"{live_server.url}/cms/pages/add/content/newspage/{home.pk}/")
            editor.locator("#id_title").fill("Kermesse du centre samedi")
            editor.locator("#id_intro").fill("Tout le monde est invité")
            editor.locator("button.w-dropdown__toggle.button").first.click()
            editor.locator('button[name="action-publish"]').click()
            editor.wait_for_url(f"**/cms/pages/{home.pk}/")
            editor.screenshot(path=str(SCREENSHOTS / "content-publish-390.png"), full_page=True)

            reader = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR").new_page()
            _login(reader, live_server.url, "staff.phone")
            reader.goto(f"{live_server.url}/navigateur/accueil/")
            assert reader.get_by_role("link", name="Kermesse du centre samedi").is_visible()
            reader.goto(f"{live_server.url}/navigateur/tableau-de-bord/")
            assert reader.get_by_role("link", name="Kermesse du centre samedi").is_visible()
            reader.get_by_role("link", name="Kermesse du centre samedi").click()
            reader.wait_for_url("**/navigateur/pages/kermesse-du-centre-samedi/")
            assert reader.locator("h1").inner_text() == "Kermesse du centre samedi"
            reader.screenshot(path=str(SCREENSHOTS / "content-news-390.png"), full_page=True)
            # The staff member has no back office.
            assert reader.get_by_role("link", name="Modifier l’intranet").count() == 0
        finally:
            browser.close()

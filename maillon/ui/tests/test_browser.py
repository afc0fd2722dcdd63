"""End to end in headless Chromium (Debian package, Playwright for Python).

A staff member logs in through the real login form on a 390 px wide phone screen, reaches
the dashboard, sees the bottom navigation (not the side one), and the page raises no
console error and no Content-Security-Policy violation. Screenshot: screenshots/.
Skipped locally when /usr/bin/chromium is missing; a failure when CI is set.
"""

import os
from pathlib import Path

import pytest

from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member

CHROMIUM = Path(os.environ.get("MAILLON_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
# The live server speaks HTTP only (no Channels): the live unread-count socket cannot connect there.
IGNORED_CONSOLE = ("WebSocket connection to",)


def _chromium_or_skip():
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"Chromium is required in CI ({CHROMIUM} is missing: apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is missing")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_logs_in_on_a_phone_and_reaches_the_dashboard(live_server, monkeypatch):
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, username="lea.phone", first_name="Léa", last_name="Martin")
    # Playwright's sync API runs an event loop in this thread; the ORM is not used after this point.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(exist_ok=True)
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR")
            page.add_init_script(
                "window.__csp = []; document.addEventListener('securitypolicyviolation',"
                " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
            )
            page.on("console", lambda m: m.type == "error" and not m.text.startswith(IGNORED_CONSOLE) and problems.append(m.text))
            page.on("pageerror", lambda exc: problems.append(str(exc)))

            page.goto(f"{live_server.url}/comptes/login/")
            assert page.locator("h1").inner_text() == "Connexion à Maillon"
            page.get_by_label("Identifiant").fill("lea.phone")
            page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
            page.get_by_role("button", name="Se connecter", exact=True).click()
            page.wait_for_url("**/navigateur/tableau-de-bord/")

            assert page.locator("h1").inner_text() == "Bonjour Léa"
            assert page.get_by_role("heading", name="Mon organisation").is_visible()
            assert page.locator("nav.bottomnav").is_visible()
            assert not page.locator("nav.sidenav").is_visible()
            # Touch targets of the bottom navigation: at least 44 px high.
            for box in (link.bounding_box() for link in page.locator("nav.bottomnav a").all()):
                assert box["height"] >= 44
            page.screenshot(path=str(SCREENSHOTS / "dashboard-390.png"), full_page=True)
            violations = page.evaluate("window.__csp")
        finally:
            browser.close()
    assert violations == []
    assert problems == []

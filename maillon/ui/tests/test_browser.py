"""End to end in headless Chromium (the shared ``browser`` fixture of maillon/testing_browser.py).

A staff member logs in through the real login form on a 390 px wide phone screen, reaches
the dashboard, sees the bottom navigation (not the side one), and the page raises no
console error and no Content-Security-Policy violation. Screenshot: screenshots/.
"""

import pytest

from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_logs_in_on_a_phone_and_reaches_the_dashboard(browser):
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, username="lea.phone", first_name="Léa", last_name="Martin")
    page = browser.phone()
    page.goto(f"{browser.url}/comptes/login/")
    assert page.locator("h1").inner_text() == "Connexion à Maillon"
    browser.log_in(page, "lea.phone", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")

    assert page.locator("h1").inner_text() == "Bonjour Léa"
    assert page.get_by_role("heading", name="Mon organisation").is_visible()
    assert page.locator("nav.bottomnav").is_visible()
    assert not page.locator("nav.sidenav").is_visible()
    # Touch targets of the bottom navigation: at least 44 px high.
    for box in (link.bounding_box() for link in page.locator("nav.bottomnav a").all()):
        assert box["height"] >= 44
    browser.screenshot(page, "dashboard-390")
    browser.assert_clean()

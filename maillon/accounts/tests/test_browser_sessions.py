"""« Mes appareils connectés » in headless Chromium: two browsers of one person log in through
the real form; the desktop one logs the phone out after the confirmation, and the phone's next
page asks for the login. Every script and stylesheet passes its integrity check (a mismatch is a
console error, so ``assert_clean`` fails). Screenshots at 390 and 1280 px."""

import pytest

from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member

SESSIONS = "/comptes/securite/appareils/"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_person_logs_out_their_phone_from_their_desktop(browser):
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, username="lea.appareils", first_name="Léa", last_name="Martin")
    desk, phone = browser.desktop(), browser.phone()
    for page in (desk, phone):
        browser.log_in(page, "lea.appareils", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")

    phone.goto(f"{browser.url}{SESSIONS}")
    assert phone.locator("h1").inner_text() == "Mes appareils connectés"
    browser.screenshot(phone, "account-devices-390")
    desk.goto(f"{browser.url}/comptes/securite/")
    desk.get_by_role("link", name="Mes appareils connectés").click()
    rows = desk.locator("tbody tr")
    assert rows.count() == 2
    assert rows.filter(has_text="cet appareil").count() == 1
    assert "adresse 127.0.0.x" in rows.first.inner_text()
    browser.screenshot(desk, "account-devices-1280")

    rows.filter(has_not_text="cet appareil").get_by_role("link", name="Déconnecter").click()
    assert desk.locator("h1").inner_text() == "Déconnecter un appareil"
    browser.screenshot(desk, "account-device-end-1280")
    desk.get_by_role("button", name="Déconnecter").click()
    desk.wait_for_url(f"**{SESSIONS}")
    assert "est déconnecté" in desk.locator("body").inner_text()
    assert desk.locator("tbody tr").count() == 1

    phone.goto(f"{browser.url}/navigateur/tableau-de-bord/")
    phone.wait_for_url("**/comptes/login/**")
    desk.get_by_role("link", name="Déconnecter partout ailleurs").click()
    browser.screenshot(desk, "account-devices-everywhere-1280")
    browser.assert_clean()

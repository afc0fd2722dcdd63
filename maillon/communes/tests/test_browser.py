"""At 390 px (and 1280 px): the groupement's communes page, one commune's page, and the banner of
a support access on the commune's pages."""

import pytest

from maillon.communes import services
from maillon.testing import give_totp

from .conftest import Groupements


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_communes_pages_and_support_banner_on_a_phone(browser):
    world = Groupements()
    services.set_services(world.membership(world.coordinator), world.one, ["procedures", "content"])
    give_totp(world.coordinator)
    page = browser.phone()
    browser.force_login(page, world.coordinator)
    page.goto(f"{browser.url}/syndicat-essais/communes/")
    assert page.locator("h1").inner_text() == "Communes du groupement"
    browser.screenshot(page, "communes-index-390")
    page.get_by_role("link", name="Commune des Essais 1").click()
    page.get_by_label("Motif, affiché à la commune").fill("Paramétrage des démarches")
    browser.screenshot(page, "communes-detail-390")
    page.get_by_role("button", name="Demander un accès support").click()
    page.wait_for_url("**/commune-des-essais-1/tableau-de-bord/")
    assert "Accès support à Commune des Essais 1 jusqu" in page.get_by_role("status").first.inner_text()
    browser.screenshot(page, "communes-support-banner-390")
    desktop = browser.desktop()
    browser.force_login(desktop, world.coordinator)
    desktop.goto(f"{browser.url}/syndicat-essais/communes/")
    browser.screenshot(desktop, "communes-index-1280")
    browser.assert_clean()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editing_and_removing_a_commune_on_a_phone(browser):
    world = Groupements()
    give_totp(world.coordinator)
    page = browser.phone()
    browser.force_login(page, world.coordinator)
    page.goto(f"{browser.url}/syndicat-essais/communes/{world.two.pk}/")
    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("Nom du maire").fill("Jeanne Nouvelle")
    browser.screenshot(page, "communes-edit-390")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"**/communes/{world.two.pk}/")
    assert "Jeanne Nouvelle" in page.locator("dl").inner_text()
    page.get_by_role("link", name="Retirer la commune").click()
    assert "sera supprimée" in page.locator("main").inner_text()
    browser.screenshot(page, "communes-remove-390")
    page.get_by_role("button", name="Supprimer la commune").click()
    page.wait_for_url("**/syndicat-essais/communes/")
    assert "Commune des Essais 2" not in page.locator("ul.communes").inner_text()
    browser.assert_clean()

"""Health records on a phone: the animator finds a child by name, opens the record (no wider
than the screen), and the coordinator's form with a bad phone shows the French message."""

import pytest

from maillon.accounts.roles import Role
from maillon.testing import OrganisationFactory, give_totp, make_member

from .helpers import ALLERGY, make_record

WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map(e => e.tagName + '.' + e.className).slice(0, 8)"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_an_animator_finds_and_opens_a_record_and_the_coordinator_is_told_a_bad_phone(browser, width):
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_record(org, first="Marie-Clémentine", last="Delacroix-Beaumont-Vandenberghe")
    for i in range(5):
        make_record(org, first=f"Enfant{i}", last=f"Famille{i}")
    animator = make_member(org, username="anim.sante")
    give_totp(animator)
    page = browser.page({"width": width, "height": 844})
    browser.force_login(page, animator)
    page.goto(f"{browser.url}/navigateur/fiches-sanitaires/")
    page.get_by_label("Nom de l'enfant").fill("clementine")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name="DELACROIX-BEAUMONT-VANDENBERGHE Marie-Clémentine").click()
    page.get_by_text(ALLERGY).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.evaluate(WIDEST)
    browser.screenshot(page, f"health-record-{width}")
    coordinator = make_member(org, Role.COORDINATOR, username="coord.sante")
    give_totp(coordinator)
    form = browser.page({"width": width, "height": 844})
    browser.force_login(form, coordinator)
    form.goto(f"{browser.url}/navigateur/fiches-sanitaires/nouvelle/")
    form.get_by_label("Prénom").fill("Léon")
    form.locator("#id_last_name").fill("Pivert")
    form.get_by_label("Date de naissance").fill("2016-04-02")
    form.get_by_label("Secteur Enfance").check()
    form.locator("#id_contacts-0-name").fill("Anne Pivert")
    form.locator("#id_contacts-0-phone").fill("12 34")
    form.get_by_role("button", name="Enregistrer").click()
    form.get_by_text("Saisissez un numéro de téléphone").first.wait_for()
    assert form.locator("#id_first_name").input_value() == "Léon"
    assert form.evaluate("document.documentElement.scrollWidth") <= width, form.evaluate(WIDEST)
    browser.assert_clean()

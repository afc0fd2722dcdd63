"""The staff directory on a phone (issue 13, item 11): never wider than the screen, even with long
e-mail addresses, job titles and several roles; its tabs one compact bar."""

import pytest

from maillon.accounts.roles import Role
from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member

WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 320, 1280])
def test_the_staff_directory_fits_a_phone(browser, width):
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, Role.COORDINATOR, Role.RECEPTION, username="annuaire.phone", first_name="Marie-Élisabeth", last_name="Delacroix-Beaumont",
                email="marie-elisabeth.delacroix-beaumont@centre-social-du-navigateur.example.org", phone="+33 6 12 34 56 78")
    for i in range(3):
        make_member(org, username=f"anim{i}", first_name="Jean-Baptiste", last_name=f"Vandenberghe-{i}",
                    email=f"jean-baptiste.vandenberghe{i}@association-intercommunale.example.org")
    page = browser.page({"width": width, "height": 844})
    browser.log_in(page, "annuaire.phone", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
    page.goto(f"{browser.url}/navigateur/annuaire/equipe/")
    page.get_by_text("Vandenberghe-2").wait_for()
    browser.screenshot(page, f"directory-staff-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.evaluate(WIDEST)
    # The four tabs: one compact bar (one row; two of two at 320 px), each link named in full.
    rows = page.evaluate("new Set([...document.querySelectorAll('.segmented li')].map(li => Math.round(li.getBoundingClientRect().top))).size")
    assert rows == (2 if width < 384 else 1)
    tabs = page.get_by_role("navigation", name="Annuaire")
    for name in ("Partenaires et financeurs", "Animateurs", "Portails et liens", "Équipe"):
        assert tabs.get_by_role("link", name=name, exact=True).is_visible()
    assert tabs.get_by_role("link", name="Équipe", exact=True).get_attribute("aria-current") == "page"
    browser.assert_clean()

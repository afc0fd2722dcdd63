"""End to end (Chromium via Playwright), at 390 and 1280 px: the planning's person filter is a
search box; typing part of a name proposes the organisation's matches, choosing one filters."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from maillon.agenda import services
from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member

from .helpers import at, membership, room

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}


def _violations(page) -> list[str]:
    return [v["id"] for v in Axe().run(page, options=AXE_OPTIONS).response["violations"]]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_finds_a_person_by_typing_part_of_the_name_and_filters_the_week(browser):
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    lea = make_member(org, username="lea.filtre", first_name="Léa", last_name="Martin")
    helene = make_member(org, first_name="Hélène", last_name="Dupré")
    for i in range(30):
        make_member(org, first_name=f"Prénom{i}", last_name=f"Collègue{i}")
    chene = room(org, "Salle Le Chêne")
    owner = membership(lea, org)
    services.create_event(owner, title="Atelier couture", start=at(2030, 3, 5), end=at(2030, 3, 5, 11),
                          resources=[chene], people=[membership(helene, org)])
    services.create_event(owner, title="Réunion budget", start=at(2030, 3, 6), end=at(2030, 3, 6, 11))
    for page, width in ((browser.phone(), 390), (browser.desktop(), 1280)):
        browser.log_in(page, "lea.filtre", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
        page.goto(f"{browser.url}/navigateur/agenda/?vue=semaine&date=2030-03-05")
        page.get_by_text("Filtrer et rechercher").click()
        page.get_by_label("Personne", exact=True).fill("hele")
        choice = page.get_by_role("button", name="Hélène Dupré")
        choice.wait_for()
        assert page.locator("[data-filter-results] button").count() == 1
        assert _violations(page) == []
        browser.screenshot(page, f"agenda-filter-picker-{width}")
        choice.click()
        page.wait_for_url(f"**personne={helene.pk}**")
        assert page.get_by_label("Personne", exact=True).input_value() == "Hélène Dupré"
        assert page.get_by_text("Atelier couture").count() == 1 and page.get_by_text("Réunion budget").count() == 0
        page.get_by_label("Salle ou matériel").fill("zorro")
        page.get_by_text("Aucune salle ni aucun matériel ne correspond à ce nom.").wait_for()
        browser.screenshot(page, f"agenda-filter-picker-selected-{width}")
        # A name typed and sent as is (as without JavaScript): several match, a short list of links.
        page.goto(f"{browser.url}/navigateur/agenda/?vue=semaine&date=2030-03-05&personne=pr%C3%A9nom1")
        page.get_by_text("Plusieurs personnes correspondent à « prénom1 » :").wait_for()
        assert page.locator(".filter-picker-choices a").count() == 10
        assert _violations(page) == []
        browser.screenshot(page, f"agenda-filter-picker-several-{width}")
    browser.assert_clean()

"""End to end at 390 px: a coordinator adds a shift to a team planning, sees the
supervision conflict live, fixes it and publishes."""

from datetime import date

import pytest

from maillon.accounts.roles import Role
from maillon.agenda.models import Planning
from maillon.organisations.models import Sector
from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_builds_and_publishes_a_team_planning_on_a_phone(browser):
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, Role.COORDINATOR, username="coordo.phone", first_name="Inès", last_name="Roussel")
    make_member(org, username="ana.anim", first_name="Ana", last_name="Lemoine")
    make_member(org, username="bruno.anim", first_name="Bruno", last_name="Perrin")
    sector = Sector.objects.get(organisation=org, name="Secteur Enfance")
    planning = Planning.objects.create(organisation=org, title="Vacances de printemps", sector=sector,
                                       start_date=date(2030, 4, 15), end_date=date(2030, 4, 19))
    page = browser.phone()
    browser.log_in(page, "coordo.phone", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
    page.goto(f"{browser.url}/navigateur/agenda/plannings/")
    page.get_by_role("link", name="Vacances de printemps").click()
    page.get_by_label("Titre").fill("Accueil du matin")
    page.get_by_label("Date").fill("2030-04-15")
    page.get_by_label("Heure de début").fill("08:30")
    page.get_by_label("Heure de fin").fill("12:00")
    page.get_by_label("Enfants de 6 ans et plus").fill("20")
    page.get_by_label("Ana Lemoine").check()
    page.get_by_role("button", name="Ajouter le créneau").click()
    page.get_by_text("2 adultes nécessaires, 1 prévus.").wait_for()
    browser.screenshot(page, "agenda-planning-390")
    page.get_by_role("link", name="Choisir les personnes").click()
    page.get_by_label("Bruno Perrin").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Aucun conflit").wait_for()
    page.get_by_role("link", name="Valider et publier").click()
    page.get_by_role("button", name="Publier").click()
    page.get_by_text("Planning publié : 2 personnes prévenues").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browser.assert_clean()
    planning.refresh_from_db()
    assert planning.status == Planning.Status.PUBLISHED

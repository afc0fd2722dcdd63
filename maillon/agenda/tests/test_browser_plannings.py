"""End to end at 390 px: a coordinator adds a shift to a team planning, sees the
supervision conflict live, fixes it and publishes."""

from datetime import date, datetime, timedelta

import pytest

from maillon.accounts.models import Membership
from maillon.accounts.roles import Role
from maillon.agenda import plannings
from maillon.agenda.models import Planning
from maillon.agenda.recurrence import PARIS
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_finds_people_in_a_big_team_by_typing_on_a_phone(browser):
    """40 people: the shift's people come first, then the sector's; typing in the filter box
    narrows the list (accents ignored) and the choice is saved."""
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    coordo = make_member(org, Role.COORDINATOR, username="coordo.phone", first_name="Inès", last_name="Roussel")
    first_names = ["Ana", "Bruno", "Chloé", "David", "Emma", "Farid", "Gaëlle", "Hugo", "Inaya", "Jules"]
    last_names = ["Martin", "Bernard", "Dubois", "Thomas"]
    for i in range(40):
        make_member(org, sector_name="Secteur Enfance" if i % 2 else "Secteur Jeunes et Adolescents",
                    username=f"anim{i}", first_name=first_names[i % 10], last_name=last_names[i // 10])
    make_member(org, username="zelie", first_name="Zélie", last_name="Éloi")
    sector = Sector.objects.get(organisation=org, name="Secteur Enfance")
    me = Membership.objects.with_roles().select_related("organisation", "user").get(user=coordo, organisation=org)
    planning = plannings.create_planning(me, title="Vacances de printemps", sector=sector, start_date=date(2030, 4, 15), end_date=date(2030, 4, 19))
    start = datetime(2030, 4, 15, 9, tzinfo=PARIS)
    hugo = Membership.objects.get(organisation=org, user__username="anim7")
    shift = plannings.add_shift(me, planning, title="Accueil du matin", start=start, end=start + timedelta(hours=3), people=[hugo])
    page = browser.phone()
    browser.log_in(page, "coordo.phone", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
    page.goto(f"{browser.url}/navigateur/agenda/creneaux/{shift.pk}/modifier/")
    people = page.locator(".people-list li")
    assert people.first.inner_text().strip() == "Hugo Martin" and people.first.locator("input").is_checked()
    legends = page.locator(".people-group legend").all_inner_texts()
    assert legends == ["Sur ce créneau", "Secteur Enfance", "Reste de la structure"]
    search = page.get_by_label("Filtrer les personnes par nom")
    assert search.is_visible()
    browser.screenshot(page, "agenda-shift-people-390")
    search.press_sequentially("eloi")  # accents and case ignored
    assert [t.strip() for t in page.locator(".people-list li:visible").all_inner_texts()] == ["Zélie Éloi"]
    search.fill("")
    search.press_sequentially("gaelle dub")
    assert [t.strip() for t in page.locator(".people-list li:visible").all_inner_texts()] == ["Gaëlle Dubois"]
    assert page.locator(".people-group:visible legend").all_inner_texts() == ["Reste de la structure"]
    page.get_by_label("Gaëlle Dubois").check()
    search.press("Enter")  # does not submit the form
    assert "/modifier/" in page.url
    search.fill("zzz")
    search.dispatch_event("input")
    page.get_by_text("Personne ne correspond à ce nom.").wait_for()
    search.fill("chloé")
    search.dispatch_event("input")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browser.screenshot(page, "agenda-shift-people-filter-390")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"**/navigateur/agenda/plannings/{planning.pk}/")
    assert sorted(str(m.user) for m in shift.people.all()) == ["Gaëlle Dubois", "Hugo Martin"]
    browser.assert_clean()

"""End to end at 390 px: a participant writes a logbook entry on a phone, picking two competencies
from the search box (htmx answers), shares it with the group; then reads it as saved. Also a
person's page at 390 px and 1280 px (screenshots)."""

import time

import pytest

from maillon.competencies.models import (
    Competency,
    Domain,
    Entry,
    Framework,
    JobProfile,
    Level,
    Participant,
)
from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_writes_an_entry_with_two_competency_tags_on_a_phone(browser):
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    coordinator = make_member(org, "coordinator", username="coordo.nav")
    user = make_member(org, username="ines.journal", first_name="Inès", last_name="Carpentier")
    framework = Framework.objects.create(organisation=org, name="Référentiel du numérique")
    for i, name in enumerate(["découverte", "pratique", "maîtrise"], 1):
        Level.objects.create(framework=framework, position=i, name=name)
    profile = JobProfile.objects.create(framework=framework, name="Chargé d'animation numérique")
    domain = Domain.objects.create(framework=framework, name="Médiation numérique")
    names = ["Accompagner une démarche administrative en ligne", "Animer un atelier collectif", "Sécuriser un compte en ligne"]
    competencies = [Competency.objects.create(framework=framework, domain=domain, code=f"M{i}", name=n, position=i)
                    for i, n in enumerate(names, 1)]
    Participant.objects.create(framework=framework, user=user, organisation=org, profile=profile, coordinator=coordinator)

    page = browser.phone()
    browser.log_in(page, "ines.journal", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
    started = time.monotonic()
    page.goto(f"{browser.url}/navigateur/parcours/")
    page.get_by_role("link", name="Nouvelle entrée").click()
    page.wait_for_url("**/parcours/entrees/nouvelle/**")
    page.get_by_label("Titre").fill("Permanence CAF du mardi")
    page.get_by_label("Ce qui s'est passé").fill("Quatre personnes pour leur déclaration trimestrielle.")
    page.get_by_label("Ce que j'ai appris").fill("Recréer l'adresse e-mail d'abord.")
    search = page.get_by_label("Trouver une compétence")
    assert search.is_visible() and not page.locator("select[name=competencies]").is_visible()
    search.fill("démarche")
    page.get_by_label(competencies[0].name, exact=False).check()
    search.fill("atelier")
    page.get_by_label(competencies[1].name, exact=False).check()
    assert page.get_by_label(competencies[0].name, exact=False).is_checked()  # the first stays chosen
    page.get_by_label("Le groupe").check()
    page.get_by_label("Mes mots peuvent être cités").check()
    browser.screenshot(page, "logbook-entry-390")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url("**/parcours/entrees/*/**")
    elapsed = time.monotonic() - started
    assert page.get_by_role("heading", name="Permanence CAF du mardi").is_visible()

    entry = Entry.objects.get()
    assert sorted(c.code for c in entry.competencies.all()) == ["M1", "M2"]
    assert (entry.visibility, entry.is_draft, entry.quote_consent) == ("group", False, True)
    assert elapsed < 60, elapsed
    page.goto(f"{browser.url}/navigateur/parcours/")
    assert page.get_by_role("link", name="Permanence CAF du mardi").is_visible()
    browser.screenshot(page, "logbook-home-390")
    assert page.get_by_role("link", name="Les compétences du référentiel").is_visible()
    assert page.get_by_role("link", name="Les publications du groupe").is_visible()
    page.get_by_role("link", name="Ma page").click()
    page.wait_for_url("**/parcours/personnes/*/")
    assert page.locator("svg[role=img]").is_visible()
    browser.screenshot(page, "logbook-person-390")
    desktop = browser.desktop()
    browser.log_in(desktop, "ines.journal", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
    desktop.goto(page.url)
    browser.screenshot(desktop, "logbook-person-1280")

    # The coordinator prepares the period's narrative: the entry is in the draft, quoted with its author.
    coordinator_page = browser.desktop()
    browser.log_in(coordinator_page, "coordo.nav", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
    coordinator_page.goto(f"{browser.url}/navigateur/parcours/publications/preparer/")
    coordinator_page.get_by_label("Type").select_option("narrative")
    coordinator_page.get_by_label("Année").fill(str(entry.occurred_on.year))
    coordinator_page.get_by_label("Période").fill(str((entry.occurred_on.month - 1) // 2 + 1))
    coordinator_page.get_by_role("button", name="Préparer").click()
    coordinator_page.wait_for_url("**/parcours/publications/*/modifier/")
    draft = coordinator_page.get_by_label("Texte (Markdown)").input_value()
    assert "« Recréer l'adresse e-mail d'abord. »" in draft and "Inès Carpentier" in draft
    assert "M1 Accompagner une démarche administrative en ligne | 1 | 1" in draft
    browser.assert_clean()

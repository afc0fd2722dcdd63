"""End to end at 390 px (Chromium via Playwright, the shared ``browser`` fixture): create a
meeting, add a forgotten colleague afterwards, write minutes with a date, record a numbered decision, mark attendance, follow the date link to a
new-meeting form pre-filled with that date and the same people. No console error, no CSP
violation."""

import pytest

from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_creates_a_meeting_writes_minutes_and_follows_a_date_to_a_new_meeting(browser):
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, username="lea.phone", first_name="Léa", last_name="Martin")
    make_member(org, username="hugo", first_name="Hugo", last_name="Bernard")
    make_member(org, username="ines", first_name="Inès", last_name="Durand")
    page = browser.phone()
    browser.log_in(page, "lea.phone", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")

    page.goto(f"{browser.url}/navigateur/reunions/nouvelle/")
    page.get_by_label("Titre").fill("COORDO de mars")
    page.get_by_label("Type").select_option(label="COORDO")
    page.locator("#id_day").fill("2030-03-05")
    page.locator("#id_start_time").fill("14:00")
    page.locator("#id_end_time").fill("16:00")
    page.locator("#id_people_filter").fill("hugo")  # the people picker narrows the list while typing
    assert not page.get_by_label("Léa Martin").is_visible()
    page.get_by_label("Hugo Bernard").check()
    page.get_by_label("Ordre du jour (un point par ligne)").fill("Tour des secteurs\nBudget")
    page.get_by_role("button", name="Créer et inviter").click()
    page.get_by_text("Réunion créée : les participants sont invités.").wait_for()
    browser.screenshot(page, "meetings-detail-390")

    # A forgotten colleague is added afterwards: the agenda checks her, she gets her invitation.
    page.get_by_role("link", name="Modifier la réunion").click()
    page.locator("#id_people_filter").fill("ines")  # accents ignored
    page.get_by_label("Inès Durand").check()
    browser.screenshot(page, "meetings-edit-390")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    page.get_by_text("Réunion modifiée : les participants sont prévenus.").wait_for()
    assert page.locator(".mtg-participants").get_by_text("Inès Durand").is_visible()

    page.get_by_role("link", name="Rédiger le compte-rendu").click()
    page.get_by_label("Décisions", exact=True).fill("Prochain point le 9 avril à 10h.")
    page.get_by_role("button", name="Enregistrer le compte-rendu").click()
    page.get_by_text("Compte-rendu enregistré.").wait_for()

    page.locator("#id_item").select_option(label="2. Budget")
    page.get_by_label("Décision", exact=True).check()
    page.locator("#id_text").fill("Le budget de la fête est validé.")
    page.get_by_role("button", name="Noter", exact=True).click()
    page.get_by_text("Noté : Décision 2030-01.").wait_for()
    assert page.locator("#points .status").get_by_text("Décision 2030-01").is_visible()
    browser.screenshot(page, "meetings-minutes-390")

    page.get_by_text("Indiquer qui était présent, excusé ou absent").click()
    page.locator(".attendance-edit select").first.select_option(label="Excusé·e")  # Hugo Bernard (by last name)
    page.locator(".attendance-edit select").last.select_option(label="Présent·e")
    browser.screenshot(page, "meetings-attendance-form-390")
    page.get_by_role("button", name="Enregistrer les présences").click()
    page.get_by_text("Présences enregistrées.").wait_for()
    assert page.locator(".attendance-list").get_by_text("Excusé·e (1)").is_visible()
    assert page.locator(".attendance-list").get_by_text("Présent·e (1)").is_visible()
    browser.screenshot(page, "meetings-attendance-390")
    minutes_url = page.url
    page.goto(minutes_url.split("compte-rendu/")[0] + "emargement/")
    assert page.locator("td.attendance").all_inner_texts() == ["Excusé·e", "", "Présent·e"]  # Bernard, Durand, Martin
    browser.screenshot(page, "meetings-attendance-sheet-390")
    page.goto(minutes_url)

    page.get_by_role("link", name="9 avril à 10h").click()
    page.wait_for_url("**/reunions/nouvelle/?date=2030-04-09*")
    assert page.locator("#id_day").input_value() == "2030-04-09"
    assert page.locator("#id_start_time").input_value() == "10:00"
    assert page.locator("#id_title").input_value() == "COORDO de mars"
    ticked = page.locator("input[name=people]:checked")
    # the name (the label also shows the person's availability at that time)
    assert [t.evaluate("e => e.labels[0].querySelector('span').innerText.trim()") for t in ticked.all()] == ["Hugo Bernard", "Inès Durand"]
    assert page.locator("fieldset.people-group legend").first.inner_text() == "Invités"  # listed first
    browser.screenshot(page, "meetings-prefilled-390")
    browser.assert_clean()

"""End to end at 390 px (Chromium via Playwright): book a room from its page, then see the
conflict, live while filling the form and on saving, when a second booking overlaps."""

import pytest

from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member

from .helpers import room


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_books_a_room_on_a_phone_and_sees_the_conflict_of_an_overlapping_booking(browser):
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, username="lea.phone", first_name="Léa", last_name="Martin")
    salle = room(org, "Salle Le Chêne")
    page = browser.phone()
    browser.log_in(page, "lea.phone", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")

    def book(title, start, end):
        page.goto(f"{browser.url}/navigateur/ressources/{salle.pk}/")
        page.get_by_role("link", name="Réserver", exact=True).click()
        # Typing the date and times re-runs the live check, before the title is even typed.
        page.locator("#id_day").fill("2030-03-05")
        page.locator("#id_start_time").fill(start)
        page.locator("#id_end_time").fill(end)

    book("Atelier théâtre", "10:00", "11:00")
    page.get_by_text("Aucun conflit : le créneau est libre.").wait_for()
    page.get_by_label("Titre").fill("Atelier théâtre")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/agenda/evenements/*/")
    assert page.locator("h1").inner_text() == "Atelier théâtre"

    book("Répétition chorale", "10:30", "11:30")
    page.get_by_text("réservation existante « Atelier théâtre »").first.wait_for()
    page.get_by_label("Titre").fill("Répétition chorale")
    browser.screenshot(page, "agenda-conflict-390")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_role("alert").first.inner_text().startswith("1 date est en conflit")
    browser.assert_clean()

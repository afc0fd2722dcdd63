"""At 390 px: the reception agent opens the « Accueil » tab's sheet with one thumb and sends a
phone message with the people picker; without JavaScript the tab is a page with the same actions."""

import pytest

from maillon.accounts.roles import Role
from maillon.reception.models import PhoneMessage
from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_agent_sends_a_message_from_the_tab_on_a_phone(browser):
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, Role.RECEPTION, sector_name=None, username="agent.phone", first_name="Nadège", last_name="Bellerose")
    make_member(org, username="ana.anim", first_name="Ana", last_name="Lemoine")
    make_member(org, username="bruno.anim", first_name="Bruno", last_name="Perrin")
    page = browser.phone()
    browser.log_in(page, "agent.phone", TEST_PASSWORD, lands_on="**/navigateur/tableau-de-bord/")
    tab = page.get_by_role("link", name="Accueil")
    box = tab.bounding_box()
    assert box["y"] > 844 - 160  # at the bottom, above the bottom bar: within the thumb's reach
    tab.click()
    dialog = page.get_by_role("dialog", name="Accueil")
    dialog.wait_for()
    action = dialog.get_by_role("link", name="Message téléphonique")
    assert action.bounding_box()["y"] > 844 / 2  # a bottom sheet
    browser.screenshot(page, "reception-sheet-390")
    action.click()
    page.get_by_label("Filtrer les personnes par nom").fill("lem")
    assert not page.get_by_label("Bruno Perrin").is_visible()
    page.get_by_label("Ana Lemoine").check()
    page.fill("#id_caller_name", "Mme Pivoine Lagarrigue")
    page.fill("#id_caller_number", "06 11 22 33 44")
    page.fill("#id_text", "Rappeler au sujet de mercredi.")
    page.get_by_label("Urgent", exact=True).check()
    page.get_by_role("button", name="Envoyer le message").click()
    page.get_by_text("Message envoyé à Ana Lemoine.").wait_for()
    assert page.locator("[data-live-receipt]").first.inner_text().startswith("Envoyé à ")
    browser.screenshot(page, "reception-today-390")
    message = PhoneMessage.objects.get()
    assert (message.caller_number, message.urgency) == ("+33611223344", "urgent")
    assert browser.csp_violations() == []

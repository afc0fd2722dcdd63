"""End to end at 390 px: the comms officer publishes a news item in the back office (Wagtail)
and a staff member sees it on the organisation's home page and dashboard."""

import pytest

from maillon.accounts.roles import Role
from maillon.testing import TEST_PASSWORD, OrganisationFactory, make_member


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_lets_the_comms_officer_publish_news_that_staff_see(browser, settings, tmp_path):
    from maillon.content.editors import ensure_home

    settings.MEDIA_ROOT = tmp_path
    org = OrganisationFactory(name="Centre social du Navigateur", slug="navigateur")
    make_member(org, Role.COMMUNICATION, username="com.phone", first_name="Chloé", last_name="Com")
    make_member(org, username="staff.phone", first_name="Léa", last_name="Martin")
    home = ensure_home(org)
    editor = browser.phone()
    browser.log_in(editor, "com.phone", TEST_PASSWORD)
    editor.goto(f"{browser.url}/navigateur/tableau-de-bord/")
    # On a phone the back office is in the full menu (the bottom bar's « Menu »).
    editor.locator(".bottomnav").get_by_role("link", name="Menu").click()
    editor.locator("main").get_by_role("link", name="Modifier l’intranet").click()
    editor.wait_for_url(f"**/cms/pages/{home.pk}/")
    editor.goto(f"{browser.url}/cms/pages/add/content/newspage/{home.pk}/")
    editor.locator("#id_title").fill("Kermesse du centre samedi")
    editor.locator("#id_intro").fill("Tout le monde est invité")
    editor.locator("button.w-dropdown__toggle.button").first.click()
    editor.locator('button[name="action-publish"]').click()
    editor.wait_for_url(f"**/cms/pages/{home.pk}/")
    browser.screenshot(editor, "content-publish-390")

    reader = browser.phone()
    browser.log_in(reader, "staff.phone", TEST_PASSWORD)
    reader.goto(f"{browser.url}/navigateur/accueil/")
    assert reader.get_by_role("link", name="Kermesse du centre samedi").is_visible()
    reader.goto(f"{browser.url}/navigateur/tableau-de-bord/")
    assert reader.get_by_role("link", name="Kermesse du centre samedi").is_visible()
    reader.get_by_role("link", name="Kermesse du centre samedi").click()
    reader.wait_for_url("**/navigateur/pages/kermesse-du-centre-samedi/")
    assert reader.locator("h1").inner_text() == "Kermesse du centre samedi"
    browser.screenshot(reader, "content-news-390")
    # The staff member has no back office.
    assert reader.get_by_role("link", name="Modifier l’intranet").count() == 0
    browser.assert_clean()

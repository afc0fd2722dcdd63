"""The framework on a phone (390 px) and a desktop (1280 px): a participant searches and proposes a
competency, the director accepts it; screenshots in screenshots/."""

import pytest

from maillon.competencies.models import Competency

from .test_framework_world import world_fixture  # noqa: F401


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_participant_proposes_from_a_phone_and_the_director_accepts(browser, world):
    page = browser.phone()
    browser.force_login(page, world.participant_user)
    page.goto(browser.url + world.url())
    assert page.locator("h1").inner_text() == world.framework.name
    page.fill("#q", "arnaque")
    page.locator("form.filter-bar button[type=submit]").first.click()
    assert "Repérer et prévenir les arnaques" in page.content()
    browser.screenshot(page, "framework-search-390")
    page.goto(browser.url + world.url("proposer/"))
    page.select_option("#id_domain", label="Médiation et accompagnement")
    page.fill("#id_name", "Accompagner une démarche de retraite en ligne")
    page.locator("main button[type=submit]").first.click()
    assert Competency.objects.get(name="Accompagner une démarche de retraite en ligne").status == "proposed"

    desk = browser.desktop()
    browser.force_login(desk, world.director)
    desk.goto(browser.url + world.url())
    browser.screenshot(desk, "framework-editor-1280")
    desk.locator("#proposed-title ~ ul form button").first.click()
    assert Competency.objects.get(name="Accompagner une démarche de retraite en ligne").status == "active"
    phone = browser.phone()
    browser.force_login(phone, world.director)
    phone.goto(browser.url + world.url())
    browser.screenshot(phone, "framework-editor-390")
    browser.assert_clean()
